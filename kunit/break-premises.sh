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

# must_catch NAME FILE: check_kunit_log fails on FILE, and says why.
must_catch() {
	PREMISE_WHY='\[FAILED\]|did not run|expected' premise catch "$1" check_kunit_log "$2" "$PATCHED_TREE"
}

PREMISE_WHY='Ran [0-9]+ tests' premise pass "the real log" check_kunit_log "$log" "$PATCHED_TREE"
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
# Without the ib_umem suite (as a test kernel without boot.config would
# run): kunit.py counts 102 tests and a missing one; the suite-name check
# says which suite it was.
awk '/^    # Subtest: ib_umem$/ { skip = 1 } skip && /^(not )?ok [0-9]+ ib_umem$/ { skip = 0; next } !skip' \
	"$log" >"$tmp/5"
must_catch "the ib_umem suite did not run" "$tmp/5"
sed -E '0,/^        ok 4 local write$/s//        not ok 4 local write/' "$log" >"$tmp/6"
must_catch "an ib_umem case failed" "$tmp/6"
exit $premise_rc
