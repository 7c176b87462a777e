// SPDX-License-Identifier: GPL-2.0
/*
 * XSBench-style workload for the benchmark suite (selftests/bench/): the
 * macroscopic cross-section lookup of Monte Carlo neutron transport.  Each
 * nuclide has a sorted energy grid with five cross sections per point;
 * the unionized grid holds every nuclide's energies, sorted, and for each
 * of them the index of the enclosing point in every nuclide's grid.  A
 * lookup draws a random energy and a material (the fuel, with most of the
 * nuclides, half of the time, as in XSBench), binary-searches the
 * unionized grid once, and for each nuclide of the material interpolates
 * between two grid points.  The nuclide grids and the upper levels of the
 * search are hot; a lookup reads one random row of the index grid.
 *
 *   xsbench [-g gridpoints_per_nuclide] [-n lookups] [-w warmup_s]
 *           [-B ballast_MiB] [-O]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../lib/bench.h"

#define NUC	68
#define NMAT	12

struct point {
	double e;
	double xs[5];
};

static struct point *grids;	/* NUC x G */
static double *uenergy;		/* E = NUC x G, sorted */
static int32_t *uindex;		/* E x NUC */
static size_t G, E;
static int mat_size[NMAT] = { 34, 5, 4, 4, 27, 21, 21, 21, 21, 21, 9, 9 };
static int mat_nuc[NMAT][NUC];
static uint64_t rng = 0x853c49e6748fea9bULL, ops;
static double result;

static double frand(void)
{
	return (bench_rand(&rng) >> 11) * (1.0 / 9007199254740992.0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint64_t lookup(size_t n)
{
	size_t i;
	int j;

	for (i = 0; i < n; i++, ops++) {
		double e = frand(), macro[5] = { 0 };
		int m = frand() < 0.5 ? 0 : 1 + bench_rand(&rng) % (NMAT - 1);
		size_t lo = 0, hi = E - 1;

		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;

			if (uenergy[mid] > e)
				hi = mid;
			else
				lo = mid;
		}
		for (j = 0; j < mat_size[m]; j++) {
			int nuc = mat_nuc[m][j], k;
			size_t idx = uindex[lo * NUC + nuc];
			struct point *lo_p, *hi_p;
			double f;

			if (idx >= G - 1)
				idx = G - 2;
			lo_p = &grids[nuc * G + idx];
			hi_p = lo_p + 1;
			f = (hi_p->e - e) / (hi_p->e - lo_p->e + 1e-300);
			for (k = 0; k < 5; k++)
				macro[k] += hi_p->xs[k] - f * (hi_p->xs[k] - lo_p->xs[k]);
		}
		result += macro[bench_rand(&rng) % 5];
		bench_ballast_op(ops);
	}
	return n;
}

static void warm_step(void)
{
	lookup(1 << 12);
}

static void build(void)
{
	size_t i, g;
	int n, m, j;

	grids = bench_alloc(NUC * G * sizeof(*grids));
	uenergy = bench_alloc(E * sizeof(*uenergy));
	uindex = bench_alloc(E * NUC * sizeof(*uindex));
	for (n = 0; n < NUC; n++) {
		for (g = 0; g < G; g++) {
			grids[n * G + g].e = frand();
			for (j = 0; j < 5; j++)
				grids[n * G + g].xs[j] = frand();
		}
		qsort(&grids[n * G], G, sizeof(*grids), cmp_double);
	}
	for (i = 0; i < E; i++)
		uenergy[i] = grids[i].e;
	qsort(uenergy, E, sizeof(*uenergy), cmp_double);
	/* For each nuclide, one merge pass fills its column. */
	for (n = 0; n < NUC; n++) {
		g = 0;
		for (i = 0; i < E; i++) {
			while (g + 1 < G && grids[n * G + g + 1].e <= uenergy[i])
				g++;
			uindex[i * NUC + n] = g;
		}
	}
	for (m = 0; m < NMAT; m++)
		for (j = 0; j < mat_size[m]; j++)
			mat_nuc[m][j] = m == 0 ? j : bench_rand(&rng) % NUC;
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .ops = 1 << 18, .ballast = 512 };
	size_t bytes;
	double t;
	int opt;

	G = 8192;
	while ((opt = getopt(argc, argv, "g:" BENCH_OPTS)) != -1) {
		if (bench_opt(&o, opt, optarg))
			continue;
		if (opt == 'g') {
			G = strtoul(optarg, NULL, 0);
			continue;
		}
		fprintf(stderr, "usage: xsbench [-g points] " BENCH_USAGE "\n");
		return 1;
	}
	if (G < 16) {
		fprintf(stderr, "xsbench: -g must be at least 16\n");
		return 1;
	}
	E = NUC * G;
	t = bench_build(&o, build);
	bytes = NUC * G * sizeof(*grids) + E * sizeof(*uenergy) +
		E * NUC * sizeof(*uindex);
	printf("# xsbench: %d nuclides x %zu points, %zu MiB of data, ballast "
	       "%zu MiB %s; built in %.1fs\n", NUC, G, bytes >> 20, o.ballast,
	       o.oracle ? "after" : "before", t);
	bench_run(&o, grids, NUC * G * sizeof(*grids), warm_step, lookup);
	printf("# result %.3f\n", result);
	return 0;
}
