#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instruction profile of the guest kernel from kprof.so's output.

  kprof.py System.map PROFILE [TOP]            per-symbol instructions
  kprof.py System.map PROFILE BASE [TOP]       PROFILE minus BASE

PROFILE lines are "vaddr insns execs" per translated block (kprof.c);
each block is charged to the symbol it starts in.  With BASE (for
example a run of the same workload without the scheme under test), the
difference is what the scheme itself executed in the kernel.
"""
import bisect
import collections
import sys


def symbols(path):
    syms = []
    for ln in open(path):
        a, t, n = ln.split()[:3]
        if t in "tTwW":
            syms.append((int(a, 16), n))
    syms.sort()
    return [a for a, _ in syms], syms


def load(path, addrs, syms):
    tot = collections.Counter()
    for ln in open(path):
        v, n, e = ln.split()
        i = bisect.bisect_right(addrs, int(v, 16)) - 1
        tot[syms[i][1] if i >= 0 else "?"] += int(n) * int(e)
    return tot


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    addrs, syms = symbols(sys.argv[1])
    prof = load(sys.argv[2], addrs, syms)
    rest = sys.argv[3:]
    if rest and not rest[0].isdigit():
        base = load(rest.pop(0), addrs, syms)
        prof = collections.Counter({k: prof[k] - base.get(k, 0) for k in prof})
        print("difference %.1fM instructions" % (sum(prof.values()) / 1e6))
    else:
        print("total kernel instructions %.3fG" % (sum(prof.values()) / 1e9))
    s = sum(prof.values()) or 1
    for k, v in prof.most_common(int(rest[0]) if rest else 40):
        print("%12d %5.1f%% %s" % (v, 100 * v / s, k))


if __name__ == "__main__":
    main()
