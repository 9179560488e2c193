#!/usr/bin/env bash
# check.sh: the tests (make check). Applies patches/ to a fresh base, checks
# style, builds every patch in turn, boots the base and the patched kernel and
# runs the series' tests on both: they must pass on the patched kernel and catch
# the bug on the base. Ends with "N passed, N failed".
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

CHECK_TREE=$BUILD/check
RUNS=$BUILD/runs
LOGS=$BUILD/check-logs
passed=0
failed=0

check_shell_scripts() {
	need_packages shellcheck
	(cd "$TOP" && shellcheck scripts/*.sh tests/*.sh vm/init .ci/run)
}

# checkpatch.pl --strict (with codespell) on every patch: no error, warning or
# check. Its "does MAINTAINERS need updating?" warning on new files is replaced
# by asking get_maintainer.pl: every touched file must have a maintainer entry.
check_style() {
	need_packages perl codespell python3-ply python3-git
	local dict patch rc=0
	dict=$(python3 -c 'import codespell_lib, os; print(os.path.dirname(codespell_lib.__file__))')/data/dictionary.txt
	for patch in "$TOP"/patches/0[0-9][0-9][1-9]-*.patch; do
		echo "== $(basename "$patch")"
		(cd "$BASE_TREE" && scripts/checkpatch.pl --strict --codespell --codespellfile "$dict" \
			--ignore FILE_PATH_CHANGES "$patch") || rc=1
		(cd "$BASE_TREE" && scripts/get_maintainer.pl --no-git --no-rolestats --no-l --no-r "$patch") |
			grep -q . || { echo "no maintainer for the files of $patch"; rc=1; }
	done
	return $rc
}

# Every commit of the series builds (the last one is the patched kernel).
build_each_patch() {
	local commit
	for commit in $(git -C "$CHECK_TREE" rev-list --reverse base..series); do
		echo "== $(git -C "$CHECK_TREE" log -1 --format=%s "$commit")"
		git -C "$CHECK_TREE" checkout -q "$commit"
		"$TOP/scripts/build-kernel.sh" "$CHECK_TREE" "$OUT/patched" || return 1
	done
	git -C "$CHECK_TREE" checkout -q series
}

run_gup_longterm() {
	local kernel=$1
	"$TOP/scripts/vm-run.sh" --disks "$OUT/$kernel" gup_longterm.sh "$RUNS/$kernel/gup_longterm"
}

# On the patched kernel every case passes, in every file system.
check_patched_gup_longterm() {
	run_gup_longterm patched
	local rc=$?
	"$TOP/scripts/tap.sh" counts "$RUNS/patched/gup_longterm/output.log"
	"$TOP/scripts/tap.sh" failures "$RUNS/patched/gup_longterm/output.log"
	return $rc
}

# On the base kernel the test runs and fails exactly where the fix matters.
check_base_gup_longterm() {
	local log=$RUNS/base/gup_longterm/output.log
	run_gup_longterm base || true
	[ -s "$log" ] || return 1
	"$TOP/scripts/tap.sh" counts "$log"
	grep -q 'PIN_LONGTERM_TEST_START not implemented' "$log" || {
		echo "the base run did not use the benchmark ioctls"
		return 1
	}
	diff -u <(grep -v '^#' "$TOP/tests/gup_longterm.base-failures" | sort -u) \
		<("$TOP/scripts/tap.sh" failures "$log")
}

# The series' KUnit suite ran at boot of the patched kernel: parse its results
# from the serial console with the kernel's own parser.
check_kunit() {
	local log=$RUNS/patched/gup_longterm/console.log
	[ -s "$log" ] || { echo "no console log from the patched kernel"; return 1; }
	grep -q '# Subtest: gup_longterm' "$log" || { echo "the gup_longterm suite did not run"; return 1; }
	python3 "$CHECK_TREE/tools/testing/kunit/kunit.py" parse "$log"
}

# The objects the series touches: sparse (C=2) and W=1 must not report
# anything that the same objects of the base do not already report.
ANALYSED_OBJECTS="mm/gup.o mm/mmap.o mm/gup_test.o io_uring/rsrc.o"

compiler_warnings() {
	local src=$1 out=$2
	# shellcheck disable=SC2086 # a list of make targets
	CCACHE_BASEDIR=$TOP make -C "$src" O="$out" CC="ccache gcc" -j"$(nproc)" C=2 W=1 $ANALYSED_OBJECTS 2>&1 |
		grep -E 'warning:|error:' | sed -e "s|$src/||" -e 's/:[0-9]*:[0-9]*:/:/' | sort -u
}

check_static_analysis() {
	need_packages sparse
	local base patched
	base=$(compiler_warnings "$BASE_TREE" "$OUT/base")
	patched=$(compiler_warnings "$CHECK_TREE" "$OUT/patched")
	echo "base: $(grep -c . <<<"$base") warnings, patched: $(grep -c . <<<"$patched")"
	! comm -13 <(echo "$base") <(echo "$patched") | grep .
}

# kernel-doc on the series' new non-static functions: any warning fails.
check_kernel_doc() {
	(cd "$CHECK_TREE" && scripts/kernel-doc -v -Werror -none \
		-function vma_needs_dirty_tracking mm/mmap.c)
}

# Documentation the series touches still parses as reStructuredText.
check_rst() {
	need_packages python3-docutils
	local file
	for file in $(git -C "$CHECK_TREE" diff --name-only base..series -- '*.rst'); do
		echo "== $file"
		python3 -m docutils --halt=warning --report=warning "$CHECK_TREE/$file" >/dev/null || return 1
	done
}

# A short run of the benchmark (make bench) on the test kernel, so that it
# cannot rot: every row measured, anonymous memory pinned, MAP_SHARED ext4
# write pins refused.
check_bench_smoke() {
	local log=$RUNS/patched/gup_bench/output.log
	"$TOP/scripts/vm-run.sh" --disks --append bench.quick "$OUT/patched" gup_bench.sh \
		"$RUNS/patched/gup_bench" || return 1
	grep -E '^[a-z0-9-]+,[a-z-]+,[0-9]+,' "$log" >"$RUNS/patched/gup_bench/rows.csv"
	echo "$(wc -l <"$RUNS/patched/gup_bench/rows.csv") rows"
	! grep -E ',(error|unavailable)' "$RUNS/patched/gup_bench/rows.csv" &&
		grep -q '^anon,pin-fast-longterm-write,64,all,' "$RUNS/patched/gup_bench/rows.csv" &&
		grep -q '^ext4-shared,pin-fast-longterm-write,64,refused,' "$RUNS/patched/gup_bench/rows.csv"
}

main() {
	mkdir -p "$LOGS"
	step "bench scripts pass shellcheck" check_shell_scripts
	step "base: Debian $BASE_PACKAGE as one commit" "$TOP/scripts/base.sh"
	step "patches: checkpatch.pl --strict clean" check_style
	step "patches: apply with git am onto the base" "$TOP/scripts/tree.sh" "$CHECK_TREE"
	step "base kernel builds" "$TOP/scripts/build-kernel.sh" "$BASE_TREE" "$OUT/base"
	step "every patch builds in turn" build_each_patch
	step "guest programs and initramfs build" "$TOP/scripts/initramfs.sh" "$CHECK_TREE"
	step "sparse and W=1: no new warnings in the touched objects" check_static_analysis
	step "kernel-doc on new functions" check_kernel_doc
	step "documentation parses as reStructuredText" check_rst
	step "patched kernel: gup_longterm passes on ext4, xfs, ramfs" check_patched_gup_longterm
	step "patched kernel: KUnit suite gup_longterm passes" check_kunit
	step "base kernel: gup_longterm catches the bug" check_base_gup_longterm
	step "benchmark smoke run (make bench, short)" check_bench_smoke
	step "reproducer: base loses fsync()ed data under a long-term pin, patched refuses the pin" \
		"$TOP/scripts/repro.sh" --assert
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
