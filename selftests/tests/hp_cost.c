// SPDX-License-Identifier: GPL-2.0
/*
 * Cost and size of the HyperPlace classifier (issue 3 figures).
 *
 * Feeds 1M samples over 1 GiB of managed anonymous memory through the
 * debug source (7/8 of them on a hot 64 MiB region, the rest spread over
 * the buffer), then reads <debugfs>/hyperplace/stats: nanoseconds spent
 * taking in samples and running epochs, and the metadata of the ranges.
 * Run under QEMU -icount shift=0 the nanoseconds are guest instructions
 * (one per virtual nanosecond), so the figures do not depend on the host.
 * Then the cost per epoch again with the residency walk bounded to 128 MiB
 * per epoch (resid_walk_mb).  Fails if the metadata exceeds 64 KiB per GiB
 * of managed memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define HP_SYSFS	"/sys/kernel/mm/hyperplace/"
#define HP_INJECT	"/sys/kernel/debug/hyperplace/inject"
#define HP_STATS	"/sys/kernel/debug/hyperplace/stats"

#define BUF_SIZE	(1UL << 30)
#define HOT_OFF		(256UL << 20)
#define HOT_SIZE	(64UL << 20)
#define NR_SAMPLES	1000000UL
#define CHUNK		20000UL

struct stats {
	unsigned long long samples, drain_ns, epochs, epoch_ns, ranges;
	unsigned long long range_bytes, tree_bytes_max, resident_bytes;
};

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	{ "samples", offsetof(struct stats, samples) },
	{ "drain_ns", offsetof(struct stats, drain_ns) },
	{ "epochs", offsetof(struct stats, epochs) },
	{ "epoch_ns", offsetof(struct stats, epoch_ns) },
	{ "ranges", offsetof(struct stats, ranges) },
	{ "range_bytes", offsetof(struct stats, range_bytes) },
	{ "tree_bytes_max", offsetof(struct stats, tree_bytes_max) },
	{ "resident_bytes", offsetof(struct stats, resident_bytes) },
};

static int read_stats(struct stats *s)
{
	char name[64];
	unsigned long long v;
	unsigned int i;
	FILE *f = fopen(HP_STATS, "r");

	if (!f)
		return -1;
	memset(s, 0, sizeof(*s));
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		for (i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
			if (!strcmp(name, stat_fields[i].name))
				*(unsigned long long *)((char *)s +
							stat_fields[i].off) = v;
	fclose(f);
	return 0;
}

int main(void)
{
	unsigned long base, i, done, seed = 12345;
	struct stats a, b, c;
	double per_sample, per_epoch, meta_kib;
	size_t cap = CHUNK * 40, len;
	char *p, *cmd;
	int fd, ok;

	printf("TAP version 13\n1..1\n");
	if (access(HP_INJECT, F_OK) || access(HP_STATS, F_OK)) {
		printf("ok 1 # SKIP no HyperPlace debug source\n");
		return 4;
	}
	/* The full residency walk of every epoch, then a bounded one. */
	if (write_file(HP_SYSFS "resid_walk_mb", "0") ||
	    write_file(HP_SYSFS "enabled", "1") ||
	    write_file("/proc/self/hyperplace", "include")) {
		printf("not ok 1 cannot enable HyperPlace\n");
		return 1;
	}
	p = mmap(NULL, BUF_SIZE + (2UL << 20), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cmd = malloc(cap);
	if (p == MAP_FAILED || !cmd) {
		printf("not ok 1 out of memory\n");
		return 1;
	}
	base = ((unsigned long)p + (2UL << 20) - 1) & ~((2UL << 20) - 1);
	memset((void *)base, 1, BUF_SIZE);
	/* One sample creates the address space; let an epoch count it. */
	snprintf(cmd, cap, "%d %lx load 1\n", getpid(), base);
	write_file(HP_INJECT, cmd);
	sleep(2);
	read_stats(&a);

	fd = open(HP_INJECT, O_WRONLY);
	for (done = 0; done < NR_SAMPLES; done += CHUNK) {
		len = 0;
		for (i = 0; i < CHUNK; i++) {
			unsigned long addr;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			if ((seed >> 60) < 14)	/* 7/8 */
				addr = base + HOT_OFF + (seed >> 20) % HOT_SIZE;
			else
				addr = base + (seed >> 20) % BUF_SIZE;
			len += snprintf(cmd + len, cap - len, "%d %lx %s 1\n",
					getpid(), addr & ~63UL,
					(seed >> 8) & 7 ? "load" : "store");
		}
		if (write(fd, cmd, len) != (ssize_t)len) {
			printf("not ok 1 inject: %s\n", strerror(errno));
			return 1;
		}
	}
	close(fd);
	sleep(3);
	read_stats(&b);

	per_sample = (double)(b.drain_ns - a.drain_ns) /
		     (double)(b.samples - a.samples ?: 1);
	per_epoch = (double)(b.epoch_ns - a.epoch_ns) /
		    (double)(b.epochs - a.epochs ?: 1);
	meta_kib = (double)(b.range_bytes + b.tree_bytes_max) / 1024.0 /
		   ((double)b.resident_bytes / (1UL << 30));
	printf("# samples taken in: %llu (of %lu injected)\n",
	       b.samples - a.samples, NR_SAMPLES);
	printf("# cost per sample: %.0f ns (instructions under -icount shift=0)\n",
	       per_sample);
	printf("# cost per epoch: %.0f ns over %llu epochs (residency walk of %llu MiB included)\n",
	       per_epoch, b.epochs - a.epochs, b.resident_bytes >> 20);
	printf("# ranges: %llu; metadata %llu B ranges + <= %llu B tree = %.2f KiB per GiB managed\n",
	       b.ranges, b.range_bytes, b.tree_bytes_max, meta_kib);
	ok = b.samples - a.samples >= NR_SAMPLES && meta_kib <= 64.0;

	/* Epochs with the walk bounded to 128 MiB: 1/8 of the buffer each. */
	write_file(HP_SYSFS "resid_walk_mb", "128");
	sleep(2);
	read_stats(&a);
	sleep(5);
	read_stats(&c);
	printf("# cost per epoch with resid_walk_mb=128: %.0f ns over %llu epochs\n",
	       (double)(c.epoch_ns - a.epoch_ns) /
	       (double)(c.epochs - a.epochs ?: 1), c.epochs - a.epochs);
	write_file(HP_SYSFS "resid_walk_mb", "1024");

	printf("%sok 1 classifier cost and metadata\n", ok ? "" : "not ");
	write_file(HP_SYSFS "enabled", "0");
	return ok ? 0 : 1;
}
