#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run each tree's own checkpatch over every patch of its series.
#  - Linux: scripts/checkpatch.pl --strict; no error and no warning or check.
#    A patch may waive a message type only with a reason, by a line in its
#    commit message:   Checkpatch-ignore: TYPE: why it does not apply
#  - QEMU: scripts/checkpatch.pl; must exit 0 (no error).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
# spdxcheck.py needs python3-ply, installed for the system python (make deps).
export PATH=/usr/bin:$PATH
fail=0 n=0
series() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$1" 2>/dev/null || true; }

for p in $(series "$TOP/patches/linux/series"); do
	f=$TOP/patches/linux/$p
	n=$((n + 1))
	ignore=$(sed -n '/^---$/q;/^diff --git/q;s/^Checkpatch-ignore: *\([A-Z_]*\): *[^ ].*/\1/p' "$f" | paste -sd, -)
	# Exported patches carry no diffstat, where checkpatch looks for a
	# MAINTAINERS update; a patch that updates MAINTAINERS needs no
	# "does MAINTAINERS need updating?" warning, as checkpatch intends.
	if grep -q '^diff --git a/MAINTAINERS ' "$f"; then
		ignore=${ignore:+$ignore,}FILE_PATH_CHANGES
	fi
	out=$(cd "$TOP/linux" && perl scripts/checkpatch.pl --strict --terse --no-summary \
		--show-types ${ignore:+--ignore "$ignore"} "$f" 2>&1)
	if [ -n "$out" ]; then
		echo "checkpatch: FAIL linux/$p"; echo "$out" | sed 's/^/    /'; fail=1
	else
		echo "checkpatch: ok   linux/$p${ignore:+ (not reported: $ignore)}"
	fi
done
for p in $(series "$TOP/patches/qemu/series"); do
	f=$TOP/patches/qemu/$p
	n=$((n + 1))
	if out=$(cd "$TOP/qemu" && perl scripts/checkpatch.pl "$f" 2>&1); then
		echo "checkpatch: ok   qemu/$p"
	else
		echo "checkpatch: FAIL qemu/$p"; echo "$out" | sed 's/^/    /'; fail=1
	fi
done
echo "checkpatch: $n patches checked"
exit $fail
