#!/usr/bin/env bash
# break-premises.sh (by hand, after make check): each selftest check of make
# check must fail when its premise is broken. Takes copies of the last run's
# logs (build/runs/{patched,base}/gup_longterm/output.log), breaks one thing
# in each (a file system not mounted, the benchmark fallback, a failed or
# skipped case, a base failure with another outcome) and runs the check on
# it: every line must say "caught". Exits non-zero otherwise.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=checks.sh
. "$TOP/selftest/checks.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
patched=$RUNS/patched/gup_longterm/output.log
base=$RUNS/base/gup_longterm/output.log
if [ ! -s "$patched" ] || [ ! -s "$base" ]; then
	die "no selftest logs: run make check first"
fi
PREMISE_WHY='no run|expected|^[+>]|passed'
must_pass() { premise pass "$@"; }
must_catch() { premise catch "$@"; }

# shellcheck disable=SC2317 # called through must_pass and must_catch
base_outcomes() {
	diff <(grep -v '^#' "$TOP/selftest/base-failures" | sort) <("$TOP/selftest/tap.sh" outcomes "$1")
}

must_pass "sections" check_sections "$patched" start
sed 's/^== gup_longterm on ext4 (mounted: ext4)$/== gup_longterm on ext4 (mounted: tmpfs)/' \
	"$patched" >"$tmp/1"
must_catch "ext4 not mounted (the selftest ran on the initramfs)" check_sections "$tmp/1" start
sed 's/^# pinning through PIN_LONGTERM_TEST_START$/# PIN_LONGTERM_TEST_START not implemented: pinning through the benchmark ioctls/' \
	"$patched" >"$tmp/2"
must_catch "the patched run fell back to the benchmark ioctls" check_sections "$tmp/2" start
must_pass "counts" check_counts "$patched" "" "$(expected_skips)"
awk '/^ok / && !done && /MAP_SHARED: read-write pin, fast/ { sub(/^ok /, "not ok "); done = 1 } { print }' \
	"$patched" >"$tmp/3"
must_catch "one case failed on the patched kernel" check_counts "$tmp/3" "" "$(expected_skips)"
awk '/^ok / && !done && /read-only pin, slow/ { sub(/$/, " # SKIP broken on purpose"); done = 1 } { print }' \
	"$patched" >"$tmp/4"
must_catch "a case skipped instead of passing" check_counts "$tmp/4" "" "$(expected_skips)"
must_pass "base failures and their outcomes" base_outcomes "$base"
sed '0,/MAP_SHARED | read-write pin, slow | granted | expected/s//MAP_SHARED | read-write pin, slow | refused: EPERM | expected/' \
	"$base" >"$tmp/5"
must_catch "a base failure with another outcome" base_outcomes "$tmp/5"
exit $premise_rc
