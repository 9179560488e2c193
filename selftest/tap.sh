#!/usr/bin/env bash
# tap.sh COMMAND ARGS: read the output of selftest/guest/gup_longterm.sh, one
# section per file system ("== gup_longterm on FS ...") of kselftest TAP.
#   failures LOG        the names of the failed TAP tests, sorted, unique
#   skips LOG [FS]      the names of the skipped ones (in FS's section), sorted, unique
#   outcomes LOG        the failed tests as "name | what the kernel did"
#   counts LOG [FS]     "P passed, F failed, S skipped, plan N" over all
#                       sections, or FS's section only
#   table BASE PATCHED  the side-by-side table of the [RESULT] lines
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

failures() {
	sed -n 's/^not ok [0-9]* \(.*\)$/\1/p' "$1" | grep -v '# SKIP' | sort -u
}

skips() {
	# "ok N # SKIP kind: pin: why", in FS's section or in all of them
	awk -v fs="${2:-}" '
		/^== gup_longterm on / { in_fs = fs == "" || $4 == fs; next }
		in_fs && /^ok [0-9]+ # SKIP / {
			name = $0
			sub(/^ok [0-9]+ # SKIP /, "", name)
			sub(/: [^:]*$/, "", name)
			print name
		}' "$1" | sort -u
}

# The [RESULT] line of a case is "# [RESULT] kind | pin | outcome | expected
# X"; its TAP name is "kind: pin".
outcomes() {
	awk -F' [|] ' '
		/^# \[RESULT\] / { k = $1; sub(/^# \[RESULT\] /, "", k); what[k ": " $2] = $3; next }
		/^not ok [0-9]+ / && !/# SKIP/ {
			name = $0; sub(/^not ok [0-9]+ /, "", name)
			print name " | " (name in what ? what[name] : "no result")
		}' "$1" | sort -u
}

counts() {
	awk -v fs="${2:-}" '
		/^== gup_longterm on / { in_fs = fs == "" || $4 == fs; next }
		!in_fs { next }
		/^1\.\.[0-9]+$/ { plan += substr($0, 4) }
		/^ok [0-9]+ .*# SKIP/ { s++; next }
		/^ok [0-9]+ / { p++ }
		/^not ok [0-9]+ / { f++ }
		END { printf "%d passed, %d failed, %d skipped, plan %d\n", p, f, s, plan }' "$1"
}

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
			fmt = "%-28s %-22s %-20s %-20s %-16s %s\n"
			printf fmt, "memory", "pin", "base", "patched", "expected", "difference"
			for (i = 1; i <= n; i++) {
				k = order[i]
				b = (k, 1) in out ? out[k, 1] : "-"
				p = (k, 2) in out ? out[k, 2] : "-"
				if (b == p)
					why = ""
				else if (b == "granted" && p == want[k])
					why = "the bug, fixed"
				else if (b ~ /EOPNOTSUPP/ && p == want[k])
					why = "io_uring: private file mappings to GUP (14/22)"
				else
					why = "UNEXPECTED"
				printf fmt, mem[k], pin[k], b, p, want[k], why
			}
		}' "$1" "$2"
}

cmd=${1:-}
shift || true
case $cmd in
failures | outcomes) [ $# -eq 1 ] || die "usage: tap.sh $cmd LOG"; "$cmd" "$1" ;;
skips) [ $# -ge 1 ] || die "usage: tap.sh skips LOG [FS]"; skips "$1" "${2:-}" ;;
counts) [ $# -ge 1 ] || die "usage: tap.sh counts LOG [FS]"; counts "$1" "${2:-}" ;;
table) [ $# -eq 2 ] || die "usage: tap.sh table BASE_LOG PATCHED_LOG"; table "$1" "$2" ;;
*) die "usage: tap.sh failures|skips|outcomes|counts|table LOG..." ;;
esac
