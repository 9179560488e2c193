#!/usr/bin/env bash
# break-premises.sh (by hand; no VM): the verdicts of the vm selftests must
# catch what exit statuses alone miss. Runs the guest's own judge
# (vmtests/guest/judge.sh) on made-up test outputs, reads them back as
# vmtests/checks.sh does and compares with vmtests/expected's lines: a TAP
# test that exits 0 after a "not ok" (6.1's soft-dirty through
# ksft_exit_pass()), one whose plan has more cases than ran, the expected
# failure of split_huge_page_test turned into a crash (139) or a missing
# binary (127), and a ksm_tests -U failure that is not the known race (it
# must not get a second try). Every line must say "caught". Exits non-zero
# otherwise.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=checks.sh
. "$TOP/vmtests/checks.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
judge=$TOP/vmtests/guest/judge.sh
rc=0

# verdict NAME RC OUTPUT-TEXT: the results line the host reads for a test
# that printed OUTPUT-TEXT and exited RC.
verdict() {
	printf '%b' "$3" >"$tmp/out"
	sh -c '. "$1"; judge "$2" "$3" "$4"' sh "$judge" "$1" "$2" "$tmp/out" >"$tmp/log"
	vmtest_results "$tmp/log"
}

# expect NAME WHAT RC OUTPUT-TEXT: NAME's expected line must differ from
# the verdict (caught) or equal it (passes, for the unbroken output).
expect() {
	local name=$1 what=$2 want got
	want=$(expected_vmtests all | grep -F "$name: ")
	got=$(verdict "$name" "$3" "$4")
	if [ "$what" = pass ] && [ "$got" = "$want" ]; then
		echo "passes: $name as recorded ($got)"
	elif [ "$what" = pass ]; then
		echo "FAILS: $name: got '$got', recorded '$want'"
		rc=1
	elif [ "$got" != "$want" ]; then
		echo "caught: $name $5: $got"
	else
		echo "NOT CAUGHT: $name $5"
		rc=1
	fi
}

tap='TAP version 13\n1..3\nok 1 first\nok 2 second\nok 3 third\n# Totals: pass:3 fail:0\n'
expect soft-dirty pass 0 "$tap"
expect soft-dirty catch 0 "${tap/ok 2/not ok 2}" "(a case not ok, exit 0)"
expect soft-dirty catch 0 'TAP version 13\n1..3\nok 1 first\nok 2 second\n' "(a case of the plan missing, exit 0)"
expect split_huge_page_test pass 1 'No THP is allocated\n'
expect split_huge_page_test catch 139 'No THP is allocated\n' "(a segfault)"
expect split_huge_page_test catch 127 'sh: split_huge_page_test: not found\n' "(no binary)"
printf 'Not OK\n' >"$tmp/race"
printf 'Scan time limit exceeded\nNot OK\n' >"$tmp/timeout"
if sh -c '. "$1"; known_race "$2"' sh "$judge" "$tmp/race" &&
	! sh -c '. "$1"; known_race "$2"' sh "$judge" "$tmp/timeout"; then
	echo "caught: ksm_tests -U timing out is not the known race (no second try); its race is"
else
	echo "NOT CAUGHT: ksm_tests -U's known race and another failure told apart"
	rc=1
fi
exit $rc
