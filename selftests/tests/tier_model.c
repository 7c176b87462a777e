// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of QEMU's TCG tier model (-object tier-model,id=tm):
 *  1. tier-model-reset zeroes the counters (node 1 near 0 right after);
 *  2. touching N distinct, uncached cache lines of a buffer bound to
 *     node 1 gives N misses on node 1 (within 1%);
 *  3. modelled time of node 1 = misses * latency;
 *  4. slowdown of a memory-bound loop with the model on vs off (qom-set
 *     enabled=false), reported; fails above 10x.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../lib/hostreq.h"
#include "../lib/tap.h"

#define MPOL_BIND 2
#define MPOL_F_NODE (1 << 0)
#define MPOL_F_ADDR (1 << 1)
#define MPOL_MF_MOVE (1 << 1)
#define LINE 64
#define N_LINES 65536			/* 4 MiB, twice the modelled cache */

static char reply[1 << 16];

static int qmp(const char *cmd)
{
	if (ht_host_request(reply, sizeof(reply), 60, "qmp %s", cmd)) {
		printf("# no reply to %s\n", cmd);
		return -1;
	}
	if (strstr(reply, "\"error\"")) {
		printf("# %s -> %s\n", cmd, reply);
		return -1;
	}
	return 0;
}

static char snap[1 << 16];

/* Take a snapshot of the counters; node_val() reads it. */
static int query(void)
{
	if (qmp("{\"execute\": \"query-tier-model\"}"))
		return -1;
	snprintf(snap, sizeof(snap), "%s", reply);
	return 0;
}

static long long node_val(int node, const char *key)
{
	const char *p = ht_json_node(snap, node);

	return p ? ht_json_int(p, key) : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

/* Sum 8-byte words of @buf, @passes times: a memory-bound loop. */
static double mem_loop(const volatile uint64_t *buf, size_t words,
		       int passes)
{
	double t = now();
	uint64_t s = 0;
	int p;
	size_t i;

	for (p = 0; p < passes; p++)
		for (i = 0; i < words; i++)
			s += buf[i];
	sink = s;
	return now() - t;
}

static int set_model(int on)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "{\"execute\": \"qom-set\", \"arguments\": "
		 "{\"path\": \"/objects/tm\", \"property\": \"enabled\", "
		 "\"value\": %s}}", on ? "true" : "false");
	return qmp(cmd);
}

/*
 * Wall-clock ratio of the loop with the model on and off.  The host may
 * be busy with other work, and noise only ever adds time: alternate the
 * two, ROUNDS times each, and compare the best of each side.
 */
#define ROUNDS 5
static double slowdown(const volatile uint64_t *buf, size_t words,
		       double *t_on, double *t_off)
{
	double t;
	int r, on;

	*t_on = *t_off = 1e9;
	for (r = 0; r < ROUNDS; r++) {
		for (on = 1; on >= 0; on--) {
			if (set_model(on))
				return 0;
			mem_loop(buf, words, 1);	/* refill TLB and caches */
			t = mem_loop(buf, words, 64);
			if (on && t < *t_on)
				*t_on = t;
			if (!on && t < *t_off)
				*t_off = t;
		}
	}
	set_model(1);
	return *t_off > 0 ? *t_on / *t_off : 0;
}

int main(void)
{
	size_t len = (size_t)N_LINES * LINE;
	unsigned long mask = 1UL << 1;
	long long acc, miss, lat, tns, miss0, acc_before, miss1;
	double t_on, t_off, ratio;
	uint64_t s = 0;
	char *buf;
	int node = -1, i, j, ok;
	cpu_set_t cpus;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The modelled caches are per vCPU: stay on one. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	printf("TAP version 13\n1..5\n");

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED ||
	    syscall(SYS_mbind, buf, len, MPOL_BIND, &mask, 64, MPOL_MF_MOVE)) {
		printf("1..0 # SKIP cannot bind a buffer to node 1\n");
		return 0;
	}
	memset(buf, 1, len);		/* fault in; the kernel zeroes pages */
	syscall(SYS_get_mempolicy, &node, NULL, 0, buf + len / 2,
		MPOL_F_NODE | MPOL_F_ADDR);
	printf("# buffer of %zu KiB on node %d\n", len >> 10, node);
	if (query()) {
		printf("1..0 # SKIP no tier model (-object tier-model)\n");
		return 0;
	}
	acc_before = node_val(0, "accesses");

	/* 1: reset */
	i = qmp("{\"execute\": \"tier-model-reset\"}");
	query();
	acc = node_val(0, "accesses");
	miss0 = node_val(1, "misses");
	printf("# node 0 accesses before reset %lld, after %lld; node 1 "
	       "misses after %lld\n", acc_before, acc, miss0);
	tap(!i && acc >= 0 && acc < acc_before / 100 && miss0 >= 0 &&
	    miss0 < N_LINES / 100, "tier-model-reset zeroes the counters");

	/* 2: N distinct lines, each touched once, none cached */
	qmp("{\"execute\": \"tier-model-reset\"}");
	for (i = 0; i < N_LINES; i++)
		s += *(volatile uint64_t *)(buf + (size_t)i * LINE);
	sink = s;
	query();
	acc = node_val(1, "accesses");
	miss = node_val(1, "misses");
	lat = node_val(1, "latency");
	tns = node_val(1, "time-ns");
	miss0 = node_val(0, "misses");
	printf("# touched %d lines on node 1: accesses %lld misses %lld "
	       "(%+.3f%%), node 0 misses %lld\n", N_LINES, acc, miss,
	       100.0 * (miss - N_LINES) / N_LINES, miss0);
	tap(miss >= N_LINES * 99 / 100 && miss <= N_LINES * 101 / 100,
	    "node 1 misses = lines touched within 1%%");
	tap(lat == 250 && tns == miss * lat,
	    "node 1 time-ns (%lld) = misses * latency (%lld ns)", tns, lat);

	/*
	 * 4: a second pass over lines that fit the cache hits.  The kernel
	 * runs between the passes (the counters are read over the serial
	 * console) and may touch node 1 itself; other vCPUs' accesses count
	 * too.  Try up to three fresh 256 KiB slices (all evicted by step 2,
	 * which read 4 MiB) and pass on the first clean one: a model that did
	 * not cache would fail all three.
	 */
	for (j = 0, ok = 0; j < 3 && !ok; j++) {
		char *slice = buf + (size_t)j * (N_LINES / 16) * LINE;

		qmp("{\"execute\": \"tier-model-reset\"}");
		for (i = 0; i < N_LINES / 16; i++)
			s += *(volatile uint64_t *)(slice + (size_t)i * LINE);
		query();
		miss1 = node_val(1, "misses");
		for (i = 0; i < N_LINES / 16; i++)
			s += *(volatile uint64_t *)(slice + (size_t)i * LINE);
		sink = s;
		query();
		miss = node_val(1, "misses");
		printf("# %d lines (256 KiB, slice %d): first pass %lld misses, "
		       "second pass %lld\n", N_LINES / 16, j, miss1, miss - miss1);
		ok = miss1 >= N_LINES / 16 * 99 / 100 &&
		     miss1 <= N_LINES / 16 * 102 / 100 &&
		     miss - miss1 < N_LINES / 16 / 50;
	}
	tap(ok, "first pass misses, second pass hits");

	/* 5: slowdown, model on vs off, same buffer, same run */
	ratio = slowdown((uint64_t *)buf, len / 8, &t_on, &t_off);
	printf("# memory-bound loop (64 x 4 MiB read, 8-byte loads, best of "
	       "%d alternating rounds): on %.3fs off %.3fs slowdown %.2fx\n",
	       ROUNDS, t_on, t_off, ratio);
	tap(ratio > 0 && ratio < 10, "model slowdown %.2fx (goal <= 5x)",
	    ratio);
	return 0;
}
