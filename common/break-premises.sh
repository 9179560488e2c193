#!/usr/bin/env bash
# break-premises.sh (by hand, after make check): the checks of every patch's
# build (common/build-checks.sh) must fail when their premise is broken, on
# made-up inputs in a scratch directory: a build log with a warning the
# base's does not print (caught) and one with only the base's (passes); a
# driver object that needs a symbol no module can link against, mm's
# vma_needs_dirty_tracking() (caught), and one that needs only what the
# series exports, ib_umem_get_mr() (passes). Every line must say "caught"
# or "passes". Exits non-zero otherwise.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=build-checks.sh
. "$COMMON/build-checks.sh"

[ -d "$PATCHED_TREE/.git" ] || die "no $PATCHED_TREE: run make check first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OUT=$tmp/out
DRIVER_OBJECTS=(drivers/infiniband/hw/mlx5/mr.o)

mkdir -p "$OUT/base" "$OUT/objects-base" "$tmp/logs"
echo "../mm/memory.c:100:5: warning: the base's own [-Wsomething]" >"$OUT/base/build.log"
: >"$OUT/objects-base/build.log"
record_base_warnings >/dev/null
cp "$OUT/base/build.log" "$tmp/logs/same.log"
echo "../mm/gup.c:1234:7: warning: unused variable 'x' [-Wunused-variable]" >"$tmp/logs/new.log"
premise pass "a patch's build prints only the base's warning" new_warnings "$tmp/logs/same.log"
premise catch "a patch's build adds a warning" new_warnings "$tmp/logs/new.log"

# object NAME SYMBOL...: an object file under $OUT/NAME/ that calls SYMBOLs.
object() {
	local dir=$OUT/$1/drivers/infiniband/hw/mlx5 sym
	shift
	mkdir -p "$dir"
	{
		for sym in "$@"; do echo "void $sym(void);"; done
		echo "void f(void) {"
		for sym in "$@"; do echo "	$sym();"; done
		echo "}"
	} >"$tmp/mr.c"
	gcc -c -o "$dir/mr.o" "$tmp/mr.c"
}
object objects-base ib_umem_get
object objects-patched ib_umem_get ib_umem_get_mr
premise pass "a driver needs ib_umem_get_mr(), which the series exports" check_driver_symbols
object objects-patched ib_umem_get vma_needs_dirty_tracking
premise catch "a driver needs vma_needs_dirty_tracking(), which nothing exports" check_driver_symbols
exit $premise_rc
