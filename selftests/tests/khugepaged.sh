#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Upstream selftests/mm/khugepaged on anonymous memory in both contexts
# (khugepaged and MADV_COLLAPSE), as TAP: the test ends each case's line
# with a green (passed), red (failed) or yellow (skipped) word; its own
# output is shown as comments.  The test guest has no swap device, so the
# swap-in cases cannot swap a page out ("Swapout ...: Fail"): without
# active swap they are skipped, with that reason; any other failure fails.
out=/tmp/khugepaged.out
/tests/khugepaged all:anon > "$out" 2>&1
rc=$?
ESC=$(printf '\033')
sed "s/$ESC\[[0-9;]*m//g; s/^/# /" "$out"
n=$(grep -c "$ESC\[3[123]m" "$out")
echo "TAP version 13"
echo "1..$n"
noswap=$(awk 'NR > 1' /proc/swaps | grep -c .)
grep "$ESC\[3[123]m" "$out" | sed "s/$ESC\[0m//g" |
	awk -v esc="$ESC" -v noswap=$((noswap == 0)) '
{
	i++
	st = "ok"; dir = ""
	if (index($0, esc "[31m")) {
		if (noswap && $0 ~ /^Swapout /) {
			dir = " # SKIP no swap device in the test guest"
		} else {
			st = "not ok"; bad++
		}
	}
	if (index($0, esc "[33m")) dir = " # SKIP"
	gsub(esc "\\[3[123]m", "")
	gsub(/\.\.\.+ */, ": ")
	print st " " i " " $0 dir
}
END { exit bad > 0 }'
bad=$?
[ "$n" -gt 0 ] || { echo "Bail out! no results (rc $rc)"; exit 1; }
[ $rc -lt 128 ] || { echo "# killed by signal $((rc - 128))"; exit 1; }
exit $bad
