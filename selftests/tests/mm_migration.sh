#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run upstream selftests/mm/migration the way run_vmtests.sh does: its
# hugetlb cases need free 2 MiB pages on both nodes to migrate between.
for n in 0 1; do
	echo 8 > /sys/devices/system/node/node$n/hugepages/hugepages-2048kB/nr_hugepages
done
echo "# hugetlb pages: node0 $(cat /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages)," \
	"node1 $(cat /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages)"
/tests/mm_migration
rc=$?
for n in 0 1; do
	echo 0 > /sys/devices/system/node/node$n/hugepages/hugepages-2048kB/nr_hugepages
done
exit $rc
