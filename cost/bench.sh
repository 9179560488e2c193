#!/usr/bin/env bash
# bench.sh (make bench): what the series costs on the GUP paths. Builds the base
# and the patched kernel as users run them (configs/bench.config: -O2, no
# debugging), boots each with -icount shift=0 -smp 1 (guest time = executed
# instructions) and runs cost/guest/gup_bench.c in both. Writes build/bench/
# results.csv and cost.png and prints the table: memory x path x size ->
# instructions per page, base, patched, patched/base.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

BENCH=$BUILD/bench
# Both bench kernels are built from this one tree, checked out at the base
# and then at the series: with the same source path (and output
# directories side by side), ccache finds every object the series does not
# change, and the second build compiles only those it does.
BENCH_TREE=$BUILD/bench-tree

run_kernel() {
	local kernel=$1 logdir=$BUILD/runs/bench-$1/gup_bench
	say "benchmark on the $kernel kernel (icount: minutes)"
	# No ACPI, so no HPET to calibrate the TSC against: under icount it runs
	# at 1 GHz (one tick per instruction), so say so.
	"$COMMON/vm-run.sh" --icount --disks --timeout 3600 \
		--append "tsc_early_khz=1000000 tsc=reliable" \
		"$OUT/bench-$kernel" cost/gup_bench.sh "$logdir" ||
		die "the benchmark failed on the $kernel kernel, see $logdir"
	grep -E '^[a-z0-9-]+,[a-z-]+,[0-9]+,' "$logdir/output.log" >"$BENCH/$kernel.csv"
}

# results.csv: memory,path,size_kib,base,patched,ratio,base_pinned,patched_pinned
join_results() {
	awk -F, 'FNR == NR { base[$1 "," $2 "," $3] = $5; bpin[$1 "," $2 "," $3] = $4; next }
		{
			k = $1 "," $2 "," $3
			ratio = (base[k] > 0 && $5 != "") ? sprintf("%.3f", $5 / base[k]) : ""
			print k "," base[k] "," $5 "," ratio "," bpin[k] "," $4
		}' "$BENCH/base.csv" "$BENCH/patched.csv" >"$BENCH/results.csv"
}

print_table() {
	echo "Instructions per page (median of 11; -icount shift=0), base vs patched:"
	{
		echo "memory path size_KiB base patched patched/base pinned(base/patched)"
		awk -F, '{ printf "%s %s %s %s %s %s %s/%s\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
			"$BENCH/results.csv"
	} | column -t
}

plot() {
	local kinds
	kinds=$(cut -d, -f1 "$BENCH/results.csv" | sort -u | tr '\n' ' ')
	gnuplot <<-PLOT
		set terminal pngcairo noenhanced size 1200,800
		set output "$BENCH/cost.png"
		set datafile separator ","
		set logscale xy
		set xlabel "size pinned (KiB)"
		set ylabel "instructions per page"
		set title "pin_user_pages_fast(FOLL_LONGTERM | FOLL_WRITE): base (dashed) vs patched"
		set key outside right
		kinds = "$kinds"
		plot for [k in kinds] "< grep '^".k.",pin-fast-longterm-write,' $BENCH/results.csv" \
			using 3:4 with linespoints dashtype 2 title k." base", \
		     for [k in kinds] "< grep '^".k.",pin-fast-longterm-write,' $BENCH/results.csv" \
			using 3:5 with linespoints title k." patched"
	PLOT
}

main() {
	need_packages gnuplot-nox bsdextrautils
	mkdir -p "$BENCH"
	"$COMMON/base.sh"
	"$COMMON/tree.sh" "$PATCHED_TREE"
	[ -d "$BENCH_TREE/.git" ] || git clone -q "$PATCHED_TREE" "$BENCH_TREE" ||
		die "cannot clone $PATCHED_TREE into $BENCH_TREE"
	git -C "$BENCH_TREE" fetch -q "$PATCHED_TREE" base series ||
		die "cannot fetch the base and the series into $BENCH_TREE"
	git -C "$BENCH_TREE" checkout -q --detach "$(git -C "$PATCHED_TREE" rev-parse base)"
	"$COMMON/build-kernel.sh" "$BENCH_TREE" "$OUT/bench-base" \
		"$COMMON/configs/test.config" "$TOP/cost/bench.config"
	git -C "$BENCH_TREE" checkout -q --detach "$(git -C "$PATCHED_TREE" rev-parse series)"
	"$COMMON/build-kernel.sh" "$BENCH_TREE" "$OUT/bench-patched" \
		"$COMMON/configs/test.config" "$TOP/cost/bench.config"
	"$COMMON/initramfs.sh" "$PATCHED_TREE"
	run_kernel base
	run_kernel patched
	join_results
	plot
	print_table
	say "raw numbers: $BENCH/results.csv, plot: $BENCH/cost.png"
}

main "$@"
