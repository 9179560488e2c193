#!/usr/bin/env bash
# check-all.sh (make check-all, after make check): the series beyond x86_64.
# - every patch builds into a whole test kernel (make check: the touched
#   objects of every patch, the whole kernel of the last);
# - the objects it touches, built with Debian's cross compilers for arm64,
#   i386, powerpc (the only one with hugepd, so the only build of
#   gup_hugepte()) and UML (no CONFIG_HAVE_FAST_GUP);
# - an arm64 test kernel booted under qemu-system-aarch64, running the same
#   gup_longterm selftest as make check and the KUnit suite;
# - the KUnit suite with kunit.py run on UML;
# - the stable prefix without its GUP-fast patch: the selftest must then
#   fail exactly its fast-path read-write cases of dirty-tracked shared
#   files, which shows that those cases see patch 13's check, not the slow
#   path's;
# - the series without its read-only work (patches 1-10, from the first to
#   the one before "mm/mmap: separate ..."): the selftest must
#   then fail exactly the cases selftest/no-read-only-failures lists;
# - the prefix a stable maintainer can take, from the first patch to the
#   documentation (before the diagnostic, the switch and their tests): it
#   builds, and its own selftest and KUnit suite pass on it.
# Needs build/patched, the patched tree that make check leaves behind. Ends
# with "N passed, N failed".
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=../selftest/checks.sh
. "$TOP/selftest/checks.sh"
# shellcheck source=../kunit/checks.sh
. "$TOP/kunit/checks.sh"
# shellcheck source=../vmtests/checks.sh
. "$TOP/vmtests/checks.sh"

TREE=$PATCHED_TREE
LOGS=$BUILD/check-logs/all
passed=0
failed=0
OBJECTS=(mm/gup.o mm/mmap.o mm/gup_test.o io_uring/rsrc.o)

# ARCH  CROSS_COMPILE  package  defconfig
CROSS_BUILDS=(
	"arm64 aarch64-linux-gnu- gcc-aarch64-linux-gnu defconfig"
	"i386 - gcc i386_defconfig"
	"powerpc powerpc64le-linux-gnu- gcc-powerpc64le-linux-gnu ppc64le_defconfig"
	"um - gcc defconfig"
)

# build_objects ARCH CROSS PACKAGE DEFCONFIG
build_objects() {
	local arch=$1 cross=$2 package=$3 defconfig=$4 out log
	[ "$cross" = - ] && cross=
	need_packages "$package"
	out=$OUT/cross-$arch
	log=$out/objects.log
	mkdir -p "$out"
	local kmake=(make -C "$TREE" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" -j"$(nproc)")
	"${kmake[@]}" "$defconfig" >"$log" 2>&1
	"$TREE/scripts/config" --file "$out/.config" -e DEBUG_FS -e GUP_TEST -e IO_URING \
		-e HUGETLBFS -e HUGETLB_PAGE -e TRANSPARENT_HUGEPAGE -e KUNIT -e GUP_KUNIT_TEST
	"${kmake[@]}" olddefconfig >>"$log" 2>&1
	if ! "${kmake[@]}" "${OBJECTS[@]}" >>"$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -10
		echo "the touched objects do not build (see $log)"
		return 1
	fi
	if grep -E 'warning:' "$log" | grep -qE 'mm/(gup|mmap|gup_test|gup_kunit)\.c|io_uring/rsrc\.c'; then
		grep -E 'warning:' "$log"
		echo "warnings in the touched files (see $log)"
		return 1
	fi
}

# The arm64 guest (common/arch/arm64.conf): the test kernel with
# common/arch/arm64.config, arm64 programs in its initramfs, the same
# selftest run and the same expectations as on x86_64.
arm64_vm() (
	use_guest_arch arm64
	"$COMMON/build-kernel.sh" "$TREE" "$OUT/arm64" || return 1
	"$COMMON/initramfs.sh" "$TREE" || return 1
	selftest_passes "$OUT/arm64" "$RUNS/arm64/gup_longterm"
)

# The KUnit suite ran at the arm64 boot: parse its results from the console.
arm64_kunit() {
	check_kunit_log "$RUNS/arm64/gup_longterm/console.log" "$TREE"
}

# apply_patches DIR PATCH...: DIR, a clone of the base with the PATCH files
# applied by git am in order. The KUnit cases that later patches add to
# mm/gup_kunit.c are left out: a caller that applies them leaves out the
# KUnit patch that makes the file.
apply_patches() {
	local tree=$1 patch
	shift
	rm -rf "$tree"
	git clone -q "$BASE_TREE" "$tree" || return 1
	for patch in "$@"; do
		git -C "$tree" -c user.name=bench -c user.email=bench@localhost am -q \
			--exclude=mm/gup_kunit.c "$patch" ||
			{ echo "$(basename "$patch") does not apply here"; return 1; }
	done
}

# selftest_fails_on NAME PATCH...: the base with the PATCH files applied, in
# build/NAME, built into $OUT/NAME: its selftest fails (selftest_fails), its
# logs in $RUNS/NAME/gup_longterm, for the caller to compare what failed.
selftest_fails_on() {
	local name=$1
	shift
	apply_patches "$BUILD/$name" "$@" || return 1
	"$COMMON/build-kernel.sh" "$BUILD/$name" "$OUT/$name" || return 1
	"$COMMON/initramfs.sh" "$BUILD/$name" || return 1
	selftest_fails "$OUT/$name" "$RUNS/$name/gup_longterm"
}

# patch_subject PATCH: the subject of a patch file, without [PATCH n/m].
patch_subject() {
	sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$1"
}

# Patch 13's check decides on the fast path: the stable prefix without it
# (and without the KUnit patch, which tests its function) grants exactly
# the fast read-write pins of dirty-tracked MAP_SHARED files, on every file
# system, while the slow path still refuses them. (The diagnostic and the
# switch after the prefix change the lines patch 13 adds: they do not apply
# without it.)
no_fast_path() {
	local dir=$RUNS/no-fast/gup_longterm patch patches=() fast='' fs
	for patch in $(series_patches); do
		case $(patch_subject "$patch") in
		"mm/gup: disallow FOLL_LONGTERM GUP-fast writing to"*) fast=yes ;;
		"mm/gup: add KUnit tests"*) ;;
		"mm/gup: say why a long-term write pin"*) break ;;
		*) patches+=("$patch") ;;
		esac
	done
	[ -n "$fast" ] || { echo "no GUP-fast patch in patches/"; return 1; }
	selftest_fails_on no-fast "${patches[@]}" || return 1
	diff -u --label expected --label no-fast <({
		for fs in "${SELFTEST_FS[@]}"; do
			echo "$fs file, MAP_SHARED: read-write pin, fast | granted"
		done
		grep '^xfs file THP, MAP_SHARED: read-write pin, fast |' "$TOP/selftest/base-failures"
	} | sort) <("$TOP/selftest/tap.sh" outcomes "$dir/output.log")
}

# The read-only work (the patches before "mm/mmap: separate writenotify and
# dirty tracking logic") is what makes a read-only long-term pin of a COW
# mapping see what the process writes later: the series without it (and
# without the KUnit patches, which test its unsharing and its umem pins)
# applied onto the base must fail exactly the cases
# selftest/no-read-only-failures lists, with the outcome given there, and
# pass the rest.
no_read_only() {
	local dir=$RUNS/no-read-only/gup_longterm patch patches=() from=
	for patch in $(series_patches); do
		case $(patch_subject "$patch") in
		"mm/mmap: separate writenotify and dirty tracking logic") from=yes ;;
		"mm/gup: add KUnit tests"*) continue ;;
		# It tests ib_umem_gup_flags(), which the read-only work adds.
		"RDMA/umem: add KUnit tests"*) continue ;;
		esac
		[ -z "$from" ] || patches+=("$patch")
	done
	[ -n "$from" ] || { echo "no patch 'mm/mmap: separate ...' in patches/"; return 1; }
	selftest_fails_on no-read-only "${patches[@]}" || return 1
	diff -u --label selftest/no-read-only-failures --label no-read-only \
		<(grep -v '^#' "$TOP/selftest/no-read-only-failures" | sort) \
		<("$TOP/selftest/tap.sh" outcomes "$dir/output.log")
}

# The stable prefix: the series up to its documentation patch, without the
# three patches that have no mainline counterpart (the report and counters,
# the switch, their selftest cases). Its selftest lacks the last patch's
# STABLE_SWITCH_CASES cases (NR_SWITCH_CASES there), its KUnit suite the
# switch patch's cases: STABLE_KUNIT_CASES run. The skips are the same.
STABLE_SWITCH_CASES=5
STABLE_KUNIT_CASES=110
stable_prefix() (
	local dir=$RUNS/stable-prefix/gup_longterm rc=0 last
	last=$(git -C "$PATCHED_TREE" log --format=%H -1 series \
		--grep='^Documentation/core-api: pin_user_pages: long-term pins')
	[ -n "$last" ] || { echo "the documentation patch not found"; return 1; }
	git -C "$PATCHED_TREE" log --reverse --format='left out: %s' "$last..series"
	[ "$(git -C "$PATCHED_TREE" rev-list --count "$last..series")" -eq 3 ] ||
		{ echo "expected the stable prefix to leave out 3 patches"; return 1; }
	# Built from build/patched itself, checked out at the prefix (no new
	# clone): ccache has every object but those of the files the last three
	# patches change.
	trap 'git -C "$PATCHED_TREE" checkout -q series' EXIT
	git -C "$PATCHED_TREE" checkout -q "$last" || return 1
	"$COMMON/build-kernel.sh" "$PATCHED_TREE" "$OUT/stable-prefix" || return 1
	"$COMMON/initramfs.sh" "$PATCHED_TREE" || return 1
	selftest_passes "$OUT/stable-prefix" "$dir" $((GUP_LONGTERM_CASES - STABLE_SWITCH_CASES)) || rc=1
	KUNIT_CASES=$STABLE_KUNIT_CASES
	check_kunit_log "$dir/console.log" "$PATCHED_TREE" || rc=1
	return $rc
)

# Every patch builds into a whole kernel (make check builds, for each patch
# but the last, only the objects of the files the series touches).
build_each_patch_whole() {
	local commit
	for commit in $(git -C "$TREE" rev-list --reverse base..series); do
		echo "== $(git -C "$TREE" log -1 --format=%s "$commit")"
		git -C "$TREE" checkout -q "$commit"
		"$COMMON/build-kernel.sh" "$TREE" "$OUT/patched" || { git -C "$TREE" checkout -q series; return 1; }
	done
	git -C "$TREE" checkout -q series
}

# The KUnit suite the way KUnit users run it: kunit.py run, UML.
uml_kunit() {
	python3 "$TREE/tools/testing/kunit/kunit.py" run --build_dir="$OUT/kunit-uml" \
		--kunitconfig="$TOP/kunit/kunit.config" --jobs="$(nproc)" \
		--make_options CC="ccache gcc" --timeout 600
}

main() {
	[ -d "$TREE/.git" ] || die "no $TREE: run make check first"
	need_packages python3
	mkdir -p "$LOGS"
	local build
	step "every patch builds in turn, the whole x86_64 test kernel" build_each_patch_whole
	for build in "${CROSS_BUILDS[@]}"; do
		# shellcheck disable=SC2086 # the fields of one table row
		set -- $build
		step "$1 ($4): ${OBJECTS[*]} build without warnings" build_objects "$@"
	done
	step "arm64 VM: gup_longterm passes on ext4, xfs, ramfs" arm64_vm
	step "arm64 VM: KUnit suite gup_longterm passes" arm64_kunit
	step "UML: kunit.py run of the gup_longterm suite passes" uml_kunit
	step "the base's own vm selftests, slow ones included: the same results on base and patched" \
		check_vmtests all
	step "the stable prefix without patch 13: exactly the fast-path write pins of shared files are granted" no_fast_path
	step "without patches 1-10, the read-only pins of COW mappings fail as no-read-only-failures says" \
		no_read_only
	step "the stable prefix (up to the documentation): builds, its selftest and KUnit suite pass" \
		stable_prefix
	step "make stress, short: 60 s of races per kernel under KASAN and lockdep, the fuzzer, fsck" \
		"$TOP/stress/stress.sh" --seconds 60
	"$COMMON/initramfs.sh" "$TREE" >/dev/null
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
