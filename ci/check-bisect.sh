#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel after every patch of the series (bisectability), in a
# separate worktree so linux/ is never touched, with ccache.
#
# Every step that builds without a warning is recorded in
# ci/bisect-verified as "<tree hash> <config hash> <subject>": the tree
# git has after the patch and the config fragments it was built with.
# With BISECT_CACHE=1 (what `make check` and CI use) a step whose tree
# and config are recorded is not built again; anything changed in or
# before a patch changes its tree hash and is built.  `make check-bisect`
# builds every step.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$TOP/out}
# Same depth as linux/ and out/linux-build/, so that with CCACHE_BASEDIR
# the relative paths match and the first build hits the main build's cache.
WT=$OUT/bisect/linux
BO=$OUT/bisect/o/linux-build
JOBS=${JOBS:-$(nproc)}
git -C "$TOP/linux" rev-parse -q --verify base >/dev/null ||
	{ echo "check-bisect: linux/ has no tag 'base'; run make linux"; exit 1; }
commits=$(git -C "$TOP/linux" rev-list --reverse base..HEAD)
if [ -z "$commits" ]; then
	echo "check-bisect: the series is empty, nothing to build"; exit 0
fi
if ! [ -d "$WT" ]; then
	git -C "$TOP/linux" worktree prune
	git -C "$TOP/linux" worktree add -q --detach "$WT" base
fi
mkdir -p "$BO"
VERIFIED=$TOP/ci/bisect-verified
touch "$VERIFIED"
cfg=$(cat "$TOP"/configs/linux/{base,guest,host,test}.config | sha256sum | cut -c1-16)
i=0 total=$(echo "$commits" | wc -l)
for c in $commits; do
	i=$((i + 1))
	subj=$(git -C "$TOP/linux" log -1 --format=%s "$c")
	key="$(git -C "$TOP/linux" rev-parse "$c^{tree}") $cfg"
	if [ "${BISECT_CACHE:-0}" = 1 ] && grep -q "^$key " "$VERIFIED"; then
		echo "check-bisect: ok   [$i/$total] $subj (built earlier: ci/bisect-verified)"
		continue
	fi
	git -C "$WT" checkout -q --detach "$c"
	# The fragments may name symbols a later patch adds; merge_config
	# keeps whatever this commit knows.
	start=$(date +%s)
	if ! (cd "$WT" && scripts/kconfig/merge_config.sh -n -O "$BO" \
		"$TOP"/configs/linux/{base,guest,host,test}.config) > "$BO/build.log" 2>&1 ||
	   ! make -s -C "$WT" O="$BO" -j"$JOBS" KBUILD_BUILD_TIMESTAMP="2026-01-01 00:00:00 UTC" bzImage > "$BO/build.log" 2>&1; then
		tail -30 "$BO/build.log"
		echo "check-bisect: FAIL [$i/$total] $subj"; exit 1
	fi
	if grep -E 'warning:|error:' "$BO/build.log" | grep -v '^ld: warning: .*creating DT_TEXTREL'; then
		echo "check-bisect: FAIL [$i/$total] $subj: compiler warnings"; exit 1
	fi
	echo "check-bisect: ok   [$i/$total] $subj ($(( $(date +%s) - start ))s)"
	grep -q "^$key " "$VERIFIED" || echo "$key $subj" >> "$VERIFIED"
done
# Forget the steps of earlier versions of the series.
for c in $commits; do git -C "$TOP/linux" rev-parse "$c^{tree}"; done > "$BO/trees"
grep -F -f "$BO/trees" "$VERIFIED" > "$BO/verified" || true
cmp -s "$BO/verified" "$VERIFIED" || cp "$BO/verified" "$VERIFIED"
