#!/bin/sh
# Guest, one boot per kernel (repro/repro.sh): how many pages one long-term
# write pin gets of anonymous memory followed by a MAP_SHARED file, on each
# file system, through the slow and the fast path (repro partial).
kernel=$(sed -n 's/.*repro\.kernel=\([^ ]*\).*/\1/p' /proc/cmdline)
if ! insmod "/tests/bin/gup_repro-$kernel.ko"; then
	echo "error: cannot load /tests/bin/gup_repro-$kernel.ko (repro.kernel=$kernel)"
	exit 1
fi
rc=0
for fs in ext4 xfs ramfs; do
	if ! grep -q " /mnt/$fs $fs " /proc/mounts; then
		echo "error: /mnt/$fs is not a mounted $fs"
		rc=1
		continue
	fi
	echo "fs: $fs"
	repro partial "/mnt/$fs/partial.dat" || rc=1
done
exit $rc
