#!/bin/sh
# Guest: make stress. The race stress (race SECONDS, stress.seconds= on the
# command line; stress.longterm=benchmark: long-term pins through the
# benchmark ioctls, on a gup_test without the long-term test ones) with a
# swap file on the ext4 disk, then the gup_test fuzzer
# (stress.fuzz= calls, default 100000; any gup_flags on a kernel whose gup_test refuses what GUP
# would warn about: stress.flags=any), then a data check: what was written
# through write() and a MAP_SHARED mapping and fsync()ed before the stress
# must still be there (the host then checks the file systems).
param() {
	sed -n "s/.*stress\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline
}
seconds=$(param seconds)
flags=$(param flags)
calls=$(param fuzz)

# Data written before the stress, checked after it.
for fs in ext4 xfs; do
	head -c 1048576 /dev/urandom >"/mnt/$fs/data.ref" && sync
	datacheck write "/mnt/$fs/data.ref" "/mnt/$fs/data.chk" || exit 1
done

if dd if=/dev/zero of=/mnt/ext4/swapfile bs=1M count=64 2>/dev/null &&
   chmod 600 /mnt/ext4/swapfile && mkswap /mnt/ext4/swapfile >/dev/null &&
   swapon /mnt/ext4/swapfile; then
	echo "swap: on"
else
	echo "swap: off"
fi

# shmem THPs where asked for (race asks with MADV_HUGEPAGE); ksmd merging
# the private pages race marks MADV_MERGEABLE, often.
echo advise >/sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null
echo 20 >/sys/kernel/mm/ksm/sleep_millisecs 2>/dev/null
echo 1000 >/sys/kernel/mm/ksm/pages_to_scan 2>/dev/null
echo 1 >/sys/kernel/mm/ksm/run 2>/dev/null || echo "ksm: off"

# shellcheck disable=SC2046 # no word or "benchmark"
race "${seconds:-60}" $(param longterm) || exit 1
if [ "$flags" = any ]; then
	fuzz "${calls:-100000}" any-flags || exit 1
else
	fuzz "${calls:-100000}" || exit 1
fi
swapoff /mnt/ext4/swapfile 2>/dev/null
rm -f /mnt/ext4/swapfile

# Remount: the data is read back from the disks.
cd /
if ! umount /mnt/ext4 /mnt/xfs || ! mount -t ext4 /dev/vda /mnt/ext4 ||
   ! mount -t xfs /dev/vdb /mnt/xfs; then
	echo "error: cannot remount"
	exit 1
fi
for fs in ext4 xfs; do
	datacheck verify "/mnt/$fs/data.ref" "/mnt/$fs/data.chk" || exit 1
done
