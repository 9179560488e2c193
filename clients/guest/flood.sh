#!/bin/sh
# Guest: long-term write pins of a shared ext4 file asked for, over and over,
# by an unprivileged process (clients/guest/flood.c): 100000 RDMA memory
# registrations on siw (not rxe: rxe logs every failed registration
# itself, unratelimited, which would flush the log this checks), which GUP
# refuses, counts and reports; then 10000
# io_uring buffer registrations, which io_uring refuses itself. The refusal
# counter and the number of kernel log lines that report refusals, before,
# between and after.
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
count_lines() {
	dmesg | grep -c 'gup: refused a long-term write pin'
}
counter=/proc/sys/vm/gup_longterm_file_write_refused
[ -r "$counter" ] || { echo "error: no $counter"; exit 1; }
if ! { /usr/sbin/ip link add floodnet type dummy && /usr/sbin/ip link set floodnet up &&
	/usr/bin/rdma link add siw0 type siw netdev floodnet; }; then
	echo "error: no siw device"
	exit 1
fi
# Only root with CAP_SYS_ADMIN may turn the switch on.
flood switch || exit 1
# The report names the inode the rule is about: for a block device, the
# device's (on the bdev pseudo file system), not its device node's.
echo "bdev: $(flood rdma siw0 /dev/vda 1)"
echo "bdev report: $(dmesg | grep 'gup: refused a long-term write pin' | tail -1)"
echo "before: counter $(cat $counter), lines $(count_lines)"
flood rdma siw0 /mnt/ext4/flood.dat 100000 || exit 1
echo "rdma: counter $(cat $counter), lines $(count_lines)"
flood io_uring /mnt/ext4/flood.dat 10000 || exit 1
echo "io_uring: counter $(cat $counter), lines $(count_lines)"
