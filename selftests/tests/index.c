// SPDX-License-Identifier: GPL-2.0
/*
 * Index lookup workload for the benchmark suite (selftests/bench/): a
 * sorted key array searched by binary search (its upper levels are hot)
 * and a value array of 64-byte records, read and updated per lookup.
 * Keys are drawn from a Zipf distribution (theta 0.99, as YCSB) over key
 * ranks scrambled by a multiplicative hash, so that popular records are
 * spread over the value array as in a hash-partitioned store.  The data is
 * touched after the ballast (selftests/lib/bench.h): on the slow tier.
 *
 *   index [-k keys] [-n lookups] [-w warmup_s] [-B ballast_MiB] [-O]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../lib/bench.h"

struct rec {
	uint64_t key;
	uint64_t hits;
	uint64_t val[6];
};

static uint64_t *keys;
static struct rec *recs;
static size_t nkeys;
static uint64_t ops;
static struct bench_zipf zipf;

static uint64_t lookup(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, ops++) {
		size_t rank = bench_zipf_next(&zipf);
		uint64_t key = (rank * 0x9e3779b97f4a7c15ULL) % nkeys * 2 + 1;
		size_t lo = 0, hi = nkeys;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (keys[mid] < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nkeys && recs[lo].key == key) {
			recs[lo].hits++;
			recs[lo].val[key & 3] += key;
		}
		bench_ballast_op(ops);
	}
	return n;
}

static void warm_step(void)
{
	lookup(1 << 15);
}

static void build(void)
{
	size_t i;

	keys = bench_alloc(nkeys * sizeof(*keys));
	recs = bench_alloc(nkeys * sizeof(*recs));
	for (i = 0; i < nkeys; i++) {
		keys[i] = i * 2 + 1;
		recs[i].key = keys[i];
		recs[i].hits = 0;
		memset(recs[i].val, 0, sizeof(recs[i].val));
	}
	bench_zipf_init(&zipf, nkeys, 0.99, 0x2545f4914f6cdd1dULL);
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .ops = 1 << 21, .ballast = 512 };
	double t;
	int opt;

	nkeys = 4 << 20;
	while ((opt = getopt(argc, argv, "k:" BENCH_OPTS)) != -1) {
		if (bench_opt(&o, opt, optarg))
			continue;
		if (opt == 'k') {
			nkeys = strtoul(optarg, NULL, 0);
			continue;
		}
		fprintf(stderr, "usage: index [-k keys] " BENCH_USAGE "\n");
		return 1;
	}
	if (nkeys < 16) {
		fprintf(stderr, "index: -k must be at least 16\n");
		return 1;
	}
	t = bench_build(&o, build);
	printf("# index: %zu keys, %zu MiB of records, ballast %zu MiB %s; "
	       "built in %.1fs\n", nkeys, (nkeys * sizeof(*recs)) >> 20,
	       o.ballast, o.oracle ? "after" : "before", t);
	bench_run(&o, recs, nkeys * sizeof(*recs), warm_step, lookup);
	return 0;
}
