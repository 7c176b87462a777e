#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Merge the kernel config fragments on top of allnoconfig and check that
# every symbol a fragment asks for really ended up in .config.
#   ci/kconfig.sh <build dir> <fragment>...
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
KOUT=$1; shift
mkdir -p "$KOUT"
frags=()
for f in "$@"; do frags+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
cd "$TOP/linux"
# -n: allnoconfig base, -m: merge only, then let kbuild resolve.
scripts/kconfig/merge_config.sh -n -O "$KOUT" "${frags[@]}" > "$KOUT/merge_config.log" 2>&1 || {
	tail -20 "$KOUT/merge_config.log"; echo "kconfig: merge_config.sh failed"; exit 1; }
bad=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*}; want=$line ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=$line ;;
		*) continue ;;
		esac
		have=$(grep -E "^($sym=|# $sym is not set)" "$KOUT/.config" || true)
		[ -z "$have" ] && [ "${want#\# }" != "$want" ] && continue
		if [ "$have" != "$want" ]; then
			echo "kconfig: $(basename "$f"): asked for '$want', got '${have:-<unset>}'"
			bad=1
		fi
	done < "$f"
done
[ $bad = 0 ] || { echo "kconfig: fix the fragments (a dependency is missing)"; rm -f "$KOUT/.config"; exit 1; }
echo "kconfig: $KOUT/.config from $(printf '%s ' "$@")"
