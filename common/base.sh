#!/usr/bin/env bash
# base.sh: make $BUILD/base, Debian's linux-source-6.1 as one git commit with
# a fixed author, committer, date and message, so that its hash is the same
# on every machine for a given package version (the cover letter's
# base-commit: line).
#
# The version is the one base.conf records. Its .deb is fetched with
# apt-get download (no root needed) unless that version is installed. When
# the archive no longer offers it, the newest one offered is used, and said
# so on the console. BASE=VERSION in the environment tries another version.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEBS=$BUILD/debs

installed_version() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$BASE_PACKAGE" 2>/dev/null |
		awk '$1 == "ii" { print $2 }' || true
}

# The versions of the package apt knows, newest first.
offered_versions() {
	apt-cache madison "$BASE_PACKAGE" 2>/dev/null | awk '{ print $3 }'
}

# pick_version: the version to build on, on stdout; notes on stderr.
pick_version() {
	local wanted=${BASE:-$BASE_VERSION} offered
	offered=$(offered_versions)
	if [ -z "$offered" ] && [ "$(id -u)" -eq 0 ]; then
		apt-get update -q >"$BUILD/apt.log" 2>&1 || true
		offered=$(offered_versions)
	fi
	if [ "$(installed_version)" = "$wanted" ] || grep -qxF -- "$wanted" <<<"$offered"; then
		[ "$wanted" = "$BASE_VERSION" ] ||
			warn "trying $BASE_PACKAGE $wanted (BASE=$wanted); base.conf records $BASE_VERSION"
		echo "$wanted"
		return
	fi
	[ -n "$offered" ] ||
		die "apt knows no version of $BASE_PACKAGE (run apt-get update as root?)"
	if [ -n "${BASE:-}" ]; then
		die "BASE=$BASE: apt does not offer $BASE_PACKAGE $BASE; it offers: $(echo "$offered" | paste -sd ' ')"
	fi
	warn "base.conf records $BASE_PACKAGE $BASE_VERSION, which apt does not offer" \
		"(it offers: $(echo "$offered" | paste -sd ' '))."
	warn "using $(echo "$offered" | head -1) instead: the series was not verified on it, and the" \
		"cover letter's base-commit: is not this base. If make check passes, record it in base.conf."
	echo "$offered" | head -1
}

# tarball VERSION: the path of linux-source-6.1's tarball of VERSION.
tarball() {
	local version=$1 deb dir
	if [ "$(installed_version)" = "$version" ] && [ -f "$BASE_TARBALL" ]; then
		echo "$BASE_TARBALL"
		return
	fi
	dir=$DEBS/$BASE_PACKAGE-$version
	if [ ! -f "$dir/$BASE_TARBALL" ]; then
		need_packages dpkg-dev
		rm -rf "$dir"
		mkdir -p "$dir"
		say "downloading $BASE_PACKAGE $version" >&2
		(cd "$dir" && apt-get download -q "$BASE_PACKAGE=$version") >"$BUILD/apt.log" 2>&1 ||
			die "apt-get download $BASE_PACKAGE=$version failed, see $BUILD/apt.log"
		deb=$(echo "$dir"/*.deb)
		dpkg-deb -x "$deb" "$dir" || die "cannot unpack $deb"
		rm -f "$deb"
	fi
	echo "$dir$BASE_TARBALL"
}

commit_base() {
	local version=$1
	git -C "$BASE_TREE" init -q -b base
	# No automatic gc: git would start one in the background after the
	# commit below, and it packs and deletes the loose objects that the
	# next clone of this tree (tree.sh) is copying.
	git -C "$BASE_TREE" config gc.auto 0
	# Debian's top-level .gitignore ignores everything ("/*"): force.
	git -C "$BASE_TREE" add -f -A .
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git -C "$BASE_TREE" -c commit.gpgsign=false commit -q \
		-m "Debian $BASE_PACKAGE $version"
}

main() {
	need_packages git xz-utils
	local version source
	version=$(pick_version)
	if [ -d "$BASE_TREE/.git" ] &&
	   [ "$(git -C "$BASE_TREE" log -1 --format=%s 2>/dev/null)" = "Debian $BASE_PACKAGE $version" ] &&
	   git -C "$BASE_TREE" diff --quiet HEAD; then
		return 0
	fi
	source=$(tarball "$version")
	say "extracting $BASE_PACKAGE $version into $BASE_TREE"
	rm -rf "$BASE_TREE" "$BASE_TREE.tmp"
	mkdir -p "$BASE_TREE.tmp"
	tar -xJf "$source" -C "$BASE_TREE.tmp"
	mv "$BASE_TREE.tmp/linux-source-6.1" "$BASE_TREE"
	rmdir "$BASE_TREE.tmp"
	commit_base "$version"
	say "base commit $(git -C "$BASE_TREE" rev-parse HEAD)"
}

main "$@"
