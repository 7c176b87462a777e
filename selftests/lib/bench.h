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

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/resource.h>
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

/*
 * Zipf(theta) over ranks [0, n), by Gray et al., "Quickly generating
 * billion-record synthetic databases" (as YCSB): rank 0 is the most
 * popular.  Needs <math.h> and -lm.
 */
struct bench_zipf {
	size_t n;
	double theta, alpha, zetan, eta;
	uint64_t rng;
};

/* zeta(n, theta): the first terms exactly, the tail by its integral */
static inline double bench_zeta(size_t n, double theta)
{
	double s = 0;
	size_t i, m = n < 10000 ? n : 10000;

	for (i = 1; i <= m; i++)
		s += pow((double)i, -theta);
	if (n > m)
		s += (pow((double)n + 0.5, 1 - theta) -
		      pow((double)m + 0.5, 1 - theta)) / (1 - theta);
	return s;
}

static inline void bench_zipf_init(struct bench_zipf *z, size_t n,
				   double theta, uint64_t seed)
{
	z->n = n;
	z->theta = theta;
	z->rng = seed;
	z->zetan = bench_zeta(n, theta);
	z->alpha = 1 / (1 - theta);
	z->eta = (1 - pow(2.0 / n, 1 - theta)) /
		 (1 - bench_zeta(2, theta) / z->zetan);
}

static inline size_t bench_zipf_next(struct bench_zipf *z)
{
	double u = (bench_rand(&z->rng) >> 11) * (1.0 / 9007199254740992.0);
	double uz = u * z->zetan;

	if (uz < 1)
		return 0;
	if (uz < 1 + pow(0.5, z->theta))
		return 1;
	return (size_t)(z->n * pow(z->eta * u - z->eta + 1, z->alpha)) %
	       z->n;
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

/*
 * What holds the fast tier (node 0), in MiB, as "BENCH phase=<phase>_node0
 * free=.. anon=.. shmem=.. file=.. slab=.. ptables=..": at the ceiling,
 * the FMEM share depends on how much of it the workload gets, so the
 * report says where the rest went.
 */
static inline void bench_node0_report(const char *phase)
{
	static const char *const keys[] = {
		"MemFree", "AnonPages", "Shmem", "FilePages", "Slab",
		"PageTables",
	};
	static const char *const names[] = {
		"free", "anon", "shmem", "file", "slab", "ptables",
	};
	FILE *f = fopen("/sys/devices/system/node/node0/meminfo", "r");
	char line[256], key[64];
	unsigned long kb;
	size_t i;

	if (!f)
		return;
	printf("BENCH phase=%s_node0", phase);
	while (fgets(line, sizeof(line), f)) {
		/* "Node 0 MemFree:   123456 kB" */
		if (sscanf(line, "Node %*d %63[^:]: %lu", key, &kb) != 2)
			continue;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i]))
				printf(" %s=%.1f", names[i], kb / 1024.0);
	}
	printf("\n");
	fclose(f);
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
	if (bench_qmp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
		  "\"/objects/tm\", \"property\": \"enabled\", \"value\": true}}"))
		printf("# no tier model to enable\n");
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
			printf("# %.0fs hot_share=%.3f\n", bench_now() - t0,
			       share);
			if (share >= 0.9)
				conv = bench_now() - t0;
		}
	}
	printf("# warm-up %.1fs\n", bench_now() - t0);
	if (hot)
		printf("BENCH phase=%s converge_s=%.1f hot_share=%.4f\n", what,
		       conv, bench_fmem_pages(hot, hot_len));
}

/*
 * What management costs while the workload runs, in seconds: the CPU time
 * of the kernel threads that manage memory (khyperplaced, kdamond.*,
 * kswapd*, kcompactd*), HyperPlace's own accounting (debugfs stats:
 * sampling, epochs, placement) and the system time of this process (NUMA
 * balancing's hint faults and the promotions they do run there).
 */
struct bench_mgmt {
	double t, threads, hp_thread, hp, task_sys;
	/* instructions (see bench_insn_open): threads, khyperplaced, task */
	long long i_threads, i_hp, i_task;
};

/* The workload's processes when not this one alone (gups -P) */
static pid_t bench_pids[8];
static int bench_npids;

/* System CPU seconds of process @pid */
static inline double bench_pid_sys(pid_t pid)
{
	char path[64], line[512], *p;
	unsigned long long st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %llu",
		       &st);
	fclose(f);
	return st / (double)sysconf(_SC_CLK_TCK);
}

/* Whether the task named in /proc/<pid>/stat @line manages memory */
static inline int bench_mgmt_thread(const char *line)
{
	return strstr(line, "(khyperplaced)") || strstr(line, "(kdamond.") ||
	       strstr(line, "(kswapd") || strstr(line, "(kcompactd");
}

/* Call @fn with the pid and /proc/<pid>/stat line of each such task */
static inline void bench_for_each_mgmt_thread(void (*fn)(pid_t, char *, void *),
					      void *arg)
{
	char path[300], line[512];
	struct dirent *d;
	DIR *dir = opendir("/proc");
	FILE *f;

	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) && bench_mgmt_thread(line))
			fn(atoi(d->d_name), line, arg);
		fclose(f);
	}
	if (dir)
		closedir(dir);
}

/*
 * Instruction counters, one per task: every management thread (counting
 * at all levels; kernel threads run in the kernel only) and the
 * workload's processes (kernel only: page faults, NUMA balancing's hint
 * faults and the promotions they do, PMIs that hit them).  Under QEMU's
 * -icount these count exactly what each task retired (the emulated PMU
 * counts each vCPU's own instructions), where CPU time would also count
 * the other vCPU's: make bench reports management as instructions then.
 * Opened at the first bench_mgmt_now(), after the workload's processes
 * exist; the management threads are those alive then (a kernel thread
 * started later is not counted; one that exits keeps its count).  The
 * workloads are single-threaded: a process counts its first thread.
 */
#define BENCH_INSN_MAX	64
static int bench_insn_fd[BENCH_INSN_MAX];
/* Tasks not counted, counts scaled or lost: reported as insns_bad */
static int bench_insn_bad;
static char bench_insn_kind[BENCH_INSN_MAX];	/* t, h (khyperplaced), w */
static int bench_insn_n = -1;

static inline void bench_insn_add(pid_t pid, char kind)
{
	struct perf_event_attr a = {
		.size = sizeof(a), .type = PERF_TYPE_HARDWARE,
		.config = PERF_COUNT_HW_INSTRUCTIONS,
		.exclude_user = kind == 'w', .exclude_hv = 1,
		.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			       PERF_FORMAT_TOTAL_TIME_RUNNING,
	};
	int fd;

	if (bench_insn_n < 0)
		return;
	if (bench_insn_n == BENCH_INSN_MAX) {
		bench_insn_bad++;
		return;
	}
	fd = syscall(__NR_perf_event_open, &a, pid, -1, -1, 0);
	if (fd < 0 && kind == 'w' && pid == getpid() &&
	    (errno == ENOENT || errno == EOPNOTSUPP || errno == ENODEV)) {
		/* No instructions event at all: report no counts */
		bench_insn_n = -2;
		return;
	}
	if (fd < 0) {
		/* A thread gone since the scan, or out of descriptors */
		printf("# bench: no instruction counter for %d: %s\n",
		       (int)pid, strerror(errno));
		bench_insn_bad++;
		return;
	}
	bench_insn_fd[bench_insn_n] = fd;
	bench_insn_kind[bench_insn_n++] = kind;
}

static inline void bench_insn_thread(pid_t pid, char *line, void *arg)
{
	bench_insn_add(pid, strstr(line, "(khyperplaced)") ? 'h' : 't');
}

static inline void bench_insn_open(void)
{
	int i;

	bench_insn_n = 0;
	bench_insn_add(getpid(), 'w');
	for (i = 0; i < bench_npids; i++)
		bench_insn_add(bench_pids[i], 'w');
	bench_for_each_mgmt_thread(bench_insn_thread, NULL);
}

/*
 * Sum the counters into @m (-1 each without a PMU).  A counter that had
 * to share the PMU (multiplexed: running less than enabled) is scaled; it
 * and a counter that could not be read count in bench_insn_bad.
 */
static inline void bench_insn_read(struct bench_mgmt *m)
{
	unsigned long long r[3];
	long long v;
	int i;

	m->i_threads = m->i_hp = m->i_task = 0;
	if (bench_insn_n == -1)
		bench_insn_open();
	if (bench_insn_n < 0) {
		m->i_threads = m->i_hp = m->i_task = -1;
		return;
	}
	for (i = 0; i < bench_insn_n; i++) {
		if (read(bench_insn_fd[i], r, sizeof(r)) != sizeof(r)) {
			bench_insn_bad++;
			continue;
		}
		v = r[0];
		if (r[2] < r[1]) {
			bench_insn_bad++;
			if (r[2])
				v = (long long)((double)r[0] * r[1] / r[2]);
		}
		if (bench_insn_kind[i] == 'w') {
			m->i_task += v;
			continue;
		}
		m->i_threads += v;
		if (bench_insn_kind[i] == 'h')
			m->i_hp += v;
	}
}

/* Clock ticks of the management threads: all, khyperplaced's */
struct bench_ticks {
	unsigned long long sum, hp;
};

static inline void bench_ticks_add(pid_t pid, char *line, void *arg)
{
	struct bench_ticks *t = arg;
	unsigned long long ut, st;
	char *p = strrchr(line, ')');

	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return;
	t->sum += ut + st;
	if (strstr(line, "(khyperplaced)"))
		t->hp += ut + st;
}

/* CPU seconds of the management threads; *@hp_thread: khyperplaced's */
static inline double bench_threads_cpu(double *hp_thread)
{
	struct bench_ticks t = { 0, 0 };

	bench_for_each_mgmt_thread(bench_ticks_add, &t);
	*hp_thread = t.hp / (double)sysconf(_SC_CLK_TCK);
	return t.sum / (double)sysconf(_SC_CLK_TCK);
}

static inline double bench_hp_cpu(void)
{
	FILE *f = fopen("/sys/kernel/debug/hyperplace/stats", "r");
	char name[64];
	double v, sum = 0;

	if (!f)
		return 0;
	while (fscanf(f, "%63s %lf", name, &v) == 2)
		if (!strcmp(name, "drain_ns") || !strcmp(name, "epoch_ns") ||
		    !strcmp(name, "pebs_ns") || !strcmp(name, "place_ns") ||
		    !strcmp(name, "abit_ns"))
			sum += v;
	fclose(f);
	return sum / 1e9;
}

static inline struct bench_mgmt bench_mgmt_now(void)
{
	struct bench_mgmt m;
	struct rusage ru;
	int i;

	getrusage(RUSAGE_SELF, &ru);
	m.t = bench_now();
	m.threads = bench_threads_cpu(&m.hp_thread);
	m.hp = bench_hp_cpu();
	m.task_sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
	for (i = 0; i < bench_npids; i++)
		m.task_sys += bench_pid_sys(bench_pids[i]);
	bench_insn_read(&m);
	return m;
}

/* Print the management cost between @a and now as phase @phase. */
static inline void bench_mgmt_report(const char *phase, struct bench_mgmt a)
{
	struct bench_mgmt b = bench_mgmt_now();
	double el = b.t - a.t > 0 ? b.t - a.t : 1;

	printf("BENCH phase=%s elapsed_s=%.2f threads_cpu_s=%.3f hp_cpu_s=%.3f "
	       "task_sys_s=%.3f threads_pct=%.3f hp_thread_pct=%.3f hp_pct=%.3f "
	       "task_sys_pct=%.3f",
	       phase, el, b.threads - a.threads, b.hp - a.hp,
	       b.task_sys - a.task_sys, 100 * (b.threads - a.threads) / el,
	       100 * (b.hp_thread - a.hp_thread) / el,
	       100 * (b.hp - a.hp) / el, 100 * (b.task_sys - a.task_sys) / el);
	if (a.i_task >= 0 && b.i_task >= 0)
		printf(" threads_insns=%lld hp_thread_insns=%lld task_kinsns=%lld"
		       " insns_tasks=%d insns_bad=%d", b.i_threads - a.i_threads,
		       b.i_hp - a.i_hp, b.i_task - a.i_task, bench_insn_n,
		       bench_insn_bad);
	printf("\n");
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
static inline void bench_report_phase(const char *phase, uint64_t ops,
				      double wall, int have_model)
{
	long long acc[2] = { 0 }, miss[2] = { 0 }, tns[2] = { 0 };
	int node;

	if (!have_model || bench_qmp("{\"execute\": \"query-tier-model\"}")) {
		printf("BENCH phase=%s ops=%llu wall_s=%.3f "
		       "ops_per_s=%.0f tier_model=none\n", phase,
		       (unsigned long long)ops, wall, ops / wall);
		return;
	}
	for (node = 0; node < 2; node++) {
		const char *p = ht_json_node(bench_reply, node);

		acc[node] = p ? ht_json_int(p, "accesses") : -1;
		miss[node] = p ? ht_json_int(p, "misses") : -1;
		tns[node] = p ? ht_json_int(p, "time-ns") : -1;
		if (acc[node] < 0 || miss[node] < 0 || tns[node] < 0)
			have_model = 0;
	}
	/* Nothing counted: the model was never enabled. */
	if (!have_model || !(acc[0] + acc[1])) {
		printf("BENCH phase=%s ops=%llu wall_s=%.3f ops_per_s=%.0f "
		       "tier_model=none\n", phase, (unsigned long long)ops,
		       wall, ops / wall);
		return;
	}
	printf("BENCH phase=%s ops=%llu wall_s=%.3f ops_per_s=%.0f "
	       "fmem_share=%.4f fmem_access_share=%.4f "
	       "node0_accesses=%lld node1_accesses=%lld "
	       "node0_misses=%lld node1_misses=%lld "
	       "mem_time_ms=%.3f mem_time_per_op_ns=%.1f\n", phase,
	       (unsigned long long)ops, wall, ops / wall,
	       (double)miss[0] / (miss[0] + miss[1] ? miss[0] + miss[1] : 1),
	       (double)acc[0] / (acc[0] + acc[1] ? acc[0] + acc[1] : 1),
	       acc[0], acc[1], miss[0], miss[1], (tns[0] + tns[1]) / 1e6,
	       (double)(tns[0] + tns[1]) / (ops ? ops : 1));
}

static inline void bench_report(uint64_t ops, double wall, int have_model)
{
	bench_report_phase("measured", ops, wall, have_model);
}

/*
 * The page-movement counters of /proc/vmstat, as a BENCH line: read at the
 * start and the end of the measured phase, they tell what moved during it.
 */
static inline void bench_vmstat_report(const char *phase)
{
	/* What bench_tier.py's steady_moved and steady_scan/s add up */
	static const char * const keys[] = {
		"exchange_success", "pgmigrate_success",
		"hyperplace_place_walked", "hyperplace_cache_scanned",
	};
	char name[64];
	unsigned long long v;
	FILE *f = fopen("/proc/vmstat", "r");
	size_t i;

	if (!f)
		return;
	printf("BENCH phase=%s", phase);
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(name, keys[i]))
				printf(" %s=%llu", name, v);
	printf("\n");
	fclose(f);
}

/*
 * The measured phase: reset the model, run @run for @ops operations (it
 * returns how many it did), report them and what management cost during
 * them (mgmt_steady) and since @m0 (mgmt_run: warm-up and measurement).
 */
static inline void bench_measure(uint64_t (*run)(size_t), size_t ops,
				 struct bench_mgmt m0)
{
	int have_model;
	struct bench_mgmt m1;

	bench_vmstat_report("warm_vm");
	have_model = bench_model_reset();
	m1 = bench_mgmt_now();
	double t = bench_now();
	uint64_t done = run(ops);

	bench_report(done, bench_now() - t, have_model);
	bench_vmstat_report("end_vm");
	bench_mgmt_report("mgmt_steady", m1);
	bench_mgmt_report("mgmt_run", m0);
}

/* The options of the workloads with a ballast, and what they set */
struct bench_opts {
	size_t ops;		/* -n: measured operations */
	double warmup;		/* -w: warm-up seconds */
	size_t ballast;		/* -B: MiB of ballast */
	int oracle;		/* -O: ballast after the data */
};

#define BENCH_OPTS	"n:w:B:O"
#define BENCH_USAGE	"[-n ops] [-w warmup_s] [-B ballast_MiB] [-O]"

/* Take @opt if it is one of BENCH_OPTS; returns 1 if it was. */
static inline int bench_opt(struct bench_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'n': o->ops = strtoul(arg, NULL, 0); return 1;
	case 'w': o->warmup = strtod(arg, NULL); return 1;
	case 'B': o->ballast = strtoul(arg, NULL, 0); return 1;
	case 'O': o->oracle = 1; return 1;
	}
	return 0;
}

/* Build the workload's data with @build, after the ballast or before it */
static inline double bench_build(const struct bench_opts *o,
				 void (*build)(void))
{
	double t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!o->oracle)
		bench_ballast_touch(o->ballast);
	t = bench_now();
	build();
	t = bench_now() - t;
	if (o->oracle)
		bench_ballast_touch(o->ballast);
	return t;
}

/*
 * Everything after the build: the hot data's residency, the tier model on,
 * the warm-up (time to converge on @hot), the measurement, the residency
 * at the end.
 */
static inline void bench_run(const struct bench_opts *o, const void *hot,
			     size_t hot_len, void (*warm_step)(void),
			     uint64_t (*run)(size_t))
{
	struct bench_mgmt m0;

	printf("BENCH phase=placed hot_on_fmem=%.4f\n",
	       bench_fmem_pages(hot, hot_len));
	bench_model_on();
	m0 = bench_mgmt_now();
	bench_warmup(o->warmup, warm_step, hot, hot_len, "converge");
	bench_measure(run, o->ops, m0);
	printf("BENCH phase=end hot_on_fmem=%.4f\n",
	       bench_fmem_pages(hot, hot_len));
	bench_node0_report("end");
}

#endif /* HT_BENCH_H */
