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

mkdir -p "$BUILD"
