#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The DAMON baseline of the benchmark suite (variants.list "damon"): memory
# tiering with DAMON's migrate_hot/migrate_cold actions on physical
# addresses, as DAMON's own tiering setup does it (one kdamond per node):
#   kdamond 0 watches node 1 (SMEM) and promotes its hottest regions to
#     node 0, hottest first, at most 256 MiB/s;
#   kdamond 1 watches node 0 (FMEM) and demotes to node 1 the regions not
#     accessed for at least 1 s (10 aggregation intervals), coldest first,
#     at most 256 MiB/s, which makes the room promotions need.
# Monitoring intervals are DAMON's defaults (5 ms sampling, 100 ms
# aggregation, 10..1000 regions).  Linux 6.12 has no per-node quota goals
# (node_mem_used_bp came in 6.16), so the demotion is bounded by its access
# pattern and quota only.
set -e
D=/sys/kernel/mm/damon/admin/kdamonds
bs=$(printf '%d' 0x$(cat /sys/devices/system/memory/block_size_bytes))
node_range() { # <nid>: "start end" of the node's memory blocks
	ls -d /sys/devices/system/node/node$1/memory[0-9]* | sed 's/.*memory//' |
		sort -n | awk -v bs="$bs" 'NR == 1 {lo = $1} {hi = $1}
			END {if (NR) printf "%.0f %.0f\n", lo * bs, (hi + 1) * bs}'
}
scheme() { # <kdamond> <nid watched> <action> <target nid> <acc min> <acc max> <age min>
	k=$D/$1/contexts/0
	echo 1 > $D/$1/contexts/nr_contexts
	echo paddr > $k/operations
	echo 10 > $k/monitoring_attrs/nr_regions/min
	echo 1000 > $k/monitoring_attrs/nr_regions/max
	echo 1 > $k/targets/nr_targets
	echo 1 > $k/targets/0/regions/nr_regions
	set -- "$@" $(node_range $2)
	echo $8 > $k/targets/0/regions/0/start
	echo $9 > $k/targets/0/regions/0/end
	echo 1 > $k/schemes/nr_schemes
	s=$k/schemes/0
	echo $3 > $s/action
	echo $4 > $s/target_nid
	# Every range of the access pattern defaults to [0, 0]: set all of them.
	echo 4096 > $s/access_pattern/sz/min
	echo 18446744073709551615 > $s/access_pattern/sz/max
	echo $5 > $s/access_pattern/nr_accesses/min
	echo $6 > $s/access_pattern/nr_accesses/max
	echo $7 > $s/access_pattern/age/min
	echo 4294967295 > $s/access_pattern/age/max
	echo $((256 << 20)) > $s/quotas/bytes
	echo 1000 > $s/quotas/reset_interval_ms
	echo 1000 > $s/quotas/weights/nr_accesses_permil
	echo 1000 > $s/quotas/weights/age_permil
	echo "# damon: kdamond $1 watches node $2 [$8, $9): $3 to node $4," \
		"nr_accesses $5..$6, age >= $7"
}
# DAMON's sysfs answers EBUSY while another kdamond holds its lock
# (starting, or updating its stats): retry for up to 10 s.
retry() { # <value> <file>
	i=0
	until echo "$1" 2>/dev/null > "$2"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "damon: cannot write $1 to $2" >&2; return 1; }
		sleep 0.1
	done
}
echo 2 > $D/nr_kdamonds
# 20 samples per aggregation interval: nr_accesses runs 0..20.
scheme 0 1 migrate_hot 0 1 20 0
scheme 1 0 migrate_cold 1 0 0 10
retry on $D/0/state
retry on $D/1/state
