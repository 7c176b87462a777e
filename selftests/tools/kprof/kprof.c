// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU TCG plugin: instruction profile of the guest kernel.  Counts how
 * often each translated block at a kernel address (upper half) runs and
 * writes "vaddr instructions executions" per block at exit, to the file
 * given as out=PATH (default kprof.txt).  kprof.py maps the blocks to
 * System.map symbols.  Build: make kprof (needs QEMU's plugin header);
 * run: qemu-system-x86_64 -plugin out/kprof.so,out=PATH ...
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

typedef struct {
    uint64_t vaddr;
    uint64_t insns;
    uint64_t execs;
} Block;

static GHashTable *blocks;
static GMutex lock;
static const char *outfile = "kprof.txt";

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    uint64_t pc = qemu_plugin_tb_vaddr(tb);
    uint64_t n = qemu_plugin_tb_n_insns(tb);
    uint64_t key = pc ^ (n << 56);
    Block *b;

    if (pc < 0xffffffff80000000ULL) {
        return;
    }
    g_mutex_lock(&lock);
    b = g_hash_table_lookup(blocks, &key);
    if (!b) {
        b = g_new0(Block, 1);
        b->vaddr = key;
        b->insns = n;
        g_hash_table_insert(blocks, &b->vaddr, b);
    }
    g_mutex_unlock(&lock);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                             &b->execs, 1);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
    FILE *f = fopen(outfile, "w");
    GHashTableIter it;
    gpointer k, v;

    if (!f) {
        return;
    }
    g_hash_table_iter_init(&it, blocks);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        Block *b = v;
        if (b->execs) {
            fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
                    (uint64_t)((b->vaddr & ((1ULL << 56) - 1)) |
                               (0xffULL << 56)),
                    b->insns, b->execs);
        }
    }
    fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    if (argc > 0 && !strncmp(argv[0], "out=", 4)) {
        outfile = strdup(argv[0] + 4);
    }
    blocks = g_hash_table_new(g_int64_hash, g_int64_equal);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
