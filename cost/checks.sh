# shellcheck shell=bash
# The cost benchmark, host side, for make check: a short run of
# cost/guest/gup_bench.c on the patched test kernel, so that make bench cannot
# rot. Sourced by common/check.sh (after common/lib.sh).

# The rows of the short run: every memory kind and path at 64 KiB and 4 MiB.
# (A THP kind that got no PMD mapping prints a "no-thp" row instead.)
BENCH_SMOKE_ROWS=96

# Every row measured (no error, no kind unavailable, every THP kind really
# PMD-mapped), anonymous memory pinned, MAP_SHARED ext4 write pins refused.
check_bench_smoke() {
	local dir=$RUNS/patched/gup_bench rows
	"$COMMON/vm-run.sh" --disks --append bench.quick "$OUT/patched" cost/gup_bench.sh "$dir" ||
		return 1
	rows=$dir/rows.csv
	grep -E '^[a-z0-9-]+,[a-z-]+,[0-9]+,' "$dir/output.log" >"$rows"
	echo "$(wc -l <"$rows") rows"
	[ "$(wc -l <"$rows")" -eq "$BENCH_SMOKE_ROWS" ] ||
		{ echo "expected $BENCH_SMOKE_ROWS rows"; return 1; }
	! grep -E ',(error|unavailable|no-thp)' "$rows" &&
		grep -q '^anon,pin-fast-longterm-write,64,all,' "$rows" &&
		grep -q '^ext4-shared,pin-fast-longterm-write,64,refused,' "$rows"
}
