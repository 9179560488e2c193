#!/usr/bin/env bash
# break-premises.sh (by hand, after make check): each claim the reproducer
# asserts must fail when its premise is broken. Takes a copy of the last
# run's table (build/runs/repro-results*), breaks one row in each copy (the
# device's write never reached the page the application maps, the bug not
# reproduced, the patched kernel granting the pin, fsync() failing, the
# control losing data, a boot that failed; then the run boot not seeing the
# switch the command line gives, the unsafe pin not reported) and runs the assertions on it:
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

# break_row NAME KERNEL FS MODE COLUMN VALUE: the real table with that
# column of that row changed; assert_results must fail on it.
break_row() {
	local name=$1 col
	col=$(print_header | awk -v c="$5" '{ for (i = 1; i <= NF; i++) if ($i == c) print i }')
	awk -v k="$2" -v f="$3" -v m="$4" -v c="$col" -v v="$6" \
		'$1 == k && $2 == f && $3 == m { $c = v } { print }' "$tmp/real" >"$tmp/broken"
	RESULTS=$tmp/broken
	if assert_results >"$tmp/out" 2>&1; then
		echo "NOT CAUGHT: $name"
		rc=1
	else
		echo "caught: $name: $(grep -m1 -e "assert failed: $2 $3 $4" -e 'some boots failed' "$tmp/out")"
	fi
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

# The switch on the command line not seen by the run boot: a copy of the
# patched kernel's logs with vm.gup_longterm_file_write read as 0.
mkdir -p "$tmp/runs/patched/repro"
(cd "$RUNS/patched/repro" && cp --parents run-output.log ./*/run-console.log "$tmp/runs/patched/repro/")
sed -i 's/^boot-switch: 1$/boot-switch: 0/' "$tmp/runs/patched/repro/run-output.log"
if RUNS=$tmp/runs RESULTS=$tmp/real assert_results >"$tmp/out" 2>&1; then
	echo "NOT CAUGHT: the command line's switch not seen"
	rc=1
else
	echo "caught: the command line's switch not seen: $(grep -m1 'assert failed: patched: gup_longterm' "$tmp/out")"
fi

# The patched kernel granted the unsafe pin without saying so: the copy with
# the switch restored and the unsafe case's kernel log emptied.
sed -i 's/^boot-switch: 0$/boot-switch: 1/' "$tmp/runs/patched/repro/run-output.log"
: >"$tmp/runs/patched/repro/xfs-unsafe/run-console.log"
if RUNS=$tmp/runs RESULTS=$tmp/real assert_results >"$tmp/out" 2>&1; then
	echo "NOT CAUGHT: the unsafe pin not reported"
	rc=1
else
	echo "caught: the unsafe pin not reported: $(grep -m1 'assert failed: patched xfs unsafe' "$tmp/out")"
fi
exit $rc
