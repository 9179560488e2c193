#!/usr/bin/env bash
# tree.sh [--force] [DIR]: make DIR (default: build/tree, the tree you work
# in) the base commit + patches/ applied with git am, one commit per patch, on
# branch "series". The cover letter's subject and text become the branch
# description, which make export writes back.
#
# An existing DIR is replaced only once the new tree is complete, and
# build/tree only if it holds nothing that patches/ lacks: no uncommitted
# change, no other branch, no stash, and a series branch that exports to
# exactly patches/. --force (make tree FORCE=1) discards such work.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

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

# unexported_work DIR: what DIR holds that patches/ does not, one line per
# finding; nothing when the tree can be remade from patches/ without loss.
unexported_work() {
	local dir=$1 tmp branch
	if [ -d "$dir/.git/rebase-apply" ] || [ -d "$dir/.git/rebase-merge" ]; then
		echo "a git am or rebase is in progress"
	fi
	git -C "$dir" diff --quiet HEAD 2>/dev/null || echo "uncommitted changes (git -C $dir status)"
	[ -z "$(git -C "$dir" stash list 2>/dev/null)" ] || echo "stashed changes (git -C $dir stash list)"
	for branch in $(git -C "$dir" for-each-ref --format='%(refname:short)' refs/heads/); do
		case $branch in
		series) ;;
		base)
			[ "$(git -C "$dir" rev-parse base)" = "$(git -C "$dir" rev-parse origin/base 2>/dev/null)" ] ||
				echo "commits on the base branch"
			;;
		*) echo "branch $branch" ;;
		esac
	done
	if ! git -C "$dir" rev-parse -q --verify series >/dev/null; then
		echo "no series branch"
		return
	fi
	tmp=$(mktemp -d)
	if ! (format_series "$dir" "$tmp") >/dev/null 2>&1 ||
	   ! diff -q "$tmp" "$TOP/patches" >/dev/null 2>&1; then
		echo "a series branch that differs from patches/: commits made here (make export keeps" \
			"them), or patches/ changed since the tree was made (FORCE=1 takes the new patches/)"
	fi
	rm -rf "$tmp"
}

# explain_failure LOG TREE: why git am stopped, and what to do about it.
explain_failure() {
	local log=$1 tree=$2 n file version
	n=$(sed -n 's/^Patch failed at \([0-9]*\) .*/\1/p' "$log" | head -1)
	file=$(series_patches | sed -n "$((10#${n:-1}))p")
	version=$(git -C "$tree" log -1 --format=%s base | awk '{ print $NF }')
	echo "error: patches/ does not apply: git am stopped at $(basename "${file:-?}")" >&2
	grep -E '^(error|fatal):' "$log" | sed 's/^/    /' >&2
	if grep -qE 'corrupt patch|patch fragment without header|does not look like|Patch format detection failed|Patch is empty|unrecognized input' "$log"; then
		echo "That file is not a well-formed patch (edited by hand?). Restore it" \
			"(git checkout -- patches/) or make it again with make export from a tree that has it." >&2
	elif [ "$version" != "$BASE_VERSION" ]; then
		echo "The series was made on $BASE_PACKAGE $BASE_VERSION; this base is $version." \
			"Rebase it onto $version as README.md says (\"A new Debian version\")." >&2
	else
		echo "The base is the one the series was made on, so the patch disagrees with the" \
			"patches before it: patches/ was edited by hand or exported from another tree." \
			"Make it again with make export from a tree that has the intended series." >&2
	fi
}

main() {
	local force=0 dir
	if [ "${1:-}" = --force ]; then
		force=1
		shift
	fi
	dir=$(realpath -m "${1:-$DEV_TREE}")
	"$COMMON/base.sh"
	local patches author email found
	mapfile -t patches < <(series_patches)
	author=$(series_author)

	if [ "$dir" = "$(realpath -m "$DEV_TREE")" ] && [ -d "$dir/.git" ] && [ "$force" -eq 0 ]; then
		found=$(unexported_work "$dir")
		if [ -n "$found" ]; then
			echo "error: $dir holds work that patches/ does not have:" >&2
			indent <<<"$found" >&2
			die "keep it with make export (on the series branch), or discard it with make tree FORCE=1"
		fi
	fi

	local new=$dir.new
	rm -rf "$new"
	git clone -q --no-checkout "$BASE_TREE" "$new"
	git -C "$new" config gc.auto 0
	git -C "$new" checkout -q -b series base
	git -C "$new" config user.name "${author% <*}"
	email=${author##*<}
	git -C "$new" config user.email "${email%>}"
	say "applying ${#patches[@]} patches onto $(git -C "$new" log -1 --format=%s base)"
	if ! git -C "$new" am -q --committer-date-is-author-date "${patches[@]}" >"$BUILD/am.log" 2>&1; then
		explain_failure "$BUILD/am.log" "$new"
		rm -rf "$new"
		if [ -d "$dir/.git" ]; then
			die "$dir is left as it was"
		fi
		exit 1
	fi
	if [ -f "$TOP/patches/0000-cover-letter.patch" ]; then
		git -C "$new" config branch.series.description \
			"$(cover_description "$TOP/patches/0000-cover-letter.patch")"
	fi
	rm -rf "$dir"
	mv "$new" "$dir"
	say "$dir: $(git -C "$dir" rev-list --count base..series) commits on base"
}

main "$@"
