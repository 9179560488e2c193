#!/usr/bin/env bash
# clients.sh [--assert] [--no-build] [KERNEL...]: what the real long-term pinners do with
# each kind of memory, on the base and the patched kernel (default: both),
# driven by their own user-space stacks (clients/guest/run.sh), on the test
# kernels (build/out/KERNEL, which clients/clients.config is part of): boots
# each once and prints one table:
#   client | memory | access | base | patched | expected | note
# where "expected" is the rule as mainline Linux applies it: a long-term
# write pin of a MAP_SHARED mapping of a file that needs dirty tracking
# (ext4, xfs, ramfs here) is refused with EFAULT, a write pin of a read-only
# mapping too, everything else is granted; except for io_uring, where the
# series deviates from mainline on purpose and keeps 6.1's refusal of every
# writable MAP_SHARED file mapping but shmem and hugetlbfs (EOPNOTSUPP),
# also with the administrator's switch on (io_uring-sw1).
# --assert: exit non-zero unless every positive control of
# REQUIRED_CONTROLS passed, every granted pin of a client that can move data
# through it (DATA_CLIENTS) has a "data: ... ok" line (the user's mapping
# showed what the device moved), the patched kernel gives the expected result in every row, and
# the base kernel the one clients/base-results records (the claims of the
# kernels this invocation runs: make check runs base and patched apart).
# --no-build: the initramfs is already built (make check), do not repack it.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

# The positive controls each run must print "ok" (clients/guest/run.sh,
# vfio_reg.c): real transfers that compare what they moved.
REQUIRED_CONTROLS=(ibv_rc_pingpong-rxe rping-rxe rping-siw vfio-edu-dma)
# The rows whose granted pins are followed by a data check: "CLIENT | ACCESS"
# as an awk regular expression (io_uring's fixed-buffer I/O, AF_XDP's frame,
# V4L2 capture; RDMA's MRs are checked by rping's, VFIO's by the edu DMA).
DATA_CLIENTS='^(io_uring[^|]* [|] write|af_xdp [|] write|v4l2-vivid [|] write \(capture\))$'

# rows KERNEL: "client | memory | access | result" of KERNEL's run.
rows() {
	sed -n 's/^row: //p' "$RUNS/$1/clients/output.log"
}

# run_kernel KERNEL: two boots, on the usual machine (RDMA, io_uring,
# AF_XDP, V4L2) and on the one with an IOMMU (VFIO).
run_kernel() {
	local kernel=$1 dir=$RUNS/$1/clients rc=0
	[ -f "$OUT/$kernel/$KERNEL_IMAGE" ] || die "the $kernel kernel is not built (make check builds it)"
	say "real clients on the $kernel kernel"
	"$COMMON/vm-run.sh" --disks --timeout 900 "$OUT/$kernel" clients/run.sh "$dir" || rc=$?
	"$COMMON/vm-run.sh" --disks --iommu --timeout 900 "$OUT/$kernel" clients/vfio.sh "$dir/vfio" ||
		rc=$?
	cat "$dir/vfio/output.log" >>"$dir/output.log" 2>/dev/null || true
	grep '^control: ' "$dir/output.log" | sed "s/^/    $kernel: /" || true
	echo "    $kernel: data moved through granted pins and compared: $(grep -c '^data: .* | ok$' \
		"$dir/output.log") ok, $(grep '^data: ' "$dir/output.log" | grep -vc ' | ok$') not"
	return $rc
}

# rows_file KERNEL: KERNEL's rows, or /dev/null if it has not run.
rows_file() {
	local file=$RUNS/$1/clients/rows
	[ -f "$file" ] || file=/dev/null
	echo "$file"
}

# table BASE-ROWS PATCHED-ROWS: base and patched results side by side, the
# rule, and a note on each difference.
table() {
	awk -F' [|] ' '
		BEGIN {
			for (i = 1; i < ARGC; i++)
				col[ARGV[i]] = i
		}
		function expected(client, mem, access) {
			if (client ~ /^io_uring/ && access ~ /^write/ && mem ~ /MAP_SHARED$/)
				return "refused: EOPNOTSUPP"
			if (access ~ /^write/ && (mem ~ /MAP_SHARED$/ && mem !~ /^(memfd|tmpfs)/ || mem ~ /PROT_READ/))
				return "refused: EFAULT"
			return "granted"
		}
		{
			key = $1 " | " $2 " | " $3
			if (!(key in seen)) { seen[key] = 1; order[++n] = key; c[key] = $1; m[key] = $2; a[key] = $3 }
			res[key, col[FILENAME]] = $4
		}
		END {
			fmt = "%-13s %-26s %-20s %-20s %-20s %-20s %s\n"
			printf fmt, "client", "memory", "access", "base", "patched", "expected", "note"
			for (i = 1; i <= n; i++) {
				k = order[i]
				b = (k, 1) in res ? res[k, 1] : "-"
				p = (k, 2) in res ? res[k, 2] : "-"
				e = expected(c[k], m[k], a[k])
				note = ""
				if (p != e)
					note = "DIFFERS FROM MAINLINE"
				else if (b == "-")
					note = "(no base result)"
				else if (b != p && b == "granted")
					note = "the bug, fixed"
				else if (b != p && b ~ /EOPNOTSUPP/)
					note = "private file: io_uring defers to GUP"
				else if (b != p)
					note = "read-only pin, no FOLL_FORCE"
				printf fmt, c[k], m[k], a[k], b, p, e, note
			}
		}' "$@"
}

# data_problems LOG: the granted rows of DATA_CLIENTS in LOG without a
# "data: ... | ok" line, and every data line that is not ok.
data_problems() {
	awk -F' [|] ' -v want="$DATA_CLIENTS" '
		/^row: / {
			sub(/^row: /, "")
			if ($4 == "granted" && ($1 " | " $3) ~ want)
				need[$1 " | " $2 " | " $3] = 1
		}
		/^data: / {
			sub(/^data: /, "")
			got[$1 " | " $2 " | " $3] = $4
			if ($4 != "ok")
				print $0
		}
		END {
			for (k in need)
				if (!(k in got))
					print k " | no data check"
		}' "$1"
}

assert_results() {
	local rc=0 kernel name log problems
	for kernel in "${kernels[@]}"; do
		log=$RUNS/$kernel/clients/output.log
		for name in "${REQUIRED_CONTROLS[@]}"; do
			grep -qx "control: $name: ok" "$log" && continue
			echo "assert failed: the positive control $name did not pass on $kernel" >&2
			rc=1
		done
		if grep '^control: .*FAILED' "$log" >&2; then
			echo "assert failed: a positive control failed on $kernel" >&2
			rc=1
		fi
		problems=$(data_problems "$log" | sed "s/^/    $kernel: /")
		if [ -n "$problems" ]; then
			echo "$problems" >&2
			echo "assert failed: data moved through the pins above did not arrive as sent on $kernel" >&2
			rc=1
		elif ! grep -q '^data: .* | ok$' "$log"; then
			echo "assert failed: no data check ran on $kernel" >&2
			rc=1
		fi
	done
	if ran patched && table /dev/null "$RUNS/patched/clients/rows" | grep 'DIFFERS FROM MAINLINE'; then
		echo "assert failed: the patched kernel differs from the rule in the rows above" >&2
		rc=1
	fi
	if ran patched && [ "$(grep -c . "$RUNS/patched/clients/rows")" -ne "$(grep -vc '^#' "$TOP/clients/base-results")" ]; then
		echo "assert failed: the patched kernel gave $(grep -c . "$RUNS/patched/clients/rows") rows, the base $(grep -vc '^#' "$TOP/clients/base-results")" >&2
		rc=1
	fi
	if ran base && ! diff -u --label clients/base-results --label base \
		<(grep -v '^#' "$TOP/clients/base-results") "$RUNS/base/clients/rows" >&2; then
		echo "assert failed: the base kernel changed" >&2
		rc=1
	fi
	[ "$rc" -eq 0 ] && echo "assert: every client as expected"
	return $rc
}

main() {
	local assert=0 build=1 kernel rc=0
	kernels=()
	while [ $# -gt 0 ]; do
		case $1 in
		--assert) assert=1 ;;
		--no-build) build=0 ;;
		base | patched) kernels+=("$1") ;;
		*) die "usage: clients.sh [--assert] [--no-build] [base] [patched]" ;;
		esac
		shift
	done
	[ ${#kernels[@]} -gt 0 ] || kernels=(base patched)
	[ "$GUEST_ARCH" = x86_64 ] || die "the real clients run on x86_64 guests only"
	[ "$build" -eq 0 ] || "$COMMON/initramfs.sh" "$PATCHED_TREE"
	for kernel in "${kernels[@]}"; do
		rm -f "$RUNS/$kernel/clients/rows"
		run_kernel "$kernel" || rc=1
		mkdir -p "$RUNS/$kernel/clients"
		rows "$kernel" >"$RUNS/$kernel/clients/rows" || true
	done
	echo
	table "$(rows_file base)" "$(rows_file patched)"
	[ "$assert" -eq 0 ] || assert_results || rc=1
	return $rc
}

# (sourced by clients/break-premises.sh, which calls assert_results)
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
