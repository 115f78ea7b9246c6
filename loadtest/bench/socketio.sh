#!/usr/bin/env bash
# Reproduces the Socket.IO figures of BENCHMARKS.md on this machine: the bare room fan-out app on
# socketio/ (java -jar server/target/nexus-chat.jar bench-fanout) and the Node.js socket.io 4.8 reference
# (loadtest/reference-node, MODE=fanout), driven by loadtest/target/nexus-loadtest.jar.
#   loadtest/bench/socketio.sh [nexus|node|idle|idle-nexus|all]     (default: all; idle-nexus: Nexus only)
#   SERVER_JVM=... RATES="450 700" NODE_RATES=... PORT=... override the defaults below;
#   JAR=path/to/nexus-chat.jar runs another build (another commit, beside this one in one session),
#   TAG=-name is added to the result files' names.
# Results are appended to target/bench/*.md. Needs: mvn -q package -DskipTests; npm ci in reference-node.
set -euo pipefail
cd "$(dirname "$0")/../.."
WHAT=${1:-all}
OUT=target/bench
PORT=${PORT:-3600}
mkdir -p "$OUT"
LT="java -jar loadtest/target/nexus-loadtest.jar"
# G1 with a periodic collection returns memory when idle, so RSS follows the live set; two malloc arenas
# keep glibc from holding per-thread arenas. Both are ordinary production settings for a dense server.
SERVER_JVM=${SERVER_JVM:-"-XX:+UseG1GC -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xms64m"}
RATES=${RATES:-"450 1000 1500 2000 2500 3000"}
NODE_RATES=${NODE_RATES:-"450 600 3000"}
JAR=${JAR:-server/target/nexus-chat.jar}
CLIENTS="--clients 10000 --rooms 100 --workers 2 --local-addresses 127.0.0.2,127.0.0.3"

wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.2; done; echo "server did not start" >&2; return 1; }
start_nexus() { MALLOC_ARENA_MAX=2 java $SERVER_JVM -jar "$JAR" bench-fanout --port $PORT --event-loops 2 > "$OUT/nexus-server.log" 2>&1 & SERVER=$!; wait_port; }
start_node() { (cd loadtest/reference-node && PORT=$PORT MODE=fanout exec node server.js) > "$OUT/node-server.log" 2>&1 & SERVER=$!; wait_port; }
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; sleep 2; }
fanout() { $LT fanout --url http://127.0.0.1:$PORT $CLIENTS --server-pid "$SERVER" --warmup 10s --duration 30s "$@"; }

if [ "$WHAT" = nexus ] || [ "$WHAT" = all ]; then
  start_nexus
  for rate in $RATES; do
    fanout --rate $rate --out "$OUT/fanout-nexus${TAG:-}.md"
  done
  stop_server
fi

if [ "$WHAT" = node ] || [ "$WHAT" = all ]; then
  start_node
  for rate in $NODE_RATES; do
    fanout --rate $rate --out "$OUT/fanout-node${TAG:-}.md"
  done
  stop_server
fi

if [ "$WHAT" = idle ] || [ "$WHAT" = idle-nexus ] || [ "$WHAT" = all ]; then
  # Marginal memory: hold 5,000 idle connections, then add 14,000 (19,000 in one process) and divide the
  # RSS growth by 14,000, so that one-time costs (JIT, pools) do not count as per-connection memory.
  start_nexus
  $LT idle --url http://127.0.0.1:$PORT --clients 5000 --local-addresses 127.0.0.4 --settle 5s --hold 90s --server-pid "$SERVER" > "$OUT/idle-base.log" 2>&1 &
  BASE=$!
  sleep 25
  $LT idle --url http://127.0.0.1:$PORT --clients 14000 --workers 2 --local-addresses 127.0.0.2,127.0.0.3 --settle 20s --hold 5s --server-pid "$SERVER" --out "$OUT/idle-nexus${TAG:-}.md"
  wait $BASE || true
  stop_server
fi

if [ "$WHAT" = idle ] || [ "$WHAT" = all ]; then
  start_node
  $LT idle --url http://127.0.0.1:$PORT --clients 5000 --local-addresses 127.0.0.4 --settle 5s --hold 90s --server-pid "$SERVER" > "$OUT/idle-base-node.log" 2>&1 &
  BASE=$!
  sleep 25
  $LT idle --url http://127.0.0.1:$PORT --clients 14000 --workers 2 --local-addresses 127.0.0.2,127.0.0.3 --settle 20s --hold 5s --server-pid "$SERVER" --out "$OUT/idle-node${TAG:-}.md" || true
  wait $BASE || true
  stop_server
fi
