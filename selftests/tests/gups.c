// SPDX-License-Identifier: GPL-2.0
/*
 * GUPS-style workload for the benchmark suite (selftests/bench/): random
 * 8-byte read-modify-write updates to a buffer larger than node 0, of
 * which one part (the hot set, 1/8 by default) receives most updates (90%
 * by default).  The buffer is first touched in order, so with the default
 * placement the hot set, at the end, is allocated last: on the slow node
 * once node 0 is full.
 *
 *   gups [-s MiB] [-f hot_fraction_denominator] [-p hot_percent]
 *        [-n updates] [-w warmup_seconds] [-b] [-m] [-P processes]
 *
 *   -b  the hot set at the beginning of the buffer, touched first: the
 *       static oracle (-O is the same)
 *   -m  the hot set moves after the warm-up to the part of the buffer just
 *       before it (after it with -b), then a second warm-up of the same
 *       length runs before the measurement: time to converge after a move
 *   -P  N processes, each with its own buffer of MiB/N, updated at once
 *   -M  also measure the updates once before the warm-up (phase "before"),
 *       to show what placement during the warm-up changed
 *
 * See selftests/lib/bench.h for the measurement and the BENCH lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../lib/bench.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t *buf;
static size_t words, hot_base, hot_words, cold_words;
static unsigned int hot_pct;

static void update(size_t n)
{
	size_t i, idx;

	for (i = 0; i < n; i++) {
		uint64_t r = bench_rand(&rng);

		if ((r & 0xffff) * 100 < (uint64_t)hot_pct * 0x10000) {
			idx = hot_base + (r >> 16) % hot_words;
		} else {
			idx = (r >> 16) % cold_words;
			if (idx >= hot_base)
				idx += hot_words;
		}
		buf[idx] += r;
	}
}

static void warm_step(void)
{
	update(1 << 18);
}

static uint64_t run_updates(size_t n)
{
	update(n);
	return n;
}

/* One byte through a pipe: the processes of -P move in lock step. */
static void sig(int fd)
{
	if (write(fd, "x", 1) != 1)
		exit(3);
}

static void waitn(int fd, int n)
{
	char c;

	while (n-- > 0)
		if (read(fd, &c, 1) != 1)
			exit(3);
}

int main(int argc, char **argv)
{
	size_t mib = 768, updates = 8 << 20, frac = 8, bytes;
	int hot_first = 0, move = 0, nproc = 1, before = 0, opt, i, have_model;
	int up[2], down[8][2], status, bad = 0;
	double warmup = 0, t, wall;
	struct bench_mgmt m0, m1;

	hot_pct = 90;
	while ((opt = getopt(argc, argv, "s:f:p:n:w:bOmMP:")) != -1) {
		switch (opt) {
		case 's': mib = strtoul(optarg, NULL, 0); break;
		case 'f': frac = strtoul(optarg, NULL, 0); break;
		case 'p': hot_pct = strtoul(optarg, NULL, 0); break;
		case 'n': updates = strtoul(optarg, NULL, 0); break;
		case 'w': warmup = strtod(optarg, NULL); break;
		case 'b': case 'O': hot_first = 1; break;
		case 'm': move = 1; break;
		case 'P': nproc = atoi(optarg); break;
		case 'M': before = 1; break;
		default:
			fprintf(stderr, "usage: gups [-s MiB] [-f frac] [-p pct] "
				"[-n updates] [-w warmup_s] [-b] [-m] [-M] [-P n]\n");
			return 1;
		}
	}
	if (nproc < 1 || nproc > 8 || frac < 2 || !mib || hot_pct > 100 ||
	    warmup < 0 || (mib << 20) / nproc / 8 < 2 * frac) {
		fprintf(stderr, "gups: bad arguments (-P 1..8, -f >= 2 and at "
			"most the words of a buffer, -p 0..100, -w >= 0)\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	bytes = (mib << 20) / nproc;
	words = bytes / 8;
	hot_words = words / frac;
	cold_words = words - hot_words;
	hot_base = hot_first ? 0 : cold_words;
	/*
	 * -P: the workers report on one pipe and each waits for the parent's
	 * go on its own, so that none can take another's turn.
	 */
	if (pipe(up)) {
		perror("pipe");
		return 1;
	}
	for (i = 0; i < nproc; i++) {
		pid_t pid;

		if (pipe(down[i])) {
			perror("pipe");
			return 1;
		}
		pid = nproc > 1 ? fork() : 0;
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid) {
			close(down[i][0]);
			bench_pids[bench_npids++] = pid;
			continue;
		}
		/* The worker: process i of nproc, or the only one. */
		close(up[0]);
		close(down[i][1]);
		rng += i * 0x9e3779b97f4a7c15ULL;
		buf = bench_alloc(bytes);
		t = bench_now();
		memset(buf, 1, bytes);
		printf("# gups[%d]: %zu MiB, hot set 1/%zu at the %s gets %u%% "
		       "of the updates; first touch %.1fs\n", i, bytes >> 20,
		       frac, hot_first ? "beginning" : "end", hot_pct,
		       bench_now() - t);
		if (nproc == 1) {
			printf("BENCH phase=placed hot_on_fmem=%.4f buffer_on_fmem=%.4f\n",
			       bench_fmem_pages(buf + hot_base, hot_words * 8),
			       bench_fmem_pages(buf, bytes));
			bench_model_on();
			m0 = bench_mgmt_now();
			if (before) {
				have_model = bench_model_reset();
				t = bench_now();
				update(updates);
				bench_report_phase("before", updates,
						   bench_now() - t, have_model);
				printf("BENCH phase=before_end hot_on_fmem=%.4f\n",
				       bench_fmem_pages(buf + hot_base,
							hot_words * 8));
			}
		} else {
			sig(up[1]);
			waitn(down[i][0], 1);
		}
		bench_warmup(warmup, warm_step, nproc == 1 ? buf + hot_base : NULL,
			     hot_words * 8, "converge");
		if (move) {
			hot_base = hot_first ? hot_words : cold_words - hot_words;
			printf("# the hot set moves\n");
			bench_warmup(warmup, warm_step,
				     nproc == 1 ? buf + hot_base : NULL,
				     hot_words * 8, "converge_moved");
		}
		if (nproc == 1) {
			bench_measure(run_updates, updates, m0);
		} else {
			sig(up[1]);
			waitn(down[i][0], 1);
			update(updates);
			sig(up[1]);
		}
		printf("BENCH phase=end%s hot_on_fmem=%.4f buffer_on_fmem=%.4f\n",
		       nproc == 1 ? "" : (char[]){ '_', '0' + i, 0 },
		       bench_fmem_pages(buf + hot_base, hot_words * 8),
		       bench_fmem_pages(buf, bytes));
		if (nproc == 1)
			bench_node0_report("end");
		return 0;
	}

	/*
	 * The parent of -P: drive the phases, measure all of them at once.
	 * With its own write end closed, a worker that dies ends the waits.
	 */
	close(up[1]);
	waitn(up[0], nproc);
	bench_model_on();
	m0 = bench_mgmt_now();
	for (i = 0; i < nproc; i++)
		sig(down[i][1]);
	waitn(up[0], nproc);
	have_model = bench_model_reset();
	m1 = bench_mgmt_now();
	t = bench_now();
	for (i = 0; i < nproc; i++)
		sig(down[i][1]);
	waitn(up[0], nproc);
	wall = bench_now() - t;
	bench_report((uint64_t)updates * nproc, wall, have_model);
	bench_mgmt_report("mgmt_steady", m1);
	bench_mgmt_report("mgmt_run", m0);
	for (i = 0; i < nproc; i++) {
		if (waitpid(bench_pids[i], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad = 1;
	}
	return bad;
}
