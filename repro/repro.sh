#!/usr/bin/env bash
# repro.sh [--assert] [--runs N] [--build|--no-build] [KERNEL...]: reproduce the data loss that
# long-term write pins of MAP_SHARED file mappings cause, on the base and the
# patched kernel (default: both), with the file on ext4 and on xfs.
#
# Each case (kernel, fs, mode) is three boots with the same disks, in
# build/runs/KERNEL/repro-FS-MODE/ (repro-FS-MODE.RUN/ with --runs):
#   setup  guest/setup.sh creates the file, clean shutdown
#   run    guest/run.sh: repro MODE (guest/repro.c) with the gup_repro
#          module (guest/gup_repro.c) playing the device, then a power cut
#          (sysrq b)
#   read   guest/read.sh: mount (journal replay), read the file back
# then a host-side fsck of the file system. One table row per case.
#
# --assert: exit non-zero unless the base kernel loses the device's write
# under a long-term pin on ext4 and xfs (the application saw that write
# through its mapping, fsync() returned 0, the disk kept the old data), the patched kernel refuses that pin
# with EFAULT and leaves a clean file system, the control (no pin) keeps its
# data on both kernels and short-term pins lose the write on both (the series
# leaves them alone). Every boot must succeed too, and on the base kernel the
# dirty-warn case must warn exactly once (in ext4_dirty_folio).
# --runs N: run each case N times.
#
# Then, one boot per kernel (guest/partial.sh): a long-term write pin, in one
# call, of anonymous memory followed by a MAP_SHARED file, through the slow
# and the fast path. One row per kernel and file system: how many pages the
# call pinned. --assert: the base pins all of them, the patched kernel only
# the anonymous ones (the documented partial pin).
#
# The guest programs (gup_repro built against each kernel, repro) are built
# and packed into the initramfs first; --build does only that, --no-build
# skips it (make check builds them once, then runs base and patched at the
# same time, each with its own table and its own claims).
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

declare -A TREES=([base]=$BASE_TREE [patched]=$PATCHED_TREE)
MODES=(longterm unsafe shortterm control dirty-warn)
EXT4_WARNING='fs/ext4/inode.c:[0-9]+ ext4_dirty_folio'
ROW_FORMAT='%-8s %-5s %-11s %-4s %-16s %-8s %-6s %-17s %-16s %-9s %-6s %s\n'

# make check builds each patch in turn into $OUT/patched: make sure the kernel
# there is the whole series, not a step on the way.
check_patched_kernel() {
	local tree=$PATCHED_TREE file
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
		cp "$TOP"/repro/guest/{Makefile,gup_repro.c,gup_repro.h} "$dir/"
		if ! make -C "${TREES[$kernel]}" O="$OUT/$kernel" M="$dir" >"$dir/build.log" 2>&1; then
			cat "$dir/build.log" >&2
			die "building gup_repro against the $kernel kernel failed"
		fi
		! grep -q 'warning:' "$dir/build.log" ||
			die "gup_repro builds with warnings against the $kernel kernel, see $dir/build.log"
		cp "$dir/gup_repro.ko" "$GUEST_BIN/gup_repro-$kernel.ko"
	done
	gcc -static -O2 -Wall -Wextra -Werror -I"$TOP/repro/guest" -o "$GUEST_BIN/repro" \
		"$TOP/repro/guest/repro.c" || die "building repro/guest/repro.c failed"
	"$COMMON/initramfs.sh" "$PATCHED_TREE"
}

# boot STEP DIR KERNEL FS MODE [vm-run.sh options]: one boot of a case; its
# logs are kept as DIR/STEP-console.log and DIR/STEP-output.log.
boot() {
	local step=$1 dir=$2 kernel=$3 fs=$4 mode=$5 rc=0
	shift 5
	local append="repro.kernel=$kernel repro.fs=$fs repro.mode=$mode"
	# unsafe: a long-term pin with the administrator's switch on.
	[ "$mode" != unsafe ] || append+=" gup_longterm_file_write=1"
	"$COMMON/vm-run.sh" "$@" --append "$append" \
		"$OUT/$kernel" "repro/$step.sh" "$dir" >"$dir/$step-vm-run.log" 2>&1 || rc=$?
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

	local out=$dir/run-output.log pin mapping fsync odirect data warnings fsck=clean result
	pin=$(value "$out" pin | tr -d ' ')
	mapping=$(value "$out" mapping)
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
	printf "$ROW_FORMAT" "$kernel" "$fs" "$mode" "$run" "$pin" "$mapping" "$fsync" "$odirect" \
		"$data" "${warnings:-0}" "$fsck" "$result" >"$dir/result"
}

print_header() {
	# shellcheck disable=SC2059 # the format is a constant
	printf "$ROW_FORMAT" kernel fs mode run pin mapping fsync disk-after-fsync after-power-cut warnings fsck result
}

# ran KERNEL: this invocation runs KERNEL's cases (its claims are checked).
ran() {
	[[ " ${kernels[*]} " == *" $1 "* ]]
}

# expect_result KERNEL FS MODE COLUMN=VALUE...: the case ran, and every run of
# it has these values in these columns of the table (nothing to check if
# this invocation does not run KERNEL).
expect_result() {
	local kernel=$1 fs=$2 mode=$3 rc=0
	shift 3
	ran "$kernel" || return 0
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
		expect_result base "$fs" longterm pin=granted mapping=new fsync=0 disk-after-fsync=old \
			after-power-cut=old result=LOST || rc=1
		# The fix.
		expect_result patched "$fs" longterm pin="refused(EFAULT)" fsck=clean result=refused || rc=1
		# The administrator's way back: the old behaviour, with its
		# consequence, reported as unsafe.
		expect_result patched "$fs" unsafe pin=granted mapping=new fsync=0 disk-after-fsync=old \
			after-power-cut=old result=LOST || rc=1
		if ran patched && ! grep -q 'gup: granted an unsafe long-term write pin for repro\[' \
			"$RUNS/patched/repro-$fs-unsafe"*/run-console.log; then
			echo "assert failed: patched $fs unsafe: no report of the unsafe pin" >&2
			rc=1
		fi
		for kernel in base patched; do
			expect_result "$kernel" "$fs" control mapping=new fsync=0 after-power-cut=new \
				fsck=clean result=kept || rc=1
			# Not fixed by the series: short-term pins.
			expect_result "$kernel" "$fs" shortterm pin=granted mapping=new fsync=0 \
				after-power-cut=old result=LOST || rc=1
		done
	done
	# Dirtying without the page lock behind ext4's back: one WARNING.
	! ran base || expect_result base ext4 dirty-warn pin=granted mapping=new warnings=1 result=kept || rc=1
	if grep -q ' ERROR$' "$RESULTS"; then
		echo "assert failed: some boots failed (the ERROR rows; see their errors file)" >&2
		rc=1
	fi
	[ "$rc" -eq 0 ] && echo "assert: all claims hold"
	return $rc
}

# partial_pins KERNEL: the partial-pin boot; one row per file system in
# $PARTIAL_RESULTS.
partial_pins() {
	local kernel=$1 dir=$RUNS/$1/repro-partial rc=0
	mkdir -p "$dir"
	"$COMMON/vm-run.sh" --disks --append "repro.kernel=$kernel" "$OUT/$kernel" repro/partial.sh \
		"$dir" >"$dir/vm-run.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "$kernel: the partial-pin boot failed (exit $rc), see $dir" >&2
		echo "$kernel - ERROR ERROR" >>"$PARTIAL_RESULTS"
		return
	fi
	awk -v k="$kernel" '
		/^fs: / { fs = $2 }
		/^partial-slow: / { slow = $2 $3 $4 }
		/^partial-fast: / { printf "%s %s %s %s\n", k, fs, slow, $2 $3 $4 }' \
		"$dir/output.log" >>"$PARTIAL_RESULTS"
}

assert_partial() {
	local kernel fs want rc=0
	for kernel in "${kernels[@]}"; do
		want="8of8 8of8"
		[ "$kernel" = patched ] && want="4of8 4of8"
		for fs in ext4 xfs ramfs; do
			grep -qx "$kernel $fs $want" "$PARTIAL_RESULTS" || {
				echo "assert failed: partial pin, $kernel $fs: expected (slow fast) $want," \
					"saw: $(grep "^$kernel $fs " "$PARTIAL_RESULTS" || echo nothing)" >&2
				rc=1
			}
		done
	done
	[ "$rc" -eq 0 ] && echo "assert: partial pins as documented"
	return $rc
}

main() {
	local assert=0 runs=1 build=1
	kernels=()
	while [ $# -gt 0 ]; do
		case $1 in
		--assert) assert=1 ;;
		--runs) runs=${2:?--runs needs a number}; shift ;;
		--build) build=only ;;
		--no-build) build=0 ;;
		base | patched) kernels+=("$1") ;;
		*) die "usage: repro.sh [--assert] [--runs N] [--build|--no-build] [base] [patched]" ;;
		esac
		shift
	done
	[ ${#kernels[@]} -gt 0 ] || kernels=(base patched)
	[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, not '$runs'"
	need_packages e2fsprogs xfsprogs

	[ "$build" = 0 ] || build_guest_programs
	[ "$build" != only ] || return 0
	for kernel in "${kernels[@]}"; do
		[ -f "$GUEST_BIN/gup_repro-$kernel.ko" ] ||
			die "no gup_repro module for the $kernel kernel in $GUEST_BIN: run repro.sh --build $kernel first"
	done
	# One table per set of kernels: make check runs base and patched at once.
	local suffix=""
	[ ${#kernels[@]} -eq 2 ] || suffix=-${kernels[0]}
	RESULTS=$RUNS/repro-results$suffix
	PARTIAL_RESULTS=$RUNS/repro-partial-results$suffix
	mkdir -p "$RUNS"
	: >"$RESULTS"
	print_header
	local kernel fs mode run dir
	for kernel in "${kernels[@]}"; do
		for fs in ext4 xfs; do
			for mode in "${MODES[@]}"; do
				[ "$mode" = dirty-warn ] && [ "$fs" != ext4 ] && continue
				# The switch exists on the patched kernel only.
				[ "$mode" = unsafe ] && [ "$kernel" != patched ] && continue
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
	echo
	echo "One long-term write pin of 4 anonymous pages followed by 4 pages of a MAP_SHARED file:"
	: >"$PARTIAL_RESULTS"
	for kernel in "${kernels[@]}"; do
		partial_pins "$kernel"
	done
	{
		echo "kernel fs pin_user_pages() pin_user_pages_fast()"
		sed 's/\([0-9]\)of\([0-9]\)/\1 of \2/g; s/ of /_of_/g' "$PARTIAL_RESULTS"
	} | column -t | sed 's/_of_/ of /g'
	echo "logs: $RUNS/KERNEL/repro-*/; took $((SECONDS / 60))m$((SECONDS % 60))s"
	[ "$assert" -eq 1 ] || return 0
	local rc=0
	assert_results || rc=1
	assert_partial || rc=1
	return $rc
}

# (Sourced by repro/break-premises.sh for its functions only.)
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
