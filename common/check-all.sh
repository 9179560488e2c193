#!/usr/bin/env bash
# check-all.sh (make check-all, after make check): the series beyond x86_64.
# - the objects it touches, built with Debian's cross compilers for arm64,
#   i386, powerpc (the only one with hugepd, so the only build of
#   gup_hugepte()) and UML (no CONFIG_HAVE_FAST_GUP);
# - an arm64 test kernel booted under qemu-system-aarch64, running the same
#   gup_longterm selftest as make check and the KUnit suite;
# - the KUnit suite with kunit.py run on UML.
# Needs build/check, the patched tree that make check leaves behind. Ends with
# "N passed, N failed".
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$BUILD/check
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

# The arm64 guest (vm/arm64.conf): the test kernel with configs/arm64.config,
# arm64 programs in its initramfs, the same selftest run as on x86_64.
arm64_vm() {
	export GUEST_ARCH=arm64
	"$TOP/scripts/build-kernel.sh" "$TREE" "$OUT/arm64" &&
		"$TOP/scripts/initramfs.sh" "$TREE" &&
		"$TOP/scripts/vm-run.sh" --disks --timeout 900 "$OUT/arm64" gup_longterm.sh \
			"$BUILD/runs/arm64/gup_longterm"
	local rc=$?
	"$TOP/scripts/tap.sh" counts "$BUILD/runs/arm64/gup_longterm/output.log"
	"$TOP/scripts/tap.sh" failures "$BUILD/runs/arm64/gup_longterm/output.log"
	return $rc
}

# The KUnit suite ran at the arm64 boot: parse its results from the console.
arm64_kunit() {
	local log=$BUILD/runs/arm64/gup_longterm/console.log
	grep -q '# Subtest: gup_longterm' "$log" || { echo "the gup_longterm suite did not run"; return 1; }
	python3 "$TREE/tools/testing/kunit/kunit.py" parse "$log"
}

# The KUnit suite the way KUnit users run it: kunit.py run, UML.
uml_kunit() {
	python3 "$TREE/tools/testing/kunit/kunit.py" run --build_dir="$OUT/kunit-uml" \
		--kunitconfig="$TOP/configs/kunit.config" --jobs="$(nproc)" \
		--make_options CC="ccache gcc" --timeout 600
}

main() {
	[ -d "$TREE/.git" ] || die "no $TREE: run make check first"
	mkdir -p "$LOGS"
	local build
	for build in "${CROSS_BUILDS[@]}"; do
		# shellcheck disable=SC2086 # the fields of one table row
		set -- $build
		step "$1 ($4): ${OBJECTS[*]} build without warnings" build_objects "$@"
	done
	step "arm64 VM: gup_longterm passes on ext4, xfs, ramfs" arm64_vm
	step "arm64 VM: KUnit suite gup_longterm passes" arm64_kunit
	step "UML: kunit.py run of the gup_longterm suite passes" uml_kunit
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
