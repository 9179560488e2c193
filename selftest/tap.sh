#!/usr/bin/env bash
# tap.sh failures|counts|table LOG... : read gup_longterm's output.
#   failures LOG      the names of the failed TAP tests, sorted, unique
#   counts LOG        "P passed, F failed, S skipped" over all TAP results
#   table BASE PATCHED  the side-by-side table of the [RESULT] lines
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

failures() {
	sed -n 's/^not ok [0-9]* \(.*\)$/\1/p' "$1" | grep -v '# SKIP' | sort -u
}

counts() {
	awk '/^ok [0-9]+ .*# SKIP/ { s++; next }
	     /^ok [0-9]+ / { p++ }
	     /^not ok [0-9]+ / { f++ }
	     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$1"
}

# [RESULT] lines look like: "# [RESULT] kind | pin | outcome | expected X"
table() {
	awk -F' [|] ' '
		FNR == 1 { file++ }
		/^# \[RESULT\] / {
			sub(/^# \[RESULT\] /, "", $1)
			key = $1 " | " $2
			if (!(key in seen)) { seen[key] = 1; order[++n] = key; mem[key] = $1; pin[key] = $2 }
			sub(/^expected /, "", $4)
			out[key, file] = $3; want[key] = $4
		}
		END {
			fmt = "%-28s %-22s %-20s %-20s %s\n"
			printf fmt, "memory", "pin", "base", "patched", "expected"
			for (i = 1; i <= n; i++) {
				k = order[i]
				b = (k, 1) in out ? out[k, 1] : "-"
				p = (k, 2) in out ? out[k, 2] : "-"
				printf fmt, mem[k], pin[k], b, p, want[k]
			}
		}' "$1" "$2"
}

cmd=${1:-}
shift || true
case $cmd in
failures | counts) [ $# -eq 1 ] || die "usage: tap.sh $cmd LOG"; "$cmd" "$1" ;;
table) [ $# -eq 2 ] || die "usage: tap.sh table BASE_LOG PATCHED_LOG"; table "$1" "$2" ;;
*) die "usage: tap.sh failures|counts|table LOG..." ;;
esac
