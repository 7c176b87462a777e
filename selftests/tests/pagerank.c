// SPDX-License-Identifier: GPL-2.0
/*
 * Graph analytics workload for the benchmark suite (selftests/bench/):
 * pull-based PageRank over a Kronecker (R-MAT, Graph500 parameters
 * A=0.57, B=0.19, C=0.19) graph of 2^scale vertices and 16 edges per
 * vertex, in compressed sparse rows of in-edges, with the vertex numbers
 * permuted as Graph500 does.  Each iteration streams the edge array and
 * gathers the ranks of the sources: the ranks of the high-degree vertices
 * are hot, the edges are read once per iteration.
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
static float *rank, *next;
static size_t ne, cursor;
static uint64_t rng = 0xda942042e4dd58b5ULL, ops;

static uint32_t rmat_vertex(int scale, uint32_t *dst)
{
	uint32_t s = 0, d = 0;
	int b;

	for (b = 0; b < scale; b++) {
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

static void build(int scale)
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
	outdeg = bench_alloc(nv * sizeof(*outdeg));
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
	rank = bench_alloc(nv * sizeof(*rank));
	next = bench_alloc(nv * sizeof(*next));
	for (i = 0; i < nv; i++)
		rank[i] = 1.0f / nv;
}

/* Pull ranks into @n more vertices' worth of edges, round robin. */
static void iterate(size_t nedges)
{
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
}

static void warm_step(void)
{
	iterate(1 << 18);
}

int main(int argc, char **argv)
{
	size_t edges = 0, ballast = 512, before;
	int scale = 20, oracle = 0, opt, have_model;
	double warmup = 0, t, wall;
	struct bench_mgmt m0, m1;

	while ((opt = getopt(argc, argv, "S:n:w:B:O")) != -1) {
		switch (opt) {
		case 'S': scale = atoi(optarg); break;
		case 'n': edges = strtoul(optarg, NULL, 0); break;
		case 'w': warmup = strtod(optarg, NULL); break;
		case 'B': ballast = strtoul(optarg, NULL, 0); break;
		case 'O': oracle = 1; break;
		default:
			fprintf(stderr, "usage: pagerank [-S scale] [-n edges] "
				"[-w warmup_s] [-B ballast_MiB] [-O]\n");
			return 1;
		}
	}
	if (scale < 4 || scale > 26) {
		fprintf(stderr, "pagerank: -S must be 4..26\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!oracle)
		bench_ballast_touch(ballast);
	t = bench_now();
	build(scale);
	if (oracle)
		bench_ballast_touch(ballast);
	if (!edges)
		edges = 2 * ne;
	printf("# pagerank: 2^%d vertices, %zu edges (%zu MiB), ballast %zu MiB "
	       "%s; built in %.1fs\n", scale, ne, (ne * 4) >> 20, ballast,
	       oracle ? "after" : "before", bench_now() - t);
	printf("BENCH phase=placed hot_on_fmem=%.4f\n",
	       bench_fmem_pages(rank, nv * sizeof(*rank)));
	bench_model_on();
	m0 = bench_mgmt_now();
	bench_warmup(warmup, warm_step, col, ne * sizeof(*col), "converge");
	have_model = bench_model_reset();
	m1 = bench_mgmt_now();
	before = ops;
	t = bench_now();
	iterate(edges);
	wall = bench_now() - t;
	bench_report(ops - before, wall, have_model);
	bench_mgmt_report("mgmt_steady", m1);
	bench_mgmt_report("mgmt_run", m0);
	printf("BENCH phase=end hot_on_fmem=%.4f\n",
	       bench_fmem_pages(col, ne * sizeof(*col)));
	return 0;
}
