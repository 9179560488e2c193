# shellcheck shell=bash
# The gup_longterm selftest run, host side: boot a kernel with the ext4 and
# xfs disks, run selftest/guest/gup_longterm.sh, and judge its output.
# Sourced by common/check.sh, common/check-all.sh and common/demo.sh (after
# common/lib.sh).

SELFTEST_FS=(ext4 xfs ramfs)

# run_gup_longterm KERNEL_OUT LOGDIR: boot and run; vm-run.sh's exit status
# (0 passed, 1 the test failed, 2 the run failed).
run_gup_longterm() {
	local rc=0
	"$COMMON/vm-run.sh" --disks --timeout 900 "$1" selftest/gup_longterm.sh "$2" || rc=$?
	return $rc
}

# check_sections LOG MODE: every file system's section is there, was run on
# that file system really mounted, and pinned the way MODE says: "start"
# (the series' PIN_LONGTERM_TEST_START) or "benchmark" (the base kernel's
# gup_test, which lacks it). The selftest cannot tell a missing START
# ioctl from another EINVAL on its own: the bench knows which kernel it
# booted.
check_sections() {
	local log=$1 mode=$2 fs want rc=0
	case $mode in
	start) want='^# pinning through PIN_LONGTERM_TEST_START$' ;;
	benchmark) want='^# PIN_LONGTERM_TEST_START not implemented' ;;
	esac
	for fs in "${SELFTEST_FS[@]}"; do
		if ! grep -qx "== gup_longterm on $fs (mounted: $fs)" "$log"; then
			echo "no run on a mounted $fs: $(grep "^== gup_longterm on $fs" "$log" || echo 'no section')"
			rc=1
		fi
	done
	if [ "$(grep -c "$want" "$log")" -ne ${#SELFTEST_FS[@]} ]; then
		echo "expected ${#SELFTEST_FS[@]} runs pinning through the $mode ioctls, saw $(grep -c "$want" "$log")"
		rc=1
	fi
	return $rc
}

# expected_skips: selftest/expected-skips without its comments.
expected_skips() {
	grep -v '^#' "$TOP/selftest/expected-skips" | sort -u
}

# The cases that cannot run on the base kernel, on top of expected-skips:
# the read-only pins that are then written need PIN_LONGTERM_TEST_READ, the
# switch cases need vm.gup_longterm_file_write.
base_skips() {
	{
		expected_skips
		sed -n 's/^# \[RUN\] \(.*: read-only pin, [a-z]*, then a write\)$/\1/p' "$1"
		sed -n 's/^# \[RUN\] \(.*, vm.gup_longterm_file_write=[01]\)$/\1/p' "$1"
	} | sort -u
}

# in_section FS: the lines of standard input (test names, or "name | what")
# that belong in FS's section of the output, once each: the cases of FS's
# own file, those that do not depend on the directory's file system, which
# run in every section, and those of a line "[FS...] name" that names FS.
in_section() {
	awk -v fs="$1" '
		/^\[/ {
			end = index($0, "] ")
			if (index(" " substr($0, 2, end - 2) " ", " " fs " "))
				name = substr($0, end + 2)
			else
				next
		}
		!/^\[/ {
			if ($0 !~ "^" fs " file" && $0 ~ /^(ext4|xfs|ramfs) file/)
				next
			name = $0
		}
		!seen[name]++ { print name }'
}

# check_counts LOG FAILURES SKIPS: in every file system's section, the plan
# has $GUP_LONGTERM_CASES cases (see common/arch/*.conf) and all of them
# ran; the cases skipped are exactly those of SKIPS (names), the failed ones
# those of FAILURES (lines "name | outcome"), the rest passed.
check_counts() {
	local log=$1 failures=$2 skips=$3 fs got want nfailed nskipped rc=0
	for fs in "${SELFTEST_FS[@]}"; do
		diff -u --label "expected skips on $fs" --label "skipped on $fs" \
			<(in_section "$fs" <<<"$skips" | grep . | sort) \
			<("$TOP/selftest/tap.sh" skips "$log" "$fs") || rc=1
		nfailed=$(in_section "$fs" <<<"$failures" | grep -c . || true)
		nskipped=$(in_section "$fs" <<<"$skips" | grep -c . || true)
		want="$((GUP_LONGTERM_CASES - nfailed - nskipped)) passed, $nfailed failed,"
		want+=" $nskipped skipped, plan $GUP_LONGTERM_CASES"
		got=$("$TOP/selftest/tap.sh" counts "$log" "$fs")
		echo "$fs: $got"
		if [ "$got" != "$want" ]; then
			echo "    expected: $want"
			rc=1
		fi
	done
	return $rc
}

# selftest_passes KERNEL_OUT LOGDIR [CASES]: the selftest run on KERNEL_OUT
# (logs in LOGDIR) passes: every file system's section ran, with CASES cases
# (default $GUP_LONGTERM_CASES), none failed, only the expected ones
# skipped. Prints the outcomes that are not "passed". The run of the
# patched kernel (make check), of the arm64 one and the stable prefix
# (make check-all) and of the durable one (make durable).
selftest_passes() {
	local dir=$2 cases=${3:-$GUP_LONGTERM_CASES} rc=0
	run_gup_longterm "$1" "$dir" || rc=$?
	[ -s "$dir/output.log" ] || { echo "no output in $dir"; return 1; }
	"$TOP/selftest/tap.sh" outcomes "$dir/output.log"
	check_sections "$dir/output.log" start || rc=1
	GUP_LONGTERM_CASES=$cases check_counts "$dir/output.log" "" "$(expected_skips)" || rc=1
	return $rc
}

# selftest_fails KERNEL_OUT LOGDIR: the selftest run on KERNEL_OUT ran every
# file system's section and failed (vm-run.sh exit 1), without a hang or a
# kernel warning (exit 2). What it failed is the caller's to compare.
selftest_fails() {
	local dir=$2 rc=0
	run_gup_longterm "$1" "$dir" || rc=$?
	[ "$rc" -eq 1 ] || { echo "expected the selftest to fail (vm-run.sh exit 1), got $rc"; return 1; }
	check_sections "$dir/output.log" start
}

# On the patched kernel every case passes, on every file system, pinning
# through the series' ioctls, and the kernel says why it refused.
check_patched_gup_longterm() {
	local dir=$RUNS/patched/gup_longterm rc=0
	selftest_passes "$OUT/patched" "$dir" || rc=1
	check_reports "$dir/console.log" || rc=1
	return $rc
}

# The kernel said why it refused the selftest's pins, and that it granted
# unsafe ones while the switch was on: one line of each at least (they are
# ratelimited), naming the task.
check_reports() {
	local what rc=0
	for what in "refused a long-term write pin" "granted an unsafe long-term write pin"; do
		grep -q "gup: $what for gup_longterm\[" "$1" ||
			{ echo "no \"gup: $what for gup_longterm[...]\" line in $1"; rc=1; }
	done
	return $rc
}


# base_failures: selftest/base-failures without its comments.
base_failures() {
	grep -v '^#' "$TOP/selftest/base-failures" | sort -u
}

# On the base kernel the test runs cleanly (no hang, no kernel warning) and
# fails exactly the cases the series changes, each with the outcome
# selftest/base-failures gives.
check_base_gup_longterm() {
	local dir=$RUNS/base/gup_longterm rc=0
	run_gup_longterm "$OUT/base" "$dir" || rc=$?
	case $rc in
	1) ;;
	0) echo "the selftest passed on the base kernel: it does not see the bug"; return 1 ;;
	*) echo "the run failed (vm-run.sh exit $rc): not a test failure"; return 1 ;;
	esac
	rc=0
	check_sections "$dir/output.log" benchmark || rc=1
	check_counts "$dir/output.log" "$(base_failures)" "$(base_skips "$dir/output.log")" || rc=1
	diff -u --label expected --label base <(base_failures) \
		<("$TOP/selftest/tap.sh" outcomes "$dir/output.log") || rc=1
	return $rc
}
