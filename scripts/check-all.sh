#!/usr/bin/env bash
# check-all.sh (make check-all, after make check): build the objects the series
# touches for other architectures and configurations, with Debian's cross
# compilers: arm64, i386, powerpc (the only one with hugepd, so the only build
# of gup_hugepte()) and UML (no CONFIG_HAVE_FAST_GUP). Needs build/check, the
# patched tree that make check leaves behind.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$BUILD/check
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
		grep -E 'error|Error' "$log" | head -10 >&2
		echo "FAIL: $arch: the touched objects do not build (see $log)"
		return 1
	fi
	if grep -E 'warning:' "$log" | grep -qE 'mm/(gup|mmap|gup_test|gup_kunit)\.c|io_uring/rsrc\.c'; then
		grep -E 'warning:' "$log" >&2
		echo "FAIL: $arch: warnings in the touched files (see $log)"
		return 1
	fi
	echo "PASS: $arch ($defconfig): ${OBJECTS[*]} build without warnings"
}

main() {
	[ -d "$TREE/.git" ] || die "no $TREE: run make check first"
	local build passed=0 failed=0
	for build in "${CROSS_BUILDS[@]}"; do
		# shellcheck disable=SC2086 # the fields of one table row
		if build_objects $build; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
