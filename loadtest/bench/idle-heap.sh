#!/usr/bin/env bash
# Live heap per idle websocket connection, after a full collection: 3,000 connections first (one-time
# costs), then 10,000 more; per connection = (live heap at 13,000 - live heap at 3,000) / 10,000. The live
# heap is the total of `jcmd PID GC.class_histogram`, which collects first. Steadier than RSS growth,
# which follows G1's periodic collection.
#   loadtest/bench/idle-heap.sh                        (JAR=path/to/nexus-chat.jar for another build)
# Needs: mvn -q package -DskipTests.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-3700}; N1=${N1:-3000}; N2=${N2:-10000}
JAR=${JAR:-server/target/nexus-chat.jar}
OUT=target/bench; mkdir -p "$OUT"
LT="java -jar loadtest/target/nexus-loadtest.jar"
SERVER_JVM=${SERVER_JVM:-"-XX:+UseG1GC -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xms64m"}
MALLOC_ARENA_MAX=2 java $SERVER_JVM -jar "$JAR" bench-fanout --port $PORT --event-loops 2 > "$OUT/idle-heap-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER ${C1:-} ${C2:-} 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
live() { jcmd $SERVER GC.class_histogram 2>/dev/null | awk '/^Total/ {print $3}'; }
connected() { for _ in $(seq 1 600); do grep -q "connected; settling" "$1" && return 0; sleep 0.5; done; echo "clients did not connect: $1" >&2; return 1; }
$LT idle --url http://127.0.0.1:$PORT --clients $N1 --local-addresses 127.0.0.4 --settle 5s --hold 240s > "$OUT/idle-heap-1.log" 2>&1 &
C1=$!
connected "$OUT/idle-heap-1.log"; sleep 6
before=$(live)
$LT idle --url http://127.0.0.1:$PORT --clients $N2 --workers 2 --local-addresses 127.0.0.2,127.0.0.3 --settle 5s --hold 60s > "$OUT/idle-heap-2.log" 2>&1 &
C2=$!
connected "$OUT/idle-heap-2.log"; sleep 6
after=$(live)
echo "live heap: $before bytes at $N1 connections, $after at $((N1 + N2)): $(( (after - before) / N2 )) bytes per connection ($JAR)"
