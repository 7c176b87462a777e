// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of QEMU's TCG PEBS emulation (-cpu Icelake-Server,model=106,
 * pmu=on,x-pebs=on with -object tier-model,id=tm), through the
 * unmodified perf driver, with the attributes that "perf record -e
 * mem-loads" / "-e mem-stores" use (raw 0x01cd with ldlat in config1,
 * raw 0x82d0, max precise_ip, IP|TID|TIME|ADDR|PERIOD|WEIGHT|DATA_SRC):
 *  1. the PMU is an Ice Lake with PEBS (sysfs caps);
 *  2. load samples: >= 99% of data addresses inside the buffer, sample
 *     count within 10% of qualifying loads / period, latency above ldlat;
 *  3. the same for stores;
 *  4. instructions (-i: under -icount, where the emulation counts the
 *     instructions each vCPU retires): a loop of 2 x 10^6 user
 *     instructions counts 2 x 10^6 (+ at most 200) with exclude_kernel,
 *     and under 1% of that with exclude_user, and a 4 KiB "rep movsb"
 *     counts once, as on hardware, not once per byte; without -i the
 *     counter only has to move (it is derived from the virtual clock);
 *  5. cost: a memory-bound loop with the tier model off, on, and on with
 *     load sampling, in one run (reported; every load misses the cache
 *     model here, its worst case: fails only when the model costs 20x
 *     plain TCG or sampling 5x the model alone).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../lib/hostreq.h"
#include "../lib/tap.h"

#define LINE 64
#define BUF_SIZE (16UL << 20)		/* 8 x the modelled 2 MiB cache */
#define PASSES 4
#define PERIOD 1000
#define LDLAT 64
#define RING_PAGES 256			/* 1 MiB of samples */
#define ROUNDS 5			/* of each cost measurement */
#define LOOPS 1000000			/* of the two-instruction loop */

static long read_long(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtol(buf, NULL, 0);
}

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return -1;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int perf_open(struct perf_event_attr *attr)
{
	return syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;
static char *buf;

/* One 8-byte load per cache line: every load misses the model's cache. */
static void load_loop(int passes)
{
	uint64_t s = 0;
	size_t i;
	int p;

	for (p = 0; p < passes; p++)
		for (i = 0; i < BUF_SIZE; i += LINE)
			s += *(volatile uint64_t *)(buf + i);
	sink = s;
}

static void store_loop(int passes)
{
	size_t i;
	int p;

	for (p = 0; p < passes; p++)
		for (i = 0; i < BUF_SIZE; i += LINE)
			*(volatile uint64_t *)(buf + i) = i + p;
}

struct samples {
	long n, inside, lost, weight_ok;
	double weight_sum;
};

/* Walk the ring buffer of a sampling event. */
static void parse(void *ring, struct samples *s, int loads)
{
	struct perf_event_mmap_page *pg = ring;
	char *data = (char *)ring + pg->data_offset;
	uint64_t head = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = pg->data_tail, size = pg->data_size;

	memset(s, 0, sizeof(*s));
	while (tail < head) {
		struct perf_event_header h;
		uint64_t rec[16];
		size_t off = tail % size, k;

		for (k = 0; k < sizeof(h); k++)
			((char *)&h)[k] = data[(off + k) % size];
		for (k = 0; k < h.size && k < sizeof(rec) + sizeof(h); k++)
			if (k >= sizeof(h))
				((char *)rec)[k - sizeof(h)] = data[(off + k) % size];
		if (h.type == PERF_RECORD_SAMPLE) {
			/* ip, pid/tid, time, addr, period, weight, data_src */
			uint64_t addr = rec[3], weight = rec[5];

			s->n++;
			if (addr >= (uintptr_t)buf && addr < (uintptr_t)buf + BUF_SIZE)
				s->inside++;
			s->weight_sum += weight;
			if (!loads || weight > LDLAT)
				s->weight_ok++;
		} else if (h.type == PERF_RECORD_LOST) {
			s->lost += rec[1];
		}
		tail += h.size;
	}
	__atomic_store_n(&pg->data_tail, tail, __ATOMIC_RELEASE);
}

static int sample(int loads, int precise, struct samples *s, long long *count)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = PERF_TYPE_RAW,
		.config = loads ? 0x01cd : 0x82d0,
		.config1 = loads ? LDLAT : 0,
		.sample_period = PERIOD,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			       PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR |
			       PERF_SAMPLE_PERIOD | PERF_SAMPLE_WEIGHT |
			       PERF_SAMPLE_DATA_SRC,
		.precise_ip = precise,
		.disabled = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	struct perf_event_attr c = a;
	size_t len = (RING_PAGES + 1) * getpagesize();
	int fd, cfd;
	void *ring;

	/* A counting twin: the number of qualifying accesses. */
	c.sample_period = 0;
	c.sample_type = 0;
	c.precise_ip = 0;
	/* The highest precise level the PMU takes, as perf's ":P" does */
	for (a.precise_ip = 3; a.precise_ip > 0; a.precise_ip--) {
		fd = perf_open(&a);
		if (fd >= 0 || a.precise_ip <= precise)
			break;
	}
	if (fd < 0) {
		printf("# perf_event_open(0x%llx): %s\n",
		       (unsigned long long)a.config, strerror(errno));
		return -1;
	}
	cfd = perf_open(&c);
	ring = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		printf("# mmap of the ring: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	printf("# precise_ip %d\n", a.precise_ip);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	if (cfd >= 0)
		ioctl(cfd, PERF_EVENT_IOC_ENABLE, 0);
	if (loads)
		load_loop(PASSES);
	else
		store_loop(PASSES);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	*count = -1;
	if (cfd >= 0) {
		ioctl(cfd, PERF_EVENT_IOC_DISABLE, 0);
		if (read(cfd, count, sizeof(*count)) != sizeof(*count))
			*count = -1;
		close(cfd);
	}
	parse(ring, s, loads);
	munmap(ring, len);
	close(fd);
	return 0;
}

static void check(int loads, int precise)
{
	const char *what = loads ? "mem-loads (0x01cd, ldlat 64)" :
				   "mem-stores (0x82d0)";
	long expect = (long)(BUF_SIZE / LINE) * PASSES / PERIOD;
	long long count;
	struct samples s;
	double dev;

	if (sample(loads, precise, &s, &count)) {
		/* As many results as a run that samples, to keep the plan */
		tap(0, "%s: sampling", what);
		tap(0, "%s: no samples to count", what);
		if (loads)
			tap(0, "%s: no latencies to check", what);
		return;
	}
	dev = 100.0 * (s.n - expect) / expect;
	printf("# %s: %ld samples (expected %ld = %lu accesses / %d, %+.2f%%), "
	       "%ld in the buffer (%.2f%%), %ld lost, counted %lld, "
	       "mean weight %.1f\n", what, s.n, expect,
	       (BUF_SIZE / LINE) * PASSES, PERIOD, dev, s.inside,
	       s.n ? 100.0 * s.inside / s.n : 0, s.lost, count,
	       s.n ? s.weight_sum / s.n : 0);
	tap(s.n > 0 && s.inside * 100 >= s.n * 99,
	    "%s: >= 99%% of sample addresses in the buffer", what);
	tap(s.n * 10 >= expect * 9 && s.n * 10 <= expect * 11,
	    "%s: samples within 10%% of accesses / period (%+.2f%%)", what, dev);
	if (loads)
		tap(s.weight_ok == s.n, "%s: every latency above ldlat", what);
}

static char reply[4096];

static int qom_enable(int on)
{
	return ht_host_request(reply, sizeof(reply), 60,
		"qmp {\"execute\": \"qom-set\", \"arguments\": {\"path\": "
		"\"/objects/tm\", \"property\": \"enabled\", \"value\": %s}}",
		on ? "true" : "false") || strstr(reply, "\"error\"");
}

/* One timed run of the loop, after a pass that refills TLB and caches */
static double timed_loads(void)
{
	double t;

	load_loop(1);
	t = now();
	load_loop(64);
	return now() - t;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

#define REPS	1000
#define REP_LEN	4096

/* LOOPS x (dec; jnz) */
static void dec_loop(void)
{
	long n = LOOPS;

	asm volatile("1: dec %0\n\tjnz 1b" : "+r"(n));
}

/* REPS x a REP_LEN-byte "rep movsb" */
static void rep_loop(void)
{
	long i;

	for (i = 0; i < REPS; i++) {
		void *d = buf + BUF_SIZE / 2, *src = buf;
		unsigned long n = REP_LEN;

		asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n)
			     : : "memory");
	}
}

/* Instructions counted over @fn, user or kernel only; -1 on error */
static long long count_insns(void (*fn)(void), int user)
{
	struct perf_event_attr a = {
		.size = sizeof(a), .type = PERF_TYPE_HARDWARE,
		.config = PERF_COUNT_HW_INSTRUCTIONS, .disabled = 1,
		.exclude_kernel = user, .exclude_user = !user,
		.exclude_hv = 1,
	};
	long long v = -1;
	int fd = perf_open(&a);

	if (fd < 0)
		return -1;
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	fn();
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		v = -1;
	close(fd);
	return v;
}

static void check_instructions(int icount)
{
	long long u = count_insns(dec_loop, 1), k = count_insns(dec_loop, 0);
	long long r = count_insns(rep_loop, 1);

	printf("# instructions over %d x (dec; jnz): user %lld, kernel %lld\n",
	       LOOPS, u, k);
	printf("# instructions over %d x (%d-byte rep movsb and the loop): %lld\n",
	       REPS, REP_LEN, r);
	if (!icount) {
		tap(u > 0, "instructions counted (from the virtual clock)");
		tap(1, "exact count # SKIP needs -icount (test option -i)");
		tap(1, "rep movsb counted once # SKIP needs -icount");
		return;
	}
	tap(u >= 2LL * LOOPS && u <= 2LL * LOOPS + 200,
	    "user instructions exact under -icount: %lld for %lld",
	    u, 2LL * LOOPS);
	tap(k >= 0 && k < 2LL * LOOPS / 100,
	    "kernel instructions of a user loop: %lld", k);
	/* Once per instruction, plus the loop's own: not once per byte */
	tap(r >= REPS && r <= 16LL * REPS,
	    "a rep movsb counts once: %lld for %d of them", r, REPS);
}

int main(int argc, char **argv)
{
	int icount = argc > 1 && !strcmp(argv[1], "-i");
	char pmu[64];
	long precise;
	struct samples s;
	long long count;
	double t_off, t_on, t_pebs;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..10\n");

	read_str("/sys/bus/event_source/devices/cpu/caps/pmu_name", pmu,
		 sizeof(pmu));
	precise = read_long("/sys/bus/event_source/devices/cpu/caps/max_precise");
	printf("# pmu_name '%s', max_precise %ld\n", pmu, precise);
	if (!pmu[0]) {
		printf("1..0 # SKIP no PMU (needs -cpu ...,pmu=on,x-pebs=on)\n");
		return 0;
	}
	tap(!strcmp(pmu, "icelake"), "Ice Lake PMU");
	precise = 2;			/* at least: PEBS */

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		printf("Bail out! mmap %lu\n", BUF_SIZE);
		return 1;
	}
	memset(buf, 1, BUF_SIZE);

	check(1, precise);
	check(0, precise);
	check_instructions(icount);

	/* Cost, one run: tier model off, on, on with PEBS load sampling */
	if (qom_enable(0)) {
		printf("# no tier model to switch off: cost not measured\n");
		tap(1, "cost # SKIP");
		return 0;
	}
	{
		struct perf_event_attr a = {
			.size = sizeof(a), .type = PERF_TYPE_RAW,
			.config = 0x01cd, .config1 = LDLAT,
			.sample_period = PERIOD, .precise_ip = precise,
			.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				       PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR |
				       PERF_SAMPLE_PERIOD | PERF_SAMPLE_WEIGHT |
				       PERF_SAMPLE_DATA_SRC,
			.exclude_kernel = 1, .exclude_hv = 1, .disabled = 1,
		};
		size_t len = (RING_PAGES + 1) * getpagesize();
		int fd = perf_open(&a);
		void *ring = fd < 0 ? MAP_FAILED :
			mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		int r;

		/*
		 * Wall-clock ratios; the host may be busy with other work
		 * and noise only adds time: alternate the three setups,
		 * ROUNDS times each, and keep the best of each.
		 */
		t_off = t_on = t_pebs = 1e9;
		for (r = 0; r < ROUNDS; r++) {
			qom_enable(0);
			t_off = min_d(t_off, timed_loads());
			qom_enable(1);
			t_on = min_d(t_on, timed_loads());
			if (fd < 0)
				continue;
			ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
			t_pebs = min_d(t_pebs, timed_loads());
			ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
		}
		if (ring != MAP_FAILED) {
			parse(ring, &s, 1);
			munmap(ring, len);
		}
		if (fd >= 0)
			close(fd);
	}
	(void)count;
	printf("# memory-bound loop (64 x 16 MiB, one load per line, best of "
	       "%d alternating rounds): "
	       "plain TCG %.3fs, tier model %.3fs (%.2fx), tier model + PEBS "
	       "sampling every %d loads %.3fs (%.2fx; %ld samples)\n",
	       ROUNDS, t_off, t_on, t_on / t_off, PERIOD, t_pebs, t_pebs / t_off, s.n);
	/*
	 * Wall-clock figures are reported, not judged closely: the bounds
	 * only catch a cost gone wrong (a PMI storm, a lost fast path).
	 */
	tap(t_on / t_off < 20 && t_pebs / t_on < 5,
	    "cost: tier model %.2fx, with PEBS %.2fx (%.2fx the model alone)",
	    t_on / t_off, t_pebs / t_off, t_pebs / t_on);
	return 0;
}
