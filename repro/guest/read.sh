#!/bin/sh
# Guest, second boot of a repro run (repro/repro.sh): /init mounted the disks
# (the journals replayed after the power cut); print what each case's file
# holds (repro.cases= as in run.sh).
# The administrator's switch (the patched kernel only): on, from the
# command line (repro.sh).
switch=/proc/sys/vm/gup_longterm_file_write
[ -e "$switch" ] && echo "boot-switch: $(cat "$switch")"
rc=0
for case in $(sed -n 's/.*repro\.cases=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' '); do
	echo "case: ${case%%:*} ${case#*:}"
	repro read "/mnt/${case%%:*}/repro-${case#*:}.dat" || rc=1
done
exit $rc
