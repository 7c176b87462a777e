#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark suite, guest side (driven by selftests/bench/bench_tier.py): run
# the variant's setup commands (ht.bench.setup=, base64), then the workload
# (ht.bench.run=, a program in /tests with ',' for spaces), and report what
# management cost and did over the run:
#   BENCH phase=mgmt   CPU seconds of the management threads (khyperplaced,
#                      kdamond.*, and kswapd*/kcompactd* which demotion and
#                      compaction use), HyperPlace's own accounting from its
#                      debugfs stats (sampling, epochs, placement, ns), the
#                      run's length, and their share of one CPU;
#   BENCH phase=vmstat the /proc/vmstat counters of moving memory that
#                      changed during the run (promotions, demotions,
#                      exchanges and their TLB flush rounds, hint faults,
#                      THP splits).
setup= run=
for a in $(cat /proc/cmdline); do
	case "$a" in
	ht.bench.setup=*) setup=${a#ht.bench.setup=} ;;
	ht.bench.run=*) run=$(echo "${a#ht.bench.run=}" | tr , ' ') ;;
	esac
done
VMSTAT_RE='^(pgpromote_success|pgdemote_|pgmigrate_success|pgmigrate_fail|numa_hint_faults |numa_pages_migrated|hyperplace_(promoted|demoted|filled|cache_demoted|thp_split|victim_split|collapse_skipped|collapsed|collapse_failed|split_failed|no_victims|throttle_up|place_periods|samples_load|samples_store)|exchange_(success|thp_success|flush_rounds)|thp_split_pmd|thp_fault_alloc|thp_fault_fallback|thp_collapse_alloc|thp_collapse_alloc_failed )'
vmstat() { grep -E "$VMSTAT_RE" /proc/vmstat | sort; }
# CPU ticks (user + system) of the kernel threads that manage memory, in
# all and per kind: "total khyperplaced kdamond kswapd kcompactd"
mgmt_ticks() {
	h=0 d=0 s=0 c=0
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null < "$f" || continue
		case "$line" in
		*"(khyperplaced)"*|*"(kdamond."*|*"(kswapd"*|*"(kcompactd"*) ;;
		*) continue ;;
		esac
		set -- $line
		t=$((${14} + ${15}))
		case "$2" in
		"(khyperplaced)") h=$((h + t)) ;;
		"(kdamond."*) d=$((d + t)) ;;
		"(kswapd"*) s=$((s + t)) ;;
		*) c=$((c + t)) ;;
		esac
	done
	echo "$((h + d + s + c)) $h $d $s $c"
}
hp_ns() {
	f=/sys/kernel/debug/hyperplace/stats
	[ -r $f ] || { echo 0; return; }
	awk '$1 == "drain_ns" || $1 == "epoch_ns" || $1 == "pebs_ns" ||
	     $1 == "place_ns" || $1 == "abit_ns" {s += $2} END {printf "%.0f\n", s}' $f
}
if [ -n "$setup" ]; then
	echo "$setup" | base64 -d > /tmp/bench-setup.sh
	echo "# variant setup:"
	sed 's/^/#   /' /tmp/bench-setup.sh
	sh -e /tmp/bench-setup.sh || echo "BENCH error=setup-failed"
fi
vmstat > /tmp/vm0
up0=$(cut -d' ' -f1 /proc/uptime) tk0=$(mgmt_ticks) hp0=$(hp_ns)
echo "# run: $run"
cd /tests && ./$run
rc=$?
up1=$(cut -d' ' -f1 /proc/uptime) tk1=$(mgmt_ticks) hp1=$(hp_ns)
vmstat > /tmp/vm1
echo "$up0 $up1 $tk0 $tk1 $hp0 $hp1" | awk '{
	el = $2 - $1; if (el <= 0) el = 1
	th = ($8 - $3) / 100; hp = ($14 - $13) / 1e9
	f = "BENCH phase=mgmt elapsed_s=%.1f threads_cpu_s=%.2f hp_cpu_s=%.3f"
	f = f " mgmt_cpu_pct=%.3f hp_cpu_pct=%.3f khyperplaced_s=%.2f"
	f = f " kdamond_s=%.2f kswapd_s=%.2f kcompactd_s=%.2f\n"
	printf f, el, th, hp, 100 * th / el, 100 * hp / el, ($9 - $4) / 100,
		($10 - $5) / 100, ($11 - $6) / 100, ($12 - $7) / 100}'
awk 'NR == FNR {v[$1] = $2; next} {d = $2 - v[$1]; if (d) s = s " " $1 "=" d}
	END {print "BENCH phase=vmstat" s}' /tmp/vm0 /tmp/vm1
grep -E '^(period_scale|period_boost|walk_scale|place_scale|epoch_stretch|samples|drain_ns|epochs|epoch_ns|pebs_ns|place_ns) ' \
	/sys/kernel/debug/hyperplace/stats 2>/dev/null | tr '\n' ' ' |
	awk 'NF {printf "BENCH phase=hp"; for (i = 1; i < NF; i += 2) printf " %s=%s", $i, $(i+1); print ""}'
# DAMON's own account of its schemes (the damon variant)
D=/sys/kernel/mm/damon/admin/kdamonds
for k in $D/[0-9]*; do
	[ "$(cat $k/state 2>/dev/null)" = on ] || continue
	i=0
	until echo update_schemes_stats 2>/dev/null > $k/state || [ $i -ge 100 ]; do
		i=$((i + 1)); sleep 0.1
	done
	s=$k/contexts/0/schemes/0/stats
	echo "BENCH phase=damon${k##*/} tried=$(cat $s/sz_tried) applied=$(cat $s/sz_applied) qt_exceeds=$(cat $s/qt_exceeds)"
done
echo "BENCH phase=done rc=$rc"
