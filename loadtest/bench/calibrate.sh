#!/usr/bin/env bash
# How fast is this machine right now? Two numbers that let BENCHMARKS.md figures from different machines (and
# from different hours on one virtual machine, whose host may be busy) be compared:
#   - a CPU-bound loop: 20 million additions in the system's Python 3 (/usr/bin/python3): seconds;
#   - a trivial system call pair (read 1 byte from /dev/zero, write it to /dev/null; 2 million pairs by dd):
#     nanoseconds per pair. A fan-out server on loopback spends most of its time in system calls and kernel
#     TCP work, so this one tracks the "server µs/delivery" figures more closely.
# Five runs of each; prints the best and the median as one Markdown table row. Lower is faster.
#   loadtest/bench/calibrate.sh
set -euo pipefail
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
py=() sys=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$PY" -c "
s = 0
for i in range(20000000): s += i"
  t1=$(date +%s%N)
  dd if=/dev/zero of=/dev/null bs=1 count=2000000 2>/dev/null
  t2=$(date +%s%N)
  py+=($(( (t1 - t0) / 1000000 ))); sys+=($(( (t2 - t1) / 2000000 )))
done
best_median() { sort -n | awk '{v[NR] = $1} END {printf "%s / %s", v[1], v[int((NR + 1) / 2)]}'; }
model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "| $(date -u +%FT%TZ) | $(nproc) × $model, kernel $(uname -r) | python loop best / median: $(printf '%s\n' "${py[@]}" | best_median) ms | syscall pair best / median: $(printf '%s\n' "${sys[@]}" | best_median) ns |"
