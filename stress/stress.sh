#!/usr/bin/env bash
# stress.sh [--seconds N] [--smoke] [KERNEL...] (make stress): the series under the
# kernel's own sanitizers. Builds a debug variant of the test kernel for the
# base and the patched tree (stress/stress.config: KASAN, lockdep, RCU,
# DEBUG_VM, DEBUG_VM_PGFLAGS, DEBUG_ATOMIC_SLEEP, DEBUG_LIST, swap) into
# build/out/KERNEL-stress and boots each once with stress/guest/stress.sh:
# the race stress for N seconds (default 300 per kernel), the gup_test
# fuzzer, a data check across a remount; then checks the disks (e2fsck -fn,
# xfs_repair -n), and runs the base's vm selftests (make check's quick set)
# on the same debug kernel. Prints the figures and fails on any kernel
# complaint (KASAN, lockdep, DEBUG_VM, WARNING, BUG: vm-run.sh), a long-term
# write pin of a shared ext4 or xfs file granted by the patched kernel (or
# a race that pinned nothing), a base kernel that granted none (the
# calibration must show the bug; its long-term pins go through gup_test's
# benchmark ioctls), a fuzz call that broke a valid one, a data or
# file system error, vm selftest results other than vmtests/expected.
#
# --smoke: the short version make check runs: no debug kernel of its own,
# the test kernel make check built (lockdep, DEBUG_VM, DEBUG_ATOMIC_SLEEP;
# not KASAN), 30 s of races (--seconds), 20000 fuzz calls, the data check
# and fsck, the same assertions; no vm selftests (make check runs them).
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=../vmtests/checks.sh
. "$TOP/vmtests/checks.sh"

declare -A TREES=([base]=$BASE_TREE [patched]=$PATCHED_TREE)
smoke=0
fuzz_calls=100000

# kernel_out KERNEL: where KERNEL's kernel is built; run_dir KERNEL: its run.
kernel_out() {
	if [ "$smoke" -eq 1 ]; then echo "$OUT/$1"; else echo "$OUT/$1-stress"; fi
}
run_dir() {
	if [ "$smoke" -eq 1 ]; then echo "$RUNS/$1/stress-smoke"; else echo "$RUNS/$1-stress/stress"; fi
}

run_kernel() {
	local kernel=$1 seconds=$2 dir rc=0 append fs out
	dir=$(run_dir "$kernel")
	out=$(kernel_out "$kernel")
	if [ "$smoke" -eq 0 ]; then
		"$COMMON/build-kernel.sh" "${TREES[$kernel]}" "$out" \
			"${TEST_FRAGMENTS[@]}" "$TOP/stress/stress.config" ||
			die "the $kernel stress kernel does not build"
	fi
	[ -f "$out/$KERNEL_IMAGE" ] || die "the $kernel kernel is not built in $out"
	append="stress.seconds=$seconds stress.fuzz=$fuzz_calls"
	# The base's gup_test hands any flags to GUP, which warns about some;
	# it has no long-term test ioctls: its benchmark ones pin long-term.
	if [ "$kernel" = base ]; then
		append+=" stress.longterm=benchmark"
	else
		append+=" stress.flags=any"
	fi
	say "stress on the $kernel kernel ($seconds s of races, then $fuzz_calls fuzz calls)"
	"$COMMON/vm-run.sh" --disks --timeout $((seconds + 1200)) --append "$append" \
		"$out" stress/stress.sh "$dir" || rc=$?
	[ "$rc" -eq 0 ] || echo "error: the $kernel kernel's run failed (vm-run.sh exit $rc), see $dir" >&2
	if [ "$smoke" -eq 0 ] && ! grep -q 'KernelAddressSanitizer initialized' "$dir/console.log"; then
		echo "error: KASAN is not on in the $kernel stress kernel" >&2
		rc=1
	fi
	for fs in ext4 xfs; do
		if check_disk "$fs" "$dir"; then
			echo "fsck $fs: clean" >>"$dir/figures"
		else
			echo "fsck $fs: ERRORS (see $dir/fsck-$fs.log)" >>"$dir/figures"
			rc=1
		fi
	done
	[ "$smoke" -eq 1 ] || run_kernel_vmtests "$kernel" || rc=1
	return $rc
}

# run_kernel_vmtests KERNEL: the base's own vm selftests (the quick set of
# make check) on KERNEL's debug kernel give the results vmtests/expected
# records, as on the test kernel.
run_kernel_vmtests() {
	local kernel=$1 figures results
	figures=$(run_dir "$kernel")/figures
	results=$RUNS/$kernel-stress/vmtests-quick/results
	say "the base's vm selftests (quick set) on the $kernel stress kernel"
	if ! run_vmtests "$kernel-stress" quick >"$RUNS/$kernel-stress/vmtests.log" 2>&1; then
		echo "vm selftests: the run failed, see $RUNS/$kernel-stress/vmtests.log" >>"$figures"
		return 1
	fi
	if diff -u --label expected --label "$kernel-stress" <(expected_vmtests quick) "$results" \
		>"$RUNS/$kernel-stress/vmtests.diff"; then
		echo "vm selftests (quick set): as recorded, $(grep -c ': pass$' "$results") passed," \
			"$(grep -c ': fail ' "$results") failed (as on the test kernel)" >>"$figures"
	else
		echo "vm selftests (quick set): NOT as recorded, see $RUNS/$kernel-stress/vmtests.diff" >>"$figures"
		return 1
	fi
}

# The figures of KERNEL's run.
figures() {
	local kernel=$1 dir
	dir=$(run_dir "$kernel")
	echo "== $kernel"
	sed -n 's/^race: //p; /^fuzz: /p; s/^datacheck: /data: /p; /^swap: /p; /^ksm: /p' "$dir/output.log" | sed 's/^/    /'
	sed 's/^/    /' "$dir/figures" 2>/dev/null || true
	echo "    kernel complaints (KASAN, lockdep, DEBUG_VM, WARNING, BUG): $(grep -cE 'WARNING:|BUG:|KASAN|possible circular locking|INFO: ' "$dir/console.log" || true)"
}

# race_rows KERNEL: KERNEL's race lines (stress/guest/race.c) as
# "ARENA|PIN|attempts|granted|refused|errors|EOPNOTSUPP errors|read failed|
# held across truncate|punch|cow|pageout".
race_rows() {
	awk -F' [|] ' '/^race: .* [|] attempts / {
		sub(/^race: /, "", $1)
		split($3, f, /[ ,]+/)
		eop = 0
		if (match($3, /EOPNOTSUPP:[0-9]+/))
			eop = substr($3, RSTART + 11, RLENGTH - 11)
		split($4, r, / /)
		split($5, h, /[ ,]+/)
		print $1 "|" $2 "|" f[2] "|" f[4] "|" f[6] "|" f[8] "|" eop "|" r[3] "|" h[4] "|" h[6] "|" h[8] "|" h[10]
	}' "$(run_dir "$1")/output.log"
}

# sum_field KERNEL ARENA PIN-REGEX FIELD: field FIELD (race_rows' numbering)
# of KERNEL's rows of ARENA and a pin matching PIN-REGEX, summed ("" if the
# race printed no such row).
sum_field() {
	race_rows "$1" | awk -F'|' -v arena="$2" -v pin="^($3)\$" -v f="$4" '
		$1 == arena && $2 ~ pin { sum += $f; n++ }
		END { if (n) print sum }'
}

# granted KERNEL ARENA PIN-REGEX: the pins of that kind KERNEL granted in
# the race, summed ("" if the race printed no such line).
granted() {
	sum_field "$1" "$2" "$3" 4
}

# The patched kernel granted no long-term write pin of a shared ext4 or xfs
# file, whatever raced with it (gup_test, slow and fast, and io_uring), and
# refused each one for the rule's reason: gup_test's with EFAULT and
# nothing else, io_uring's with its own EOPNOTSUPP and nothing else; the
# race did pin: the pins the rule allows were granted.
check_rule() {
	local bad fs rc=0 rw='long-term read-write [a-z]+' uring='io_uring fixed buffer'
	for fs in ext4 xfs; do
		bad=$(granted patched "$fs MAP_SHARED" "$rw|$uring")
		[ "${bad:-x}" = 0 ] || {
			echo "error: the patched kernel granted ${bad:-?} long-term write pins of a shared $fs file" >&2
			rc=1
		}
		if ! { [ "$(sum_field patched "$fs MAP_SHARED" "$rw" 6)" = 0 ] &&
			[ "$(sum_field patched "$fs MAP_SHARED" "$rw" 5)" -gt 0 ] 2>/dev/null; }; then
			echo "error: the long-term write pins of a shared $fs file were not all refused with EFAULT" >&2
			rc=1
		fi
		if ! { [ "$(sum_field patched "$fs MAP_SHARED" "$uring" 6)" = \
			"$(sum_field patched "$fs MAP_SHARED" "$uring" 7)" ] &&
			[ "$(sum_field patched "$fs MAP_SHARED" "$uring" 7)" -gt 0 ] 2>/dev/null; }; then
			echo "error: io_uring's registrations of a shared $fs file were not all refused with EOPNOTSUPP" >&2
			rc=1
		fi
		[ "$(granted patched "$fs MAP_SHARED" 'long-term read-only [a-z]+')" -gt 0 ] 2>/dev/null || {
			echo "error: no long-term read-only pin of a shared $fs file was granted: did the race pin at all?" >&2
			rc=1
		}
	done
	[ "$(granted patched 'anonymous THP' 'long-term read-write [a-z]+')" -gt 0 ] 2>/dev/null || {
		echo "error: no long-term write pin of anonymous memory was granted: did the race pin at all?" >&2
		rc=1
	}
	return $rc
}

# The race raced: on KERNEL, granted pins were held across each kind of
# mutation of their arena (race.c's "held across"), and said how many.
check_interference() {
	local kind field=9 n rc=0
	for kind in truncate punch cow pageout; do
		n=$(race_rows "$1" | awk -F'|' -v f=$field '{ sum += $f } END { print sum + 0 }')
		echo "$1: granted pins held across a $kind of their arena: $n"
		[ "$n" -gt 0 ] || {
			echo "error: no pin was held across a $kind: the threads did not race" >&2
			rc=1
		}
		field=$((field + 1))
	done
	return $rc
}

# The pin check (race.c): on the patched kernel every read-only long-term
# pin of the private file mapping showed what the mapping showed, the file
# kept what was written to it, in every round.
check_pincheck() {
	local line rounds
	line=$(grep '^pincheck: /' "$(run_dir patched)/output.log") ||
		{ echo "error: the pin check did not run" >&2; return 1; }
	echo "patched: $line"
	rounds=$(sed -n 's/.*rounds \([0-9]*\),.*/\1/p' <<<"$line")
	if ! { [ "${rounds:-0}" -gt 0 ] &&
		grep -q ", pin as mapped $rounds, mismatches 0, file intact $rounds," <<<"$line"; }; then
		echo "error: the pin check failed: a pin did not hold what the mapping shows" >&2
		return 1
	fi
}

# The data check on KERNEL: the files written before the stress, read back
# after the remount, whole (their byte counts) and with the digests taken
# before; on the patched kernel the pin check's file too.
check_data() {
	local log fs rc=0 want=()
	log=$(run_dir "$1")/output.log
	for fs in ext4 xfs; do
		want+=("datacheck: /mnt/$fs/data.chk: 1048576 bytes verified"
			"datacheck: sha256 of /mnt/$fs/data.chk: OK")
	done
	[ "$1" = base ] || want+=("datacheck: /mnt/ext4/pincheck: 65536 bytes verified")
	for line in "${want[@]}"; do
		grep -qxF "$line" "$log" || { echo "error: $1: no \"$line\"" >&2; rc=1; }
	done
	return $rc
}

# The base (the calibration) has the bug and the stress shows it: it
# granted long-term write pins of shared ext4 and xfs files (counted, not an
# error), and the race pinned.
check_calibration() {
	local fs n rc=0
	for fs in ext4 xfs; do
		n=$(granted base "$fs MAP_SHARED" 'long-term read-write [a-z]+')
		[ "${n:-0}" -gt 0 ] || {
			echo "error: the base kernel granted no long-term write pin of a shared $fs file: the stress did not reach the bug" >&2
			rc=1
		}
	done
	return $rc
}

main() {
	local seconds=300 kernel rc=0
	kernels=()
	while [ $# -gt 0 ]; do
		case $1 in
		--seconds) seconds=${2:?--seconds needs a number}; shift ;;
		--smoke) smoke=1 ;;
		base | patched) kernels+=("$1") ;;
		*) die "usage: stress.sh [--seconds N] [--smoke] [base] [patched]" ;;
		esac
		shift
	done
	[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "--seconds wants a positive number, not '$seconds'"
	if [ "$smoke" -eq 1 ]; then
		fuzz_calls=20000
		[ "$seconds" != 300 ] || seconds=30
		[ ${#kernels[@]} -gt 0 ] || kernels=(patched)
	fi
	[ ${#kernels[@]} -gt 0 ] || kernels=(base patched)
	need_packages e2fsprogs xfsprogs
	if [ "$smoke" -eq 0 ]; then
		"$COMMON/base.sh"
		"$COMMON/tree.sh" "$PATCHED_TREE"
		"$COMMON/initramfs.sh" "$PATCHED_TREE"
	fi
	for kernel in "${kernels[@]}"; do
		mkdir -p "$(run_dir "$kernel")"
		: >"$(run_dir "$kernel")/figures"
		run_kernel "$kernel" "$seconds" || rc=1
	done
	for kernel in "${kernels[@]}"; do
		figures "$kernel"
	done
	for kernel in "${kernels[@]}"; do
		check_data "$kernel" || rc=1
		if ! grep -q '^swap: on$' "$(run_dir "$kernel")/output.log"; then
			echo "error: $kernel: no swap: MADV_PAGEOUT paged out no anonymous memory" >&2
			rc=1
		fi
	done
	if ran patched; then
		check_rule || rc=1
		check_interference patched || rc=1
		check_pincheck || rc=1
	fi
	if ran base; then
		check_calibration || rc=1
	fi
	echo "took $((SECONDS / 60))m$((SECONDS % 60))s"
	return $rc
}

# (sourced by stress/break-premises.sh, which calls the checks)
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
