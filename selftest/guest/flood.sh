#!/bin/sh
# Guest: 100000 refused long-term write pins asked for by an unprivileged
# process (selftest/guest/flood.c), with the refusal counter and the number
# of kernel log lines that report refusals, before and after.
count_lines() {
	dmesg | grep -c 'gup: refused a long-term write pin'
}
counter=/proc/sys/vm/gup_longterm_file_write_refused
[ -r "$counter" ] || { echo "error: no $counter"; exit 1; }
echo "before: counter $(cat $counter), lines $(count_lines)"
flood /mnt/ext4/flood.dat 100000 || exit 1
echo "after: counter $(cat $counter), lines $(count_lines)"
