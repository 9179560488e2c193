#!/usr/bin/env bash
# build.sh TREE (called by common/initramfs.sh): the gup_longterm selftest of
# the kernel tree TREE, static, for the guest architecture, into $GUEST_BIN.
# shellcheck source=../../common/lib.sh
. "$(dirname "$0")/../../common/lib.sh"

tree=$1
vm=$tree/tools/testing/selftests/vm
cross=()
[ -z "$KERNEL_ARCH" ] || cross=(ARCH="$KERNEL_ARCH" CROSS_COMPILE="$CROSS_COMPILE")
[ -f "$vm/gup_longterm.c" ] || die "$tree has no gup_longterm selftest: is the series applied?"
rm -f "$vm/local_config.h" "$vm/local_config.mk"
if ! make -C "$vm" "${cross[@]}" OUTPUT="$GUEST_BIN" LDFLAGS=-static "$GUEST_BIN/gup_longterm" \
	>"$BUILD/selftest-build.log" 2>&1; then
	cat "$BUILD/selftest-build.log" >&2
	die "building the gup_longterm selftest failed"
fi
grep -q LOCAL_CONFIG_HAVE_LIBURING "$vm/local_config.h" ||
	die "gup_longterm was built without liburing (liburing-dev${DEB_ARCH:+:$DEB_ARCH} missing?)"
rm -f "$vm/local_config.h" "$vm/local_config.mk"
