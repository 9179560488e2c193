#!/usr/bin/env bash
# repro.sh [--assert] [--runs N] [--build|--no-build] [KERNEL...]: reproduce the data loss that
# long-term write pins of MAP_SHARED file mappings cause, on the base and the
# patched kernel (default: both), with the file on ext4 and on xfs.
#
# The host makes the disks (mkfs.ext4 -d, mkfs.xfs -p), with one test file per
# case (kernel, fs, mode), then boots each kernel twice with them, in
# build/runs/KERNEL/repro/ (repro.RUN/ with --runs):
#   run    guest/run.sh: for each case in turn, repro MODE (guest/repro.c)
#          on the case's file, the gup_repro module (guest/gup_repro.c)
#          playing the device; each case leaves its pin held; then the
#          partial pins (below), and a power cut (sysrq b)
#   read   guest/read.sh: mount (journal replay), read each file back
# then a host-side fsck of each file system. One table row per case, from its
# part of the boots' logs (build/runs/KERNEL/repro/FS-MODE/).
#
# --assert: exit non-zero unless the base kernel loses the device's write
# under a long-term pin on ext4 and xfs (the application saw that write
# through its mapping, fsync() returned 0, the disk kept the old data), the
# patched kernel refuses that pin with EFAULT by default (the switch off)
# and leaves a clean file system, grants it with the switch on and says so
# (vm.gup_longterm_file_write=1 for the unsafe cases; the read boot checks
# that sysctl.vm.gup_longterm_file_write=1 on the command line turns it
# on), the control (no pin) keeps its data on both kernels and short-term
# pins lose the write on both (the series leaves them alone). Both boots must succeed too, and on the base
# kernel the dirty-warn case must warn exactly once (in ext4_dirty_folio).
# --runs N: run the cases N times.
#
# The partial pins: a long-term write pin, in one call, of anonymous memory
# followed by a MAP_SHARED file, through the slow and the fast path. One row
# per kernel and file system: how many pages the call pinned. --assert: the
# base pins all of them, the patched kernel only the anonymous ones (the
# documented partial pin).
#
# The guest programs (gup_repro built against each kernel, repro) are built
# and packed into the initramfs first; --build does only that, --no-build
# skips it (make check builds them once, then runs base and patched at the
# same time, each with its own table and its own claims).
#
# KERNEL durable (durable/durable.sh, not make check): the series with the
# durable-pins RFC (durable/patches/), built into $OUT/durable from
# $DURABLE_TREE. Its cases: longterm (the default, 0: refused as on the
# patched kernel), durable (vm.gup_longterm_file_write=2: kept on ext4,
# refused on xfs, which does not keep pins durable), durable-cycles (the
# same over 16 rounds of user write, background writeback, device write and
# fsync()), control, durable-syncfs (syncfs() instead of the second fsync())
# durable-layout (the layout changes refused under the pin, an O_DIRECT
# write into the pinned folio), durable-tail (the last pinned page holds
# the end of the file: refused by ext4 itself, which says why) and
# durable-enospc (a first pin of a hole while the file system is full:
# refused, its fault cannot reserve a block; then the space freed: kept).
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

declare -A TREES=([base]=$BASE_TREE [patched]=$PATCHED_TREE [durable]=$DURABLE_TREE)
MODES=(longterm unsafe shortterm control dirty-warn)
DURABLE_MODES=(longterm durable durable-cycles control durable-syncfs durable-layout
	durable-tail durable-enospc)
EXT4_WARNING='fs/ext4/inode.c:[0-9]+ ext4_dirty_folio'
ROW_FORMAT='%-8s %-5s %-14s %-4s %-16s %-8s %-6s %-17s %-16s %-9s %-6s %s\n'

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
		[ "$kernel" != patched ] || check_patched_kernel
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

# kernel_cases KERNEL: the cases KERNEL runs, one "FS MODE" per line.
kernel_cases() {
	local fs mode modes=("${MODES[@]}")
	[ "$1" != durable ] || modes=("${DURABLE_MODES[@]}")
	for fs in ext4 xfs; do
		for mode in "${modes[@]}"; do
			[ "$mode" = dirty-warn ] && [ "$fs" != ext4 ] && continue
			# The switch exists on the patched kernel only.
			[ "$mode" = unsafe ] && [ "$1" != patched ] && continue
			echo "$fs $mode"
		done
	done
}

# case_files DIR KERNEL: DIR/files/FS/repro-MODE.dat for each case, 4 pages
# of 'S' (the pattern repro never writes), for make_disks (lib.sh).
case_files() {
	local dir=$1 kernel=$2 fs mode
	rm -rf "$dir/files"
	mkdir -p "$dir/files/ext4" "$dir/files/xfs"
	while read -r fs mode; do
		head -c 16384 /dev/zero | tr '\000' S >"$dir/files/$fs/repro-$mode.dat"
	done < <(kernel_cases "$kernel")
}

# boot STEP DIR KERNEL [vm-run.sh options]: one boot (repro/STEP.sh) of all
# of KERNEL's cases; its logs are kept as DIR/STEP-console.log and
# DIR/STEP-output.log.
boot() {
	local step=$1 dir=$2 kernel=$3 rc=0 cases
	shift 3
	cases=$(kernel_cases "$kernel" | tr ' \n' ':,')
	local append="repro.kernel=$kernel repro.cases=${cases%,}"
	# The administrator's switch (the patched kernel only): the run boot
	# has the default (it says it saw it off) and turns it on for the unsafe
	# cases only; the read boot has it on the command line (it says it saw
	# it on).
	[ "$kernel" != patched ] || [ "$step" != read ] || append+=" sysctl.vm.gup_longterm_file_write=1"
	"$COMMON/vm-run.sh" "$@" --append "$append" \
		"$OUT/$kernel" "repro/$step.sh" "$dir" >"$dir/$step-vm-run.log" 2>&1 || rc=$?
	mv "$dir/console.log" "$dir/$step-console.log" 2>/dev/null || true
	mv "$dir/output.log" "$dir/$step-output.log" 2>/dev/null || true
	if [ "$rc" -ne 0 ]; then
		echo "$step boot failed (exit $rc): $(grep -m1 '^error' "$dir/$step-vm-run.log")" >>"$dir/errors"
	fi
}

# section FILE MARKER: the lines of FILE from the line MARKER to the next
# line that starts like it ("case: " in the outputs, "repro-case: " in the
# console, where the run boot logs each case's start).
# (nothing if FILE is missing: a boot that did not happen)
section() {
	[ -f "$1" ] || return 0
	awk -v m="$2" -v p="${2%%: *}: " 'index($0, p) == 1 { on = ($0 == m); next } on' "$1"
}

# value FILE KEY: the value of the last "KEY: value" line of FILE, or "-".
value() {
	local v
	v=$(sed -n "s/^$2: //p" "$1" 2>/dev/null | tail -1) || true
	echo "${v:--}"
}

# run_kernel KERNEL RUN DIR: KERNEL's cases, all in the same two boots with
# the same disks (each case has its own file): the run boot, the power cut,
# the read boot, then the host's fsck of each file system. Each case's part
# of the logs goes to DIR/FS-MODE/, its row (the table's columns) to
# DIR/FS-MODE/result.
run_kernel() {
	local kernel=$1 run=$2 dir=$3 expect=()
	rm -rf "$dir"
	mkdir -p "$dir"
	: >"$dir/errors"
	case_files "$dir" "$kernel"
	make_disks "$dir" "$dir/files" || die "making the reproducer's disks in $dir failed"
	# Dirtying without the page lock behind ext4's back (dirty-warn): the
	# base warns once; the patched kernel refuses that pin.
	[ "$kernel" != base ] || expect=(--expect-warning "$EXT4_WARNING")
	boot run "$dir" "$kernel" --keep-disks --timeout 600 "${expect[@]}"
	[ -s "$dir/errors" ] || boot read "$dir" "$kernel" --keep-disks
	local fs
	local -A fsck_of=([ext4]=clean [xfs]=clean)
	for fs in ext4 xfs; do
		check_disk "$fs" "$dir" || fsck_of[$fs]=errors
	done

	local mode cdir new pin mapping fsync odirect data warnings fsck result
	while read -r fs mode; do
		cdir=$dir/$fs-$mode
		mkdir -p "$cdir"
		section "$dir/run-output.log" "case: $fs $mode" >"$cdir/run-output.log"
		section "$dir/run-console.log" "repro-case: $fs $mode" >"$cdir/run-console.log"
		section "$dir/read-output.log" "case: $fs $mode" >"$cdir/read-output.log"
		new=B
		[ "$mode" = control ] && new=C
		[ "$mode" = durable-layout ] && new=E
		pin=$(value "$cdir/run-output.log" pin | tr -d ' ')
		mapping=$(value "$cdir/run-output.log" mapping)
		fsync=$(value "$cdir/run-output.log" fsync)
		odirect=$(value "$cdir/run-output.log" odirect-after-fsync)
		[ "$mode" = dirty-warn ] && odirect=$(value "$cdir/run-output.log" odirect-after-unpin)
		# (durable-syncfs: the sync after the device's write is syncfs())
		if [ "$mode" = durable-syncfs ]; then
			fsync=$(value "$cdir/run-output.log" syncfs)
			odirect=$(value "$cdir/run-output.log" odirect-after-syncfs)
		fi
		data=$(value "$cdir/read-output.log" data)
		case $data in
		A) data=old ;;
		"$new") data=new ;;
		-) ;;
		*) data="other($data)" ;;
		esac
		warnings=$(grep -c 'WARNING:' "$cdir/run-console.log" || true)
		fsck=${fsck_of[$fs]}
		if [ -s "$dir/errors" ] || [ "$(value "$cdir/run-output.log" case-exit)" != 0 ]; then
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
			"$data" "${warnings:-0}" "$fsck" "$result" >"$cdir/result"
	done < <(kernel_cases "$kernel")
}

print_header() {
	# shellcheck disable=SC2059 # the format is a constant
	printf "$ROW_FORMAT" kernel fs mode run pin mapping fsync disk-after-fsync after-power-cut warnings fsck result
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
	local fs kernel missing rc=0
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
		# (in every run: grep -L lists the logs without it, or missing)
		if ran patched; then
			missing=$(grep -L 'gup: granted an unsafe long-term write pin for repro\[' \
				"$RUNS/patched/repro"*/"$fs-unsafe/run-console.log" 2>&1) || true
			if [ -n "$missing" ]; then
				echo "assert failed: patched $fs unsafe: no report of the unsafe pin" >&2
				rc=1
			fi
		fi
		for kernel in base patched; do
			expect_result "$kernel" "$fs" control mapping=new fsync=0 after-power-cut=new \
				fsck=clean result=kept || rc=1
			# Not fixed by the series: short-term pins.
			expect_result "$kernel" "$fs" shortterm pin=granted mapping=new fsync=0 \
				after-power-cut=old result=LOST || rc=1
		done
	done
	# The switch: off by default in the run boot (whose longterm cases
	# are refused), on in the read boot, from its command line.
	local dir
	if ran patched; then
		for dir in "$RUNS"/patched/repro*/; do
			[ "$(value "$dir/run-output.log" boot-switch)" = 0 ] || {
				echo "assert failed: patched: vm.gup_longterm_file_write read" \
					"$(value "$dir/run-output.log" boot-switch) at boot, expected 0 (the default)" \
					"(${dir#"$RUNS"/}run-output.log)" >&2
				rc=1
			}
			[ "$(value "$dir/read-output.log" boot-switch)" = 1 ] || {
				echo "assert failed: patched: sysctl.vm.gup_longterm_file_write=1 on the command line," \
					"vm.gup_longterm_file_write read $(value "$dir/read-output.log" boot-switch)" \
					"(${dir#"$RUNS"/}read-output.log)" >&2
				rc=1
			}
		done
	fi
	# Dirtying without the page lock behind ext4's back: one WARNING.
	! ran base || expect_result base ext4 dirty-warn pin=granted mapping=new warnings=1 result=kept || rc=1
	assert_durable || rc=1
	if grep -q ' ERROR$' "$RESULTS"; then
		echo "assert failed: some boots failed (the ERROR rows; see their errors file)" >&2
		rc=1
	fi
	[ "$rc" -eq 0 ] && echo "assert: all claims hold"
	return $rc
}

# The durable kernel's claims: the default still refuses; setting 2 grants
# the pin on ext4 and keeps what the device wrote after the first fsync()
# (on the disk once the second fsync() returned 0, and after the power
# cut), and refuses it on xfs, saying why; it refuses, saying why and
# counting it, what ext4 itself cannot keep durable; no warning, clean file
# systems.
assert_durable() {
	local fs dir mode rc=0
	ran durable || return 0
	for mode in durable durable-cycles durable-syncfs durable-layout durable-tail durable-enospc; do
		expect_result durable xfs "$mode" pin="refused(EFAULT)" fsck=clean result=refused || rc=1
	done
	for fs in ext4 xfs; do
		expect_result durable "$fs" longterm pin="refused(EFAULT)" fsck=clean result=refused || rc=1
		expect_result durable "$fs" control mapping=new fsync=0 after-power-cut=new \
			fsck=clean result=kept || rc=1
	done
	expect_result durable ext4 durable pin=granted mapping=new fsync=0 disk-after-fsync=new \
		after-power-cut=new warnings=0 fsck=clean result=kept || rc=1
	# Every round of durable-cycles had its device write on disk after its
	# fsync(), background writeback between them.
	expect_result durable ext4 durable-cycles pin=granted mapping=new fsync=0 \
		disk-after-fsync=new after-power-cut=new warnings=0 fsck=clean result=kept || rc=1
	assert_cycles || rc=1
	# syncfs() instead of the second fsync(): the same.
	expect_result durable ext4 durable-syncfs pin=granted mapping=new fsync=0 \
		disk-after-fsync=new after-power-cut=new warnings=0 fsck=clean result=kept || rc=1
	# The pinned blocks stay: every layout change refused; an O_DIRECT
	# write goes into the pinned folio, which stays the file's page: the
	# device's next write is in the mapping and, after fsync(), on disk.
	expect_result durable ext4 durable-layout pin=granted mapping=new fsync=0 \
		disk-after-fsync=new after-power-cut=new warnings=0 fsck=clean result=kept || rc=1
	assert_layout || rc=1
	# A full file system at pin time: the pin of a hole is refused, nothing
	# is left behind (fsck); with the space back, pinned and kept.
	expect_result durable ext4 durable-enospc pin=granted mapping=new fsync=0 \
		disk-after-fsync=new after-power-cut=new warnings=0 fsck=clean result=kept || rc=1
	expect_lines durable-enospc "pin-at-enospc: refused (EFAULT)" "filler-removed: yes" || rc=1
	assert_refusals || rc=1
	for dir in "$RUNS"/durable/repro*/; do
		[ "$(value "$dir/run-output.log" boot-switch)" = 0 ] || {
			echo "assert failed: durable: vm.gup_longterm_file_write read" \
				"$(value "$dir/run-output.log" boot-switch) at boot, expected 0" >&2
			rc=1
		}
	done
	return $rc
}

# expect_report FS MODE PATTERN...: every run of the durable kernel's case FS
# MODE has a line matching each PATTERN (grep -E) in its kernel log.
expect_report() {
	local fs=$1 mode=$2 log pattern rc=0
	shift 2
	for log in "$RUNS"/durable/repro*/"$fs-$mode"/run-console.log; do
		for pattern in "$@"; do
			grep -qE "$pattern" "$log" 2>/dev/null || {
				echo "assert failed: durable $fs $mode: no \"$pattern\" in ${log#"$RUNS"/}" >&2
				rc=1
			}
		done
	done
	return $rc
}

# The refusals of setting 2, reported and counted: xfs does not keep pins
# durable; ext4 itself turns down the page that holds the end of a file
# whose size is not page aligned, and says why.
GUP_REPORT='gup: refused a long-term write pin for repro\[[0-9]+\]: '
assert_refusals() {
	local rc=0
	expect_report xfs durable "${GUP_REPORT}shared mapping of xfs .*cannot keep durable" || rc=1
	expect_report ext4 durable-tail \
		"EXT4-fs \(vd.\): inode [0-9]+: refusing a durable long-term write pin of page 3: the page holds the end of the file" \
		"${GUP_REPORT}page 3 of ext4 inode [0-9]+ on vd. could not be kept durable" || rc=1
	expect_lines durable-tail "size: 15872" "refusals-counted: 1" || rc=1
	return $rc
}

# expect_lines MODE LINE...: every run of the durable kernel's ext4 case MODE
# printed each LINE (its first line with LINE's key is LINE).
expect_lines() {
	local mode=$1 log want line rc=0
	shift
	for log in "$RUNS"/durable/repro*/ext4-"$mode"/run-output.log; do
		for want in "$@"; do
			line=$(grep -m1 "^${want%%:*}:" "$log" 2>/dev/null) || line="(none)"
			[ "$line" = "$want" ] || {
				echo "assert failed: durable ext4 $mode: $line, expected $want" \
					"(${log#"$RUNS"/})" >&2
				rc=1
			}
		done
	done
	return $rc
}

# durable-cycles: all its rounds ran and were kept (the row's
# disk-after-fsync says the same of the rounds that ran).
assert_cycles() {
	expect_lines durable-cycles "rounds-kept: 16 of 16"
}

# What each layout change returned under the pin (ETXTBSY, as for an active
# swap file), and the O_DIRECT write: done, into the pinned folio.
assert_layout() {
	expect_lines durable-layout "truncate: -1 (ETXTBSY)" "punch: -1 (ETXTBSY)" \
		"zero-range: -1 (ETXTBSY)" "collapse: -1 (ETXTBSY)" "insert: -1 (ETXTBSY)" \
		"odirect-write: 16384" "mapping-after-odirect-write: new" \
		"mapping-after-device-write: new"
}

# partial_rows KERNEL DIR: the partial pins of KERNEL's run boot in DIR, one
# row per file system in $PARTIAL_RESULTS.
partial_rows() {
	local kernel=$1 dir=$2
	if [ -s "$dir/errors" ]; then
		echo "$kernel - ERROR ERROR" >>"$PARTIAL_RESULTS"
		return
	fi
	section "$dir/run-output.log" "case: partial" | awk -v k="$kernel" '
		/^fs: / { fs = $2 }
		/^partial-slow: / { slow = $2 $3 $4 }
		/^partial-fast: / { printf "%s %s %s %s\n", k, fs, slow, $2 $3 $4 }' >>"$PARTIAL_RESULTS"
}

assert_partial() {
	local kernel fs want rows rc=0
	for kernel in "${kernels[@]}"; do
		want="8of8 8of8"
		[ "$kernel" = base ] || want="4of8 4of8"
		for fs in ext4 xfs ramfs; do
			# (every run's row, and at least one)
			rows=$(grep "^$kernel $fs " "$PARTIAL_RESULTS") || true
			if [ -z "$rows" ] || grep -vqx "$kernel $fs $want" <<<"$rows"; then
				echo "assert failed: partial pin, $kernel $fs: expected (slow fast) $want," \
					"saw: ${rows:-nothing}" >&2
				rc=1
			fi
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
		base | patched | durable) kernels+=("$1") ;;
		*) die "usage: repro.sh [--assert] [--runs N] [--build|--no-build] [base] [patched] [durable]" ;;
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
	: >"$PARTIAL_RESULTS"
	for kernel in "${kernels[@]}"; do
		# (no earlier run's logs: the assertions read all of them)
		rm -rf "$RUNS/$kernel"/repro "$RUNS/$kernel"/repro[.-]*
		for run in $(seq "$runs"); do
			dir=$RUNS/$kernel/repro
			[ "$runs" -eq 1 ] || dir=$dir.$run
			run_kernel "$kernel" "$run" "$dir"
			while read -r fs mode; do
				cat "$dir/$fs-$mode/result"
				cat "$dir/$fs-$mode/result" >>"$RESULTS"
			done < <(kernel_cases "$kernel")
			partial_rows "$kernel" "$dir"
		done
	done
	echo
	echo "One long-term write pin of 4 anonymous pages followed by 4 pages of a MAP_SHARED file:"
	{
		echo "kernel fs pin_user_pages() pin_user_pages_fast()"
		sed 's/\([0-9]\)of\([0-9]\)/\1 of \2/g; s/ of /_of_/g' "$PARTIAL_RESULTS"
	} | column -t | sed 's/_of_/ of /g'
	echo "logs: $RUNS/KERNEL/repro/; took $((SECONDS / 60))m$((SECONDS % 60))s"
	[ "$assert" -eq 1 ] || return 0
	local rc=0
	assert_results || rc=1
	assert_partial || rc=1
	return $rc
}

# (Sourced by repro/break-premises.sh for its functions only.)
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
