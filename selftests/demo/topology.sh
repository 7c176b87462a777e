#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The HyperTier demo: the guest's two-tier topology (nodes, CPUs,
# distances, memory tiers, per-node memory), then the tiered balloon
# changing the FMEM/SMEM split at run time through QMP, then HyperPlace
# placing a workload's hot memory (placement.sh).
kb() { awk -v k="$2" '$3 == k":" {print $4}' /sys/devices/system/node/node$1/meminfo; }
nodes() {
	printf '%-6s %-8s %-10s %12s %12s\n' node cpus distance "MemTotal" "MemFree"
	for d in /sys/devices/system/node/node[0-9]*; do
		n=${d##*node}
		cpus=$(cat $d/cpulist); [ -n "$cpus" ] || cpus="-"
		printf '%-6s %-8s %-10s %8s KiB %8s KiB\n' $n "$cpus" "$(cat $d/distance | tr ' ' /)" \
			"$(kb $n MemTotal)" "$(kb $n MemFree)"
	done
}
echo "== NUMA nodes =="
nodes
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
echo "demotion_enabled: $(cat /sys/kernel/mm/numa/demotion_enabled), numa_balancing: $(cat /proc/sys/kernel/numa_balancing)"

f=$(ls /sys/kernel/debug/virtio-balloon/*/nodes 2>/dev/null | head -1)
if [ -z "$f" ]; then
	echo
	echo "(no tiered balloon: boot with -device virtio-balloon-pci,node-targets=on)"
	sh /demo/placement.sh
	exit 0
fi
wait_kb() { # node kb
	i=0
	while [ $i -lt 1500 ]; do
		[ "$(kb $1 MemTotal)" -le $(( $2 + 4 )) ] && [ "$(kb $1 MemTotal)" -ge $(( $2 - 4 )) ] && return 0
		i=$((i + 1)); sleep 0.1
	done
	echo "timed out waiting for node $1"; return 1
}
qmp() { echo "host> $1"; ht-host qmp "$1" >/dev/null || echo "  (QMP error)"; }
t0=$(kb 0 MemTotal) t1=$(kb 1 MemTotal)
echo
echo "== HyperFlex: the host changes the FMEM/SMEM split at run time =="
echo "tiered balloon entries (guest view):"; sed 's/^/  /' $f
qmp '{"execute": "balloon-node", "arguments": {"node": 0, "target": 134217728}}'
qmp '{"execute": "balloon-node", "arguments": {"node": 1, "target": 536870912}}'
wait_kb 0 $((t0 - 131072)) && wait_kb 1 $((t1 - 524288))
echo "after taking 128 MiB of FMEM and 512 MiB of SMEM:"
nodes
echo "tiered balloon entries (guest view):"; sed 's/^/  /' $f
echo "host view (query-balloon):"
ht-host qmp '{"execute": "query-balloon"}' | sed 's/^/  /'
qmp '{"execute": "balloon-node", "arguments": {"node": 0, "target": 0}}'
qmp '{"execute": "balloon-node", "arguments": {"node": 1, "target": 0}}'
wait_kb 0 $t0 && wait_kb 1 $t1
echo "after giving both back:"
nodes
sh /demo/placement.sh
