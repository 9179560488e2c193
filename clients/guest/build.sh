#!/usr/bin/env bash
# build.sh TREE (called by common/initramfs.sh): the real clients' programs
# (rdma_reg, uring_reg, xdp_reg, v4l2_reg, vdpa_reg, vfio_reg, over
# memkinds.c, and flood) into $GUEST_BIN, and into $GUEST_ROOT the stock user-space
# tools the guest drives the same interfaces with, from Debian's packages,
# with the shared libraries they load: rdma-core's libibverbs with its rxe
# and siw providers, ibv_rc_pingpong and ibv_devinfo (ibverbs-utils), rping
# (rdmacm-utils), and iproute2's ip, rdma and vdpa. x86_64 guests only (see
# README).
# shellcheck source=../../common/lib.sh
. "$(dirname "$0")/../../common/lib.sh"

[ "$GUEST_ARCH" = x86_64 ] || exit 0
need_packages libibverbs-dev ibverbs-providers ibverbs-utils rdmacm-utils iproute2 liburing-dev
src=$TOP/clients/guest
multiarch=$(gcc -print-multiarch)

build() {
	local program=$1
	shift
	gcc -O2 -Wall -Wextra -Werror -o "$GUEST_BIN/$program" "$src/$program.c" "$src/memkinds.c" "$@" ||
		die "building clients/guest/$program.c failed"
}

# copy_with_libs FILE...: FILE and the shared libraries it loads (ldd), at
# the same paths under $GUEST_ROOT.
copy_with_libs() {
	local file lib
	for file in "$@"; do
		for lib in "$file" $(ldd "$file" | grep -o '/[^ ]*'); do
			mkdir -p "$GUEST_ROOT$(dirname "$lib")"
			cp -L "$lib" "$GUEST_ROOT$lib"
		done
	done
}

build rdma_reg -libverbs
build uring_reg -luring
build xdp_reg
build v4l2_reg
build vdpa_reg
build vfio_reg
# The refusal flood (clients/flood.sh): RDMA and io_uring, no memory kinds.
gcc -O2 -Wall -Wextra -Werror -o "$GUEST_BIN/flood" "$src/flood.c" -libverbs -luring ||
	die "building clients/guest/flood.c failed"
copy_with_libs "$GUEST_BIN/rdma_reg" "$GUEST_BIN/uring_reg" "$GUEST_BIN/flood" /usr/bin/ibv_rc_pingpong /usr/bin/ibv_devinfo /usr/bin/rping \
	/usr/sbin/ip /usr/bin/rdma /usr/sbin/vdpa \
	/usr/lib/"$multiarch"/libibverbs/librxe-rdmav*.so /usr/lib/"$multiarch"/libibverbs/libsiw-rdmav*.so \
	/usr/lib/"$multiarch"/libgcc_s.so.1
# (libgcc_s: glibc loads it at run time for pthread_exit(), which rping calls)
mkdir -p "$GUEST_ROOT/etc/libibverbs.d"
cp /etc/libibverbs.d/rxe.driver /etc/libibverbs.d/siw.driver "$GUEST_ROOT/etc/libibverbs.d/"
