#!/usr/bin/env bash
# initramfs.sh TREE: build the guest's static programs for $GUEST_ARCH and
# pack them with busybox, common/guest/init and every feature's guest
# scripts into $INITRD. In the guest, FEATURE/guest/*.sh is
# /tests/FEATURE/*.sh, and the programs are in /tests/bin (on PATH).
# Programs: each FEATURE/guest/build.sh TREE builds its own into $GUEST_BIN
# (the selftest is built from the kernel tree TREE), and may put files the
# guest needs at their own paths (shared libraries, configuration) under
# $GUEST_ROOT; scripts that build more (repro/repro.sh: modules per kernel)
# put them in $GUEST_BIN before calling this.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: initramfs.sh TREE"
tree=$(realpath "$1")
stage=$BUILD/initramfs-$GUEST_ARCH

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

build_programs() {
	local script
	rm -rf "$GUEST_ROOT"
	mkdir -p "$GUEST_BIN" "$GUEST_ROOT"
	for script in "$TOP"/*/guest/build.sh; do
		[ -e "$script" ] || continue
		"$script" "$tree" || die "$script failed"
	done
}

pack() {
	local busybox dir feature
	busybox=$(guest_busybox)
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,mnt,tests/bin}
	cp "$busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$COMMON/guest/init" "$stage/init"
	cp -r "$GUEST_BIN"/* "$stage/tests/bin/"
	cp -a "$GUEST_ROOT"/. "$stage/"
	for dir in "$TOP"/*/guest; do
		feature=$(basename "$(dirname "$dir")")
		[ "$feature" = common ] && continue
		mkdir -p "$stage/tests/$feature"
		find "$dir" -maxdepth 1 -name '*.sh' ! -name build.sh -exec cp {} "$stage/tests/$feature/" \;
	done
	# Replaced in one rename: a VM of make check's other lane may be
	# starting and reading it.
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$INITRD.new"
	mv "$INITRD.new" "$INITRD"
}

main() {
	need_packages busybox-static gcc make cpio
	if [ -n "$DEB_ARCH" ]; then
		need_foreign_arch "$DEB_ARCH"
		need_packages "gcc-${CROSS_COMPILE%-}" "liburing-dev:$DEB_ARCH"
	else
		need_packages liburing-dev
	fi
	build_programs
	pack
	say "initramfs: $INITRD"
}

main
