#!/usr/bin/env python3
"""thread-cpu.py A B FLOWS: a process's CPU ms per flow by thread, between two snapshots taken with
  cat /proc/PID/task/*/stat /proc/PID/stat /proc/PID/io > A   (the same for B, later)
(cat, not a Python snapshot: on a loaded machine Python takes a second to start and the window
would drift). Thread names have digits folded (habilis-db-N, C2 CompilerThreN...); threads that
exited between A and B (HotSpot adds and removes compiler threads) are only in the process total.
Also prints /proc/PID/io per flow: bytes written and system calls, figures the load does not change."""
import collections, os, re, sys

HZ = os.sysconf('SC_CLK_TCK')


def load(path):
    stats, io = [], {}
    for line in open(path):
        if ')' in line:
            name = line[line.index('(') + 1:line.rindex(')')]
            f = line[line.rindex(')') + 2:].split()
            stats.append((line.split()[0], name, int(f[11]), int(f[12])))
        elif ':' in line:
            k, v = line.split(':')
            io[k] = int(v)
    # The last stat line is /proc/PID/stat: the whole process, exited threads included.
    return {tid: (name, u, s) for tid, name, u, s in stats[:-1]}, stats[-1], io


(ta, pa, ioa), (tb, pb, iob), flows = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
ms = lambda ticks: ticks * 1000.0 / HZ / flows
groups, sys_part = collections.Counter(), collections.Counter()
for tid, (name, u, s) in tb.items():
    _, u0, s0 = ta.get(tid, (name, 0, 0))
    k = re.sub(r'\d+', 'N', name)
    groups[k] += ms(u - u0 + s - s0)
    sys_part[k] += ms(s - s0)
proc = ms(pb[2] + pb[3] - pa[2] - pa[3])
groups['(exited threads)'] = proc - sum(groups.values())
jit = sum(v for k, v in groups.items() if 'Compiler' in k)
print("process %.2f ms/flow: JIT compiler threads %.2f, exited threads %.2f, the rest %.2f"
      % (proc, jit, groups['(exited threads)'], proc - jit - groups['(exited threads)']))
print("io per flow: " + " ".join("%s %.0f" % (k, (iob[k] - ioa[k]) / flows) for k in iob if k in ioa))
for k, v in groups.most_common():
    if v >= 0.005 * proc:  # the groups above half a percent
        print("  %-18s %6.2f ms/flow (sys %5.2f) %5.1f%%" % (k, v, sys_part[k], 100 * v / max(proc, 1e-9)))
