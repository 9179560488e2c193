#!/usr/bin/env bash
# Shared helpers for the bench scripts: paths, messages, package installation.
# shellcheck shell=bash disable=SC2034 # it sets variables for the scripts that source it

set -euo pipefail
# Debian's tools first: checkpatch.pl needs Debian's python3 and its modules.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
# shellcheck source=../base.conf
. "$TOP/base.conf"

BASE_TREE=$BUILD/base       # git repo: one commit, Debian's source as shipped
DEV_TREE=$BUILD/tree        # git repo: base + patches/ as commits
OUT=$BUILD/out              # kernel build output, one directory per kernel

die() {
	echo "error: $*" >&2
	exit 1
}

say() {
	echo "==> $*"
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

# step NAME COMMAND...: run COMMAND with its output in $LOGS, count and report
# the result in $passed / $failed (make check, make check-all).
step() {
	local name=$1 log
	shift
	log=$LOGS/$(printf %s "$name" | tr -c 'A-Za-z0-9._-' '_').log
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name (log: $log)"
		tail -15 "$log" | sed 's/^/    /'
	fi
}

# The guest architecture: x86_64, or arm64 (make check-all). Its qemu settings,
# cross compiler and kconfig fragment come from vm/$GUEST_ARCH.conf.
GUEST_ARCH=${GUEST_ARCH:-x86_64}
[ -f "$TOP/vm/$GUEST_ARCH.conf" ] || die "unknown GUEST_ARCH $GUEST_ARCH: there is no vm/$GUEST_ARCH.conf"
# shellcheck source=../vm/x86_64.conf
. "$TOP/vm/$GUEST_ARCH.conf"
GUEST_BIN=$BUILD/guest-bin-$GUEST_ARCH             # static programs for the guest
INITRD=$BUILD/initramfs-$GUEST_ARCH.cpio.gz

mkdir -p "$BUILD"
