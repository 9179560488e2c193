#!/usr/bin/env bash
# demo.sh (make): build the unpatched base and the patched kernel, run the
# gup_longterm selftest on both (files on ext4, xfs and ramfs) and print what
# each kernel did with each pin, side by side; then the reproducer's table.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEMO_TREE=$BUILD/check
RUNS=$BUILD/runs

main() {
	"$TOP/scripts/base.sh"
	"$TOP/scripts/tree.sh" "$DEMO_TREE"
	"$TOP/scripts/build-kernel.sh" "$BASE_TREE" "$OUT/base"
	"$TOP/scripts/build-kernel.sh" "$DEMO_TREE" "$OUT/patched"
	"$TOP/scripts/initramfs.sh" "$DEMO_TREE"
	local kernel
	for kernel in base patched; do
		say "gup_longterm on the $kernel kernel"
		"$TOP/scripts/vm-run.sh" --disks "$OUT/$kernel" gup_longterm.sh "$RUNS/$kernel/gup_longterm" || true
		echo "    $("$TOP/scripts/tap.sh" counts "$RUNS/$kernel/gup_longterm/output.log")"
	done
	echo
	echo "Long-term pins, base ($BASE_PACKAGE $(git -C "$BASE_TREE" log -1 --format=%s | awk '{print $NF}')) vs patched:"
	"$TOP/scripts/tap.sh" table "$RUNS/base/gup_longterm/output.log" "$RUNS/patched/gup_longterm/output.log"
	echo
	echo "The bug itself: a long-term pin writes, fsync() returns 0, the power is cut (scripts/repro.sh):"
	"$TOP/scripts/repro.sh"
}

main "$@"
