#!/usr/bin/env python3
"""process-ab.py N OLD NEW -- ARGS...: two cfnrun binaries on one command, whole process.

Runs OLD and NEW alternately (OLD, NEW, then NEW, OLD, ...) N times each with ARGS, output to
/dev/null, and prints for each the medians of: wall ms (fork to exit), CPU ms (user + system of the
child, from wait4), minor page faults and peak RSS; then NEW/OLD for wall and CPU with the load
average. What docs/performance.md's diff and Terraform whole-process ratios come from; at high load
read the CPU, not the wall time.

    scripts/process-ab.py 16 /tmp/cfnrun-old /tmp/cfnrun-new -- validate tf200
    scripts/process-ab.py 16 /tmp/cfnrun-old /tmp/cfnrun-new -- diff a.json b.json
"""
import os
import statistics
import sys
import time


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit(__doc__)
    n, bins, args = int(sys.argv[1]), sys.argv[2:4], sys.argv[5:]
    res = {b: [] for b in bins}
    for i in range(n):
        for b in bins if i % 2 == 0 else bins[::-1]:
            t0 = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                fd = os.open(os.devnull, os.O_WRONLY)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.execv(b, [b] + args)
            _, _, ru = os.wait4(pid, 0)
            wall = (time.perf_counter() - t0) * 1000
            res[b].append((wall, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_minflt, ru.ru_maxrss / 1024))
    med = {b: [statistics.median(r[k] for r in res[b]) for k in range(4)] for b in bins}
    for b in bins:
        m = med[b]
        print(f"{os.path.basename(b):>16} wall {m[0]:8.1f} ms  cpu {m[1]:7.1f} ms  faults {m[2]:6.0f}  rss {m[3]:6.1f} MB")
    old, new = med[bins[0]], med[bins[1]]
    print(f"NEW/OLD wall {new[0] / old[0]:.2f}  cpu {new[1] / old[1]:.2f}  (load {os.getloadavg()[0]:.1f}, {n} runs each)")


if __name__ == "__main__":
    main()
