# shellcheck shell=bash
# The series' KUnit suites, host side: they run at boot of the patched test
# kernel (kunit/kunit.config and kunit/boot.config are merged into it);
# their results are parsed from the serial console with the kernel's own
# parser. Sourced by common/check.sh and common/check-all.sh (after
# common/lib.sh).

# The suites, and the number of cases (parameters counted one by one) they
# have together: gup_longterm's 102 and ib_umem's 9.
KUNIT_SUITES=(gup_longterm ib_umem)
KUNIT_CASES=111

# check_kunit_log CONSOLE_LOG TREE: every suite ran, kunit.py parses the
# log, and all $KUNIT_CASES cases passed: none failed, none was skipped.
check_kunit_log() {
	local log=$1 tree=$2 out suite
	[ -s "$log" ] || { echo "no console log"; return 1; }
	for suite in "${KUNIT_SUITES[@]}"; do
		grep -qw -- "# Subtest: $suite" "$log" || { echo "the $suite suite did not run"; return 1; }
	done
	# Without a terminal, kunit.py prints no colours.
	out=$(python3 "$tree/tools/testing/kunit/kunit.py" parse "$log" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	grep -q "Testing complete. Ran $KUNIT_CASES tests: passed: $KUNIT_CASES\$" <<<"$out" ||
		{ echo "expected: Ran $KUNIT_CASES tests: passed: $KUNIT_CASES (no failure, no skip)"; return 1; }
}

# The suite ran at boot of the patched kernel, in the selftest's run.
check_kunit() {
	check_kunit_log "$RUNS/patched/gup_longterm/console.log" "$PATCHED_TREE"
}
