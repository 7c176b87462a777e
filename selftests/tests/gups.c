// SPDX-License-Identifier: GPL-2.0
/*
 * GUPS-style workload for the tier-model benchmark (selftests/bench/):
 * random 8-byte read-modify-write updates to a buffer larger than node 0,
 * of which one part (the hot set, 1/8 by default) receives most updates
 * (90% by default).  The buffer is first touched in order, so with the
 * default placement the hot set, at the end, is allocated last: on the
 * slow node once node 0 is full.
 *
 *   gups [-s MiB] [-f hot_fraction_denominator] [-p hot_percent]
 *        [-n updates] [-w warmup_seconds] [-b (hot set at the beginning)]
 *
 * The tier model (object "tm") is enabled over QMP (through the harness)
 * after the first touch; after the warm-up it is reset, the measured
 * updates run, and the per-node counters are read back: lines "BENCH key=value ..." carry the results.  Without a tier
 * model only the update rate is reported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../lib/hostreq.h"

static char reply[1 << 16];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ULL;

static inline uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t *buf;
static size_t words, hot_base, hot_words, cold_words;
static unsigned int hot_pct;

static void update(size_t n)
{
	size_t i, idx;

	for (i = 0; i < n; i++) {
		uint64_t r = next();

		if ((r & 0xffff) * 100 < (uint64_t)hot_pct * 0x10000)
			idx = hot_base + (r >> 16) % hot_words;
		else {
			idx = (r >> 16) % cold_words;
			if (idx >= hot_base)
				idx += hot_words;
		}
		buf[idx] += r;
	}
}

/* Share of the pages of [p, p + len) on node 0, sampled every 64 pages. */
static double fmem_pages(void *p, size_t len)
{
	enum { MAXP = 16384 };
	static void *pages[MAXP];
	static int status[MAXP];
	size_t step = 64 * 4096, n = 0, i, on0 = 0, ok = 0;

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

static int qmp(const char *cmd)
{
	return ht_host_request(reply, sizeof(reply), 60, "qmp %s", cmd) ||
	       strstr(reply, "\"error\"");
}

int main(int argc, char **argv)
{
	size_t mib = 768, updates = 8 << 20, frac = 8;
	double warmup = 0, t, wall;
	int hot_first = 0, opt, have_model, node;
	long long acc[2], miss[2], tns[2];

	hot_pct = 90;
	while ((opt = getopt(argc, argv, "s:f:p:n:w:b")) != -1) {
		switch (opt) {
		case 's': mib = strtoul(optarg, NULL, 0); break;
		case 'f': frac = strtoul(optarg, NULL, 0); break;
		case 'p': hot_pct = strtoul(optarg, NULL, 0); break;
		case 'n': updates = strtoul(optarg, NULL, 0); break;
		case 'w': warmup = strtod(optarg, NULL); break;
		case 'b': hot_first = 1; break;
		default:
			fprintf(stderr, "usage: gups [-s MiB] [-f frac] [-p pct] "
				"[-n updates] [-w warmup_s] [-b]\n");
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	words = (mib << 20) / 8;
	hot_words = words / frac;
	cold_words = words - hot_words;
	hot_base = hot_first ? 0 : cold_words;

	buf = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	t = now();
	memset(buf, 1, mib << 20);
	printf("# gups: %zu MiB, hot set 1/%zu at the %s gets %u%% of the "
	       "updates; first touch %.1fs\n", mib, frac,
	       hot_first ? "beginning" : "end", hot_pct, now() - t);
	printf("BENCH phase=placed hot_on_fmem=%.4f buffer_on_fmem=%.4f\n",
	       fmem_pages(buf + hot_base, hot_words * 8),
	       fmem_pages(buf, words * 8));

	/*
	 * The bench starts the tier model disabled, so that booting and
	 * first touch run at plain TCG speed; count from the warm-up on
	 * (PEBS-driven management needs the model to see accesses).
	 */
	qmp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
	    "\"/objects/tm\", \"property\": \"enabled\", \"value\": true}}");
	if (warmup > 0) {
		t = now();
		while (now() - t < warmup)
			update(1 << 18);
		printf("# warm-up %.1fs\n", now() - t);
	}

	have_model = !qmp("{\"execute\": \"tier-model-reset\"}");
	t = now();
	update(updates);
	wall = now() - t;
	if (have_model && !qmp("{\"execute\": \"query-tier-model\"}")) {
		for (node = 0; node < 2; node++) {
			const char *p = ht_json_node(reply, node);

			acc[node] = p ? ht_json_int(p, "accesses") : 0;
			miss[node] = p ? ht_json_int(p, "misses") : 0;
			tns[node] = p ? ht_json_int(p, "time-ns") : 0;
		}
		printf("BENCH phase=measured updates=%zu wall_s=%.3f "
		       "fmem_share=%.4f fmem_access_share=%.4f "
		       "node0_accesses=%lld node1_accesses=%lld "
		       "node0_misses=%lld node1_misses=%lld "
		       "mem_time_ms=%.3f mem_time_per_update_ns=%.1f\n",
		       updates, wall,
		       (double)miss[0] / (miss[0] + miss[1] ? miss[0] + miss[1] : 1),
		       (double)acc[0] / (acc[0] + acc[1] ? acc[0] + acc[1] : 1),
		       acc[0], acc[1], miss[0], miss[1],
		       (tns[0] + tns[1]) / 1e6,
		       (double)(tns[0] + tns[1]) / updates);
	} else {
		printf("BENCH phase=measured updates=%zu wall_s=%.3f "
		       "tier_model=none\n", updates, wall);
	}
	printf("BENCH phase=end hot_on_fmem=%.4f buffer_on_fmem=%.4f\n",
	       fmem_pages(buf + hot_base, hot_words * 8),
	       fmem_pages(buf, words * 8));
	return 0;
}
