# shellcheck shell=bash
# The base kernel's own vm selftests (GUP, COW, the fault path), host side:
# run on the base and the patched test kernel, they must give the same
# results, the ones vmtests/expected records, with no kernel warning.
# Sourced by common/check.sh (the quick set) and common/check-all.sh (all).

# run_vmtests KERNEL SET: boot KERNEL's test kernel, run the selftests of
# SET (quick or all); the results, "NAME: pass|skip" or "NAME: fail (exit N:
# LAST LINE)", in $RUNS/KERNEL/vmtests-SET/results.
run_vmtests() {
	local kernel=$1 set=$2 dir=$RUNS/$1/vmtests-$2 rc=0
	"$COMMON/vm-run.sh" --timeout 1500 --append "vmtests.set=$set" "$OUT/$kernel" \
		vmtests/run.sh "$dir" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "$kernel: the run failed (vm-run.sh exit $rc), see $dir"
		return 1
	fi
	vmtest_results "$dir/output.log" >"$dir/results"
	grep '^vmtest-retry: ' "$dir/output.log" || true
}

# vmtest_results LOG: the results of a run's output (vmtests/guest/run.sh).
vmtest_results() {
	awk '
		/^vmtest: / {
			line = substr($0, 9)
			at = index(line, " (exit ")
			res[++n] = substr(line, 1, at - 1)
			code[n] = substr(line, at + 7)
			sub(/[,)].*/, "", code[n])
		}
		/^vmtest-why: / { why[n] = substr($0, length("vmtest-why: " res[n]) - 3) }
		END {
			for (i = 1; i <= n; i++)
				if (res[i] ~ /: fail$/)
					print res[i] " (exit " code[i] ": " why[i] ")"
				else
					print res[i]
		}' "$1"
}

# expected_vmtests SET: vmtests/expected without comments, for SET.
expected_vmtests() {
	grep -v '^#' "$TOP/vmtests/expected" | if [ "$1" = quick ]; then grep -v '^\(userfaultfd\|khugepaged\)'; else cat; fi
}

# check_vmtests SET [KERNEL...]: the kernels (default: base and patched)
# give the results vmtests/expected records.
check_vmtests() {
	local set=$1 kernel rc=0 kernels=(base patched)
	shift
	[ $# -eq 0 ] || kernels=("$@")
	for kernel in "${kernels[@]}"; do
		run_vmtests "$kernel" "$set" || { rc=1; continue; }
		echo "== $kernel: $(grep -c ': pass$' "$RUNS/$kernel/vmtests-$set/results") passed," \
			"$(grep -c ': fail ' "$RUNS/$kernel/vmtests-$set/results") failed," \
			"$(grep -c ': skip$' "$RUNS/$kernel/vmtests-$set/results") skipped"
		diff -u --label expected --label "$kernel" <(expected_vmtests "$set") \
			"$RUNS/$kernel/vmtests-$set/results" || rc=1
	done
	return $rc
}
