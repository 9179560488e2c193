#!/usr/bin/env bash
# build.sh TREE (called by common/initramfs.sh): the base kernel's own vm
# selftests that exercise GUP, COW and the fault path, static, for the guest
# architecture, into $GUEST_BIN/vmtests/. They are built from the base tree,
# so that both kernels run the same programs.
# shellcheck source=../../common/lib.sh
. "$(dirname "$0")/../../common/lib.sh"

need_packages "libnuma-dev${DEB_ARCH:+:$DEB_ARCH}"
vm=$BASE_TREE/tools/testing/selftests/vm
out=$GUEST_BIN/vmtests
cross=()
[ -z "$KERNEL_ARCH" ] || cross=(ARCH="$KERNEL_ARCH" CROSS_COMPILE="$CROSS_COMPILE")
programs=(gup_test madv_populate ksm_tests mremap_test mremap_dontunmap mlock2-tests
	hugepage-mmap hugepage-mremap map_hugetlb userfaultfd khugepaged
	split_huge_page_test soft-dirty)
mkdir -p "$out"
if ! make -C "$vm" "${cross[@]}" OUTPUT="$out" LDFLAGS=-static "${programs[@]/#/$out/}" \
	>"$BUILD/vmtests-build.log" 2>&1; then
	cat "$BUILD/vmtests-build.log" >&2
	die "building the base's vm selftests failed"
fi
