// SPDX-License-Identifier: GPL-2.0
/*
 * Tiered (per-node) virtio-balloon, end to end: QMP on the host side sets
 * per-node targets (through the harness relay), the guest's per-node
 * memory follows exactly, query-balloon and BALLOON_NODE_CHANGE agree,
 * bad input is refused and changes nothing, a guest that mislabels its
 * pages is refused by the device, and deflate-on-OOM gives back the slow
 * node first.
 *
 * Run with a virtio-balloon-pci device; which tests apply depends on its
 * properties (node-targets, deflate-on-oom), the others skip.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include "kselftest_harness.h"
#include "../lib/hostreq.h"

#define MiB (1024LL * 1024)
#define REPLY_LEN (1 << 16)

static char reply[REPLY_LEN];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* MemTotal of a node, in KiB. */
static long long node_total_kb(int node)
{
	char path[96], line[256];
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "MemTotal:");

		if (p)
			kb = strtoll(p + 9, NULL, 10);
	}
	fclose(f);
	return kb;
}

/* The balloon's debugfs "nodes" file, or NULL without node targets. */
static FILE *nodes_file(void)
{
	char path[512];
	struct dirent *e;
	FILE *f = NULL;
	DIR *d;

	d = opendir("/sys/kernel/debug/virtio-balloon");
	if (!d)
		return NULL;
	while (!f && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/virtio-balloon/%s/nodes",
			 e->d_name);
		f = fopen(path, "r");
	}
	closedir(d);
	return f;
}

/* Pages (KiB) the guest driver holds for node @node; -1 if unknown. */
static long long balloon_actual_kb(int node)
{
	FILE *f = nodes_file();
	char line[256];
	long long ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int entry, id;
		long long target, actual;
		int nid;

		if (sscanf(line, "%u %d %u %lld %lld", &entry, &nid, &id,
			   &target, &actual) == 5 && nid == node)
			ret = actual;
	}
	fclose(f);
	return ret;
}

static long long vmstat(const char *name);

static int qmp(const char *cmd)
{
	return ht_host_request(reply, sizeof(reply), 60, "qmp %s", cmd);
}

static int set_node(int node, long long bytes)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"balloon-node\", \"arguments\": {\"node\": %d, \"target\": %lld}}",
		 node, bytes);
	return qmp(cmd);
}

static long long query_node(int node, const char *field)
{
	const char *o;

	if (qmp("{\"execute\": \"query-balloon\"}"))
		return -2;
	o = ht_json_node(reply, node);
	return o ? ht_json_int(o, field) : -1;
}

/*
 * Wait until node @node's MemTotal is @kb (within one page); seconds since
 * @t0 (taken before the request, so that the time includes the request's
 * trip to the host), or -1 on timeout.
 */
static double wait_total(int node, long long kb, double t0, int timeout_s)
{
	while (now() - t0 < timeout_s) {
		long long cur = node_total_kb(node);

		if (cur >= kb - 4 && cur <= kb + 4)
			return now() - t0;
		usleep(20000);
	}
	return -1;
}

/*
 * Ask for @target bytes of node @node in the balloon and wait until the
 * node's MemTotal is @want_kb; print the rate, return the seconds or -1.
 */
static double balloon_step(int node, long long target, long long want_kb,
			   long long mib, const char *what)
{
	double start = now(), s;

	if (set_node(node, target) || strstr(reply, "\"error\""))
		return -1;
	s = wait_total(node, want_kb, start, 300);
	if (s > 0)
		ksft_print_msg("node %d: %lld MiB %s in %.2f s (%.1f MiB/s guest time)\n",
			       node, mib, what, s, mib / s);
	return s;
}

static bool have_node_targets(void)
{
	FILE *f = nodes_file();

	if (!f)
		return false;
	fclose(f);
	return balloon_actual_kb(1) >= 0;
}

/* Was virtio feature @bit negotiated by the balloon driver? */
static bool balloon_feature(int bit)
{
	const char *dir = "/sys/bus/virtio/drivers/virtio_balloon";
	char path[512], feat[256] = "";
	struct dirent *e;
	bool ret = false;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		FILE *f;

		if (strncmp(e->d_name, "virtio", 6))
			continue;
		snprintf(path, sizeof(path), "%s/%s/features", dir, e->d_name);
		f = fopen(path, "r");
		if (f && fgets(feat, sizeof(feat), f))
			ret = (int)strlen(feat) > bit && feat[bit] == '1';
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return ret;
}

static bool deflate_on_oom(void)
{
	return balloon_feature(2);	/* VIRTIO_BALLOON_F_DEFLATE_ON_OOM */
}

TEST(per_node_inflate_deflate)
{
	long long t0, t1;
	double s;

	if (!have_node_targets())
		SKIP(return, "no balloon with node targets (node-targets=on)");
	if (deflate_on_oom())
		SKIP(return, "deflate-on-oom keeps MemTotal; see oom_deflates_slow_node_first");
	t0 = node_total_kb(0);
	t1 = node_total_kb(1);
	ASSERT_GT(t0, 0);
	ASSERT_GT(t1, 0);
	/* Drop events of earlier boots' steps. */
	ASSERT_EQ(0, ht_host_request(reply, sizeof(reply), 60, "events"));

	s = balloon_step(0, 128 * MiB, t0 - 128 * 1024, 128, "inflated");
	ASSERT_GE(s, 0) TH_LOG("node 0 MemTotal %lld, want %lld (%s)", node_total_kb(0),
			       t0 - 128 * 1024, reply);
	/* The other node did not move. */
	EXPECT_EQ(t1, node_total_kb(1));

	s = balloon_step(1, 512 * MiB, t1 - 512 * 1024, 512, "inflated");
	ASSERT_GE(s, 0) TH_LOG("node 1 MemTotal %lld, want %lld", node_total_kb(1),
			       t1 - 512 * 1024);
	EXPECT_EQ(t0 - 128 * 1024, node_total_kb(0));

	/*
	 * Balloon compaction moves balloon pages around within their node;
	 * every node keeps its count.
	 */
	{
		long long mig = vmstat("balloon_migrate");
		FILE *f = fopen("/proc/sys/vm/compact_memory", "w");

		ASSERT_NE(NULL, f);
		fprintf(f, "1\n");
		fclose(f);
		ksft_print_msg("compaction migrated %lld balloon pages\n",
			       vmstat("balloon_migrate") - mig);
		EXPECT_EQ(t0 - 128 * 1024, node_total_kb(0));
		EXPECT_EQ(t1 - 512 * 1024, node_total_kb(1));
	}

	/* The host sees the same. */
	EXPECT_EQ(128 * MiB, query_node(0, "actual"));
	EXPECT_EQ(128 * MiB, query_node(0, "target"));
	EXPECT_EQ(512 * MiB, query_node(1, "actual"));
	EXPECT_EQ(512 * MiB, query_node(1, "target"));
	EXPECT_EQ(128 * 1024, balloon_actual_kb(0));
	EXPECT_EQ(512 * 1024, balloon_actual_kb(1));

	/*
	 * And reported it with BALLOON_NODE_CHANGE events, rate-limited to
	 * one a second per node, the last one carrying the final value.
	 */
	sleep(2);
	ASSERT_EQ(0, ht_host_request(reply, sizeof(reply), 60, "events"));
	EXPECT_NE(NULL, strstr(reply, "{\"actual\": 134217728, \"node\": 0}"));
	EXPECT_NE(NULL, strstr(reply, "{\"actual\": 536870912, \"node\": 1}"));

	/* Deflate: everything comes back, node by node. */
	ASSERT_GE(balloon_step(1, 0, t1, 512, "deflated"), 0);
	EXPECT_EQ(t0 - 128 * 1024, node_total_kb(0));
	ASSERT_GE(balloon_step(0, 0, t0, 128, "deflated"), 0);
	EXPECT_EQ(0, query_node(0, "actual"));
	EXPECT_EQ(0, query_node(1, "actual"));
}

TEST(bad_input_changes_nothing)
{
	long long t0, t1;

	if (!have_node_targets())
		SKIP(return, "no balloon with node targets (node-targets=on)");
	t0 = query_node(0, "target");
	t1 = query_node(1, "target");

	ASSERT_EQ(0, set_node(7, 4096));
	EXPECT_NE(NULL, strstr(reply, "does not exist")) TH_LOG("%s", reply);
	ASSERT_EQ(0, set_node(0, -4096));
	EXPECT_NE(NULL, strstr(reply, "must not be negative")) TH_LOG("%s", reply);
	ASSERT_EQ(0, set_node(0, 4096 * MiB));
	EXPECT_NE(NULL, strstr(reply, "exceeds")) TH_LOG("%s", reply);
	ASSERT_EQ(0, set_node(1, 1024 * MiB + 4096));
	EXPECT_NE(NULL, strstr(reply, "exceeds")) TH_LOG("%s", reply);
	ASSERT_EQ(0, qmp("{\"execute\": \"balloon-node\", \"arguments\": {\"node\": 0}}"));
	EXPECT_NE(NULL, strstr(reply, "\"error\"")) TH_LOG("%s", reply);

	EXPECT_EQ(t0, query_node(0, "target"));
	EXPECT_EQ(t1, query_node(1, "target"));
}

TEST(mislabelled_pages_are_refused)
{
	long long refused, before;
	FILE *f;
	char path[512];
	struct dirent *e;
	DIR *d;

	if (!have_node_targets())
		SKIP(return, "no balloon with node targets (node-targets=on)");
	ASSERT_EQ(0, qmp("{\"execute\": \"query-balloon\"}"));
	refused = ht_json_int(reply, "refused");
	ASSERT_GE(refused, 0);

	/* The driver's test hook labels the next request with another node. */
	d = opendir("/sys/kernel/debug/virtio-balloon");
	ASSERT_NE(NULL, d);
	f = NULL;
	while (!f && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/virtio-balloon/%s/test_mislabel", e->d_name);
		f = fopen(path, "w");
	}
	closedir(d);
	if (!f)
		SKIP(return, "driver without the test_mislabel hook");
	fprintf(f, "1\n");
	fclose(f);

	before = balloon_actual_kb(0);
	ASSERT_EQ(0, set_node(0, (before + 1024) * 1024));
	for (int i = 0; i < 300 && balloon_actual_kb(0) < before + 1024; i++)
		usleep(20000);
	ASSERT_EQ(0, qmp("{\"execute\": \"query-balloon\"}"));
	EXPECT_EQ(refused + 1, ht_json_int(reply, "refused")) TH_LOG("%s", reply);
	ASSERT_EQ(0, set_node(0, 0));
	for (int i = 0; i < 300 && balloon_actual_kb(0) > 0; i++)
		usleep(20000);
	EXPECT_EQ(0, balloon_actual_kb(0));
}

/* Allocate and touch @mib MiB in a child; its exit status. */
static int eat_memory(long long mib)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		char *p = mmap(NULL, mib * MiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		for (long long i = 0; i < mib * MiB; i += 4096)
			p[i] = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

static long long vmstat(const char *name)
{
	char line[256], key[128];
	long long v, ret = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld", key, &v) == 2 && !strcmp(key, name))
			ret = v;
	if (f)
		fclose(f);
	return ret;
}

TEST(oom_deflates_slow_node_first)
{
	long long a0, a1, kills;
	int status;

	if (!have_node_targets())
		SKIP(return, "no balloon with node targets (node-targets=on)");
	if (!deflate_on_oom())
		SKIP(return, "device without deflate-on-oom");

	ASSERT_EQ(0, set_node(0, 320 * MiB));
	ASSERT_EQ(0, set_node(1, 900 * MiB));
	for (int i = 0; i < 3000; i++) {
		if (balloon_actual_kb(0) == 320 * 1024 && balloon_actual_kb(1) == 900 * 1024)
			break;
		usleep(20000);
	}
	ASSERT_EQ(320 * 1024, balloon_actual_kb(0));
	ASSERT_EQ(900 * 1024, balloon_actual_kb(1));

	kills = vmstat("oom_kill");
	/* More than is free: the balloon must give memory back. */
	status = eat_memory(500);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("memory eater died: status 0x%x", status);
	EXPECT_EQ(kills, vmstat("oom_kill"));
	a0 = balloon_actual_kb(0);
	a1 = balloon_actual_kb(1);
	ksft_print_msg("after pressure: node 0 balloon %lld KiB, node 1 balloon %lld KiB\n",
		       a0, a1);
	/* The slow node paid, the fast node's balloon is untouched. */
	EXPECT_LT(a1, 900 * 1024);
	EXPECT_EQ(320 * 1024, a0);

	ASSERT_EQ(0, set_node(0, 0));
	ASSERT_EQ(0, set_node(1, 0));
	for (int i = 0; i < 3000 && (balloon_actual_kb(0) || balloon_actual_kb(1)); i++)
		usleep(20000);
}

TEST(stock_balloon_unchanged)
{
	long long total0, total1, ram, n0, n1;
	double t0, s;
	char cmd[160];

	if (have_node_targets())
		SKIP(return, "device has node targets; this checks the stock protocol");
	if (access("/sys/bus/virtio/drivers/virtio_balloon", F_OK))
		SKIP(return, "no virtio-balloon device");
	n0 = node_total_kb(0);
	n1 = node_total_kb(1);
	total0 = n0 + n1;
	ASSERT_EQ(0, qmp("{\"execute\": \"query-balloon\"}"));
	EXPECT_EQ(NULL, strstr(reply, "\"nodes\""));
	ram = ht_json_int(reply, "actual");
	ASSERT_GT(ram, 0);

	/* Per-node requests are refused without the feature. */
	ASSERT_EQ(0, set_node(0, 4096));
	EXPECT_NE(NULL, strstr(reply, "no per-node targets")) TH_LOG("%s", reply);

	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"balloon\", \"arguments\": {\"value\": %lld}}",
		 ram - 512 * MiB);
	t0 = now();
	ASSERT_EQ(0, qmp(cmd));
	while (now() - t0 < 300) {
		total1 = node_total_kb(0) + node_total_kb(1);
		if (total1 <= total0 - 512 * 1024 + 4)
			break;
		usleep(20000);
	}
	s = now() - t0;
	EXPECT_EQ(total0 - 512 * 1024, node_total_kb(0) + node_total_kb(1));
	ksft_print_msg("stock: 512 MiB inflated in %.2f s (%.1f MiB/s guest time); node 0 gave %lld MiB, node 1 %lld MiB\n",
		       s, 512 / s, (n0 - node_total_kb(0)) / 1024,
		       (n1 - node_total_kb(1)) / 1024);
	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"balloon\", \"arguments\": {\"value\": %lld}}", ram);
	t0 = now();
	ASSERT_EQ(0, qmp(cmd));
	while (now() - t0 < 300 && node_total_kb(0) + node_total_kb(1) < total0 - 4)
		usleep(20000);
	s = now() - t0;
	EXPECT_EQ(total0, node_total_kb(0) + node_total_kb(1));
	ksft_print_msg("stock: 512 MiB deflated in %.2f s (%.1f MiB/s guest time)\n",
		       s, 512 / s);
}

TEST_HARNESS_MAIN
