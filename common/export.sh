#!/usr/bin/env bash
# export.sh [DIR]: write the series branch of DIR (default: build/tree) back
# to patches/ with git format-patch (see format_series in lib.sh: the same
# commits always give the same files). Refuses while HEAD is not the series
# branch, or with uncommitted changes, which would not be exported.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

dir=${1:-$DEV_TREE}

main() {
	[ -d "$dir/.git" ] || die "$dir is not a tree; run 'make tree' first"
	local head n tmp
	head=$(git -C "$dir" symbolic-ref -q --short HEAD || echo "a detached HEAD")
	[ "$head" = series ] ||
		die "$dir is on $head, not on the series branch: make export writes the series" \
			"branch; finish there (git -C $dir checkout series) or bring your commits onto it"
	if [ -d "$dir/.git/rebase-apply" ] || [ -d "$dir/.git/rebase-merge" ]; then
		die "a git am or rebase is in progress in $dir: finish or abort it first"
	fi
	git -C "$dir" diff --quiet HEAD ||
		die "$dir has uncommitted changes, which would not be exported: commit them" \
			"(git commit --amend, or git commit --fixup and git rebase -i --autosquash base)"
	n=$(git -C "$dir" rev-list --count base..series)
	[ "$n" -gt 0 ] || die "$dir has no commits on top of base"
	tmp=$(mktemp -d)
	format_series "$dir" "$tmp"
	rm -f "$TOP"/patches/*.patch
	mv "$tmp"/*.patch "$TOP/patches/"
	rmdir "$tmp"
	say "exported $n patches and the cover letter to patches/"
	git -C "$TOP" status --short -- patches/
}

main "$@"
