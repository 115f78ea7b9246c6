#!/usr/bin/env python3
"""CPU of a running process by thread name, every few seconds: which of a JVM's threads (event loops, C1/C2
compilers, GC, G1 refinement, database workers) take the CPU during a benchmark.

  python3 loadtest/bench/threads.py PID [--every 5] [--count 30] [--from-log FILE]
With --from-log it starts when the load tool's log FILE first says "measure" (chat.sh's measured window:
--every 29 --count 1 gives the window's CPU by thread).
Each line: seconds since start, the process's total CPU % (100 = one core), then the thread groups above 1 %.
Threads are grouped by name with their trailing number dropped (vert.x-eventloop-thread-0 and -1 together).
"""
import argparse, collections, os, re, time


def snapshot(pid):
    ticks = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        group = re.sub(r"[-#]?\d+$", "", name)
        ticks[group] += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""  # not written yet


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pid")
    p.add_argument("--every", type=float, default=5)
    p.add_argument("--count", type=int, default=30)
    p.add_argument("--from-log", help="wait until this load-tool log says 'measure'")
    a = p.parse_args()
    hz = os.sysconf("SC_CLK_TCK")
    while a.from_log and "measure" not in read(a.from_log):
        time.sleep(0.2)
    before, start = snapshot(a.pid), time.time()
    for _ in range(a.count):
        time.sleep(a.every)
        try:
            now = snapshot(a.pid)
        except FileNotFoundError:
            break  # the process ended
        pct = {k: (now[k] - before.get(k, 0)) / hz / a.every * 100 for k in now}
        top = sorted(pct.items(), key=lambda kv: -kv[1])
        print(f"{time.time() - start:6.0f}s total {sum(pct.values()):5.1f}% | "
              + " ".join(f"{k}:{v:.0f}" for k, v in top if v >= 1), flush=True)
        before = now


if __name__ == "__main__":
    main()
