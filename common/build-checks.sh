# shellcheck shell=bash
# The checks of every patch's build (common/check.sh's build_each_patch):
# no warning the base's build does not print, and no symbol a driver object
# needs that no module could link against. Sourced by common/check.sh and
# common/break-premises.sh. DRIVER_OBJECTS (check.sh) lists the drivers'
# objects.

# build_warnings LOG...: the compiler's and modpost's warnings in kernel
# build logs, without line numbers and tree paths, one of each.
build_warnings() {
	{ grep -hE 'warning:|WARNING:' "$@" || true; } |
		sed -e "s|$BASE_TREE/||; s|$PATCHED_TREE/||; s|^\(\.\./\)*||" -e 's/:[0-9]*:[0-9]*:/:/' | sort -u
}

# The base's warnings, kept across runs in $OUT/base-warnings (a rebuild
# that compiles nothing prints none): what a commit of the series may also
# print.
record_base_warnings() {
	local file=$OUT/base-warnings
	[ -f "$file" ] || : >"$file"
	sort -u "$file" <(build_warnings "$OUT/base/build.log" "$OUT/objects-base/build.log") >"$file.new"
	mv "$file.new" "$file"
	echo "the base's build: $(grep -c . "$file") distinct warnings"
}

# new_warnings LOG...: the warnings of LOG that the base's build does not
# print, if any (fails then).
new_warnings() {
	! comm -13 "$OUT/base-warnings" <(build_warnings "$@") | grep .
}

# The symbols a hardware driver's object needs that it did not need on the
# base must exist for a module at this commit: exported by the tree
# (EXPORT_SYMBOL*) or defined by another object of the same directory.
# Single-object builds skip modpost, so without this an unexported symbol
# that a driver patch uses before the patch that exports it would pass.
check_driver_symbols() {
	local object sym rc=0
	for object in "${DRIVER_OBJECTS[@]}"; do
		for sym in $(comm -13 <(nm -u "$OUT/objects-base/$object" | awk '{ print $2 }' | sort -u) \
			<(nm -u "$OUT/objects-patched/$object" | awk '{ print $2 }' | sort -u)); do
			git -C "$PATCHED_TREE" grep -qE "EXPORT_SYMBOL(_GPL)?(_NS)?(_GPL)?\(${sym}[,)]" -- ':!tools' &&
				continue
			nm --defined-only "$OUT/objects-patched/$(dirname "$object")"/*.o 2>/dev/null |
				grep -qw "[TDRB] $sym" && continue
			echo "$object needs $sym, which no module can link against at this commit"
			rc=1
		done
	done
	return $rc
}
