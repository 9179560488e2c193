#!/usr/bin/env bash
# build.sh TREE (called by common/initramfs.sh): the stress programs (race,
# fuzz, datacheck) for the guest architecture, static, into $GUEST_BIN.
# They use the gup_test ioctls of the patched tree TREE.
# shellcheck source=../../common/lib.sh
. "$(dirname "$0")/../../common/lib.sh"

tree=$1
src=$TOP/stress/guest
cc=("${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -I "$tree/mm")
"${cc[@]}" -o "$GUEST_BIN/race" "$src/race.c" -luring -lpthread || die "building race.c failed"
"${cc[@]}" -o "$GUEST_BIN/fuzz" "$src/fuzz.c" || die "building fuzz.c failed"
"${cc[@]}" -o "$GUEST_BIN/datacheck" "$src/datacheck.c" || die "building datacheck.c failed"
