#!/usr/bin/env bash
# build.sh TREE (called by common/initramfs.sh): the GUP benchmark, static,
# for the guest architecture, into $GUEST_BIN. It uses only what the base
# already has: the gup_test benchmark ioctls, io_uring (liburing) and the vm
# selftests' smaps helpers, so it builds the same for both kernels.
# shellcheck source=../../common/lib.sh
. "$(dirname "$0")/../../common/lib.sh"

vm=$BASE_TREE/tools/testing/selftests/vm
util=$BUILD/vm_util-$GUEST_ARCH.o
# vm_util.c gets the selftests' own flags (it is not -Wextra clean).
"${CROSS_COMPILE}gcc" -O2 -Wall -Werror -c -o "$util" "$vm/vm_util.c"
"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -I "$BASE_TREE/mm" -I "$vm" \
	-o "$GUEST_BIN/gup_bench" "$TOP/cost/guest/gup_bench.c" "$util" -luring
