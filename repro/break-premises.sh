#!/usr/bin/env bash
# break-premises.sh (by hand, after make check): each claim the reproducer
# asserts must fail when its premise is broken. Takes a copy of the last
# run's table (build/runs/repro-results*), breaks one row in each copy (the
# device's write never reached the page the application maps, the bug not
# reproduced, the patched kernel granting the pin, fsync() failing, the
# control losing data, a boot that failed; then, on a copy of the patched
# kernel's logs, the switch on by default, the command line's switch not
# seen, the unsafe pin not reported) and runs the assertions on it:
# every line must say "caught". Exits non-zero otherwise. (The first break
# made for real, a gup_repro that does not write: README, "Showing that the
# tests can fail".)
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=repro.sh
. "$TOP/repro/repro.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
tables=("$RUNS"/repro-results*)
[ ${#tables[@]} -gt 0 ] || die "no reproducer table in $RUNS: run make check first"
cat "${tables[@]}" | sort -u >"$tmp/real"
kernels=(base patched)
rc=0

# expect_caught NAME PATTERN: assert_results (on $RESULTS, with the logs in
# $RUNS) must fail, and say why: with a line matching PATTERN.
expect_caught() {
	PREMISE_WHY=$2 premise catch "$1" assert_results
}

# break_row NAME KERNEL FS MODE COLUMN VALUE: the real table with that
# column of that row changed; assert_results must fail on that row.
break_row() {
	local name=$1 col
	col=$(print_header | awk -v c="$5" '{ for (i = 1; i <= NF; i++) if ($i == c) print i }')
	awk -v k="$2" -v f="$3" -v m="$4" -v c="$col" -v v="$6" \
		'$1 == k && $2 == f && $3 == m { $c = v } { print }' "$tmp/real" >"$tmp/broken"
	RESULTS=$tmp/broken expect_caught "$name" "assert failed: $2 $3 $4"
}

RESULTS=$tmp/real
if assert_results >"$tmp/out" 2>&1; then
	echo "passes on the real table"
else
	echo "FAILS ON THE REAL TABLE:"
	cat "$tmp/out"
	rc=1
fi
break_row "the device's write never reached the application's mapping" base ext4 longterm mapping old
break_row "the data survived on the base (the bug not reproduced)" base xfs longterm after-power-cut new
break_row "fsync() failed instead of lying" base ext4 longterm fsync -5
break_row "the patched kernel granted the pin" patched xfs longterm pin granted
break_row "the control lost its data" patched ext4 control after-power-cut old
break_row "the file system left unclean" patched ext4 longterm fsck errors
break_row "a boot failed" base xfs shortterm result ERROR

# The patched kernel's switch: a copy of its logs (the last run's).
[ -d "$RUNS/patched/repro" ] || die "no run of the patched kernel in $RUNS/patched/repro: run make check first"
mkdir -p "$tmp/runs/patched/repro"
(cd "$RUNS/patched/repro" && cp --parents run-output.log read-output.log ./*/run-console.log \
	"$tmp/runs/patched/repro/")
logs=$tmp/runs/patched/repro
# The default not off: the run boot reads it on.
sed -i 's/^boot-switch: 0$/boot-switch: 1/' "$logs/run-output.log"
RUNS=$tmp/runs RESULTS=$tmp/real expect_caught "the switch on by default" \
	"assert failed: patched: vm.gup_longterm_file_write read 1 at boot"
sed -i 's/^boot-switch: 1$/boot-switch: 0/' "$logs/run-output.log"
# The command line's switch not seen by the read boot.
sed -i 's/^boot-switch: 1$/boot-switch: 0/' "$logs/read-output.log"
RUNS=$tmp/runs RESULTS=$tmp/real expect_caught "the command line's switch not seen" \
	"assert failed: patched: sysctl.vm.gup_longterm_file_write=1 on the command line"
sed -i 's/^boot-switch: 0$/boot-switch: 1/' "$logs/read-output.log"
# The unsafe pin granted without a word: its kernel log emptied.
: >"$logs/xfs-unsafe/run-console.log"
RUNS=$tmp/runs RESULTS=$tmp/real expect_caught "the unsafe pin not reported" \
	"assert failed: patched xfs unsafe: no report"
exit $((rc | premise_rc))
