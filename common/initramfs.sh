#!/usr/bin/env bash
# initramfs.sh TREE: build the guest's static programs for $GUEST_ARCH (the
# gup_longterm selftest from the kernel tree TREE, the bench/ benchmark) and
# pack them with busybox, vm/init and tests/*.sh into $INITRD.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: initramfs.sh TREE"
tree=$(realpath "$1")
stage=$BUILD/initramfs-$GUEST_ARCH

build_selftest() {
	local vm=$tree/tools/testing/selftests/vm cross=()
	[ -z "$KERNEL_ARCH" ] || cross=(ARCH="$KERNEL_ARCH" CROSS_COMPILE="$CROSS_COMPILE")
	[ -f "$vm/gup_longterm.c" ] || die "$tree has no gup_longterm selftest: is the series applied?"
	mkdir -p "$GUEST_BIN"
	rm -f "$vm/local_config.h" "$vm/local_config.mk"
	if ! make -C "$vm" "${cross[@]}" OUTPUT="$GUEST_BIN" LDFLAGS=-static "$GUEST_BIN/gup_longterm" \
		>"$BUILD/selftest-build.log" 2>&1; then
		cat "$BUILD/selftest-build.log" >&2
		die "building the gup_longterm selftest failed"
	fi
	grep -q LOCAL_CONFIG_HAVE_LIBURING "$vm/local_config.h" ||
		die "gup_longterm was built without liburing (liburing-dev${DEB_ARCH:+:$DEB_ARCH} missing?)"
	rm -f "$vm/local_config.h" "$vm/local_config.mk"
}

# The benchmark uses only what the base already has: the gup_test benchmark
# ioctls, io_uring (liburing, already needed by the selftest) and the vm
# selftests' smaps helpers.
# vm_util.c gets the selftests' own flags (it is not -Wextra clean).
build_bench() {
	local vm=$BASE_TREE/tools/testing/selftests/vm util=$BUILD/vm_util-$GUEST_ARCH.o
	"${CROSS_COMPILE}gcc" -O2 -Wall -Werror -c -o "$util" "$vm/vm_util.c"
	"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -I "$BASE_TREE/mm" -I "$vm" \
		-o "$GUEST_BIN/gup_bench" "$TOP/bench/gup_bench.c" "$util" -luring
}

# busybox-static of the guest's architecture: the host's own, or for a
# foreign one the Debian package unpacked under $BUILD (it cannot be
# installed next to the host's).
guest_busybox() {
	if [ -z "$DEB_ARCH" ]; then
		echo /bin/busybox
		return
	fi
	local dir=$BUILD/busybox-$DEB_ARCH
	if [ ! -x "$dir/bin/busybox" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		(cd "$dir" && apt-get download -q "busybox-static:$DEB_ARCH" >"$BUILD/apt.log" 2>&1) ||
			die "apt-get download busybox-static:$DEB_ARCH failed, see $BUILD/apt.log"
		dpkg-deb -x "$dir"/busybox-static_*.deb "$dir"
	fi
	echo "$dir/bin/busybox"
}

pack() {
	local busybox
	busybox=$(guest_busybox)
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,mnt,tests}
	cp "$busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$TOP/vm/init" "$stage/init"
	cp "$GUEST_BIN"/* "$TOP"/tests/*.sh "$stage/tests/"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$INITRD"
}

main() {
	need_packages busybox-static gcc make cpio
	if [ -n "$DEB_ARCH" ]; then
		need_foreign_arch "$DEB_ARCH"
		need_packages "gcc-${CROSS_COMPILE%-}" "liburing-dev:$DEB_ARCH"
	else
		need_packages liburing-dev
	fi
	build_selftest
	build_bench
	pack
	say "initramfs: $INITRD"
}

main
