// SPDX-License-Identifier: GPL-2.0
/*
 * SQLite key-value workload for the benchmark suite (selftests/bench/): a
 * real application from Debian's archive (libsqlite3, linked statically)
 * serving a YCSB-B-like mix on an in-memory database.
 *
 * The table is "usertable(k INTEGER PRIMARY KEY, v BLOB)" with -r rows of
 * -l bytes each, in SQLite's own B-tree and page cache (4 KiB pages, all
 * in memory: a ":memory:" database is never written out).  Each operation
 * picks a key from a Zipf(0.99) distribution over ranks scrambled by a
 * multiplicative hash (popular rows spread over the table, as YCSB's
 * hashed keys) and runs a prepared point SELECT that reads the whole value,
 * or one operation in 20 an UPDATE that rewrites it.  The database is built
 * after the ballast (selftests/lib/bench.h), so it starts on the slow tier.
 *
 * The values are not zero: HyperPlace frees zero-filled pages it finds
 * while splitting huge pages, which would flatter a table of zeroes.
 * SQLite allocates its page cache with malloc(), in pieces smaller than
 * glibc's mmap threshold, so the table is the process's heap: its
 * residency on the fast tier is what the warm-up watches (time to
 * converge).
 *
 *   sqlite [-r rows] [-l value_bytes] [-n ops] [-w warmup_s] [-B ballast_MiB] [-O]
 *
 * ldlibs: -lsqlite3 -ldl
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "../lib/bench.h"

#define UPDATE_EVERY	20

static sqlite3 *db;
static sqlite3_stmt *sel, *upd;
static size_t nrows, vlen = 256;
static uint64_t ops, sum;
static struct bench_zipf zipf;
static unsigned char *val;

static void die_db(const char *what)
{
	fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}

static sqlite3_stmt *prepare(const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die_db(sql);
	return st;
}

/* A value that is not zero and differs per key and version */
static void fill(uint64_t key, uint64_t version)
{
	uint64_t s = key * 0x9e3779b97f4a7c15ULL + version + 1;
	size_t i;

	for (i = 0; i + 8 <= vlen; i += 8) {
		uint64_t w = bench_rand(&s);

		memcpy(val + i, &w, 8);
	}
}

static uint64_t key_of(size_t rank)
{
	return (rank * 0x9e3779b97f4a7c15ULL) % nrows;
}

static uint64_t run(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, ops++) {
		sqlite3_int64 key = key_of(bench_zipf_next(&zipf));

		if (ops % UPDATE_EVERY == UPDATE_EVERY - 1) {
			fill(key, ops);
			sqlite3_bind_blob(upd, 1, val, vlen, SQLITE_STATIC);
			sqlite3_bind_int64(upd, 2, key);
			if (sqlite3_step(upd) != SQLITE_DONE)
				die_db("update");
			sqlite3_reset(upd);
		} else {
			const unsigned char *v;
			int len;

			sqlite3_bind_int64(sel, 1, key);
			if (sqlite3_step(sel) != SQLITE_ROW)
				die_db("select");
			v = sqlite3_column_blob(sel, 0);
			len = sqlite3_column_bytes(sel, 0);
			if (!v || len != (int)vlen) {
				fprintf(stderr, "sqlite: key %lld: %d bytes\n",
					(long long)key, len);
				exit(1);
			}
			sum += v[0] + v[len / 2] + v[len - 1];
			sqlite3_reset(sel);
		}
		bench_ballast_op(ops);
	}
	return n;
}

/* The [heap] mapping of this process, or NULL */
static void *heap(size_t *len)
{
	unsigned long start, end;
	char line[256];
	void *p = NULL;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[heap]") &&
		    sscanf(line, "%lx-%lx", &start, &end) == 2) {
			p = (void *)start;
			*len = end - start;
			break;
		}
	fclose(f);
	return p;
}

static void warm_step(void)
{
	run(1 << 12);
}

static void build(void)
{
	sqlite3_stmt *ins;
	size_t i;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		die_db("open");
	exec("PRAGMA page_size=4096");
	exec("CREATE TABLE usertable(k INTEGER PRIMARY KEY, v BLOB NOT NULL)");
	ins = prepare("INSERT INTO usertable(k, v) VALUES(?, ?)");
	exec("BEGIN");
	for (i = 0; i < nrows; i++) {
		fill(i, 0);
		sqlite3_bind_int64(ins, 1, i);
		sqlite3_bind_blob(ins, 2, val, vlen, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die_db("insert");
		sqlite3_reset(ins);
	}
	exec("COMMIT");
	sqlite3_finalize(ins);
	sel = prepare("SELECT v FROM usertable WHERE k = ?");
	upd = prepare("UPDATE usertable SET v = ? WHERE k = ?");
	bench_zipf_init(&zipf, nrows, 0.99, 0x2545f4914f6cdd1dULL);
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .ops = 1 << 18, .ballast = 512 };
	sqlite3_int64 cur, hw;
	size_t heap_len = 0;
	void *heap_start;
	double t;
	int opt;

	nrows = 1 << 20;
	while ((opt = getopt(argc, argv, "r:l:" BENCH_OPTS)) != -1) {
		if (bench_opt(&o, opt, optarg))
			continue;
		if (opt == 'r') {
			nrows = strtoul(optarg, NULL, 0);
			continue;
		}
		if (opt == 'l') {
			vlen = strtoul(optarg, NULL, 0);
			continue;
		}
		fprintf(stderr, "usage: sqlite [-r rows] [-l value_bytes] "
			BENCH_USAGE "\n");
		return 1;
	}
	if (nrows < 16 || vlen < 8 || vlen > 65536 || vlen % 8) {
		fprintf(stderr, "sqlite: -r must be at least 16 and -l a "
			"multiple of 8 in [8, 65536]\n");
		return 1;
	}
	val = malloc(vlen);
	if (!val) {
		perror("malloc");
		return 1;
	}
	t = bench_build(&o, build);
	sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 0);
	printf("# sqlite %s: %zu rows of %zu bytes, %lld MiB in SQLite, "
	       "ballast %zu MiB %s; built in %.1fs\n", sqlite3_libversion(),
	       nrows, vlen, (long long)hw >> 20, o.ballast,
	       o.oracle ? "after" : "before", t);
	heap_start = heap(&heap_len);
	bench_run(&o, heap_start, heap_len, warm_step, run);
	printf("# checksum %llu\n", (unsigned long long)sum);
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	sqlite3_close(db);
	return 0;
}
