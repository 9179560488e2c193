#!/usr/bin/env bash
# stress.sh [--seconds N] [KERNEL...] (make stress): the series under the
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
# a race that pinned nothing), a fuzz call that broke a valid one, a data or
# file system error, vm selftest results other than vmtests/expected.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=../vmtests/checks.sh
. "$TOP/vmtests/checks.sh"

declare -A TREES=([base]=$BASE_TREE [patched]=$PATCHED_TREE)

run_kernel() {
	local kernel=$1 seconds=$2 dir=$RUNS/$1-stress/stress rc=0 append fs
	"$COMMON/build-kernel.sh" "${TREES[$kernel]}" "$OUT/$kernel-stress" \
		"${TEST_FRAGMENTS[@]}" "$TOP/stress/stress.config" ||
		die "the $kernel stress kernel does not build"
	append="stress.seconds=$seconds"
	# The base's gup_test hands any flags to GUP, which warns about some.
	[ "$kernel" = base ] || append+=" stress.flags=any"
	say "stress on the $kernel kernel ($seconds s of races, then 100000 fuzz calls)"
	"$COMMON/vm-run.sh" --disks --timeout $((seconds + 1200)) --append "$append" \
		"$OUT/$kernel-stress" stress/stress.sh "$dir" || rc=$?
	grep -q 'KernelAddressSanitizer initialized' "$dir/console.log" ||
		{ echo "error: KASAN is not on in the $kernel stress kernel" >&2; rc=1; }
	for fs in ext4 xfs; do
		if case $fs in
			ext4) e2fsck -fn "$dir/ext4.img" ;;
			xfs) xfs_repair -f -n "$dir/xfs.img" ;;
			esac >"$dir/fsck-$fs.log" 2>&1; then
			echo "fsck $fs: clean" >>"$dir/figures"
		else
			echo "fsck $fs: ERRORS (see $dir/fsck-$fs.log)" >>"$dir/figures"
			rc=1
		fi
	done
	run_kernel_vmtests "$kernel" || rc=1
	return $rc
}

# run_kernel_vmtests KERNEL: the base's own vm selftests (the quick set of
# make check) on KERNEL's debug kernel give the results vmtests/expected
# records, as on the test kernel.
run_kernel_vmtests() {
	local kernel=$1 figures=$RUNS/$1-stress/stress/figures results
	results=$RUNS/$kernel-stress/vmtests-quick/results
	say "the base's vm selftests (quick set) on the $kernel stress kernel"
	if ! run_vmtests "$kernel-stress" quick >"$RUNS/$kernel-stress/vmtests.log" 2>&1; then
		echo "vm selftests: the run failed, see $RUNS/$kernel-stress/vmtests.log" >>"$figures"
		return 1
	fi
	if diff -u --label expected --label "$kernel-stress" <(expected_vmtests quick) "$results" \
		>"$RUNS/$kernel-stress/vmtests.diff"; then
		echo "vm selftests (quick set): as recorded, $(grep -c ': pass$' "$results") passed," \
			"$(grep -c ': fail$' "$results") failed (as on the test kernel)" >>"$figures"
	else
		echo "vm selftests (quick set): NOT as recorded, see $RUNS/$kernel-stress/vmtests.diff" >>"$figures"
		return 1
	fi
}

# The figures of KERNEL's run.
figures() {
	local kernel=$1 dir=$RUNS/$1-stress/stress
	echo "== $kernel"
	sed -n 's/^race: //p; /^fuzz: /p; s/^datacheck: /data: /p; /^swap: /p; /^ksm: /p' "$dir/output.log" | sed 's/^/    /'
	sed 's/^/    /' "$dir/figures" 2>/dev/null || true
	echo "    kernel complaints (KASAN, lockdep, DEBUG_VM, WARNING, BUG): $(grep -cE 'WARNING:|BUG:|KASAN|possible circular locking|INFO: ' "$dir/console.log" || true)"
}

# granted KERNEL ARENA PIN-REGEX: the pins of that kind KERNEL granted in
# the race, summed ("" if the race printed no such line).
granted() {
	sed -n "s/^race: $2 | $3 | attempts [0-9]*, granted \([0-9]*\),.*/\1/p" \
		"$RUNS/$1-stress/stress/output.log" | paste -sd+ | bc
}

# The patched kernel granted no long-term write pin of a shared ext4 or xfs
# file, whatever raced with it (gup_test, slow and fast, and io_uring); and
# the race did pin: the pins the rule allows were granted.
check_rule() {
	local bad fs rc=0
	for fs in ext4 xfs; do
		bad=$(granted patched "$fs MAP_SHARED" '\(long-term read-write [a-z]*\|io_uring fixed buffer\)')
		[ "${bad:-x}" = 0 ] || {
			echo "error: the patched kernel granted ${bad:-?} long-term write pins of a shared $fs file" >&2
			rc=1
		}
		[ "$(granted patched "$fs MAP_SHARED" 'long-term read-only [a-z]*')" -gt 0 ] 2>/dev/null || {
			echo "error: no long-term read-only pin of a shared $fs file was granted: did the race pin at all?" >&2
			rc=1
		}
	done
	[ "$(granted patched 'anonymous THP' 'long-term read-write [a-z]*')" -gt 0 ] 2>/dev/null || {
		echo "error: no long-term write pin of anonymous memory was granted: did the race pin at all?" >&2
		rc=1
	}
	return $rc
}

main() {
	local seconds=300 kernel rc=0
	kernels=()
	while [ $# -gt 0 ]; do
		case $1 in
		--seconds) seconds=${2:?--seconds needs a number}; shift ;;
		base | patched) kernels+=("$1") ;;
		*) die "usage: stress.sh [--seconds N] [base] [patched]" ;;
		esac
		shift
	done
	[ ${#kernels[@]} -gt 0 ] || kernels=(base patched)
	need_packages e2fsprogs xfsprogs bc
	"$COMMON/base.sh"
	"$COMMON/tree.sh" "$PATCHED_TREE"
	"$COMMON/initramfs.sh" "$PATCHED_TREE"
	for kernel in "${kernels[@]}"; do
		mkdir -p "$RUNS/$kernel-stress/stress"
		: >"$RUNS/$kernel-stress/stress/figures"
		run_kernel "$kernel" "$seconds" || rc=1
	done
	for kernel in "${kernels[@]}"; do
		figures "$kernel"
	done
	if [[ " ${kernels[*]} " == *" patched "* ]]; then
		check_rule || rc=1
	fi
	echo "took $((SECONDS / 60))m$((SECONDS % 60))s"
	return $rc
}

main "$@"
