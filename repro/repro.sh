#!/usr/bin/env bash
# repro.sh [--assert] [--runs N] [KERNEL...]: reproduce the data loss that
# long-term write pins of MAP_SHARED file mappings cause, on the base and the
# patched kernel (default: both), with the file on ext4 and on xfs.
#
# Each case (kernel, fs, mode) is three boots with the same disks, in
# build/runs/KERNEL/repro-FS-MODE/ (repro-FS-MODE.RUN/ with --runs):
#   setup  tests/repro-setup.sh creates the file, clean shutdown
#   run    tests/repro-run.sh: repro MODE (repro/repro.c) with the gup_repro
#          module playing the device, then a power cut (sysrq b)
#   read   tests/repro-read.sh: mount (journal replay), read the file back
# then a host-side fsck of the file system. One table row per case.
#
# --assert: exit non-zero unless the base kernel loses the device's write
# under a long-term pin on ext4 and xfs, the patched kernel refuses that pin
# with EFAULT and leaves a clean file system, the control (no pin) keeps its
# data on both kernels and short-term pins lose the write on both (the series
# leaves them alone). Every boot must succeed too, and on the base kernel the
# dirty-warn case must warn exactly once (in ext4_dirty_folio).
# --runs N: run each case N times.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RUNS=$BUILD/runs
RESULTS=$RUNS/repro-results
declare -A TREES=([base]=$BASE_TREE [patched]=$BUILD/check)
MODES=(longterm shortterm control dirty-warn)
EXT4_WARNING='fs/ext4/inode.c:[0-9]+ ext4_dirty_folio'
ROW_FORMAT='%-8s %-5s %-11s %-4s %-16s %-6s %-17s %-16s %-9s %-6s %s\n'

# make check builds each patch in turn into $OUT/patched: make sure the kernel
# there is the whole series, not a step on the way.
check_patched_kernel() {
	local tree=$BUILD/check file
	[ "$(git -C "$tree" rev-parse HEAD)" = "$(git -C "$tree" rev-parse series)" ] ||
		die "$tree is at '$(git -C "$tree" log -1 --format=%s)', not at the end of the series: $OUT/patched is not the patched kernel (is make check building?)"
	# Documentation and tools (the selftest) are not part of the kernel.
	for file in $(git -C "$tree" diff --name-only base series -- . ':!Documentation' ':!tools'); do
		[ "$OUT/patched/vmlinux" -nt "$tree/$file" ] ||
			die "$OUT/patched/vmlinux is older than $tree/$file: the patched kernel is not built from the series"
	done
}

# Build gup_repro against every kernel, and the repro program, into
# $GUEST_BIN, and repack the initramfs with them.
build_guest_programs() {
	need_packages gcc make
	local kernel dir
	mkdir -p "$GUEST_BIN"
	for kernel in "${kernels[@]}"; do
		[ -f "$OUT/$kernel/Module.symvers" ] ||
			die "the $kernel kernel is not built ($OUT/$kernel has no Module.symvers)"
		[ "$kernel" = base ] || check_patched_kernel
		dir=$BUILD/repro-module/$kernel
		rm -rf "$dir"
		mkdir -p "$dir"
		cp "$TOP"/repro/{Makefile,gup_repro.c,gup_repro.h} "$dir/"
		if ! make -C "${TREES[$kernel]}" O="$OUT/$kernel" M="$dir" >"$dir/build.log" 2>&1; then
			cat "$dir/build.log" >&2
			die "building gup_repro against the $kernel kernel failed"
		fi
		! grep -q 'warning:' "$dir/build.log" ||
			die "gup_repro builds with warnings against the $kernel kernel, see $dir/build.log"
		cp "$dir/gup_repro.ko" "$GUEST_BIN/gup_repro-$kernel.ko"
	done
	gcc -static -O2 -Wall -Wextra -Werror -I"$TOP/repro" -o "$GUEST_BIN/repro" \
		"$TOP/repro/repro.c" || die "building repro/repro.c failed"
	"$TOP/scripts/initramfs.sh" "$BUILD/check"
}

# boot STEP DIR KERNEL FS MODE [vm-run.sh options]: one boot of a case; its
# logs are kept as DIR/STEP-console.log and DIR/STEP-output.log.
boot() {
	local step=$1 dir=$2 kernel=$3 fs=$4 mode=$5 rc=0
	shift 5
	"$TOP/scripts/vm-run.sh" "$@" --append "repro.kernel=$kernel repro.fs=$fs repro.mode=$mode" \
		"$OUT/$kernel" "repro-$step.sh" "$dir" >"$dir/$step-vm-run.log" 2>&1 || rc=$?
	mv "$dir/console.log" "$dir/$step-console.log" 2>/dev/null || true
	mv "$dir/output.log" "$dir/$step-output.log" 2>/dev/null || true
	if [ "$rc" -ne 0 ]; then
		echo "$step boot failed (exit $rc): $(grep -m1 '^error' "$dir/$step-vm-run.log")" >>"$dir/errors"
	fi
}

# value FILE KEY: the value of the last "KEY: value" line of FILE, or "-".
value() {
	local v
	v=$(sed -n "s/^$2: //p" "$1" 2>/dev/null | tail -1) || true
	echo "${v:--}"
}

check_fs() {
	local fs=$1 dir=$2
	case $fs in
	ext4) e2fsck -fn "$dir/ext4.img" ;;
	xfs) xfs_repair -f -n "$dir/xfs.img" ;;
	esac >"$dir/fsck.log" 2>&1
}

# run_case KERNEL FS MODE RUN DIR: the three boots and the fsck, then one
# result line (the table's columns) in DIR/result.
run_case() {
	local kernel=$1 fs=$2 mode=$3 run=$4 dir=$5 expect=() new=B
	rm -rf "$dir"
	mkdir -p "$dir"
	: >"$dir/errors"
	if [ "$kernel" = base ] && [ "$mode" = dirty-warn ]; then
		expect=(--expect-warning "$EXT4_WARNING")
	fi
	[ "$mode" = control ] && new=C

	boot setup "$dir" "$kernel" "$fs" "$mode" --disks
	[ -s "$dir/errors" ] || boot run "$dir" "$kernel" "$fs" "$mode" --keep-disks "${expect[@]}"
	[ -s "$dir/errors" ] || boot read "$dir" "$kernel" "$fs" "$mode" --keep-disks

	local out=$dir/run-output.log pin fsync odirect data warnings fsck=clean result
	pin=$(value "$out" pin | tr -d ' ')
	fsync=$(value "$out" fsync)
	odirect=$(value "$out" odirect-after-fsync)
	[ "$mode" = dirty-warn ] && odirect=$(value "$out" odirect-after-unpin)
	data=$(value "$dir/read-output.log" data)
	case $data in
	A) data=old ;;
	"$new") data=new ;;
	-) ;;
	*) data="other($data)" ;;
	esac
	warnings=$(grep -c 'WARNING:' "$dir/run-console.log" 2>/dev/null || true)
	check_fs "$fs" "$dir" || fsck=errors

	if [ -s "$dir/errors" ]; then
		result=ERROR
	elif [[ $pin == refused* ]]; then
		result=refused
	elif [ "$data" = new ]; then
		result=kept
	elif [ "$data" = old ]; then
		result=LOST
	else
		result="?"
	fi
	# shellcheck disable=SC2059 # the format is a constant
	printf "$ROW_FORMAT" "$kernel" "$fs" "$mode" "$run" "$pin" "$fsync" "$odirect" \
		"$data" "${warnings:-0}" "$fsck" "$result" >"$dir/result"
}

print_header() {
	# shellcheck disable=SC2059 # the format is a constant
	printf "$ROW_FORMAT" kernel fs mode run pin fsync disk-after-fsync after-power-cut warnings fsck result
}

# expect_result KERNEL FS MODE COLUMN=VALUE...: the case ran, and every run of
# it has these values in these columns of the table.
expect_result() {
	local kernel=$1 fs=$2 mode=$3 rc=0
	shift 3
	awk -v k="$kernel" -v f="$fs" -v m="$mode" -v want="$*" -v header="$(print_header)" '
		BEGIN {
			n = split(header, name)
			for (i = 1; i <= n; i++)
				col[name[i]] = i
			nw = split(want, w)
		}
		$1 == k && $2 == f && $3 == m {
			runs++
			for (i = 1; i <= nw; i++) {
				split(w[i], kv, "=")
				if ($col[kv[1]] != kv[2]) {
					printf "assert failed: %s %s %s run %s: %s is %s, expected %s\n",
						k, f, m, $4, kv[1], $col[kv[1]], kv[2]
					bad++
				}
			}
		}
		END {
			if (!runs)
				printf "assert failed: %s %s %s was not run\n", k, f, m
			exit !runs || bad
		}' "$RESULTS" >&2 || rc=1
	return $rc
}

# The claims of the series, and of this reproducer.
assert_results() {
	local fs kernel rc=0
	for fs in ext4 xfs; do
		# The bug: fsync() says 0, the disk and then the file keep the old data.
		expect_result base "$fs" longterm pin=granted fsync=0 disk-after-fsync=old \
			after-power-cut=old result=LOST || rc=1
		# The fix.
		expect_result patched "$fs" longterm pin="refused(EFAULT)" fsck=clean result=refused || rc=1
		for kernel in base patched; do
			expect_result "$kernel" "$fs" control fsync=0 after-power-cut=new fsck=clean result=kept || rc=1
			# Not fixed by the series: short-term pins.
			expect_result "$kernel" "$fs" shortterm pin=granted fsync=0 after-power-cut=old result=LOST || rc=1
		done
	done
	# Dirtying without the page lock behind ext4's back: one WARNING.
	expect_result base ext4 dirty-warn pin=granted warnings=1 result=kept || rc=1
	if grep -q ' ERROR$' "$RESULTS"; then
		echo "assert failed: some boots failed (the ERROR rows; see their errors file)" >&2
		rc=1
	fi
	[ "$rc" -eq 0 ] && echo "assert: all claims hold"
	return $rc
}

main() {
	local assert=0 runs=1
	kernels=()
	while [ $# -gt 0 ]; do
		case $1 in
		--assert) assert=1 ;;
		--runs) runs=${2:?--runs needs a number}; shift ;;
		base | patched) kernels+=("$1") ;;
		*) die "usage: repro.sh [--assert] [--runs N] [base] [patched]" ;;
		esac
		shift
	done
	[ ${#kernels[@]} -gt 0 ] || kernels=(base patched)
	[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, not '$runs'"
	need_packages e2fsprogs xfsprogs

	build_guest_programs
	mkdir -p "$RUNS"
	: >"$RESULTS"
	print_header
	local kernel fs mode run dir
	for kernel in "${kernels[@]}"; do
		for fs in ext4 xfs; do
			for mode in "${MODES[@]}"; do
				[ "$mode" = dirty-warn ] && [ "$fs" != ext4 ] && continue
				for run in $(seq "$runs"); do
					dir=$RUNS/$kernel/repro-$fs-$mode
					[ "$runs" -eq 1 ] || dir=$dir.$run
					run_case "$kernel" "$fs" "$mode" "$run" "$dir"
					cat "$dir/result"
					cat "$dir/result" >>"$RESULTS"
				done
			done
		done
	done
	echo "logs: $RUNS/KERNEL/repro-FS-MODE*/; took $((SECONDS / 60))m$((SECONDS % 60))s"
	[ "$assert" -eq 0 ] || assert_results
}

main "$@"
