#!/usr/bin/env bash
# export.sh [DIR]: write the series in DIR (default: the dev tree) back to
# patches/ with git format-patch. The output is stable: zero commit hashes, no
# version signature, the cover letter dated like the last patch.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

dir=${1:-$DEV_TREE}

main() {
	[ -d "$dir/.git" ] || die "$dir is not a tree; run 'make tree' first"
	local n tmp last_date
	n=$(git -C "$dir" rev-list --count base..HEAD)
	[ "$n" -gt 0 ] || die "$dir has no commits on top of base"
	git -C "$dir" config branch.series.description >/dev/null ||
		die "no cover letter text: git -C $dir branch --edit-description"
	tmp=$(mktemp -d)
	git -C "$dir" format-patch -q -o "$tmp" --zero-commit --no-signature --numbered \
		--cover-letter --cover-from-description=subject --base=base base..HEAD
	last_date=$(git -C "$dir" log -1 --format='%ad' --date=rfc2822 HEAD)
	sed -i "s/^Date: .*/Date: $last_date/" "$tmp/0000-cover-letter.patch"
	rm -f "$TOP"/patches/*.patch
	mv "$tmp"/*.patch "$TOP/patches/"
	rmdir "$tmp"
	say "exported $n patches and the cover letter to patches/"
}

main "$@"
