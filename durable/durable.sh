#!/usr/bin/env bash
# durable.sh [--no-build] (make durable; not part of make check): the
# durable-pins RFC, durable/patches/, on top of the series. Applies it with
# git am onto a clone of the patched tree make check leaves (build/patched,
# at the end of the series) in $DURABLE_TREE, builds the test kernel into
# $OUT/durable, and runs the reproducer on it with --assert: the default
# still refuses, vm.gup_longterm_file_write=2 keeps what the device wrote on
# ext4 through fsync() and a power cut, and refuses on xfs, saying why
# (repro/repro.sh, kernel "durable"); the KUnit suites ran at its boot,
# with the RFC's case of the decision (setting x file system x mapping);
# and the durable tree's gup_longterm selftest, with the RFC's cases of
# setting 2, passes on it (every case, on ext4, xfs and ramfs).
# Its patches must be checkpatch.pl --strict clean, as the series' are.
# --no-build: the tree and the kernel as the last run left them.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=../kunit/checks.sh
. "$TOP/kunit/checks.sh"
# shellcheck source=../selftest/checks.sh
. "$TOP/selftest/checks.sh"

# The RFC adds one KUnit case to the series' (check_vma_flags_durable_test)
# and three switch cases to each file system's selftest run (setting 2:
# slow and fast read-write pins, an io_uring fixed buffer).
DURABLE_KUNIT_CASES=$((KUNIT_CASES + 1))
DURABLE_SELFTEST_CASES=$((GUP_LONGTERM_CASES + 3))
DURABLE_REPORT="which its file system cannot keep durable under a pin (vm.gup_longterm_file_write=2)"

# The selftest is the durable tree's: the initramfs is packed with it for
# this boot, and with the series' again afterwards (the other features'
# runs expect that one). Every case passes: setting 2's pins are granted
# on ext4 and refused on xfs and ramfs, and the kernel log says why.
durable_selftest() {
	local dir=$RUNS/durable/gup_longterm rc=0
	"$COMMON/initramfs.sh" "$DURABLE_TREE" >/dev/null || return 1
	selftest_passes "$OUT/durable" "$dir" "$DURABLE_SELFTEST_CASES" || rc=1
	"$COMMON/initramfs.sh" "$PATCHED_TREE" >/dev/null || rc=1
	grep -qF "$DURABLE_REPORT" "$dir/console.log" ||
		{ echo "no \"$DURABLE_REPORT\" in $dir/console.log"; rc=1; }
	return $rc
}

make_tree() {
	local patches=("$TOP"/durable/patches/*.patch)
	[ -f "${patches[0]}" ] || die "no patches in durable/patches/"
	[ -d "$PATCHED_TREE/.git" ] || die "no $PATCHED_TREE: run make check first"
	[ "$(git -C "$PATCHED_TREE" rev-parse HEAD)" = "$(git -C "$PATCHED_TREE" rev-parse series)" ] ||
		die "$PATCHED_TREE is not at the end of the series (is make check running?)"
	say "applying ${#patches[@]} patches of durable/patches/ onto the series in $DURABLE_TREE"
	rm -rf "$DURABLE_TREE"
	git clone -q "$PATCHED_TREE" "$DURABLE_TREE" -b series || die "cloning $PATCHED_TREE failed"
	git -C "$DURABLE_TREE" -c user.name=bench -c user.email=bench@localhost am -q "${patches[@]}" ||
		die "durable/patches/ does not apply onto the series (git -C $DURABLE_TREE am --show-current-patch)"
}

main() {
	local build=1
	case ${1:-} in
	"") ;;
	--no-build) build=0 ;;
	*) die "usage: durable.sh [--no-build]" ;;
	esac
	if [ "$build" -eq 1 ]; then
		make_tree
		say "building the durable kernel into $OUT/durable"
		"$COMMON/build-kernel.sh" "$DURABLE_TREE" "$OUT/durable" || die "the durable kernel does not build"
		"$TOP/repro/repro.sh" --build durable || die "the reproducer's module does not build for it"
	fi
	[ -f "$OUT/durable/vmlinux" ] || die "no durable kernel in $OUT/durable: run durable.sh without --no-build"
	local rc=0
	say "checkpatch.pl --strict of durable/patches/"
	mkdir -p "$RUNS/durable"
	check_style "$TOP"/durable/patches/*.patch >"$RUNS/durable/checkpatch.log" 2>&1 ||
		{ grep -E '^(==|ERROR|WARNING|CHECK|no maintainer)' "$RUNS/durable/checkpatch.log"; rc=1; }
	"$TOP/repro/repro.sh" --assert --no-build durable || rc=1
	say "the KUnit suites at the durable kernel's boot"
	KUNIT_CASES=$DURABLE_KUNIT_CASES check_kunit_log "$RUNS/durable/repro/run-console.log" "$DURABLE_TREE" ||
		rc=1
	say "the durable tree's gup_longterm selftest on the durable kernel"
	durable_selftest || rc=1
	return $rc
}

main "$@"
