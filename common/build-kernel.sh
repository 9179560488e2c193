#!/usr/bin/env bash
# build-kernel.sh SRC OUTDIR [FRAGMENT...]: configure (tinyconfig + fragments,
# default the test kernel's: $TEST_FRAGMENTS, see lib.sh; plus the guest
# architecture's fragment) and build the kernel in SRC into OUTDIR,
# incrementally, for $GUEST_ARCH. Every option a fragment asks for must end
# up set. TARGETS="dir/file.o ..." in the environment builds those objects
# only (drivers no test kernel runs, see common/configs/objects.config).
#
# OUTDIR is a symbolic link to SRC/.out-NAME (NAME: OUTDIR's last
# component), a directory of the source tree itself: a build directory
# directly below its sources is where Kbuild names them relative to it
# ("../mm/gup.c", srctree ".."), so a file compiles with the same command
# line and the same preprocessed text whichever tree it is in. ccache's
# objects of the base kernel then serve the patched kernel and every other
# tree's build of the same configuration; in separate directories they
# did not (each tree's own path was in every command).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: build-kernel.sh SRC OUTDIR [FRAGMENT...]"
src=$(realpath "$1")
link=$(realpath -ms "$2")
out=$src/.out-$(basename "$link")
shift 2
fragments=("$@")
[ ${#fragments[@]} -gt 0 ] || fragments=("${TEST_FRAGMENTS[@]}")
# shellcheck disable=SC2206 # KCONFIG_EXTRA is a list of files
[ -z "${KCONFIG_EXTRA:-}" ] || fragments+=($KCONFIG_EXTRA)
[ -z "$ARCH_KCONFIG" ] || fragments+=("$COMMON/arch/$ARCH_KCONFIG")

kmake() {
	local cross=()
	[ -z "$KERNEL_ARCH" ] || cross=(ARCH="$KERNEL_ARCH" CROSS_COMPILE="$CROSS_COMPILE")
	# Paths relative to the bench let ccache hit in any clone (CI starts fresh).
	CCACHE_BASEDIR=$TOP make -C "$src" O="$out" "${cross[@]}" CC="ccache ${CROSS_COMPILE}gcc" \
		-j"$(nproc)" "$@"
}

# The CONFIG_ options the fragments ask for that this tree defines (a test
# option added by a later patch is not defined in the earlier ones).
defined_options() {
	local symbols
	symbols=$(find "$src" \( -path "$src/.git" -o -path "$src/.out-*" \) -prune -o -name 'Kconfig*' -exec \
		grep -hoE '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' {} + | awk '{print "CONFIG_" $2}' | sort -u)
	# ... and that the guest architecture can have (ARCH_NO_KCONFIG).
	grep -h '^CONFIG_' "${fragments[@]}" |
		awk -F= -v absent=" ${ARCH_NO_KCONFIG:-} " \
			'NR == FNR { defined[$0] = 1; next } $1 in defined && !index(absent, " " $1 " ")' \
			<(echo "$symbols") -
}

configure() {
	local wanted=$out/.config.wanted options line incomplete=0
	options=$(defined_options)
	echo "$options" >"$wanted.new"
	if [ -f "$out/.config" ] && cmp -s "$wanted.new" "$wanted"; then
		rm "$wanted.new"
		return 0
	fi
	kmake tinyconfig >"$out/config.log" 2>&1
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}" >>"$out/config.log" 2>&1
	kmake olddefconfig >>"$out/config.log" 2>&1
	while read -r line; do
		grep -qx -- "$line" "$out/.config" || {
			echo "error: $line did not make it into $out/.config (a dependency is missing)" >&2
			incomplete=1
		}
	done <<<"$options"
	[ "$incomplete" -eq 0 ] || die "kernel configuration incomplete, see $out/config.log"
	mv "$wanted.new" "$wanted"
}

main() {
	need_packages gcc make flex bison bc libelf-dev libssl-dev ccache cpio kmod
	[ -z "$CROSS_COMPILE" ] || need_packages "gcc-${CROSS_COMPILE%-}"
	[ -f "$src/Makefile" ] || die "$src is not a kernel tree"
	mkdir -p "$out" "$(dirname "$link")"
	# (a directory of an older bench, built where the link goes now, is
	# build output: replaced)
	[ -L "$link" ] || [ ! -e "$link" ] || rm -rf "$link"
	ln -sfnr "$out" "$link"
	configure
	say "building $(basename "$src") in $out"
	# shellcheck disable=SC2086 # a list of make targets
	if ! kmake ${TARGETS:-} >"$out/build.log" 2>&1; then
		grep -E 'error|Error' "$out/build.log" | head -20 >&2
		die "kernel build failed, see $out/build.log"
	fi
}

main "$@"
