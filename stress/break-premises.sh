#!/usr/bin/env bash
# break-premises.sh [--boot] (by hand, after make check): each check the
# stress's smoke run makes on the patched kernel must fail when its premise
# is broken. On copies of the last smoke run's log
# (build/runs/patched/stress-smoke/output.log) it breaks one thing in each
# (a write pin of a shared file refused with another errno, io_uring's
# refusals not its own, a race in which no pin met a mutation, the pin
# check's mismatch, a data file shorter than written, a digest that
# differs) and runs the check on it: every line must say "caught". With
# --boot it also boots the patched test kernel with stress.break=pincheck
# (the pin check's mapping drops its pages after each pin, so that the pin
# holds pages it no longer shows) and the pin check must fail. Exits
# non-zero otherwise.
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
# shellcheck source=stress.sh
. "$TOP/stress/stress.sh"

boot=0
[ "${1:-}" != --boot ] || boot=1
smoke=1
kernels=(patched)
real=$RUNS
log=$real/patched/stress-smoke/output.log
[ -s "$log" ] || die "no smoke stress log: run make check first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

# broken NAME CHECK SED-SCRIPT: CHECK (a function of stress.sh, on the
# patched kernel) passes on the real log and fails on a copy with
# SED-SCRIPT applied.
broken() {
	local name=$1 check=$2
	rm -rf "$tmp/runs"
	mkdir -p "$tmp/runs/patched/stress-smoke"
	sed -e "$3" "$log" >"$tmp/runs/patched/stress-smoke/output.log"
	if ! (RUNS=$real && "$check" patched) >"$tmp/out" 2>&1; then
		echo "FAILS ON THE REAL LOG: $name ($check: $(tail -1 "$tmp/out"))"
		rc=1
	elif cmp -s "$log" "$tmp/runs/patched/stress-smoke/output.log"; then
		echo "NOT BROKEN: $name (the log has nothing to break)"
		rc=1
	elif (RUNS=$tmp/runs && "$check" patched) >"$tmp/out" 2>&1; then
		echo "NOT CAUGHT: $name"
		rc=1
	else
		echo "caught: $name: $(grep -m1 error "$tmp/out")"
	fi
}

broken "a write pin of a shared ext4 file failed with EIO, not EFAULT" check_rule \
	'0,/^race: ext4 MAP_SHARED | long-term read-write slow | attempts \([0-9]*\), granted 0, refused \([0-9]*\), errors 0 /s//race: ext4 MAP_SHARED | long-term read-write slow | attempts \1, granted 0, refused \2, errors 1 EIO:1 /'
broken "io_uring refused a shared xfs file with EFAULT only" check_rule \
	'/^race: xfs MAP_SHARED | io_uring fixed buffer /s/errors \([0-9]*\) EOPNOTSUPP:[0-9]*/errors 0/'
broken "no pin was held across a hole punch" check_interference \
	's/punch [0-9]*,/punch 0,/'
broken "a read-only pin did not hold what the mapping shows" check_pincheck \
	's/^\(pincheck: .*\), mismatches 0,/\1, mismatches 1,/'
broken "the ext4 data file came back shorter" check_data \
	's|^datacheck: /mnt/ext4/data.chk: 1048576 bytes verified$|datacheck: /mnt/ext4/data.chk: 4096 bytes verified|'
broken "the xfs data file's digest differs" check_data \
	's|^datacheck: sha256 of /mnt/xfs/data.chk: OK$|datacheck: sha256 of /mnt/xfs/data.chk: FAILED|'

if [ "$boot" -eq 1 ]; then
	dir=$real/patched/stress-break-pincheck
	say "the patched kernel with stress.break=pincheck"
	"$COMMON/vm-run.sh" --disks --timeout 900 --append "stress.seconds=20 stress.fuzz=100 stress.flags=any stress.break=pincheck" \
		"$OUT/patched" stress/stress.sh "$dir" || true
	if line=$(grep '^pincheck: /' "$dir/output.log") && ! grep -q ', mismatches 0,' <<<"$line"; then
		echo "caught: pins holding pages the mapping no longer shows: $line"
	else
		echo "NOT CAUGHT: pins holding pages the mapping no longer shows (see $dir)"
		rc=1
	fi
fi
exit $rc
