#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Show the guest's two-tier topology: nodes, CPUs, distances, memory tiers,
# per-node memory.
kb() { awk -v k="$2" '$3 == k":" {print $4}' /sys/devices/system/node/node$1/meminfo; }
echo "== NUMA nodes =="
printf '%-6s %-8s %-10s %12s %12s\n' node cpus distance "MemTotal" "MemFree"
for d in /sys/devices/system/node/node[0-9]*; do
	n=${d##*node}
	cpus=$(cat $d/cpulist); [ -n "$cpus" ] || cpus="-"
	printf '%-6s %-8s %-10s %9s KiB %9s KiB\n' $n "$cpus" "$(cat $d/distance | tr ' ' /)" \
		"$(kb $n MemTotal)" "$(kb $n MemFree)"
done
echo
echo "== memory tiers (lower number = faster) =="
for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
	echo "$(basename $t): nodes $(cat $t/nodelist)"
done
echo
echo "== HMAT access performance (initiator -> node) =="
for d in /sys/devices/system/node/node[0-9]*; do
	a=$d/access0/initiators
	[ -d $a ] || continue
	echo "node${d##*node}: read latency $(cat $a/read_latency) ns, read bandwidth $(cat $a/read_bandwidth) MB/s"
done
echo
echo "== demotion =="
echo "demotion_enabled: $(cat /sys/kernel/mm/numa/demotion_enabled)"
echo "numa_balancing:   $(cat /proc/sys/kernel/numa_balancing)"
