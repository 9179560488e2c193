#!/usr/bin/env bash
# demo.sh (make): build the unpatched base and the patched kernel, run the
# gup_longterm selftest on both (files on ext4, xfs and ramfs) and print
# what each kernel did with each pin, side by side; then the reproducer's
# table. Fails if any run did not go as make check expects.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=../selftest/checks.sh
. "$TOP/selftest/checks.sh"

main() {
	need_packages "${HOST_PACKAGES[@]}" "$QEMU_PACKAGE"
	"$COMMON/base.sh"
	"$COMMON/tree.sh" "$PATCHED_TREE"
	"$COMMON/build-kernel.sh" "$BASE_TREE" "$OUT/base"
	"$COMMON/build-kernel.sh" "$PATCHED_TREE" "$OUT/patched"
	"$COMMON/initramfs.sh" "$PATCHED_TREE"
	local rc=0 verdict
	say "gup_longterm on the base kernel (it must fail where the bug is)"
	if verdict=$(check_base_gup_longterm 2>&1); then
		echo "    as expected: the cases listed in selftest/base-failures fail, the others pass"
	else
		indent <<<"$verdict"
		echo "    UNEXPECTED (see $RUNS/base/gup_longterm/)"
		rc=1
	fi
	say "gup_longterm on the patched kernel (every case must pass)"
	if verdict=$(check_patched_gup_longterm 2>&1); then
		echo "    as expected: $("$TOP/selftest/tap.sh" counts "$RUNS/patched/gup_longterm/output.log")"
	else
		indent <<<"$verdict"
		echo "    UNEXPECTED (see $RUNS/patched/gup_longterm/)"
		rc=1
	fi
	echo
	echo "Long-term pins, base ($BASE_PACKAGE $(git -C "$BASE_TREE" log -1 --format=%s | awk '{print $NF}')) vs patched"
	echo "(difference: \"the bug, fixed\" where the base grants a write pin that the patched kernel"
	echo "refuses; \"io_uring defers to GUP\" where io_uring's own older rule gave way to GUP's):"
	"$TOP/selftest/tap.sh" table "$RUNS/base/gup_longterm/output.log" "$RUNS/patched/gup_longterm/output.log"
	echo
	echo "Real long-term pinners, driven by their own user-space stacks (clients/clients.sh):"
	"$TOP/clients/clients.sh" --assert || rc=1
	echo
	echo "The bug itself: a long-term pin writes, fsync() returns 0, the power is cut (repro/repro.sh):"
	"$TOP/repro/repro.sh" --assert || rc=1
	[ "$rc" -eq 0 ] || die "some runs did not go as expected (above)"
}

main "$@"
