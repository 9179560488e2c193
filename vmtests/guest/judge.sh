# shellcheck shell=sh
# The verdicts of the base's vm selftests (vmtests/guest/run.sh), in one
# file that vmtests/break-premises.sh can run on the host too.

# judge NAME RC OUTPUT: print NAME's verdict lines.
judge() {
	ok=$(grep -c '^ok [0-9]' "$3")
	notok=$(grep -c '^not ok [0-9]' "$3")
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$3" | head -n 1)
	tap=""
	[ -z "$plan" ] || tap=", tap: $ok ok, $notok not ok of $plan"
	case $2 in
	0) result=pass ;;
	4) result=skip ;;
	*) result=fail ;;
	esac
	if [ "$result" = pass ] && [ -n "$plan" ] &&
		{ [ "$notok" -ne 0 ] || [ $((ok + notok)) -ne "$plan" ]; }; then
		result=fail
	fi
	why=$(grep . "$3" | tail -n 1)
	# 6.1's khugepaged exits with the number of its checks that printed
	# "Fail": four of them is KSFT_SKIP's value. A test that printed a
	# failed check did not skip.
	failed_checks=$(grep -c 'Fail' "$3")
	if [ "$result" = skip ] && [ "$failed_checks" -ne 0 ]; then
		result=fail
		why="$failed_checks checks printed Fail"
	fi
	# (on a line of its own: a test may end without a newline)
	printf '\nvmtest: %s: %s (exit %s%s)\n' "$1" "$result" "$2" "$tap"
	[ "$result" != fail ] || printf 'vmtest-why: %s: %s\n' "$1" "$why"
}

# known_race OUTPUT: OUTPUT is what ksm_tests -U prints when it loses its
# race (see twice in run.sh): "Not OK" and nothing else.
known_race() {
	[ "$(grep . "$1")" = "Not OK" ]
}
