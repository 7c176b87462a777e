#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""HyperTier QEMU test harness.

Boots the patched kernel under the patched QEMU (TCG) on the reference
two-tier topology and either runs the test list of the initramfs, a demo, or
an interactive shell.

  harness.py test guest|host      run the mode's tests, print a summary,
                                  exit 1 on any failure, splat or timeout
  harness.py demo [NAME]          run selftests/demo/NAME.sh in the guest
  harness.py boot guest|host      interactive: serial console on stdio
                                  (Ctrl-A X quits QEMU)

The console is logged to <out>/logs/<mode>-console.log.
"""

import argparse
import json
import os
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time

# Reference topology (DESIGN.md section 4).  Guest: node 0 = 2 vCPUs +
# 512 MiB FMEM, node 1 = CPU-less 1 GiB SMEM, SLIT 10/20, HMAT latency and
# bandwidth so that the guest's memory-tier code puts node 1 in a lower tier.
TOPOLOGY = {
    "guest": {"node0": "512M", "node1": "1024M", "cpus": 2},
    # The KVM host: same shape, more fast memory for its own guests.
    "host": {"node0": "1024M", "node1": "1024M", "cpus": 2},
}
NODE_PERF = [  # (latency ns, bandwidth) from initiator 0
    (80, "20G"),
    (250, "5G"),
]

FIRMWARE_DIRS = ["/usr/share/seabios", "/usr/share/qemu", "/usr/lib/ipxe/qemu"]

BASE_CMDLINE = ("console=ttyS0,115200 panic=-1 oops=panic rdinit=/init "
                "rcupdate.rcu_cpu_stall_timeout=300 watchdog_thresh=60 "
                "tsc=reliable")

# Console lines that mean the kernel is unhealthy.  Any of them fails a run.
SPLAT_RE = re.compile(
    r"(BUG: |WARNING: |Oops|Kernel panic|kernel BUG at|general protection fault"
    r"|Call Trace:|UBSAN:|KASAN:|KFENCE:|INFO: task .* blocked for more than"
    r"|soft lockup|hard LOCKUP|rcu_.*self-detected stall|detected stalls on CPUs"
    r"|Unable to handle kernel|invalid opcode:|possible circular locking"
    r"|inconsistent lock state|list_add corruption|list_del corruption"
    r"|Out of memory: Killed process|segfault at )")
# The CPU of the demo: an Ice Lake with the emulated adaptive PEBS.
DEMO_CPU = "Icelake-Server,model=106,pmu=on,x-pebs=on"
TIME_RE = re.compile(r"^\[\s*\d+\.\d+\]\s?")
KUNIT_SUITE_RE = re.compile(
    r"^\s*# ([\w.-]+): pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)")
TAP_RE = re.compile(r"^(not ok|ok)\s+\d+\b(.*)$")
TAP_SKIPALL_RE = re.compile(r"^1\.\.0\b.*#\s*SKIP", re.I)
KSFT_TOTALS_RE = re.compile(
    r"^# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)")


def topology_args(mode, smp=None):
    t = dict(TOPOLOGY[mode])
    if smp:
        t["cpus"] = smp
    a = ["-machine", "q35,hmat=on", "-smp", str(t["cpus"]),
         "-m", "%dM" % (_mib(t["node0"]) + _mib(t["node1"]))]
    a += ["-object", "memory-backend-ram,id=m0,size=%s" % t["node0"],
          "-object", "memory-backend-ram,id=m1,size=%s" % t["node1"],
          "-numa", "node,nodeid=0,cpus=0-%d,memdev=m0,initiator=0" % (t["cpus"] - 1),
          "-numa", "node,nodeid=1,memdev=m1,initiator=0",
          "-numa", "dist,src=0,dst=1,val=20"]
    for node, (lat, bw) in enumerate(NODE_PERF):
        a += ["-numa", "hmat-lb,initiator=0,target=%d,hierarchy=memory,"
              "data-type=access-latency,latency=%d" % (node, lat),
              "-numa", "hmat-lb,initiator=0,target=%d,hierarchy=memory,"
              "data-type=access-bandwidth,bandwidth=%s" % (node, bw)]
    return a


def _mib(s):
    return int(s[:-1]) * (1024 if s.endswith("G") else 1)


def qemu_argv(args, mode, cmdline, extra, interactive=False, smp=None):
    argv = [args.qemu, "-nodefaults", "-no-reboot"]
    # The system's firmware (seabios, ipxe-qemu, qemu-system-data).
    for d in FIRMWARE_DIRS:
        argv += ["-L", d]
    # -icount (deterministic virtual time) needs the single-threaded TCG.
    thread = "single" if "-icount" in extra else "multi"
    argv += [
            "-accel", "tcg,thread=" + thread, "-cpu", args.cpu or "max"]
    argv += topology_args(mode, smp)
    argv += ["-kernel", args.kernel,
             "-initrd", os.path.join(args.out, "initramfs-%s.cpio.gz" % mode),
             "-append", cmdline]
    if interactive:
        argv += ["-nographic"]
    else:
        argv += ["-display", "none", "-serial", "stdio", "-monitor", "none"]
    if args.qmp:
        argv += ["-qmp", "unix:%s,server=on,wait=off" % args.qmp]
    argv += extra
    return argv


class Result:
    def __init__(self, name):
        self.name = name
        self.passed = self.failed = self.skipped = 0
        self.note = ""
        self.evidence = []	# console lines that explain a failure


def parse_test_block(name, lines, rc):
    """Count TAP results of one test program's output."""
    r = Result(name)
    totals = None
    for i, ln in enumerate(lines):
        m = KSFT_TOTALS_RE.match(ln)
        if m:
            p, f, xf, xp, s, e = map(int, m.groups())
            totals = (p + xf, f + xp + e, s)
            continue
        if TAP_SKIPALL_RE.match(ln):
            r.skipped += 1
            r.note = ln.split("#", 1)[1].strip()
            continue
        m = TAP_RE.match(ln)
        if not m:
            continue
        directive = m.group(2)
        if re.search(r"#\s*SKIP", directive, re.I):
            r.skipped += 1
        elif m.group(1) == "ok":
            r.passed += 1
        else:
            r.failed += 1
            # The diagnostics a test prints just before its verdict.
            ctx = [c for c in lines[max(0, i - 6):i] if c.startswith("#")]
            r.evidence += ctx + [ln]
    if totals and totals[0] + totals[1] + totals[2] >= r.passed + r.failed + r.skipped:
        r.passed, r.failed, r.skipped = totals
    if (rc not in (0, 4) or r.failed) and not r.evidence:
        r.evidence = lines[-10:]
    if rc in (124, 137, 143):
        r.failed += 1
        r.note = "timed out"
    elif rc == 4 and r.passed + r.failed + r.skipped == 0:
        r.skipped = 1
        r.note = r.note or "skipped (exit 4)"
    elif rc != 0 and rc != 4 and r.failed == 0:
        r.failed += 1
        r.note = "exit code %d" % rc
    elif rc == 0 and r.passed + r.failed + r.skipped == 0:
        r.passed = 1
        r.note = "no TAP output; exit 0"
    return r


def read_list(mode, only):
    """Split the mode's test list into boot groups.

    A line '@boot key=value...' starts a new boot for the tests below it:
      smp=N        N vCPUs on node 0 (the rest of the topology unchanged)
      cmdline=ARG  one more kernel command-line argument (repeatable)
      device=DEV   one more '-device DEV' for QEMU (repeatable)
      qemu=ARGS    more QEMU arguments, split at commas that start an option
                   ('qemu=-icount,shift=0' gives '-icount shift=0'; repeatable)
    Returns [(BootOpts, [(name, timeout)])].
    """
    list_path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "lists", "%s.list" % mode)
    groups = [({"smp": None, "cmdline": [], "device": [], "qemu": []}, [])]
    with open(list_path) as f:
        for ln in f:
            ln = ln.strip()
            if not ln or ln.startswith("#"):
                continue
            if ln.startswith("@boot"):
                opts = {"smp": None, "cmdline": [], "device": [], "qemu": []}
                for tok in ln.split()[1:]:
                    key, _, val = tok.partition("=")
                    if key == "smp" and val.isdigit():
                        opts["smp"] = int(val)
                    elif key in ("cmdline", "device") and val:
                        opts[key].append(val)
                    elif key == "qemu" and val.startswith("-"):
                        opt, _, rest = val.partition(",")
                        opts[key] += [opt] + ([rest] if rest else [])
                    else:
                        sys.exit("harness: %s: bad '@boot' option '%s'" % (list_path, tok))
                groups.append((opts, []))
                continue
            name, tmo = ln.split()[:2]
            if only and name not in only.split(","):
                continue
            groups[-1][1].append((name, int(tmo)))
    return [g for g in groups if g[1]]


class QmpRelay:
    """Carries out requests a guest test prints on the console.

    A guest test asks the host side for something by printing
      HT-HOST <id> qmp <json command>     run a QMP command
      HT-HOST <id> events                 QMP events seen so far (and forget them)
    and reads the answer from its serial port as one line
      HT-REPLY <id> <json>
    This lets tests inside the guest drive and check the VMM (balloon
    targets, device state) without a network.
    """

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""
        self.events = []

    def _connect(self):
        import socket
        deadline = time.time() + 30
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(self.path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self._read_msg()  # greeting
        self._send({"execute": "qmp_capabilities"})
        self._reply()

    def _send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def _read_msg(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def _reply(self):
        while True:
            msg = self._read_msg()
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def handle(self, req):
        try:
            if self.sock is None:
                self._connect()
            kind, _, arg = req.partition(" ")
            if kind == "qmp":
                self._send(json.loads(arg))
                return self._reply()
            if kind == "events":
                self.sock.setblocking(False)
                try:
                    while True:
                        try:
                            chunk = self.sock.recv(65536)
                        except BlockingIOError:
                            break
                        if not chunk:
                            break
                        self.buf += chunk
                finally:
                    self.sock.setblocking(True)
                while b"\n" in self.buf:
                    line, self.buf = self.buf.split(b"\n", 1)
                    msg = json.loads(line)
                    if "event" in msg:
                        self.events.append(msg)
                ev, self.events = self.events, []
                return {"return": ev}
            return {"error": {"class": "HarnessError", "desc": "unknown request " + kind}}
        except (OSError, ValueError) as e:
            return {"error": {"class": "HarnessError", "desc": str(e)}}


def run_test(args):
    mode = args.mode
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    groups = read_list(mode, args.only)
    all_lines, expected, problems = [], [], []
    for i, (opts, tests) in enumerate(groups):
        names = [n for n, _ in tests]
        expected += names
        budget = args.timeout or 300 + sum(t + 30 for _, t in tests)
        cmdline = BASE_CMDLINE + " ht.mode=test ht.only=" + ",".join(names)
        if i > 0:
            cmdline += " kunit.enable=0"  # KUnit results come from the first boot
        cmdline += "".join(" " + c for c in opts["cmdline"])
        if args.cmdline:
            cmdline += " " + args.cmdline
        extra = []
        for d in opts["device"]:
            extra += ["-device", d]
        extra += opts["qemu"]
        qmp_path = os.path.join(args.out, "logs", "%s-qmp-%d.sock" % (mode, i + 1))
        if os.path.exists(qmp_path):
            os.unlink(qmp_path)
        extra += ["-qmp", "unix:%s,server=on,wait=off" % qmp_path]
        argv = qemu_argv(args, mode, cmdline, extra + shlex.split(args.qemu_opts or ""),
                         smp=opts["smp"])
        log_path = os.path.join(args.out, "logs", "%s-console%s.log"
                                % (mode, "" if i == 0 else "-%d" % (i + 1)))
        print("harness: %s mode, boot %d/%d, %d tests, timeout %ds, console %s"
              % (mode, i + 1, len(groups), len(tests), budget, log_path))
        print("harness: " + " ".join(shlex.quote(a) for a in argv))
        sys.stdout.flush()
        lines, timed_out, rc = boot_and_collect(argv, log_path, budget, args.verbose,
                                                relay=QmpRelay(qmp_path))
        all_lines += lines
        problems += boot_problems(lines, timed_out, rc, "boot %d" % (i + 1))
    return report(mode, all_lines, expected, problems)


HOST_REQ_RE = re.compile(r"HT-HOST (\d+) (.*)$")


def boot_and_collect(argv, log_path, budget, verbose, on_line=None, relay=None):
    """Run QEMU, log its console, return (lines, timed_out, exit code)."""
    lines = []
    start = time.time()
    timed_out = False
    with open(log_path, "w") as log:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if relay else subprocess.DEVNULL,
                             start_new_session=True)
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ)
        buf = b""
        while True:
            left = budget - (time.time() - start)
            if left <= 0:
                timed_out = True
                break
            if not sel.select(timeout=min(left, 5)):
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                ln = raw.decode("utf-8", "replace").rstrip("\r")
                log.write(ln + "\n")
                lines.append(ln)
                if verbose:
                    print(ln)
                elif not on_line and ln.startswith(("HT-BEGIN", "HT-END", "HT-BOOTED",
                                                    "HT-DONE")):
                    print("  [%6.1fs] %s" % (time.time() - start, ln))
                    sys.stdout.flush()
                if on_line:
                    on_line(ln)
                m = HOST_REQ_RE.search(ln) if relay else None
                if m:
                    reply = relay.handle(m.group(2))
                    out = "HT-REPLY %s %s\n" % (m.group(1), json.dumps(reply, sort_keys=True))
                    log.write("[harness] " + out)
                    try:
                        p.stdin.write(out.encode())
                        p.stdin.flush()
                    except OSError:
                        pass
            log.flush()
        if buf:
            lines.append(buf.decode("utf-8", "replace"))
            log.write(lines[-1] + "\n")
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        rc = p.wait()
    return lines, timed_out, rc


def find_splats(lines):
    """Console lines that mean the kernel is unhealthy.

    A "page allocation failure" report is a warning a test can provoke on
    purpose (a full node refusing a move_pages promotion, say); its call
    trace is not a splat.  Any other trace is.
    """
    splats, quiet_until = [], -1
    for i, raw in enumerate(lines):
        ln = TIME_RE.sub("", raw)
        if "page allocation failure:" in ln:
            quiet_until = i + 60
            continue
        if i <= quiet_until and "Call Trace:" in ln:
            continue
        if SPLAT_RE.search(ln):
            splats.append(raw)
    return splats


def boot_problems(lines, timed_out, rc, what):
    problems = []
    booted = any(ln.startswith("HT-BOOTED") for ln in lines)
    done = any(ln.startswith("HT-DONE") for ln in lines)
    splats = find_splats(lines)
    if not booted:
        problems.append("%s: the guest never reached init (QEMU exit %d)" % (what, rc))
    if timed_out:
        problems.append("%s: timed out" % what)
    elif booted and not done:
        problems.append("%s: ended before HT-DONE (QEMU exit %d)" % (what, rc))
    if splats:
        problems.append("%s: %d kernel splat line(s) on the console, first: %s"
                        % (what, len(splats), splats[0].strip()))
    return problems


def report(mode, lines, expected, problems):
    results = []
    kunit = []
    cur, block = None, []
    booted = False
    ksuite, kcases = None, [0, 0, 0]
    for raw in lines:
        ln = TIME_RE.sub("", raw)
        if ln.startswith("HT-BOOTED"):
            booted = True
        if not booted:
            m = KUNIT_SUITE_RE.match(ln)
            if m and m.group(1) != "Totals":
                r = Result("kunit:" + m.group(1))
                r.passed, r.failed, r.skipped = map(int, m.group(2, 3, 4))
                kunit.append(r)
                continue
            # A suite of one case prints no 'pass:' line: count its cases.
            m = re.match(r"^    # Subtest: ([\w.-]+)", ln)
            if m:
                ksuite, kcases = m.group(1), [0, 0, 0]
                continue
            m = re.match(r"^    (not ok|ok) \d+ .*?(# SKIP)?", ln)
            if m and ksuite:
                kcases[2 if m.group(2) else 0 if m.group(1) == "ok" else 1] += 1
                continue
            m = re.match(r"^(not ok|ok) \d+ ([\w.-]+)", ln)
            if m and ksuite == m.group(2):
                if not any(k.name == "kunit:" + ksuite for k in kunit):
                    r = Result("kunit:" + ksuite)
                    r.passed, r.failed, r.skipped = kcases
                    if m.group(1) == "not ok" and not r.failed:
                        r.failed = 1
                    kunit.append(r)
                ksuite = None
            continue
        if ln.startswith("HT-BEGIN "):
            cur, block = ln.split()[1], []
        elif ln.startswith("HT-END ") and cur:
            m = re.search(r"rc=(\d+)", ln)
            results.append(parse_test_block(cur, block, int(m.group(1)) if m else 1))
            cur = None
        elif ln.startswith("HT-DONE"):
            booted = False
        elif cur:
            block.append(ln)
    seen = {r.name for r in results}
    for name in expected:
        if name not in seen:
            r = Result(name)
            r.failed = 1
            r.note = "did not run to the end" if cur == name else "never started"
            results.append(r)
    rows = kunit + results
    w = max([len(r.name) for r in rows] + [5])
    print()
    print("%-*s %7s %7s %7s  %s" % (w, "suite", "passed", "failed", "skipped", "note"))
    print("-" * (w + 36))
    for r in rows:
        print("%-*s %7d %7d %7d  %s" % (w, r.name, r.passed, r.failed, r.skipped, r.note))
    tp = sum(r.passed for r in rows)
    tf = sum(r.failed for r in rows)
    ts = sum(r.skipped for r in rows)
    if not kunit and mode == "guest" and not problems:
        problems.append("no KUnit results on the console")
    failed = [r for r in results if r.failed and r.evidence]
    if failed:
        print()
        print("failures (the console lines before each verdict; logs under out/logs):")
        for r in failed:
            for ln in r.evidence[-40:]:
                print("  %s: %s" % (r.name, ln))
    for pr in problems:
        print("harness: FAIL: " + pr)
    print("%s: %d passed, %d failed, %d skipped" % (mode, tp, tf + len(problems), ts))
    return 1 if (tf or problems) else 0


def run_demo(args):
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    log_path = os.path.join(args.out, "logs", "demo-console.log")
    cmdline = BASE_CMDLINE + " loglevel=4 ht.mode=demo ht.demo=" + args.name
    if args.cmdline:
        cmdline += " " + args.cmdline
    qmp_path = os.path.join(args.out, "logs", "demo-qmp.sock")
    if os.path.exists(qmp_path):
        os.unlink(qmp_path)
    extra = ["-device", "virtio-balloon-pci,node-targets=on",
             "-qmp", "unix:%s,server=on,wait=off" % qmp_path]
    if not args.cpu:
        # The placement part: HyperPlace samples with (emulated) PEBS, and
        # the tier model, off until the workload turns it on, counts
        # which node serves the accesses.
        args.cpu = DEMO_CPU
        cmdline += " hyperplace=on"
        extra += ["-object", "tier-model,id=tm,enabled=off"]
    argv = qemu_argv(args, "guest", cmdline, extra + shlex.split(args.qemu_opts or ""))
    print("demo: booting the two-tier guest (QEMU TCG): node 0 = 2 vCPUs + 512 MiB "
          "FMEM, node 1 = CPU-less 1 GiB SMEM, tiered virtio-balloon, "
          "HyperPlace on a PEBS-emulating Ice Lake")
    sys.stdout.flush()
    show = [False]

    def on_line(ln):
        if ln.startswith("HT-BOOTED"):
            show[0] = True
            return
        if ln.startswith("HT-DONE"):
            show[0] = False
        if show[0] and not ln.startswith(("HT-HOST", "HT-REPLY")):
            print(ln)
            sys.stdout.flush()
    lines, timed_out, rc = boot_and_collect(argv, log_path, args.timeout or 900,
                                            False, on_line, relay=QmpRelay(qmp_path))
    ok = any(ln.startswith("HT-DONE") for ln in lines) and not timed_out
    splats = find_splats(lines)
    if splats:
        print("demo: kernel splat on the console: " + splats[0])
    if not ok:
        print("demo: FAILED (timed out or never finished); console: " + log_path)
    return 0 if ok and not splats else 1


def run_boot(args):
    cmdline = BASE_CMDLINE + " ht.mode=shell"
    if args.cmdline:
        cmdline += " " + args.cmdline
    argv = qemu_argv(args, args.mode, cmdline, shlex.split(args.qemu_opts or ""),
                     interactive=True)
    print(" ".join(shlex.quote(a) for a in argv))
    os.execv(argv[0], argv)


def add_boot_args(ap, cpu_default=None,
                  cpu_help="QEMU -cpu model (default max)"):
    """The arguments every tool that boots the guest takes."""
    ap.add_argument("--out", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--cpu", default=cpu_default, help=cpu_help)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_boot_args(ap)
    ap.add_argument("--qmp", default=None, help="QMP unix socket path")
    ap.add_argument("--cmdline", default="", help="extra kernel command line")
    ap.add_argument("--qemu-opts", default="", help="extra QEMU options")
    ap.add_argument("--timeout", type=int, default=0)
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the console")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("test")
    t.add_argument("mode", choices=["guest", "host"])
    t.add_argument("--only", default="", help="comma-separated test names")
    d = sub.add_parser("demo")
    d.add_argument("name", nargs="?", default="topology")
    b = sub.add_parser("boot")
    b.add_argument("mode", choices=["guest", "host"], nargs="?", default="guest")
    args = ap.parse_args()
    for path, what in ((args.kernel, "kernel (make kernel)"),
                       (args.qemu, "QEMU (make qemu-build)")):
        if not os.path.exists(path):
            sys.exit("harness: %s missing: %s" % (what, path))
    if args.cmd == "test":
        sys.exit(run_test(args))
    if args.cmd == "demo":
        sys.exit(run_demo(args))
    run_boot(args)


if __name__ == "__main__":
    main()
