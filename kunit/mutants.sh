#!/usr/bin/env bash
# mutants.sh [N...]: does each rule of the series have a test that fails
# without it? Removes one rule at a time (all, or mutants N...) from
# build/patched (the patched tree make check leaves behind), rebuilds the
# x86_64 test kernel into build/out/mutant, boots it and lists what fails:
# the KUnit cases (the suite runs at boot), or for the rules that only a
# real mapping can exercise (the calls of the check in GUP-fast's leaves),
# the gup_longterm selftest's cases. A rule passes when its expected case is
# among the failures. The tree is put back on exit. Not part of make check:
# most mutants rebuild a few objects (about 30 s each with a warm ccache),
# the ones in include/linux/mm.h nearly the whole kernel (15 minutes each).
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"

TREE=$PATCHED_TREE
MUTANT_OUT=$OUT/mutant
RUNS=$BUILD/runs/mutants

# file @ sed script removing one rule @ case expected to fail: a KUnit case,
# "selftest:" and a gup_longterm case, or "-": none, and why
MUTANTS=(
	"mm/mmap.c@/^bool vma_needs_dirty_tracking/,/^}/s/if (!vma_is_shared_writable(vma))/if (0)/@shared read-only, writeback file"
	"mm/mmap.c@/^bool vma_needs_dirty_tracking/,/^}/s/if (vm_ops_needs_writenotify(vma->vm_ops))/if (0)/@shared writable, page_mkwrite, no writeback (ramfs)"
	"mm/mmap.c@/^static bool vma_fs_can_writeback/,/^}/s/if (vma->vm_flags \& VM_PFNMAP)/if (0)/@shared writable, writeback file, VM_PFNMAP"
	"mm/mmap.c@/^static bool vma_fs_can_writeback/,/^}/s/mapping_can_writeback(vma->vm_file->f_mapping)/0/@shared writable, writeback file"
	"mm/gup.c@s/mask = FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE;/mask = FOLL_PIN | FOLL_LONGTERM;/@file, read-only long-term pin"
	"mm/gup.c@s/mask = FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE;/mask = FOLL_PIN | FOLL_WRITE;/@file, short-term write pin"
	"mm/gup.c@s/mask = FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE;/mask = FOLL_LONGTERM | FOLL_WRITE;/@shared ext4-like file: LONGTERM WRITE"
	"mm/gup.c@s/if (!vma_longterm_write_pin_allowed(vma, gup_flags))/if (0)/@shared ext4-like file: PIN LONGTERM WRITE"
	# Anonymous VMAs never need dirty tracking: the test is a shortcut.
	"mm/gup.c@/^static bool vma_longterm_write_pin_unsafe/,/^}/s/if (vma_is_anonymous(vma))/if (0)/@-"
	"mm/gup.c@/^	if (mapping_flags)$/{n;s/return mapping_flags \& PAGE_MAPPING_ANON;/return false;/}@anon"
	"mm/gup.c@/^	if (mapping_flags)$/{n;s/return mapping_flags \& PAGE_MAPPING_ANON;/return true;/}@non-lru movable"
	"mm/gup.c@/^	if (!mapping)$/{n;s/return false;/return true;/}@truncated (NULL mapping)"
	"mm/gup.c@/^	if (shmem_mapping(mapping))$/{n;s/return true;/return false;/}@folio_fast_pin_allowed_shmem_test"
	"mm/gup.c@s/if (folio_test_hugetlb(folio))$/if (0)/@folio_fast_pin_allowed_hugetlb_test"
	"mm/gup.c@/^	WARN_ON_ONCE(folio_test_slab(folio));$/{n;s/return false;/return true;/}@file"
	# The calls of the check in GUP-fast's leaves: what reaches each.
	"mm/gup.c@s/^		if (longterm_write \&\&$/		if (0 \&\&/@selftest:ext4 file, MAP_SHARED: read-write pin, fast"
	"mm/gup.c@/^static int gup_huge_pmd(/,/^}/s/if (unlikely(!folio_fast_pin_allowed(folio, flags)))/if (0)/@selftest:xfs file THP, MAP_SHARED: read-write pin, fast"
	# Only hugetlb folios (granted) and devmap ones (no long-term pins) reach
	# the PUD leaf: removing its call changes nothing that can be observed.
	"mm/gup.c@/^static int gup_huge_pud(/,/^}/s/if (unlikely(!folio_fast_pin_allowed(folio, flags)))/if (0)/@-"
	# The unshare decision of read-only pins (include/linux/mm.h).
	"include/linux/mm.h@/^static inline bool gup_must_unshare/,/^}/s/if (!(flags \& FOLL_LONGTERM))$/if (0)/@page cache, private, short-term read-only pin"
	"include/linux/mm.h@/^static inline bool gup_must_unshare/,/^}/{/if (!vma)$/{n;s/return true;/return false;/}}@page cache, GUP-fast, long-term read-only pin"
	"include/linux/mm.h@/^static inline bool gup_must_unshare/,/^}/s/return is_cow_mapping(vma->vm_flags);/return true;/@page cache, shared, long-term read-only pin"
	# Which umems are pinned read-only (drivers/infiniband/core/umem.c):
	# round 2's rule, every umem by its access flags, lets a device write
	# to a queue pinned read-only; the others drop FOLL_FORCE from the
	# queues' pins, force the MRs' write pins, map read-only MRs both ways.
	"drivers/infiniband/core/umem.c@s/\*device_reads_only = mr \&\& !ib_access_writable(access);/*device_reads_only = !ib_access_writable(access);/@ib_umem_other_test"
	"drivers/infiniband/core/umem.c@s/return FOLL_LONGTERM | FOLL_WRITE | FOLL_FORCE;/return FOLL_LONGTERM | FOLL_WRITE;/@ib_umem_other_test"
	"drivers/infiniband/core/umem.c@/^static unsigned int ib_umem_gup_flags/,/^}/s/return FOLL_LONGTERM | FOLL_WRITE;/return FOLL_LONGTERM | FOLL_WRITE | FOLL_FORCE;/@ib_umem_mr_test"
	"drivers/infiniband/core/umem.c@s/return umem->device_reads_only ? DMA_TO_DEVICE : DMA_BIDIRECTIONAL;/return DMA_BIDIRECTIONAL;/@ib_umem_mr_test"
	# The unshare fault of a PMD-mapped page cache folio (mm/memory.c): GUP
	# would ask forever, the VM run hangs.
	"mm/memory.c@/^vm_fault_t do_set_pmd(/,/^}/s/if (vmf->flags \& FAULT_FLAG_UNSHARE)$/if (0)/@selftest:hang"
	# The administrator's switch (patch 22): a request that carries it is
	# granted whatever the rule says.
	"mm/gup.c@/^static bool vma_longterm_write_pin_allowed/,/^}/s/(gup_flags \& FOLL_UNSAFE_FILE_WRITE)/0/@check_vma_flags_longterm_test"
)

restore_tree() {
	git -C "$TREE" checkout -q -- mm/ include/ drivers/infiniband/
}

# run_mutant N FILE SED EXPECTED: prints one result line, fails if the
# expected case did not fail.
run_mutant() {
	local n=$1 file=$2 script=$3 expected=$4 log=$RUNS/$1 failing
	restore_tree
	sed -i "$script" "$TREE/$file"
	git -C "$TREE" diff --quiet -- "$file" && die "mutant $n ($file: $script) changes nothing"
	mkdir -p "$log"
	git -C "$TREE" diff -- "$file" >"$log/mutant.diff"
	"$COMMON/build-kernel.sh" "$TREE" "$MUTANT_OUT" || die "mutant $n does not build"
	if [[ $expected == selftest:* ]]; then
		local rc=0
		"$COMMON/vm-run.sh" --disks --timeout 900 "$MUTANT_OUT" selftest/gup_longterm.sh "$log" \
			>"$log/vm-run.log" 2>&1 || rc=$?
		if [ "$rc" -eq 2 ] && grep -q 'hung' "$log/vm-run.log"; then
			failing=hang
		else
			failing=$("$TOP/selftest/tap.sh" failures "$log/output.log")
		fi
		expected=${expected#selftest:}
	else
		# No test script: the suite runs at boot, the guest then stops.
		"$COMMON/vm-run.sh" "$MUTANT_OUT" none "$log" >/dev/null 2>&1 || true
		grep -q '# Subtest: gup_longterm' "$log/console.log" ||
			die "mutant $n: the suite did not run"
		# Parameters are indented by 8 spaces, cases by 4.
		failing=$(sed -n 's/^\(        \|    \)not ok [0-9]* //p' "$log/console.log")
	fi
	printf '%2d %s: %s\n    failing: %s\n' "$n" "$file" \
		"$(grep -E '^[-+][^-+]' "$log/mutant.diff" | sed 's/^\(.\)[[:space:]]*/\1 /' | paste -sd ' ')" \
		"$(if [ -n "$failing" ]; then echo "$failing" | paste -sd ';' | sed 's/;/; /g'; else echo none; fi)"
	case $expected in
	-) [ -z "$failing" ] ;;
	*) grep -qxF -- "$expected" <<<"$failing" ;;
	esac
}

main() {
	[ -d "$TREE/.git" ] || die "no $TREE: run make check first"
	git -C "$TREE" diff --quiet -- mm/ include/ drivers/infiniband/ || die "$TREE has local changes: not touching it"
	# The first mutant's build starts from a copy of the patched kernel's
	# build directory (build-kernel.sh keeps it below the tree, every path in
	# it relative): only the mutated file and what includes it recompile.
	[ -d "$TREE/.out-mutant" ] || [ ! -d "$TREE/.out-patched" ] ||
		cp -a "$TREE/.out-patched" "$TREE/.out-mutant"
	trap restore_tree EXIT
	local i=0 entry file script expected passed=0 failed=0
	for entry in "${MUTANTS[@]}"; do
		i=$((i + 1))
		[ $# -eq 0 ] || [[ " $* " == *" $i "* ]] || continue
		IFS='@' read -r file script expected <<<"$entry"
		if run_mutant "$i" "$file" "$script" "$expected"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "    ^ expected to fail: $expected"
		fi
	done
	echo "$passed passed, $failed failed"
}

main "$@"
