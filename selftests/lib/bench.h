/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every benchmark workload (selftests/bench/, make bench) shares:
 *
 * - the tier model over QMP (through the harness): enabled after the first
 *   touch, reset after the warm-up, read after the measured operations;
 * - the result lines "BENCH phase=<p> key=value ...", parsed by
 *   selftests/bench/bench_tier.py;
 * - the *ballast*: cold memory touched before the workload's own data (so
 *   that it fills the fast tier, node 0, and the workload's data lands on
 *   the slow tier), or after it with -O (the static oracle: the workload's
 *   data is placed on the fast tier from the start).  The ballast is not
 *   idle: one operation in BENCH_BALLAST_EVERY also updates a random word
 *   of it, as the cold part of a real working set would be;
 * - the residency of a buffer on node 0 (move_pages()), and the time it
 *   took to reach 90% during the warm-up (time to converge).
 */
#ifndef HT_BENCH_H
#define HT_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "hostreq.h"

#define BENCH_BALLAST_EVERY	64

static char bench_reply[1 << 16];

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* xorshift64: cheap, so that the workload's own accesses dominate */
static inline uint64_t bench_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static inline int bench_qmp(const char *cmd)
{
	return ht_host_request(bench_reply, sizeof(bench_reply), 60, "qmp %s",
			       cmd) || strstr(bench_reply, "\"error\"");
}

static inline void *bench_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* Share of the pages of [p, p + len) on node 0, sampled every 64 pages. */
static inline double bench_fmem_pages(const void *p, size_t len)
{
	enum { MAXP = 16384 };
	static void *pages[MAXP];
	static int status[MAXP];
	size_t step = 64 * 4096, n = 0, i, on0 = 0, ok = 0;

	if (!p || !len)
		return -1;
	for (i = 0; i < len && n < MAXP; i += step)
		pages[n++] = (char *)p + i;
	if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0))
		return -1;
	for (i = 0; i < n; i++) {
		if (status[i] < 0)
			continue;
		ok++;
		on0 += status[i] == 0;
	}
	return ok ? (double)on0 / ok : -1;
}

static uint64_t *bench_ballast;
static size_t bench_ballast_words;
static uint64_t bench_ballast_rng = 0x9e3779b97f4a7c15ULL;

static inline void bench_ballast_touch(size_t mib)
{
	if (!mib)
		return;
	bench_ballast_words = (mib << 20) / 8;
	bench_ballast = bench_alloc(mib << 20);
	memset(bench_ballast, 1, mib << 20);
}

/* Called once per operation: the cold part of the working set */
static inline void bench_ballast_op(uint64_t op)
{
	if (bench_ballast_words && !(op % BENCH_BALLAST_EVERY))
		bench_ballast[bench_rand(&bench_ballast_rng) %
			      bench_ballast_words]++;
}

/* Start counting memory accesses (the bench starts the model disabled). */
static inline void bench_model_on(void)
{
	bench_qmp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
		  "\"/objects/tm\", \"property\": \"enabled\", \"value\": true}}");
}

/*
 * Run @step (a slice of operations) for @secs seconds; every second, when
 * @hot is given, check whether 90% of it is on node 0 and report when it
 * first was (converge_s, -1 if never).
 */
static inline void bench_warmup(double secs, void (*step)(void),
				const void *hot, size_t hot_len,
				const char *what)
{
	double t0 = bench_now(), next = t0 + 1, conv = -1, share = -1;

	if (secs <= 0)
		return;
	while (bench_now() - t0 < secs) {
		step();
		if (hot && conv < 0 && bench_now() >= next) {
			next += 1;
			share = bench_fmem_pages(hot, hot_len);
			if (share >= 0.9)
				conv = bench_now() - t0;
		}
	}
	printf("# warm-up %.1fs\n", bench_now() - t0);
	if (hot)
		printf("BENCH phase=%s converge_s=%.1f hot_share=%.4f\n", what,
		       conv, bench_fmem_pages(hot, hot_len));
}

static inline int bench_model_reset(void)
{
	return !bench_qmp("{\"execute\": \"tier-model-reset\"}");
}

/*
 * Read the model after @ops operations that took @wall seconds and print
 * the "measured" line: FMEM share of the misses and of all accesses,
 * modelled memory time in all and per operation, operations per second.
 */
static inline void bench_report(uint64_t ops, double wall, int have_model)
{
	long long acc[2] = { 0 }, miss[2] = { 0 }, tns[2] = { 0 };
	int node;

	if (!have_model || bench_qmp("{\"execute\": \"query-tier-model\"}")) {
		printf("BENCH phase=measured ops=%llu wall_s=%.3f "
		       "ops_per_s=%.0f tier_model=none\n",
		       (unsigned long long)ops, wall, ops / wall);
		return;
	}
	for (node = 0; node < 2; node++) {
		const char *p = ht_json_node(bench_reply, node);

		acc[node] = p ? ht_json_int(p, "accesses") : 0;
		miss[node] = p ? ht_json_int(p, "misses") : 0;
		tns[node] = p ? ht_json_int(p, "time-ns") : 0;
	}
	printf("BENCH phase=measured ops=%llu wall_s=%.3f ops_per_s=%.0f "
	       "fmem_share=%.4f fmem_access_share=%.4f "
	       "node0_accesses=%lld node1_accesses=%lld "
	       "node0_misses=%lld node1_misses=%lld "
	       "mem_time_ms=%.3f mem_time_per_op_ns=%.1f\n",
	       (unsigned long long)ops, wall, ops / wall,
	       (double)miss[0] / (miss[0] + miss[1] ? miss[0] + miss[1] : 1),
	       (double)acc[0] / (acc[0] + acc[1] ? acc[0] + acc[1] : 1),
	       acc[0], acc[1], miss[0], miss[1], (tns[0] + tns[1]) / 1e6,
	       (double)(tns[0] + tns[1]) / (ops ? ops : 1));
}

#endif /* HT_BENCH_H */
