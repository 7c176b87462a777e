// SPDX-License-Identifier: GPL-2.0
/*
 * The two-tier reference topology is real: node 0 holds the CPUs and the
 * fast memory, node 1 is CPU-less, has memory, and the kernel's memory-tier
 * code (from SLIT/HMAT) put it in a lower tier than node 0.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* Does a nodelist such as "0-1,3" contain @node? */
static int list_has(const char *list, int node)
{
	char *copy = strdup(list), *tok, *save;
	int found = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int a, b;

		if (sscanf(tok, "%d-%d", &a, &b) == 2) {
			if (node >= a && node <= b)
				found = 1;
		} else if (sscanf(tok, "%d", &a) == 1 && a == node) {
			found = 1;
		}
	}
	free(copy);
	return found;
}

/* Tier id (memory_tierN) holding @node, or -1. */
static int tier_of(int node)
{
	DIR *d = opendir("/sys/devices/virtual/memory_tiering");
	struct dirent *e;
	char path[512], buf[256];
	int tier = -1, id;

	if (!d)
		return -2;
	while ((e = readdir(d))) {
		if (sscanf(e->d_name, "memory_tier%d", &id) != 1)
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/virtual/memory_tiering/%s/nodelist", e->d_name);
		if (read_str(path, buf, sizeof(buf)))
			continue;
		if (list_has(buf, node))
			tier = id;
	}
	closedir(d);
	return tier;
}

static long node_mem_kb(int node)
{
	char path[128], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "MemTotal:"))
			sscanf(strstr(line, "MemTotal:") + 9, "%ld", &kb);
	fclose(f);
	return kb;
}

TEST(two_memory_nodes)
{
	char buf[64];

	ASSERT_EQ(0, read_str("/sys/devices/system/node/has_memory", buf, sizeof(buf)));
	EXPECT_TRUE(list_has(buf, 0));
	EXPECT_TRUE(list_has(buf, 1));
	/* Reference sizes: 512 MiB and 1 GiB, less what firmware keeps. */
	EXPECT_GT(node_mem_kb(0), 400 * 1024);
	EXPECT_GT(node_mem_kb(1), 900 * 1024);
	TH_LOG("node0 %ld KiB, node1 %ld KiB", node_mem_kb(0), node_mem_kb(1));
}

TEST(node1_is_cpuless)
{
	char buf[64];

	ASSERT_EQ(0, read_str("/sys/devices/system/node/node1/cpulist", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_EQ(0, read_str("/sys/devices/system/node/node0/cpulist", buf, sizeof(buf)));
	EXPECT_STRNE("", buf);
	ASSERT_EQ(0, read_str("/sys/devices/system/node/has_cpu", buf, sizeof(buf)));
	EXPECT_FALSE(list_has(buf, 1));
}

TEST(node1_in_lower_tier)
{
	int t0 = tier_of(0), t1 = tier_of(1);

	ASSERT_NE(-2, t0) TH_LOG("no /sys/devices/virtual/memory_tiering");
	ASSERT_GE(t0, 0) TH_LOG("node 0 in no memory tier");
	ASSERT_GE(t1, 0) TH_LOG("node 1 in no memory tier");
	TH_LOG("node0 in memory_tier%d, node1 in memory_tier%d", t0, t1);
	/* A larger tier id is a larger abstract distance: a slower tier. */
	EXPECT_GT(t1, t0);
}

TEST(numa_distance)
{
	char buf[64];

	ASSERT_EQ(0, read_str("/sys/devices/system/node/node0/distance", buf, sizeof(buf)));
	EXPECT_STREQ("10 20", buf);
}

TEST_HARNESS_MAIN
