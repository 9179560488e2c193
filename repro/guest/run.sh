#!/bin/sh
# Guest, second boot of a repro run (repro/repro.sh): load the gup_repro
# module built for this kernel, run "repro MODE" on the test file, report, and
# cut the power (sysrq b, and qemu runs with -no-reboot) while repro's pin,
# if it left one, is still held. Kernel command line:
#   repro.kernel=base|patched repro.fs=ext4|xfs repro.mode=MODE
#   [repro.pin=shortterm]  (dirty-warn only: pin short-term)
param() {
	sed -n "s/.*repro\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline
}

kernel=$(param kernel)
fs=$(param fs)
mode=$(param mode)
pin=$(param pin)
# Both modules say 6.1.192+ and the kernel has no CONFIG_MODVERSIONS: insmod
# would load either one, so the host says which kernel this is.
if ! insmod "/tests/bin/gup_repro-$kernel.ko"; then
	echo "error: cannot load /tests/bin/gup_repro-$kernel.ko (repro.kernel=$kernel)"
	exit 1
fi
# unsafe: a long-term pin, with vm.gup_longterm_file_write=1 on the command line.
[ "$mode" = unsafe ] && mode=longterm
# shellcheck disable=SC2086 # $pin is empty or one word
repro "$mode" "/mnt/$fs/repro.dat" $pin
echo "bench-exit: $?"
# Let the serial port drain, then cut the power: no sync, no unmount.
sleep 2
echo b >/proc/sysrq-trigger
