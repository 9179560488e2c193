# shellcheck shell=bash
# The series' KUnit suite, host side: it runs at boot of the patched test
# kernel (kunit/kunit.config is merged into it); its results are parsed
# from the serial console with the kernel's own parser. Sourced by
# common/check.sh and common/check-all.sh (after common/lib.sh).

# The number of cases (parameters counted one by one) the suite has.
KUNIT_CASES=102

# check_kunit_log CONSOLE_LOG TREE: the suite ran, kunit.py parses it, and
# all $KUNIT_CASES cases passed: none failed, none was skipped.
check_kunit_log() {
	local log=$1 tree=$2 out
	[ -s "$log" ] || { echo "no console log"; return 1; }
	grep -q '# Subtest: gup_longterm' "$log" || { echo "the gup_longterm suite did not run"; return 1; }
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
