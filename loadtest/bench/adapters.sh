#!/usr/bin/env bash
# Reproduces the adapter figures of BENCHMARKS.md: the classic Redis adapter (every node gets every
# broadcast) against the sharded one (SPUBLISH per room channel, a node listens to the rooms it has
# members in), with 3, 10 and 30 simulated subscriber nodes (nexus-chat.jar bench-adapters: real adapters,
# each on its own Redis connections, in one process; stand-in sockets) on a redis-server of this script's own,
# so that its INFO counters (CPU, bytes out, commands) are the benchmark's alone. Each N runs classic then
# sharded, the whole set REPEAT times; the machine's calibration row before and after.
#   loadtest/bench/adapters.sh
#   NODES="3 10 30" REPEAT=2 RATE=1000 ROOMS=1000 NODES_PER_ROOM=2 MEMBERS=5 WARMUP=10 DURATION=20 REDIS_PORT=6400
#   override the defaults; other arguments go to bench-adapters.
# Results are appended to target/bench/adapters.md (Markdown rows) and adapters.csv; adapters-plot.py draws
# target/bench/adapters.svg from the CSV. Needs: mvn -q package -DskipTests; redis-server 7 (Debian package).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/bench
REDIS_PORT=${REDIS_PORT:-6400}
mkdir -p "$OUT"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/adapters-redis.log" 2>&1 & PIDS+=($!)
wait_port "$REDIS_PORT"
echo "calibration before: $(loadtest/bench/calibrate.sh)" | tee -a "$OUT/adapters.md"
for rep in $(seq 1 "${REPEAT:-2}"); do
  for nodes in ${NODES:-3 10 30}; do
    for adapter in classic sharded; do
      java -XX:+UseG1GC -Xms256m -jar server/target/nexus-chat.jar bench-adapters --redis "redis://127.0.0.1:$REDIS_PORT" \
        --adapter "$adapter" --nodes "$nodes" --rooms "${ROOMS:-1000}" --nodes-per-room "${NODES_PER_ROOM:-2}" \
        --members-per-node "${MEMBERS:-5}" --rate "${RATE:-1000}" --warmup "${WARMUP:-10}" --duration "${DURATION:-20}" \
        --out "$OUT/adapters.md" --csv "$OUT/adapters.csv" "$@" 2>> "$OUT/adapters-bench.log" | { grep -v ' INFO ' || true; }
    done
  done
done
echo "calibration after: $(loadtest/bench/calibrate.sh)" | tee -a "$OUT/adapters.md"
python3 loadtest/bench/adapters-plot.py "$OUT/adapters.csv" "$OUT/adapters.svg"
