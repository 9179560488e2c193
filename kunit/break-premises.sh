#!/usr/bin/env bash
# break-premises.sh (by hand, after make check): the KUnit check of make
# check must fail when its premise is broken. Takes a copy of the last
# run's console log (build/runs/patched/gup_longterm/console.log), breaks
# one thing in each copy (the hugetlb case skipped, as it is when no huge
# page can be had; a parameter missing; a case failed; the suite not run)
# and runs the check on it: every line must say "caught". Exits non-zero
# otherwise.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=checks.sh
. "$TOP/kunit/checks.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$RUNS/patched/gup_longterm/console.log
[ -s "$log" ] || die "no console log of the patched kernel: run make check first"
rc=0

# must_catch NAME FILE: check_kunit_log fails on FILE.
must_catch() {
	if check_kunit_log "$2" "$PATCHED_TREE" >"$tmp/out" 2>&1; then
		echo "NOT CAUGHT: $1"
		rc=1
	else
		echo "caught: $1: $(grep -m1 -E 'Ran [0-9]+ tests|did not run|expected' "$tmp/out")"
	fi
}

if check_kunit_log "$log" "$PATCHED_TREE" >"$tmp/out" 2>&1; then
	echo "passes on the real log: $(grep -m1 'Ran [0-9]* tests' "$tmp/out")"
else
	echo "FAILS ON THE REAL LOG"
	rc=1
fi
sed -E 's/^( +ok [0-9]+ folio_fast_pin_allowed_hugetlb_test)$/\1 # SKIP no huge page could be allocated/' \
	"$log" >"$tmp/1"
must_catch "the hugetlb case skipped" "$tmp/1"
sed '0,/^        ok 12 private writable, page_mkwrite$/{/^        ok 12 private writable, page_mkwrite$/d}' \
	"$log" >"$tmp/2"
must_catch "a parameter missing" "$tmp/2"
sed -E '0,/^        ok 1 anon private:$/s//        not ok 1 anon private:/' "$log" >"$tmp/3"
must_catch "a parameter failed" "$tmp/3"
grep -v 'gup_longterm' "$log" >"$tmp/4" || true
must_catch "the suite did not run" "$tmp/4"
exit $rc
