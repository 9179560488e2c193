#!/usr/bin/env bash
# vm-run.sh [options] KERNEL_OUT TEST LOGDIR
#   Boot the kernel built in KERNEL_OUT under qemu with the bench initramfs and
#   run /tests/TEST (FEATURE/SCRIPT.sh, from FEATURE/guest/) in the guest. The
#   console goes to LOGDIR/console.log, the test's output to LOGDIR/output.log.
#   Exit status:
#     0  the test ran and passed, and the kernel did not complain;
#     1  the test ran and failed (its own exit status is in LOGDIR/test-status);
#     2  the run itself failed, whatever the test said: the VM hung, the
#        kernel warned (BUG, lockdep, ...), the guest died, qemu failed.
#   Callers that expect the test to fail (the base kernel) accept 1, never 2.
# Options:
#   --disks          attach LOGDIR/ext4.img and LOGDIR/xfs.img (made fresh
#                    unless --keep-disks) as vda and vdb
#   --keep-disks     reuse the images already in LOGDIR (a second boot)
#   --icount         deterministic timing: -icount shift=0 -smp 1
#   --iommu          the machine with an emulated IOMMU and a DMA-capable
#                    PCI device (IOMMU_MACHINE, IOMMU_APPEND in
#                    common/arch/*.conf), for VFIO
#   --expect-warning PATTERN
#                    the run exists to provoke a warning: exactly one WARNING
#                    matching PATTERN must appear, and nothing else
#   --timeout SECONDS (default 300)
#   --append ARGS    extra kernel command line
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Whatever stops the runner itself is a failure of the run (exit 2), not of
# the test.
die() {
	echo "error: $*" >&2
	exit 2
}

disks=0 keep_disks=0 icount=0 iommu=0 expect_warning="" timeout=300 append=""
while [ $# -gt 3 ]; do
	case $1 in
	--disks) disks=1 ;;
	--keep-disks) disks=1 keep_disks=1 ;;
	--icount) icount=1 ;;
	--iommu) iommu=1 ;;
	--expect-warning) expect_warning=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--append) append=$2; shift ;;
	*) die "vm-run.sh: unknown option $1" ;;
	esac
	shift
done
[ $# -eq 3 ] || die "usage: vm-run.sh [options] KERNEL_OUT TEST LOGDIR"
kout=$1 test=$2 logdir=$3
initrd=$INITRD

# Kernel messages that fail a run: warnings, BUGs, lockdep, oopses, panics.
BAD_KERNEL_LOG='WARNING:|BUG:|Call Trace|possible circular locking|INFO: |Oops|Kernel panic|general protection fault|UBSAN|KASAN'

run_qemu() {
	local machine=("${QEMU_MACHINE[@]}")
	if [ "$iommu" -eq 1 ]; then
		[ -n "${IOMMU_MACHINE[*]:-}" ] || die "no machine with an IOMMU for $GUEST_ARCH guests"
		machine=("${IOMMU_MACHINE[@]}")
		append+=" $IOMMU_APPEND"
	fi
	local args=(-nodefaults -display none -no-reboot "${machine[@]}" -m "$GUEST_MEMORY"
		-kernel "$kout/$KERNEL_IMAGE" -initrd "$initrd"
		-serial "file:$logdir/console.log"
		-chardev "file,id=output,path=$logdir/output.log" "${OUTPUT_DEVICE[@]}")
	local cmdline="console=$CONSOLE panic=-1 oops=panic $HUGEPAGES"
	cmdline+=" bench.run=$test bench.out=$OUTPUT_TTY $append"
	if [ "$icount" -eq 1 ]; then
		args+=(-icount shift=0 -smp 1)
	else
		args+=(-smp 2)
	fi
	if [ "$disks" -eq 1 ]; then
		args+=(-drive "file=$logdir/ext4.img,format=raw,if=virtio"
		       -drive "file=$logdir/xfs.img,format=raw,if=virtio")
	fi
	timeout -k 10 "$timeout" "$QEMU" "${args[@]}" -append "$cmdline" \
		</dev/null >"$logdir/qemu.log" 2>&1
}

check_kernel_log() {
	local found
	found=$(grep -E "$BAD_KERNEL_LOG" "$logdir/console.log" || true)
	if [ -z "$expect_warning" ]; then
		[ -z "$found" ] && return 0
		echo "error: the kernel complained during $test (see $logdir/console.log):" >&2
		echo "$found" | head -5 >&2
		return 1
	fi
	local warnings
	warnings=$(grep -c 'WARNING:' "$logdir/console.log" || true)
	if [ "$warnings" -ne 1 ] || ! grep 'WARNING:' "$logdir/console.log" | grep -qE "$expect_warning"; then
		echo "error: expected exactly one warning matching '$expect_warning' in $test, saw $warnings:" >&2
		grep 'WARNING:' "$logdir/console.log" | head -5 >&2
		return 1
	fi
	# (one backtrace, the warning's: a dump_stack() elsewhere is a complaint)
	if [ "$(grep -c 'Call Trace' "$logdir/console.log" || true)" -ne 1 ]; then
		echo "error: besides the expected warning, the kernel printed a backtrace in $test" >&2
		return 1
	fi
	if echo "$found" | grep -vE 'WARNING:|Call Trace' | grep -q .; then
		echo "error: besides the expected warning, the kernel complained in $test:" >&2
		echo "$found" | grep -vE 'WARNING:|Call Trace' | head -5 >&2
		return 1
	fi
}

main() {
	need_packages "$QEMU_PACKAGE"
	[ -f "$kout/$KERNEL_IMAGE" ] || die "no kernel at $kout/$KERNEL_IMAGE: build it first"
	[ -f "$initrd" ] || die "no initramfs at $initrd: run common/initramfs.sh first"
	mkdir -p "$logdir"
	rm -f "$logdir/console.log" "$logdir/output.log" "$logdir/test-status"
	if [ "$disks" -eq 1 ] && [ "$keep_disks" -eq 0 ]; then
		make_disks "$logdir" || die "making the disks in $logdir failed"
	fi

	local rc=0
	run_qemu || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "error: the VM running $test hung: killed after ${timeout}s (see $logdir/console.log)" >&2
		tail -5 "$logdir/console.log" >&2
		return 2
	elif [ "$rc" -ne 0 ]; then
		echo "error: qemu failed (exit $rc), see $logdir/qemu.log" >&2
		tail -5 "$logdir/qemu.log" >&2
		return 2
	fi
	# The guest's serial lines end in CR LF.
	sed -i 's/\r$//' "$logdir/console.log" "$logdir/output.log"
	check_kernel_log || return 2

	local status
	status=$(sed -n 's/^bench-exit: \([0-9]*\).*/\1/p' "$logdir/output.log" | tail -1)
	if [ -z "$status" ]; then
		echo "error: the guest died before $test finished (see $logdir/console.log)" >&2
		tail -5 "$logdir/console.log" >&2
		return 2
	fi
	echo "$status" >"$logdir/test-status"
	[ "$status" -eq 0 ] || return 1
}

main
