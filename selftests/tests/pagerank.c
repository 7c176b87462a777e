// SPDX-License-Identifier: GPL-2.0
/*
 * Graph analytics workload for the benchmark suite (selftests/bench/):
 * pull-based PageRank over a Kronecker (R-MAT, Graph500 parameters
 * A=0.57, B=0.19, C=0.19) graph of 2^scale vertices and 16 edges per
 * vertex, in compressed sparse rows of in-edges, with the vertex numbers
 * permuted as Graph500 does.  Each iteration streams the edge array and
 * gathers the ranks and out-degrees of the sources: the per-vertex data
 * (12 MiB at scale 20) is hot, the edges are read once per iteration.
 * Residency and time to converge are those of the per-vertex data.
 *
 *   pagerank [-S scale] [-n edges] [-w warmup_s] [-B ballast_MiB] [-O]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../lib/bench.h"

static uint32_t nv, *offs, *col, *outdeg;
/* The per-vertex data the gathers hit: out-degrees, ranks, next ranks */
static void *vdata;
static size_t vdata_len;
static float *rank, *next;
static size_t ne, cursor;
static uint64_t rng = 0xda942042e4dd58b5ULL, ops;

static uint32_t rmat_vertex(int bits, uint32_t *dst)
{
	uint32_t s = 0, d = 0;
	int b;

	for (b = 0; b < bits; b++) {
		uint32_t r = bench_rand(&rng) % 100;

		/* A 57, B 19, C 19, D 5 */
		if (r >= 57 && r < 76)
			d |= 1u << b;
		else if (r >= 76 && r < 95)
			s |= 1u << b;
		else if (r >= 95) {
			s |= 1u << b;
			d |= 1u << b;
		}
	}
	*dst = d;
	return s;
}

static int scale = 20;

static void build(void)
{
	uint32_t *src, *dst, *perm, *fill, i, j, t;
	size_t e;

	nv = 1u << scale;
	ne = (size_t)nv * 16;
	src = malloc(ne * sizeof(*src));
	dst = malloc(ne * sizeof(*dst));
	perm = malloc(nv * sizeof(*perm));
	if (!src || !dst || !perm) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < nv; i++)
		perm[i] = i;
	for (i = nv - 1; i > 0; i--) {
		j = bench_rand(&rng) % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	offs = bench_alloc((nv + 1) * sizeof(*offs));
	/* One buffer, touched here, so that -O puts all of it on FMEM */
	vdata_len = (size_t)nv * (sizeof(*outdeg) + 2 * sizeof(*rank));
	vdata = bench_alloc(vdata_len);
	memset(vdata, 0, vdata_len);
	outdeg = vdata;
	rank = (float *)(outdeg + nv);
	next = rank + nv;
	for (e = 0; e < ne; e++) {
		src[e] = perm[rmat_vertex(scale, &dst[e])];
		dst[e] = perm[dst[e]];
		offs[dst[e] + 1]++;
		outdeg[src[e]]++;
	}
	for (i = 0; i < nv; i++)
		offs[i + 1] += offs[i];
	col = bench_alloc(ne * sizeof(*col));
	fill = perm;	/* reused: next free slot per vertex */
	memcpy(fill, offs, nv * sizeof(*fill));
	for (e = 0; e < ne; e++)
		col[fill[dst[e]]++] = src[e];
	free(src);
	free(dst);
	free(perm);
	for (i = 0; i < nv; i++)
		rank[i] = 1.0f / nv;
}

/* Pull ranks over at least @nedges more edges, round robin; returns how many. */
static uint64_t iterate(size_t nedges)
{
	uint64_t before = ops;
	size_t done = 0;

	while (done < nedges) {
		uint32_t v = cursor, k;
		float sum = 0;

		for (k = offs[v]; k < offs[v + 1]; k++, ops++) {
			uint32_t u = col[k];

			sum += rank[u] / (outdeg[u] ? outdeg[u] : 1);
			bench_ballast_op(ops);
		}
		done += offs[v + 1] - offs[v] + 1;
		next[v] = 0.15f / nv + 0.85f * sum;
		if (++cursor == nv) {
			float *tmp = rank;

			cursor = 0;
			rank = next;
			next = tmp;
		}
	}
	return ops - before;
}

static void warm_step(void)
{
	iterate(1 << 18);
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .ballast = 512 };
	double t;
	int opt;

	while ((opt = getopt(argc, argv, "S:" BENCH_OPTS)) != -1) {
		if (bench_opt(&o, opt, optarg))
			continue;
		if (opt == 'S') {
			scale = atoi(optarg);
			continue;
		}
		fprintf(stderr, "usage: pagerank [-S scale] " BENCH_USAGE "\n");
		return 1;
	}
	if (scale < 4 || scale > 26) {
		fprintf(stderr, "pagerank: -S must be 4..26\n");
		return 1;
	}
	t = bench_build(&o, build);
	if (!o.ops)
		o.ops = 2 * ne;
	printf("# pagerank: 2^%d vertices, %zu edges (%zu MiB), ballast %zu MiB "
	       "%s; built in %.1fs\n", scale, ne, (ne * 4) >> 20, o.ballast,
	       o.oracle ? "after" : "before", t);
	bench_run(&o, vdata, vdata_len, warm_step, iterate);
	return 0;
}
