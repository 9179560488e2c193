#!/usr/bin/env bash
# check.sh (make check): applies patches/ to a fresh base, checks style,
# builds every patch in turn, boots the base and the patched kernel and runs
# the series' tests on both: they must pass on the patched kernel and catch
# the bug on the base. Ends with "N passed, N failed"; stops early, saying
# why, when a step that the later ones need fails.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=../selftest/checks.sh
. "$TOP/selftest/checks.sh"
# shellcheck source=../kunit/checks.sh
. "$TOP/kunit/checks.sh"
# shellcheck source=../cost/checks.sh
. "$TOP/cost/checks.sh"
# shellcheck source=../vmtests/checks.sh
. "$TOP/vmtests/checks.sh"
# shellcheck source=build-checks.sh
. "$COMMON/build-checks.sh"

LOGS=$BUILD/check-logs
passed=0
failed=0

check_shell_scripts() {
	(cd "$TOP" && shellcheck ./*/*.sh ./*/guest/*.sh common/guest/init .ci/run)
}

# The base is the one base.conf records, and its commit is the cover
# letter's base-commit: (the hash depends only on the package version).
check_base_record() {
	local subject commit recorded
	subject=$(git -C "$BASE_TREE" log -1 --format=%s)
	commit=$(git -C "$BASE_TREE" rev-parse HEAD)
	recorded=$(sed -n 's/^base-commit: //p' "$TOP/patches/0000-cover-letter.patch")
	echo "base: $subject, commit $commit"
	[ "$subject" = "Debian $BASE_PACKAGE $BASE_VERSION" ] ||
		{ echo "base.conf records $BASE_VERSION: the series was not verified on this base"; return 1; }
	[ "$commit" = "$recorded" ] ||
		{ echo "the cover letter says base-commit: $recorded"; return 1; }
}

# The hardware drivers the series touches: built as objects only, with
# common/configs/objects.config, at every patch.
DRIVER_OBJECTS=(drivers/infiniband/hw/mlx5/mr.o
	drivers/infiniband/hw/bnxt_re/ib_verbs.o drivers/infiniband/hw/cxgb4/mem.o
	drivers/infiniband/hw/efa/efa_verbs.o drivers/infiniband/hw/mlx4/mr.o
	drivers/infiniband/hw/ocrdma/ocrdma_verbs.o
	drivers/infiniband/hw/qedr/verbs.o drivers/infiniband/hw/vmw_pvrdma/pvrdma_mr.o
	drivers/infiniband/sw/rdmavt/mr.o drivers/gpu/drm/etnaviv/etnaviv_gem.o)

# build_driver_objects TREE OUT
build_driver_objects() {
	TARGETS="${DRIVER_OBJECTS[*]}" "$COMMON/build-kernel.sh" "$1" "$2" \
		"${TEST_FRAGMENTS[@]}" "$COMMON/configs/objects.config"
}

# Every commit of the series builds (the last one is the patched kernel):
# before the last, the objects of the C files the series touches and the
# hardware drivers' objects, in one make run per commit with the drivers'
# configuration (a superset of the test kernel's); at the last, the whole
# test kernel and the drivers' objects. At each commit the build prints no
# warning the base's build does not print, and the drivers' objects need
# no symbol a module cannot get (check_driver_symbols). A commit that
# changes only Documentation/ or tools/ (the selftest) leaves the kernel as
# it was: not built again. (make check-all builds the whole kernel at every
# commit.)
build_each_patch() {
	local commit last objects logs
	last=$(git -C "$PATCHED_TREE" rev-parse series)
	record_base_warnings
	for commit in $(git -C "$PATCHED_TREE" rev-list --reverse base..series); do
		echo "== $(git -C "$PATCHED_TREE" log -1 --format=%s "$commit")"
		git -C "$PATCHED_TREE" checkout -q "$commit"
		objects=""
		if [ "$commit" != "$last" ] && [ -z "$(git -C "$PATCHED_TREE" diff --name-only \
			"$commit^" "$commit" -- . ':!Documentation' ':!tools')" ]; then
			echo "(documentation or tools only: the kernel is the previous commit's)"
			continue
		fi
		logs=("$OUT/objects-patched/build.log")
		if [ "$commit" = "$last" ]; then
			"$COMMON/build-kernel.sh" "$PATCHED_TREE" "$OUT/patched" || return 1
			logs+=("$OUT/patched/build.log")
		else
			objects=$(series_objects "$commit")
			echo "objects: $objects"
		fi
		TARGETS="$objects ${DRIVER_OBJECTS[*]}" "$COMMON/build-kernel.sh" "$PATCHED_TREE" \
			"$OUT/objects-patched" "${TEST_FRAGMENTS[@]}" "$COMMON/configs/objects.config" || return 1
		if ! new_warnings "${logs[@]}"; then
			echo "error: this commit's build prints the warnings above, the base's does not"
			return 1
		fi
		check_driver_symbols || return 1
	done
	git -C "$PATCHED_TREE" checkout -q series
}

# series_objects COMMIT: the objects of the test kernel built from C files
# the series touches, those that exist at COMMIT and are built on their own
# (the hardware drivers' are listed in DRIVER_OBJECTS).
series_objects() {
	local file objects=()
	for file in $(git -C "$PATCHED_TREE" diff --name-only base..series -- '*.c'); do
		case $file in
		tools/* | drivers/infiniband/hw/* | drivers/gpu/*) continue ;;
		esac
		git -C "$PATCHED_TREE" cat-file -e "$1:$file" 2>/dev/null || continue
		# Not a file that another one #includes (mm/gup_kunit.c): its
		# object is named in its directory's Makefile.
		grep -qw "$(basename "${file%.c}").o" <<<"$(git -C "$PATCHED_TREE" show \
			"$1:$(dirname "$file")/Makefile")" && objects+=("${file%.c}.o")
	done
	echo "${objects[*]}"
}

# The objects the series touches: sparse (C=2) and W=1 must not report
# anything that the same objects of the base do not already report.
ANALYSED_OBJECTS=(mm/gup.o mm/mmap.o mm/gup_test.o mm/memory.o mm/hugetlb.o mm/huge_memory.o
	io_uring/rsrc.o drivers/infiniband/core/umem.o drivers/infiniband/sw/siw/siw_mem.o)

# compiler_warnings SRC OUT OBJECT...: the warnings of a C=2 W=1 build of the
# objects, without line numbers; fails if the build fails.
compiler_warnings() {
	local src=$1 out=$2 log=$2/analysis.log
	shift 2
	if ! CCACHE_BASEDIR=$TOP make -C "$src" O="$out" CC="ccache gcc" -j"$(nproc)" C=2 W=1 \
		"$@" >"$log" 2>&1; then
		tail -20 "$log" >&2
		echo "the C=2 W=1 build of $src failed, see $log" >&2
		return 1
	fi
	# (no warning at all is a result too, not a failure of grep)
	{ grep -E 'warning:|error:' "$log" || true; } | sed -e "s|$src/||; s|^\(\.\./\)*||" -e 's/:[0-9]*:[0-9]*:/:/' | sort -u
}

check_static_analysis() {
	local base patched
	base=$(compiler_warnings "$BASE_TREE" "$OUT/base" "${ANALYSED_OBJECTS[@]}" &&
		compiler_warnings "$BASE_TREE" "$OUT/objects-base" "${DRIVER_OBJECTS[@]}") || return 1
	patched=$(compiler_warnings "$PATCHED_TREE" "$OUT/patched" "${ANALYSED_OBJECTS[@]}" &&
		compiler_warnings "$PATCHED_TREE" "$OUT/objects-patched" "${DRIVER_OBJECTS[@]}") || return 1
	echo "base: $(grep -c . <<<"$base") warnings, patched: $(grep -c . <<<"$patched")"
	! comm -13 <(echo "$base") <(echo "$patched") | grep .
}

# kernel-doc on the series' new non-static functions: any warning fails.
check_kernel_doc() {
	local out
	(cd "$PATCHED_TREE" && scripts/kernel-doc -v -Werror -none \
		-function vma_needs_dirty_tracking mm/mmap.c) || return 1
	# (umem.c's other kernel-doc comments warn already on the base)
	out=$(cd "$PATCHED_TREE" && scripts/kernel-doc -v -none -function ib_umem_get_mr \
		drivers/infiniband/core/umem.c 2>&1)
	grep -q "Scanning doc for function ib_umem_get_mr" <<<"$out" ||
		{ echo "no kernel-doc for ib_umem_get_mr"; return 1; }
	! grep "warning:.*ib_umem_get_mr" <<<"$out"
}

# Documentation the series touches still parses as reStructuredText.
check_rst() {
	local files file
	files=$(git -C "$PATCHED_TREE" diff --name-only base..series -- '*.rst')
	[ -n "$files" ] || { echo "the series touches no .rst file: nothing checked"; return 1; }
	for file in $files; do
		echo "== $file"
		python3 -m docutils --halt=warning --report=warning "$PATCHED_TREE/$file" >/dev/null || return 1
	done
}

# The VM runs take one core each (TCG runs the one-CPU guest in one host
# thread). The base kernel's runs start as soon as it is built, in the base
# lane, while the patches build (a build leaves part of the second core
# idle: its serial link steps, make's own work); once the patched kernel
# is built, its runs go in lanes A and B, at the same time, about as long
# as each other. Each lane runs its steps in order and records their
# verdicts (lane_step); report_lane prints and counts them as step would.
# No lane repacks the initramfs: it is built before the base lane starts,
# and packed again (the reproducer's module for the patched kernel) before
# lanes A and B start, in one rename, so that every VM starts from a whole
# one. A step that stops make check stops the lanes too (stop_lanes).
LANE_BASE_STEPS=4
lane_base() {
	lane_step "base kernel: gup_longterm catches the bug" check_base_gup_longterm
	lane_step "base kernel: the base's own vm selftests give the results vmtests/expected records (quick set)" \
		check_vmtests quick base
	lane_step "base kernel: the real clients (RDMA, io_uring, AF_XDP, V4L2, vhost-vdpa, VFIO) as clients/base-results records" \
		"$TOP/clients/clients.sh" --assert --no-build base
	lane_step "reproducer, base kernel: fsync()ed data lost under a long-term pin, on ext4 and xfs" \
		"$TOP/repro/repro.sh" --assert --no-build base
}

LANE_A_STEPS=3
lane_a() {
	lane_step "patched kernel: gup_longterm passes on ext4, xfs, ramfs" check_patched_gup_longterm
	lane_step "patched kernel: KUnit suites gup_longterm and ib_umem pass" check_kunit
	lane_step "benchmark smoke run (make bench, short)" check_bench_smoke
}

LANE_B_STEPS=5
lane_b() {
	lane_step "reproducer, patched kernel: the long-term pin refused, the way back as documented, short-term pins unchanged" \
		"$TOP/repro/repro.sh" --assert --no-build patched
	lane_step "stress, short (make stress's races and fuzzer on the patched test kernel: lockdep, DEBUG_VM): no complaint, no write pin of a shared file granted, data intact" \
		"$TOP/stress/stress.sh" --smoke
	lane_step "patched kernel: the real clients do what the rule says (mainline's; io_uring keeps its own for shared files), data through every granted pin as sent, every positive control working" \
		"$TOP/clients/clients.sh" --assert --no-build patched
	lane_step "patched kernel: an unprivileged process's 100000 RDMA registrations refused, counted, log bounded; io_uring's refused by io_uring, not counted; the switch needs CAP_SYS_ADMIN" \
		"$TOP/clients/flood.sh"
	lane_step "patched kernel: the base's own vm selftests give the same results as on the base (quick set)" \
		check_vmtests quick patched
}

# start_lane NAME: run lane_NAME in the background, its progress in
# $LOGS/lane-NAME.log.
LANE_PIDS=()
start_lane() {
	"lane_$1" >"$LOGS/lane-$1.log" 2>&1 &
	LANE_PIDS+=($!)
}

# The processes under PID, PID first.
process_tree() {
	local child
	echo "$1"
	for child in $(pgrep -P "$1"); do
		process_tree "$child"
	done
}

# stop_lanes (on exit): lanes still running when make check stops early
# are stopped, their VMs with them.
stop_lanes() {
	local pid pids=()
	for pid in "${LANE_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null || continue
		mapfile -t -O "${#pids[@]}" pids < <(process_tree "$pid")
	done
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
}

# lane_step NAME COMMAND...: run COMMAND with its output in NAME's log, and
# append its verdict to the lane's verdicts file ("PASS|FAIL NAME TIME").
lane_step() {
	local name=$1 log verdicts
	shift
	verdicts=$LOGS/${FUNCNAME[1]/_/-}.verdicts
	log=$(step_log "$name")
	echo "$(date +%T) $name"
	local start=$SECONDS verdict=FAIL
	("$@") >"$log" 2>&1 && verdict=PASS
	printf '%s\t%s\t%s\n' "$verdict" "$name" "$(since "$start")" >>"$verdicts"
}

# report_lane VERDICTS STEPS: print and count a lane's verdicts; a lane
# that recorded fewer than its STEPS steps stopped early, which fails.
report_lane() {
	local verdict name time n=0
	[ -f "$1" ] || : >"$1"
	while IFS=$'\t' read -r verdict name time; do
		if [ "$verdict" = PASS ]; then
			passed=$((passed + 1))
			echo "PASS: $name ($time)"
		else
			failed=$((failed + 1))
			echo "FAIL: $name ($time; log: $(step_log "$name"))"
			tail -15 "$(step_log "$name")" | sed 's/^/    /'
		fi
		n=$((n + 1))
	done <"$1"
	if [ "$n" -lt "$2" ]; then
		failed=$((failed + 1))
		echo "FAIL: a lane stopped after $n of its $2 steps (log: ${1%.verdicts}.log)"
	fi
}

main() {
	need_packages "${HOST_PACKAGES[@]}" "$QEMU_PACKAGE"
	mkdir -p "$LOGS"
	rm -f "$LOGS"/lane-*.verdicts
	trap stop_lanes EXIT
	step "bench scripts pass shellcheck" check_shell_scripts
	step --fatal "base: Debian $BASE_PACKAGE as one commit" "$COMMON/base.sh"
	step "base: the version base.conf records, the cover letter's base-commit" check_base_record
	# shellcheck disable=SC2046 # one word per patch file; the names have no spaces
	step "patches: checkpatch.pl --strict clean" check_style $(series_patches)
	step --fatal "patches: apply with git am onto the base" "$COMMON/tree.sh" "$PATCHED_TREE"
	step --fatal "base kernel builds" "$COMMON/build-kernel.sh" "$BASE_TREE" "$OUT/base"
	step --fatal "base: the hardware drivers' objects the series touches build" \
		build_driver_objects "$BASE_TREE" "$OUT/objects-base"
	step --fatal "guest programs and initramfs build" "$COMMON/initramfs.sh" "$PATCHED_TREE"
	step --fatal "reproducer: the test module builds against the base kernel, no warning" \
		"$TOP/repro/repro.sh" --build base
	say "the base kernel's VM runs start (lane base; verdicts at the end)"
	local lanes=$SECONDS
	start_lane base
	step --fatal "every patch builds in turn" build_each_patch
	step --fatal "reproducer: the test module builds against the patched kernel, no warning" \
		"$TOP/repro/repro.sh" --build patched
	say "the patched kernel's VM runs start (lanes A and B; verdicts at the end)"
	start_lane a
	start_lane b
	step "sparse and W=1: no new warnings in the touched objects" check_static_analysis
	step "kernel-doc on new functions" check_kernel_doc
	step "documentation parses as reStructuredText" check_rst
	local pid
	for pid in "${LANE_PIDS[@]}"; do
		wait "$pid" || true
	done
	LANE_PIDS=()
	report_lane "$LOGS/lane-base.verdicts" "$LANE_BASE_STEPS"
	report_lane "$LOGS/lane-a.verdicts" "$LANE_A_STEPS"
	report_lane "$LOGS/lane-b.verdicts" "$LANE_B_STEPS"
	echo "the VM runs took $(since "$lanes") from the base lane's start; make check took $(since 0)"
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
