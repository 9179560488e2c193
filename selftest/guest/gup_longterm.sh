#!/bin/sh
# Guest: run the gup_longterm selftest with its files on ext4, xfs and ramfs.
rc=0
for fs in ext4 xfs ramfs; do
	echo "== gup_longterm on $fs"
	if ! cd "/mnt/$fs"; then
		echo "/mnt/$fs is not available"
		rc=1
		continue
	fi
	gup_longterm || rc=1
done
exit $rc
