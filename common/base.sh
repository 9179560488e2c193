#!/usr/bin/env bash
# Make $BUILD/base: Debian's linux-source-6.1 as one git commit with a fixed
# author, committer, date and message, so that its hash is the same on every
# machine and can stand in the cover letter's base-commit: line.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

installed_version() {
	dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true
}

commit_base() {
	local version=$1
	git -C "$BASE_TREE" init -q -b base
	# Debian's top-level .gitignore ignores everything ("/*"): force.
	git -C "$BASE_TREE" add -f -A .
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git -C "$BASE_TREE" -c commit.gpgsign=false commit -q \
		-m "Debian $BASE_PACKAGE $version"
}

main() {
	need_packages "$BASE_PACKAGE" git xz-utils
	local version
	version=$(installed_version)
	if [ -d "$BASE_TREE/.git" ] &&
	   [ "$(git -C "$BASE_TREE" log -1 --format=%s 2>/dev/null)" = "Debian $BASE_PACKAGE $version" ]; then
		return 0
	fi
	if [ "$version" != "$BASE_VERSION" ]; then
		echo "note: the series was made on $BASE_PACKAGE $BASE_VERSION; this machine has $version." >&2
		echo "note: if it does not apply, rebase patches/ onto $version (see README.md)." >&2
	fi
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing although $BASE_PACKAGE is installed"
	say "extracting $BASE_PACKAGE $version into $BASE_TREE"
	rm -rf "$BASE_TREE" "$BASE_TREE.tmp"
	mkdir -p "$BASE_TREE.tmp"
	tar -xJf "$BASE_TARBALL" -C "$BASE_TREE.tmp"
	mv "$BASE_TREE.tmp/linux-source-6.1" "$BASE_TREE"
	rmdir "$BASE_TREE.tmp"
	commit_base "$version"
	say "base commit $(git -C "$BASE_TREE" rev-parse HEAD)"
}

main "$@"
