#!/bin/sh
# Guest: make stress. The race stress (race SECONDS, stress.seconds= on the
# command line; stress.longterm=benchmark: long-term pins through the
# benchmark ioctls, on a gup_test without the long-term test ones) with a
# swap file on the ext4 disk, then the gup_test fuzzer
# (stress.fuzz= calls, default 100000; any gup_flags on a kernel whose gup_test refuses what GUP
# would warn about: stress.flags=any), then a data check: what was written
# through write() and a MAP_SHARED mapping and fsync()ed before the stress
# must still be there, and the pin check's file must hold its last version
# (the host then checks the file systems).
param() {
	sed -n "s/.*stress\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline
}
seconds=$(param seconds)
flags=$(param flags)
calls=$(param fuzz)

# Data written before the stress, checked after it against the pattern
# computed again (datacheck) and against the digest taken now, kept in the
# initramfs (memory), not on the disks.
for fs in ext4 xfs; do
	datacheck write 1 1048576 "/mnt/$fs/data.chk" || exit 1
	sha256sum "/mnt/$fs/data.chk" >"/tmp/data-$fs.sha256" || exit 1
done
# stress/break-premises.sh: the pin check's mapping drops its pages.
if [ "$(param break)" = pincheck ]; then
	export RACE_BREAK_PINCHECK=1
	echo "stress.break=pincheck: the pin check's mapping drops its pages after each pin"
fi

if dd if=/dev/zero of=/mnt/ext4/swapfile bs=1M count=64 2>/dev/null &&
   chmod 600 /mnt/ext4/swapfile && mkswap /mnt/ext4/swapfile >/dev/null &&
   swapon /mnt/ext4/swapfile; then
	echo "swap: on"
else
	# (stress.sh fails the run then: without swap MADV_PAGEOUT pages
	# out file pages only)
	echo "swap: off"
fi

# shmem THPs where asked for (race asks with MADV_HUGEPAGE); ksmd merging
# the private pages race marks MADV_MERGEABLE, often.
echo advise >/sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null
echo 20 >/sys/kernel/mm/ksm/sleep_millisecs 2>/dev/null
echo 1000 >/sys/kernel/mm/ksm/pages_to_scan 2>/dev/null
echo 1 >/sys/kernel/mm/ksm/run 2>/dev/null || echo "ksm: off"

# shellcheck disable=SC2046 # no word or "benchmark"
race "${seconds:-60}" $(param longterm) >/tmp/race.out || { cat /tmp/race.out; exit 1; }
cat /tmp/race.out
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
	datacheck verify 1 1048576 "/mnt/$fs/data.chk" || exit 1
	sha256sum -c "/tmp/data-$fs.sha256" >/tmp/sha256.out || { cat /tmp/sha256.out; exit 1; }
	sed 's/^/datacheck: sha256 of /' /tmp/sha256.out
done
# The pin check's file (race.c): its last version, fsync()ed before the
# remount.
version=$(sed -n 's/^pincheck: .*, version \([0-9]*\)$/\1/p' /tmp/race.out)
if [ -n "$version" ]; then
	datacheck verify "$version" 65536 /mnt/ext4/pincheck || exit 1
fi
