#!/bin/sh
# Guest: run the gup_longterm selftest with its files on ext4, xfs and ramfs.
# Each run is announced with the file system /proc/mounts shows at its
# directory, so that a mount that failed (the test would then run on the
# initramfs) is seen here and by the host (selftest/checks.sh).
rc=0
for fs in ext4 xfs ramfs; do
	mounted=$(awk -v dir="/mnt/$fs" '$2 == dir { print $3 }' /proc/mounts)
	echo "== gup_longterm on $fs (mounted: ${mounted:-nothing})"
	if [ "$mounted" != "$fs" ] || ! cd "/mnt/$fs"; then
		echo "error: /mnt/$fs is not a mounted $fs file system"
		rc=1
		continue
	fi
	gup_longterm || rc=1
done
exit $rc
