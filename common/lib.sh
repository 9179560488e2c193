#!/usr/bin/env bash
# Shared helpers for the bench scripts: paths, messages, package installation,
# the make check steps.
# shellcheck shell=bash disable=SC2034 # it sets variables for the scripts that source it

set -euo pipefail
# Debian's tools first: checkpatch.pl needs Debian's python3 and its modules.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMMON=$TOP/common
BUILD=${BUILD:-$TOP/build}
# shellcheck source=../base.conf
. "$TOP/base.conf"

BASE_TREE=$BUILD/base       # git repo: one commit, Debian's source as shipped
PATCHED_TREE=$BUILD/patched # git repo: base + patches/, remade by every target
DURABLE_TREE=$BUILD/durable-tree # the series + durable/patches/ (make durable)
DEV_TREE=$BUILD/tree        # git repo: base + patches/, yours to work in
OUT=$BUILD/out              # kernel build output, one directory per kernel
RUNS=$BUILD/runs            # VM logs, one directory per kernel and test

die() {
	echo "error: $*" >&2
	exit 1
}

say() {
	echo "==> $*"
}

warn() {
	echo "WARNING: $*" >&2
}

# indent: standard input, each line indented by four spaces.
indent() {
	sed 's/^/    /'
}

# series_patches: the patch files of the series, in order: every
# NNNN-*.patch in patches/ but the cover letter (0000).
series_patches() {
	local patch
	for patch in "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$patch" ] || continue
		case $(basename "$patch") in
		0000-*) ;;
		*) echo "$patch" ;;
		esac
	done
}

# check_style PATCH...: checkpatch.pl --strict (with codespell) on every
# PATCH, from the base tree: no error, warning or check. Its "does
# MAINTAINERS need updating?" warning on new files is replaced by asking
# get_maintainer.pl: every touched file must have a maintainer entry. Its
# check that a commit id the message cites exists is left out: the base is
# one commit, without upstream's history (the ids are upstream's).
# codespell's dictionary is used without its "iput->input" entry: iput() is
# the VFS's function (the durable patches call it).
check_style() {
	local dict=$BUILD/codespell-dictionary.txt patch rc=0
	[ -x "$BASE_TREE/scripts/checkpatch.pl" ] || { echo "no $BASE_TREE: run make check first"; return 1; }
	grep -v '^iput->' "$(python3 -c 'import codespell_lib, os; print(os.path.dirname(codespell_lib.__file__))')/data/dictionary.txt" >"$dict" ||
		{ echo "codespell's dictionary not found"; return 1; }
	[ $# -gt 0 ] || { echo "no patch to check"; return 1; }
	for patch in "$@"; do
		echo "== $(basename "$patch")"
		(cd "$BASE_TREE" && scripts/checkpatch.pl --strict --codespell --codespellfile "$dict" \
			--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$patch") || rc=1
		(cd "$BASE_TREE" && scripts/get_maintainer.pl --no-git --no-rolestats --no-l --no-r "$patch") |
			grep -q . || { echo "no maintainer for the files of $patch"; rc=1; }
	done
	return $rc
}

# series_author: the author of the series' patches ("Name <email>"), which
# is also the identity of the trees' commits and of the cover letter.
series_author() {
	local first
	first=$(series_patches | head -1)
	[ -n "$first" ] || die "patches/ holds no patch"
	sed -n 's/^From: //p' "$first" | head -1
}

# format_series TREE OUTDIR: the series branch of TREE as patch files in
# OUTDIR, the way make export writes them: no commit hashes, blob hashes
# abbreviated to 9 digits, no version signature, the cover letter from the branch description, dated like the
# last patch, so that the same commits always give the same files.
format_series() {
	local tree=$1 outdir=$2 last_date
	git -C "$tree" config branch.series.description >/dev/null ||
		die "$tree has no cover letter text: git -C $tree branch --edit-description series"
	# A fixed abbreviation: git's automatic one depends on the repository.
	git -C "$tree" -c core.abbrev=9 format-patch -q -o "$outdir" --zero-commit --no-signature --numbered \
		--cover-letter --cover-from-description=subject --base=base base..series
	last_date=$(git -C "$tree" log -1 --format='%ad' --date=rfc2822 series)
	sed -i "s/^Date: .*/Date: $last_date/" "$outdir/0000-cover-letter.patch"
}

# need_packages PKG...: install the Debian packages that are missing, as root.
need_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}"
	fi
	say "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$BUILD/apt.log" 2>&1; then
		apt-get update -q >>"$BUILD/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$BUILD/apt.log" 2>&1 ||
			die "apt-get install ${missing[*]} failed, see $BUILD/apt.log"
	fi
}

# need_foreign_arch ARCH: let dpkg install ARCH's packages (Debian multiarch).
need_foreign_arch() {
	[ "$1" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$1" && return 0
	[ "$(id -u)" -eq 0 ] ||
		die "$1 packages are needed; run as root or: dpkg --add-architecture $1 && apt-get update"
	say "adding $1 to dpkg's architectures (multiarch)"
	dpkg --add-architecture "$1"
	apt-get update -q >"$BUILD/apt.log" 2>&1 || die "apt-get update failed, see $BUILD/apt.log"
}

# The Debian packages the bench uses on the host for make, make check and
# make bench (make check-all and make stress add their own).
HOST_PACKAGES=(git xz-utils gcc make flex bison bc libelf-dev libssl-dev ccache cpio kmod
	busybox-static liburing-dev e2fsprogs xfsprogs shellcheck perl codespell
	python3-ply python3-git python3-docutils sparse
	libibverbs-dev ibverbs-providers ibverbs-utils rdmacm-utils iproute2)

# check_build_dir: build/ and what is in it must be ours to write, or every
# step would fail with a permission error of its own. Symbolic links are
# passed by: build/out/NAME points into a tree that a target may just have
# removed to make it again (make durable, check-all's trees), and
# build-kernel.sh replaces it.
check_build_dir() {
	local bad
	bad=$(find "$BUILD" -maxdepth 2 ! -type l ! -writable -print -quit 2>/dev/null || true)
	[ -z "$bad" ] ||
		die "$bad belongs to $(stat -c %U "$bad"), not to $(id -un): run the bench as" \
			"$(stat -c %U "$bad"), or remove build/ (as root: rm -rf $BUILD)"
}

# step [--fatal] NAME COMMAND...: run COMMAND with its output in $LOGS, count
# and report the result in $passed / $failed (make check, make check-all).
# A --fatal step is one the later steps cannot do without: when it fails,
# stop there and say so.
# step_log NAME: the log file of the step NAME.
step_log() {
	echo "$LOGS/$(printf %s "$1" | tr -c 'A-Za-z0-9._-' '_').log"
}

# since START: the time since $SECONDS was START, as "NmSSs".
since() {
	local s=$((SECONDS - $1))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

step() {
	local fatal=0 name log
	if [ "$1" = --fatal ]; then
		fatal=1
		shift
	fi
	name=$1
	shift
	log=$(step_log "$name")
	rm -f "$log"
	local start=$SECONDS
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS: $name ($(since "$start"))"
		return 0
	fi
	failed=$((failed + 1))
	echo "FAIL: $name ($(since "$start"); log: $log)"
	tail -15 "$log" | sed 's/^/    /'
	if [ "$fatal" -eq 1 ]; then
		echo
		echo "stopping: the steps after this one need what it makes"
		echo "$passed passed, $failed failed"
		exit 1
	fi
	return 0
}

# use_guest_arch ARCH: the guest architecture, x86_64 or arm64 (make
# check-all): its qemu settings, cross compiler, kconfig fragment and
# expectations come from common/arch/ARCH.conf. Exported, so that the
# scripts this one runs use it too.
use_guest_arch() {
	[ -f "$COMMON/arch/$1.conf" ] || die "unknown GUEST_ARCH $1: there is no common/arch/$1.conf"
	export GUEST_ARCH=$1
	# shellcheck source=arch/x86_64.conf
	. "$COMMON/arch/$GUEST_ARCH.conf"
	GUEST_BIN=$BUILD/guest-bin-$GUEST_ARCH   # the guest's programs: /tests/bin
	GUEST_ROOT=$BUILD/guest-root-$GUEST_ARCH # files at their own paths in the guest
	INITRD=$BUILD/initramfs-$GUEST_ARCH.cpio.gz
}

use_guest_arch "${GUEST_ARCH:-x86_64}"

# The test kernel's kconfig fragments: what every test needs, debugging,
# and each feature's own (FEATURE/FEATURE.config, FEATURE/$GUEST_ARCH.config,
# and FEATURE/boot.config for what only the test kernel's boot runs).
TEST_FRAGMENTS=("$COMMON/configs/test.config" "$COMMON/configs/debug.config")
for feature in kunit vmtests clients; do
	for fragment in "$TOP/$feature/$feature.config" "$TOP/$feature/$GUEST_ARCH.config" \
		"$TOP/$feature/boot.config"; do
		[ ! -f "$fragment" ] || TEST_FRAGMENTS+=("$fragment")
	done
done
unset feature fragment

mkdir -p "$BUILD" 2>/dev/null || die "cannot create $BUILD as $(id -un)"
check_build_dir

# make_disks DIR [FILES]: DIR/ext4.img and DIR/xfs.img, the disks vm-run.sh
# --disks attaches (vda, vdb), made fresh; with FILES, each file system
# holds the regular files of FILES/ext4 and FILES/xfs (mkfs.ext4 -d,
# mkfs.xfs -p with a prototype made here).
make_disks() {
	local dir=$1 files=${2:-} name
	need_packages e2fsprogs xfsprogs
	rm -f "$dir/ext4.img" "$dir/xfs.img"
	truncate -s 512M "$dir/ext4.img"
	truncate -s 320M "$dir/xfs.img"
	if [ -z "$files" ]; then
		mkfs.ext4 -q -F "$dir/ext4.img" && mkfs.xfs -q -f "$dir/xfs.img"
		return
	fi
	{
		printf '/dev/null\n0 0\nd--755 0 0\n'
		for name in "$files"/xfs/*; do
			[ -f "$name" ] && printf '%s ---644 0 0 %s\n' "${name##*/}" "${name##*/}"
		done
		echo '$'
	} >"$files/xfs.proto"
	# (mkfs.xfs runs in FILES/xfs: names, not paths, in the prototype)
	mkfs.ext4 -q -F -d "$files/ext4" "$dir/ext4.img" &&
		(cd "$files/xfs" && mkfs.xfs -q -f -p ../xfs.proto "$(realpath "$dir")/xfs.img")
}

# check_disk FS DIR: e2fsck -fn or xfs_repair -n on DIR/FS.img, its output
# in DIR/fsck-FS.log; fails if the file system is not clean.
check_disk() {
	case $1 in
	ext4) e2fsck -fn "$2/ext4.img" ;;
	xfs) xfs_repair -f -n "$2/xfs.img" ;;
	*) echo "check_disk: no file system $1"; return 1 ;;
	esac >"$2/fsck-$1.log" 2>&1
}

# ran KERNEL: KERNEL is one of this invocation's kernels (the array
# "kernels" of repro.sh, clients.sh, stress.sh): its claims are checked.
# shellcheck disable=SC2154 # kernels: the caller's
ran() {
	[[ " ${kernels[*]} " == *" $1 "* ]]
}

# premise pass|catch NAME COMMAND... (the break-premises scripts): COMMAND
# must pass (pass: the real input) or fail (catch: a broken one); with
# $PREMISE_WHY set (an extended regex), a catch must also say so in a line
# of its output that matches it, else it failed on something else. Prints
# one line, with that line of COMMAND's output (without $PREMISE_WHY: its
# last line) for a catch; sets premise_rc=1 when it did not go as wanted.
premise_rc=0
premise() {
	local want=$1 name=$2 passed=0 out why
	shift 2
	out=$("$@" 2>&1) && passed=1
	case $want$passed in
	pass1) echo "passes: $name" ;;
	pass0) echo "FAILS: $name: $(tail -1 <<<"$out")"; premise_rc=1 ;;
	catch1) echo "NOT CAUGHT: $name"; premise_rc=1 ;;
	catch0)
		if [ -z "${PREMISE_WHY:-}" ]; then
			echo "caught: $name: $(tail -1 <<<"$out")"
		elif why=$(grep -m1 -E -e "$PREMISE_WHY" <<<"$out"); then
			echo "caught: $name: $why"
		else
			echo "NOT CAUGHT: $name (failed, but not on it: $(head -1 <<<"$out"))"
			premise_rc=1
		fi ;;
	esac
}
