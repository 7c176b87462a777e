#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""README tables from a results JSON of bench_tier.py: one table per
figure (rows: workloads, columns: variants), the way README.md shows the
suite, plus bench_tier.py's own summary.

  readme_tables.py out/bench/NAME.json
  readme_tables.py --logs OUT NAME [SHIFT]

The second form reads the console logs of the runs of suite NAME that
finished (OUT/logs/bench-NAME-<variant>-<workload>.log), for a suite
stopped part-way; SHIFT is its --icount shift (default 3).
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_tier as bt  # noqa: E402

VARIANTS = ["none", "numa-balancing", "damon", "hyperplace",
            "hyperplace-thp-madvise", "hyperplace-thp-never", "oracle"]
HP = ["hyperplace", "hyperplace-thp-madvise", "hyperplace-thp-never"]


def table(title, results, workloads, variants, cell):
    by = {(r["workload"], r["variant"]): r for r in results}
    out = [title, "", "| workload | " + " | ".join(variants) + " |",
           "|---" * (len(variants) + 1) + "|"]
    for w in workloads:
        cells = []
        for v in variants:
            r = by.get((w, v))
            c = cell(r) if r else None
            cells.append("-" if c is None else c)
        out.append("| %s | %s |" % (w, " | ".join(cells)))
    return out + [""]


def num(fmt, f):
    def cell(r):
        v = f(r)
        return None if v is None else fmt % v
    return cell


def threads_pct(r):
    if r.get("icount_shift") is None:
        return None
    return bt.insns_pct(r, "mgmt_run", "threads_insns")


def mgmt(r):
    a, b = bt.mgmt_pct(r, "mgmt_run"), bt.mgmt_pct(r, "mgmt_steady")
    if a is None:
        return None
    return "%.1f / %.1f" % (a, b if b is not None else math.nan)


def hp_moves(r):
    vals = [bt.vm(r, k) for k in ("exchange_success", "exchange_thp_success",
                                  "hyperplace_collapsed",
                                  "hyperplace_victim_split")]
    return " / ".join("%d" % (v or 0) for v in vals)


def converge(r):
    v = r.get("converge_moved.converge_s", r.get("converge.converge_s"))
    return None if v is None else "%.1f" % v


def from_logs(out, name, shift):
    results = []
    for w, _ in bt.read_table("workloads.list", 2):
        for v in VARIANTS:
            log = os.path.join(out, "logs", "bench-%s-%s-%s.log" % (name, v, w))
            if not os.path.exists(log):
                continue
            lines = open(log, errors="replace").read().splitlines()
            if not any(ln.startswith("HT-DONE") for ln in lines):
                continue
            r = bt.parse_bench(lines)
            if "measured.fmem_share" not in r:
                continue
            r["variant"], r["workload"], r["icount_shift"] = v, w, shift
            results.append(r)
    return results


def main():
    if sys.argv[1] == "--logs":
        results = from_logs(sys.argv[2], sys.argv[3],
                            int(sys.argv[4]) if len(sys.argv) > 4 else 3)
    else:
        results = json.load(open(sys.argv[1]))
    bt.set_floors(results)
    workloads = []
    for r in results:
        if r["workload"] not in workloads:
            workloads.append(r["workload"])
    order = [x[0] for x in bt.read_table("workloads.list", 2)
             if x[0] in workloads]
    workloads = order or workloads
    variants = [v for v in VARIANTS if any(r["variant"] == v for r in results)]
    lines = []
    lines += table("FMEM share of memory accesses, measured phase:",
                   results, workloads, variants,
                   num("%.3f", lambda r: r.get("measured.fmem_share")))
    lines += table("Modelled memory time per operation, ns:",
                   results, workloads, variants,
                   num("%.1f", lambda r: r.get("measured.mem_time_per_op_ns")))
    lines += table("Management, % of one 125-MIPS CPU in guest instructions "
                   "(management threads, plus the workload's kernel "
                   "instructions beyond the `none` run's): from the warm-up "
                   "on / measured phase only:",
                   results, workloads, variants, mgmt)
    lines += table("The management threads alone, from the warm-up on:",
                   results, workloads, variants, num("%.1f", threads_pct))
    lines += table("HyperPlace: pairs exchanged (`exchange_success`) / of "
                   "them THP pairs / PMD ranges collapsed / cold THPs split "
                   "into victims:", results, workloads,
                   [v for v in HP if v in variants], hp_moves)
    lines += table("Warm-up seconds until 90% of the hot data was on FMEM "
                   "(-1: never):", results, workloads, variants, converge)
    lines += bt.summary(results, workloads)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
