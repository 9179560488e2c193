#!/usr/bin/env bash
# tree.sh DIR: make DIR a fresh git tree = base commit + patches/ applied with
# git am, one commit per patch, on branch "series". The cover letter's subject
# and text become the branch description, which export.sh writes back.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

dir=${1:-$DEV_TREE}

# cover_description FILE: the cover letter's subject, a blank line, its text.
cover_description() {
	awk '
		!hdr && /^Subject: / { subj = $0; sub(/^Subject: (\[[^]]*\] )?/, "", subj); insubj = 1; next }
		!hdr && insubj && /^[ \t]/ { line = $0; sub(/^[ \t]+/, " ", line); subj = subj line; next }
		!hdr && /^$/ { hdr = 1; insubj = 0; print subj; print ""; next }
		!hdr { insubj = 0; next }
		/^[^ ].* \([0-9]+\):$/ { exit }
		{ body[++n] = $0 }
		END { while (n > 0 && body[n] == "") n--; for (i = 1; i <= n; i++) print body[i] }
	' "$1"
}

main() {
	"$TOP/scripts/base.sh"
	local patches=("$TOP"/patches/0[0-9][0-9][1-9]-*.patch)
	rm -rf "$dir"
	git clone -q --no-checkout "$BASE_TREE" "$dir"
	git -C "$dir" checkout -q -b series base
	git -C "$dir" config user.name "${GIT_AUTHOR_NAME:-bench}"
	git -C "$dir" config user.email "${GIT_AUTHOR_EMAIL:-bench@localhost}"
	if [ -e "${patches[0]}" ]; then
		say "applying ${#patches[@]} patches onto $(git -C "$dir" log -1 --format=%s base)"
		if ! git -C "$dir" am -q --committer-date-is-author-date "${patches[@]}" >"$BUILD/am.log" 2>&1; then
			cat "$BUILD/am.log" >&2
			git -C "$dir" am --abort >/dev/null 2>&1 || true
			die "patches/ does not apply to $(git -C "$dir" log -1 --format=%s base)." \
				"It was made on $BASE_PACKAGE $BASE_VERSION: rebase it with 'make tree' on that base."
		fi
	fi
	if [ -f "$TOP/patches/0000-cover-letter.patch" ]; then
		git -C "$dir" config branch.series.description \
			"$(cover_description "$TOP/patches/0000-cover-letter.patch")"
	fi
	say "$dir: $(git -C "$dir" rev-list --count base..series) commits on base"
}

main "$@"
