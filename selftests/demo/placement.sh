#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The HyperTier demo, part 3: HyperPlace's job.  GUPS updates 768 MiB whose
# hot 96 MiB, touched last, start on SMEM; the tier model (QEMU) counts
# which node serves the memory accesses, once before placement and once
# after 20 s of it, and the vmstat counters show what moved.
echo
echo "== HyperPlace: the guest puts its hot memory on FMEM =="
if [ "$(cat /sys/kernel/mm/hyperplace/enabled 2>/dev/null)" != 1 ]; then
	echo "(HyperPlace is off: boot with hyperplace=on and a PEBS CPU)"
	exit 0
fi
RE='^(hyperplace_(promoted|demoted|thp_split|victim_split|collapse_skipped|samples_load|samples_store|place_periods)|exchange_(success|flush_rounds)) '
grep -E "$RE" /proc/vmstat | sort > /tmp/demo-vm0
echo "gups: 768 MiB (FMEM is 512 MiB), the last 96 MiB get 90% of the updates"
/tests/gups -s 768 -f 8 -p 90 -n 2097152 -M -w 20 | awk '
	function v(k,   i, a) { for (i = 2; i <= NF; i++) { split($i, a, "=");
		if (a[1] == k) return a[2] } return "-" }
	/^BENCH phase=before / { printf "before placement: FMEM serves %.1f%% of the memory accesses, %.1f ns of memory time per update\n", 100 * v("fmem_share"), v("mem_time_per_op_ns") }
	/^BENCH phase=before_end / { printf "                  hot set on FMEM: %.1f%%\n", 100 * v("hot_on_fmem") }
	/^BENCH phase=converge / { printf "placement: 90%% of the hot set on FMEM after %s s\n", v("converge_s") }
	/^BENCH phase=measured / { printf "after placement:  FMEM serves %.1f%% of the memory accesses, %.1f ns of memory time per update\n", 100 * v("fmem_share"), v("mem_time_per_op_ns") }
	/^BENCH phase=end / { printf "                  hot set on FMEM: %.1f%%\n", 100 * v("hot_on_fmem") }'
grep -E "$RE" /proc/vmstat | sort > /tmp/demo-vm1
echo "vmstat counters that moved:"
awk 'NR == FNR {v[$1] = $2; next} $2 != v[$1] {printf "  %-28s +%d\n", $1, $2 - v[$1]}' \
	/tmp/demo-vm0 /tmp/demo-vm1
