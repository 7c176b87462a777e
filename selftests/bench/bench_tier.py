#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tier-model benchmark: placement quality of memory-tiering variants.

Boots the two-tier guest (harness topology) under QEMU TCG with the tier
model (-object tier-model,id=tm,enabled=off; the workload enables it after
its first touch), once per variant and workload, and
reports what the workload's memory accesses cost:

  fmem_share         share of the memory accesses (cache-model misses)
                     served by node 0, the FMEM node
  fmem_access_share  the same over all loads and stores (hits included)
  mem_time_ms        modelled memory time, sum over nodes of misses x latency

A variant (variants.list) is an extra kernel command line plus setup
commands run in the guest before the workload, and a warm-up time during
which the workload runs unmeasured; workloads (workloads.list) are static
programs in the initramfs's /tests that print "BENCH key=value" lines
(see selftests/tests/gups.c; they take -w SECONDS for the warm-up).

  bench_tier.py --out out --kernel BZIMAGE --qemu QEMU [--variant NAME]
                [--workload NAME] [--json FILE]
"""

import argparse
import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEBS_CPU = "Icelake-Server,model=106,pmu=on,x-pebs=on"
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402


def read_table(name, ncols):
    rows = []
    with open(os.path.join(HERE, name)) as f:
        for ln in f:
            ln = ln.strip()
            if not ln or ln.startswith("#"):
                continue
            cols = [c.strip() for c in ln.split("|")]
            cols += [""] * (ncols - len(cols))
            rows.append(cols[:ncols])
    return rows


def parse_bench(lines):
    res = {}
    for ln in lines:
        if not ln.startswith("BENCH "):
            continue
        kv = dict(t.split("=", 1) for t in ln.split()[1:] if "=" in t)
        phase = kv.pop("phase", "misc")
        for k, v in kv.items():
            try:
                v = float(v)
            except ValueError:
                pass
            res["%s.%s" % (phase, k)] = v
    return res


def run_one(args, variant, workload):
    name, vcmd, vsetup, vwarm = variant
    wname, wrun = workload
    run = wrun.split()
    if vwarm and float(vwarm) > 0:
        run += ["-w", vwarm]
    cmdline = (harness.BASE_CMDLINE + " loglevel=4 ht.mode=demo ht.demo=bench-tier"
               + " ht.bench.run=" + ",".join(run))
    if vsetup:
        script = "\n".join(s.strip() for s in vsetup.split(";")) + "\n"
        cmdline += " ht.bench.setup=" + base64.b64encode(script.encode()).decode()
    if vcmd:
        cmdline += " " + vcmd
    if args.cmdline:
        cmdline += " " + args.cmdline
    logs = os.path.join(args.out, "logs")
    os.makedirs(logs, exist_ok=True)
    qmp = os.path.join(logs, "bench-qmp.sock")
    if os.path.exists(qmp):
        os.unlink(qmp)
    extra = ["-object", "tier-model,id=tm,enabled=off", "-qmp", "unix:%s,server=on,wait=off" % qmp]
    argv = harness.qemu_argv(args, "guest", cmdline, extra)
    log = os.path.join(logs, "bench-%s-%s.log" % (name, wname))
    print("bench: %s / %s (console %s)" % (name, wname, log))
    sys.stdout.flush()
    lines, timed_out, rc = harness.boot_and_collect(
        argv, log, args.timeout, args.verbose, relay=harness.QmpRelay(qmp))
    res = parse_bench(lines)
    res["variant"], res["workload"] = name, wname
    problems = []
    if timed_out or not any(ln.startswith("HT-DONE") for ln in lines):
        problems.append("did not finish")
    splats = harness.find_splats(lines)
    if splats:
        problems.append("kernel splat: " + splats[0])
    if "measured.fmem_share" not in res:
        problems.append("no tier-model result")
    res["problems"] = problems
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    harness.add_boot_args(ap, PEBS_CPU,
                          "QEMU -cpu (default: the PEBS-emulating Ice Lake, so "
                          "that PEBS-driven variants work; inert without counters)")
    ap.add_argument("--variant", default=None, help="only these variants (a,b)")
    ap.add_argument("--workload", default=None, help="only these workloads (a,b)")
    ap.add_argument("--cmdline", default="", help="more kernel command line")
    ap.add_argument("--timeout", type=int, default=900, help="per boot, seconds")
    ap.add_argument("--json", default=None, help="write the results here")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.qmp = None  # harness.qemu_argv: no second QMP socket

    variants = read_table("variants.list", 4)
    workloads = read_table("workloads.list", 2)
    if args.variant:
        variants = [v for v in variants if v[0] in args.variant.split(",")]
    if args.workload:
        workloads = [w for w in workloads if w[0] in args.workload.split(",")]
    if not variants or not workloads:
        sys.exit("bench: no variant or workload selected")

    results = [run_one(args, v, w) for w in workloads for v in variants]

    print()
    print("%-16s %-8s %10s %12s %12s %13s %12s %10s"
          % ("variant", "workload", "fmem_share", "fmem_access", "mem_time_ms",
             "ns/update", "hot_on_fmem", "wall_s"))
    bad = 0
    for r in results:
        def g(k, fmt):
            v = r.get(k)
            return fmt % v if isinstance(v, float) else "-"
        print("%-16s %-8s %10s %12s %12s %13s %12s %10s"
              % (r["variant"], r["workload"], g("measured.fmem_share", "%.4f"),
                 g("measured.fmem_access_share", "%.4f"),
                 g("measured.mem_time_ms", "%.1f"),
                 g("measured.mem_time_per_update_ns", "%.1f"),
                 g("end.hot_on_fmem", "%.3f"), g("measured.wall_s", "%.2f")))
        for p in r["problems"]:
            print("  %s/%s: %s" % (r["variant"], r["workload"], p))
            bad += 1
    path = args.json or os.path.join(args.out, "bench", "tier.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    print("bench: results in %s" % path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
