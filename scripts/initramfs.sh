#!/usr/bin/env bash
# initramfs.sh TREE: build the guest's static programs (the gup_longterm
# selftest from the kernel tree TREE, the bench/ benchmark) and pack them with
# busybox, vm/init and tests/*.sh into $BUILD/initramfs.cpio.gz.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: initramfs.sh TREE"
tree=$(realpath "$1")
stage=$BUILD/initramfs
bins=$BUILD/guest-bin

build_selftest() {
	local vm=$tree/tools/testing/selftests/vm
	[ -f "$vm/gup_longterm.c" ] || die "$tree has no gup_longterm selftest: is the series applied?"
	mkdir -p "$bins"
	rm -f "$vm/local_config.h" "$vm/local_config.mk"
	if ! make -C "$vm" OUTPUT="$bins" LDFLAGS=-static "$bins/gup_longterm" >"$BUILD/selftest-build.log" 2>&1; then
		cat "$BUILD/selftest-build.log" >&2
		die "building the gup_longterm selftest failed"
	fi
	grep -q LOCAL_CONFIG_HAVE_LIBURING "$vm/local_config.h" ||
		die "gup_longterm was built without liburing (liburing-dev missing?)"
}

# The benchmark uses only the gup_test ioctls that the base already has.
build_bench() {
	gcc -static -O2 -Wall -Wextra -Werror -I "$BASE_TREE/mm" \
		-o "$bins/gup_bench" "$TOP/bench/gup_bench.c"
}

pack() {
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,mnt,tests}
	cp /bin/busybox "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$TOP/vm/init" "$stage/init"
	cp "$bins"/* "$TOP"/tests/*.sh "$stage/tests/"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$BUILD/initramfs.cpio.gz"
}

main() {
	need_packages busybox-static liburing-dev gcc make cpio
	build_selftest
	build_bench
	pack
	say "initramfs: $BUILD/initramfs.cpio.gz"
}

main
