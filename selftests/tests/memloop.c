// SPDX-License-Identifier: GPL-2.0
/*
 * memloop: a known stream of loads or stores for perf_mem.sh.
 *   memloop load|store MiB passes
 * One 8-byte access per 64-byte line of a MiB-sized buffer, "passes"
 * times; prints the buffer's address range and the number of accesses.
 * The buffer is populated with MAP_POPULATE, so that the loop's accesses
 * are the program's only loads or stores to it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t len, i, n = 0;
	volatile uint64_t *p;
	uint64_t s = 0;
	int passes, k, store;
	char *buf;

	if (argc != 4) {
		fprintf(stderr, "usage: memloop load|store MiB passes\n");
		return 1;
	}
	store = !strcmp(argv[1], "store");
	len = strtoul(argv[2], NULL, 0) << 20;
	passes = atoi(argv[3]);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	/* Populated by the kernel: no user store before the loop */
	for (k = 0; k < passes; k++) {
		for (i = 0; i < len; i += 64) {
			p = (volatile uint64_t *)(buf + i);
			if (store)
				*p = i;
			else
				s += *p;
		}
		n += len / 64;
	}
	printf("memloop %s buffer %#lx %#lx accesses %zu sum %llu\n", argv[1],
	       (unsigned long)buf, (unsigned long)(buf + len), n,
	       (unsigned long long)s);
	return 0;
}
