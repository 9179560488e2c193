#!/bin/sh
# Guest, first boot of a repro run (repro/repro.sh): load the gup_repro module
# built for this kernel, run "repro MODE FILE" for each case, with the
# gup_repro module playing the device, then "repro partial" on each file
# system, and cut the power (sysrq b, and qemu runs with -no-reboot) while
# the pins the cases left are still held. Kernel command line:
#   repro.kernel=base|patched|durable
#   repro.cases=FS:MODE,...   each case's file is /mnt/FS/repro-MODE.dat
# Each case's output starts with "case: FS MODE" (and its kernel messages
# with "repro-case: FS MODE"), the partial pins' with "case: partial".
param() {
	sed -n "s/.*repro\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline
}

kernel=$(param kernel)
# Both modules say 6.1.192+ and the kernel has no CONFIG_MODVERSIONS: insmod
# would load either one, so the host says which kernel this is.
if ! insmod "/tests/bin/gup_repro-$kernel.ko"; then
	echo "error: cannot load /tests/bin/gup_repro-$kernel.ko (repro.kernel=$kernel)"
	exit 1
fi
# The administrator's switch (not on the base): the default (no command
# line), 1 for the unsafe cases only, 2 for the durable ones only.
switch=/proc/sys/vm/gup_longterm_file_write
[ -e "$switch" ] && echo "boot-switch: $(cat "$switch")"

rc=0
for case in $(param cases | tr , ' '); do
	fs=${case%%:*}
	mode=${case#*:}
	echo "case: $fs $mode"
	echo "repro-case: $fs $mode" >/dev/kmsg
	if ! grep -q " /mnt/$fs $fs " /proc/mounts; then
		echo "error: /mnt/$fs is not a mounted $fs"
		echo "case-exit: 1"
		rc=1
		continue
	fi
	# unsafe and durable*: a long-term pin with the switch at 1 (granted
	# unsafe) or 2 (kept durable where the file system can), for it only;
	# durable-syncfs, durable-cycles, durable-layout, durable-tail and
	# durable-enospc: repro's syncfs, cycles, layout, tail and enospc modes.
	setting=
	step=longterm
	case $mode in
	unsafe) setting=1 ;;
	durable) setting=2 ;;
	durable-*)
		setting=2
		step=${mode#durable-}
		;;
	esac
	if [ -n "$setting" ]; then
		echo "$setting" >"$switch"
		# cycles: the flusher writes back what is 0.1 s old, every 0.1 s
		vm=/proc/sys/vm
		if [ "$step" = cycles ]; then
			saved="$(cat $vm/dirty_writeback_centisecs) $(cat $vm/dirty_expire_centisecs)"
			echo 10 >$vm/dirty_writeback_centisecs
			echo 10 >$vm/dirty_expire_centisecs
		fi
		repro "$step" "/mnt/$fs/repro-$mode.dat"
		status=$?
		if [ "$step" = cycles ]; then
			echo "${saved% *}" >$vm/dirty_writeback_centisecs
			echo "${saved#* }" >$vm/dirty_expire_centisecs
		fi
		echo 0 >"$switch"
	else
		repro "$mode" "/mnt/$fs/repro-$mode.dat"
		status=$?
	fi
	echo "case-exit: $status"
	[ "$status" -eq 0 ] || rc=1
done

echo "case: partial"
echo "repro-case: partial" >/dev/kmsg
for fs in ext4 xfs ramfs; do
	if ! grep -q " /mnt/$fs $fs " /proc/mounts; then
		echo "error: /mnt/$fs is not a mounted $fs"
		rc=1
		continue
	fi
	echo "fs: $fs"
	repro partial "/mnt/$fs/partial.dat" || rc=1
done

echo "bench-exit: $rc"
# Let the serial port drain, then cut the power: no sync, no unmount.
sleep 2
echo b >/proc/sysrq-trigger
sleep 5
echo "error: the power cut (sysrq b) did not happen"
exit 1
