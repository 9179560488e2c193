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
	# The memfd hugetlb cases do not depend on the directory. The 1 GiB
	# ones take most of a section's time under TCG (the page is cleared
	# and read whole): they run in the first section only, the gigantic
	# pages are given back, and the later sections skip them
	# (selftest/expected-skips).
	echo 0 >/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 2>/dev/null
done
exit $rc
