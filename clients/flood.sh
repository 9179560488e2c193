#!/usr/bin/env bash
# flood.sh: on the patched test kernel, an unprivileged process asks for
# long-term write pins of a shared ext4 file over and over
# (clients/guest/flood.sh). Through RDMA memory registration on siw, 100000
# times: all refused by GUP with EFAULT, all counted in
# vm.gup_longterm_file_write_refused, and the kernel log growing by a bounded
# number of lines (ten every five seconds at most, and one at least).
# Through io_uring buffer registration, 10000 times: all refused by io_uring
# itself with EOPNOTSUPP, none counted or reported by GUP. And one refused
# RDMA registration of a shared mapping of the ext4 disk's block device,
# whose report must name the device's inode (bdev), not the node's. And the
# administrator's switch refuses a write from root without CAP_SYS_ADMIN
# (EPERM) and from nobody (EACCES), and stays 0. Exits non-zero unless all
# of that holds.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

RDMA_PINS=100000
URING_PINS=10000

# counts LOG LABEL: "COUNTER LINES" from the line "LABEL: counter C, lines L".
counts() {
	sed -n "s/^$2: counter \\([0-9]*\\), lines \\([0-9]*\\)\$/\\1 \\2/p" "$1"
}

# flood_result LOG MODE ERRNO: "REFUSED SECONDS" of a flood in which every
# request was refused with ERRNO (none granted, no other error).
flood_result() {
	sed -n "s/^flood $2: \\([0-9]*\\) refused ($3), 0 granted, other 0, \\([0-9]*\\) seconds\$/\\1 \\2/p" "$1"
}

main() {
	local dir=$RUNS/patched/flood log c0 l0 c1 l1 c2 l2 refused seconds urefused useconds bound rc=0
	[ -f "$OUT/patched/$KERNEL_IMAGE" ] || die "the patched kernel is not built (make check builds it)"
	"$COMMON/vm-run.sh" --disks --timeout 900 "$OUT/patched" clients/flood.sh "$dir" || return 1
	log=$dir/output.log
	cat "$log"
	read -r c0 l0 < <(counts "$log" before)
	read -r c1 l1 < <(counts "$log" rdma)
	read -r c2 l2 < <(counts "$log" io_uring)
	read -r refused seconds < <(flood_result "$log" rdma EFAULT)
	read -r urefused useconds < <(flood_result "$log" io_uring EOPNOTSUPP)
	if [ -z "${c2:-}" ] || [ -z "${refused:-}" ] || [ -z "${urefused:-}" ]; then
		echo "the flood did not run to its end, or a request was not refused with the errno expected"
		return 1
	fi
	if ! grep -q '^bdev: flood rdma: 1 refused (EFAULT), 0 granted, other 0' "$log" ||
		! grep -qE '^bdev report: .*gup: refused a long-term write pin for flood\[[0-9]+\]: shared mapping of bdev inode [0-9]+ on bdev,' "$log"; then
		echo "the pin of a block device was not refused, or its report does not name the device's inode on bdev"
		rc=1
	fi
	if ! grep -qx 'switch: root without CAP_SYS_ADMIN: Operation not permitted, nobody: Permission denied, value 0 before, 0 after' "$log"; then
		echo "the switch was written, or refused for another reason, without CAP_SYS_ADMIN or as nobody"
		rc=1
	fi
	bound=$((10 * (seconds / 5 + 2)))
	echo "rdma: refused $refused, counter +$((c1 - c0)), log lines +$((l1 - l0)) (at most $bound in $seconds s)"
	if [ "$refused" -ne "$RDMA_PINS" ] || [ $((c1 - c0)) -ne "$RDMA_PINS" ] ||
		[ $((l1 - l0)) -lt 1 ] || [ $((l1 - l0)) -gt "$bound" ]; then
		echo "expected $RDMA_PINS refused and counted, 1 to $bound lines"
		rc=1
	fi
	echo "io_uring: refused $urefused in $useconds s, counter +$((c2 - c1)), log lines +$((l2 - l1)) (expected +0, +0)"
	if [ "$urefused" -ne "$URING_PINS" ] || [ "$c2" -ne "$c1" ] || [ "$l2" -ne "$l1" ]; then
		echo "expected $URING_PINS refused by io_uring, none counted or reported by GUP"
		rc=1
	fi
	return $rc
}

main "$@"
