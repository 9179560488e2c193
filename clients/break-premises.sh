#!/usr/bin/env bash
# break-premises.sh [--boot] (by hand, after make check): each claim
# clients.sh --assert makes about the data the clients moved must fail when
# its premise is broken. On copies of the last run's logs
# (build/runs/{base,patched}/clients/output.log) it breaks one thing in each
# (a data check that saw other data, one that did not run, a positive
# control missing or failed) and runs the assertions on it: every line must
# say "caught". With --boot it also boots the patched test kernel with
# clients.break_pin=1, where uring_reg, xdp_reg and v4l2_reg drop their
# mapping's pages after each registration (the pin then holds pages the
# user no longer sees: a private mapping's next access gets new ones), and
# the data checks of the anonymous and MAP_PRIVATE rows must fail. Exits
# non-zero otherwise.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=clients.sh
. "$TOP/clients/clients.sh"

boot=0
[ "${1:-}" != --boot ] || boot=1
real=$RUNS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for kernel in base patched; do
	[ -s "$real/$kernel/clients/output.log" ] || die "no clients logs for $kernel: run make check first"
done
rc=0

# broken NAME PATTERN SED-SCRIPT: a copy of the patched kernel's logs with
# SED-SCRIPT applied to its output.log; assert_results on it must fail with a
# line matching PATTERN (an extended regex).
broken() {
	local name=$1
	rm -rf "$tmp/runs"
	mkdir -p "$tmp/runs/patched/clients"
	cp "$real/patched/clients/rows" "$tmp/runs/patched/clients/rows"
	sed -e "$3" "$real/patched/clients/output.log" >"$tmp/runs/patched/clients/output.log"
	if cmp -s "$real/patched/clients/output.log" "$tmp/runs/patched/clients/output.log"; then
		echo "NOT BROKEN: $name (the log has nothing to break)"
		rc=1
	else
		PREMISE_WHY=$2 premise catch "$name" assert_broken
	fi
}

# assert_results on the broken copy (in premise's subshell).
# shellcheck disable=SC2317 # called through premise
assert_broken() {
	RUNS=$tmp/runs
	kernels=(patched)
	assert_results
}

if (kernels=(base patched) && assert_results) >"$tmp/out" 2>&1; then
	echo "passes on the real logs"
else
	echo "FAILS ON THE REAL LOGS:"
	cat "$tmp/out"
	rc=1
fi
broken "io_uring's data differs" 'did not arrive as sent' \
	'0,/^data: io_uring | ext4 MAP_PRIVATE | write | ok$/s//data: io_uring | ext4 MAP_PRIVATE | write | MISMATCH: broken on purpose/'
broken "AF_XDP's frame check did not run" 'no data check' \
	'/^data: af_xdp | memfd | write | ok$/d'
broken "V4L2's capture check did not run" 'no data check' \
	'/^data: v4l2-vivid | tmpfs file | write (capture) | ok$/d'
broken "rping on siw did not run" 'control rping-siw did not pass' \
	'/^control: rping-siw: ok$/d'
broken "ibv_rc_pingpong failed" 'control ibv_rc_pingpong-rxe did not pass' \
	's/^control: ibv_rc_pingpong-rxe: ok$/control: ibv_rc_pingpong-rxe: FAILED/'
broken "no data check at all" 'no data check' '/^data: /d'

if [ "$boot" -eq 1 ]; then
	dir=$real/patched/clients-break-pin
	say "the patched kernel with clients.break_pin=1"
	"$COMMON/vm-run.sh" --disks --timeout 900 --append clients.break_pin=1 "$OUT/patched" \
		clients/run.sh "$dir" || true
	if data_problems "$dir/output.log" >"$tmp/problems" &&
		grep -q '^io_uring | anonymous | write | MISMATCH' "$tmp/problems" &&
		grep -q '^af_xdp | anonymous | write | MISMATCH' "$tmp/problems" &&
		grep -q '^v4l2-vivid | anonymous | write (capture) | MISMATCH' "$tmp/problems"; then
		echo "caught: pins holding pages the user no longer maps: $(grep -c . "$tmp/problems") data checks failed:"
		sed 's/^/    /' "$tmp/problems"
	else
		echo "NOT CAUGHT: pins holding pages the user no longer maps (see $dir)"
		cat "$tmp/problems"
		rc=1
	fi
fi
exit $((rc | premise_rc))
