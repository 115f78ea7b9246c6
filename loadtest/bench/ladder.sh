#!/usr/bin/env bash
# The staged ladder of BENCHMARKS.md, in one command: 100 -> 1,000 -> 5,000 -> 10,000 users (each stage held
# 30 s), driven by `nexus-loadtest.jar ladder`, against
#   nexus   the chat server (java -jar server/target/nexus-chat.jar, embedded H2, fresh data directory)
#   node    the Node.js socket.io 4.8 reference (loadtest/reference-node, MODE=chat, stores nothing)
#   mixed   the chat server with 10 % of the users talking to a companion (simulated LLM provider)
#   loadtest/bench/ladder.sh [nexus|node|mixed|all]        (default: nexus then node)
#   TAG=-x suffixes the Nexus output directory;
#   STAGES=100,1000,5000,10000 HOLD=30s RAMP=1000 SEND_EVERY=20s WORKERS=2 PORT=3640 SERVER_JVM=... override;
#   DATA_ROOT=/dev/shm puts the server's H2 database on tmpfs (no fsync cost: shows what the disk adds).
# Reports go to target/bench/ladder-<what>/ (result.json, report.html, server.log). Needs:
# mvn -q package -DskipTests; (cd loadtest/reference-node && npm ci) for node. The machine is measured as it
# is: the reports' "other CPU" column shows how much of it other work took.
set -euo pipefail
cd "$(dirname "$0")/../.."
WHAT=${1:-both}
PORT=${PORT:-3640}
STAGES=${STAGES:-100,1000,5000,10000}
HOLD=${HOLD:-30s}
RAMP=${RAMP:-1000}
SEND_EVERY=${SEND_EVERY:-20s}
WORKERS=${WORKERS:-2}
OUT=target/bench
# A benchmark-only secret: never use it for a real deployment.
SECRET=bench-secret-not-for-production-0123456789
SERVER_JVM=${SERVER_JVM:-"-XX:+UseG1GC -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xms64m"}
LT="java -jar loadtest/target/nexus-loadtest.jar"
mkdir -p "$OUT"

SERVER=
stop_server() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; sleep 2; fi
}
trap stop_server EXIT
wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.2; done; echo "server did not start" >&2; return 1; }

start_nexus() { # $1: output directory
  local data=${DATA_ROOT:-$1}/nexus-ladder-data
  rm -rf "$data"
  mkdir -p "$1"
  JWT_SECRET="$SECRET" PORT=$PORT HOST=127.0.0.1 DATA_DIR="$data" MALLOC_ARENA_MAX=2 \
    java $SERVER_JVM -jar server/target/nexus-chat.jar > "$1/server.log" 2>&1 & SERVER=$!
  wait_port
}

start_node() { # $1: output directory
  mkdir -p "$1"
  (cd loadtest/reference-node && PORT=$PORT JWT_SECRET="$SECRET" MODE=chat exec node server.js) > "$1/server.log" 2>&1 & SERVER=$!
  wait_port
}

ladder() { # $1: output directory, $2: title, then extra options
  local dir=$1 title=$2
  shift 2
  local status=0
  $LT ladder --url "http://127.0.0.1:$PORT" --jwt-secret "$SECRET" --stages "$STAGES" --hold "$HOLD" --ramp "$RAMP" \
    --send-every "$SEND_EVERY" --workers "$WORKERS" --local-addresses 127.0.0.2,127.0.0.3 --server-pid "$SERVER" \
    --max-p99-ms 1000 --max-error-rate 0.01 --title "$title" --out "$dir" "$@" || status=$?
  echo "$title: exit $status, report $dir/report.html"
}

if [ "$WHAT" = nexus ] || [ "$WHAT" = both ] || [ "$WHAT" = all ]; then
  start_nexus "$OUT/ladder-nexus${TAG:-}"
  ladder "$OUT/ladder-nexus${TAG:-}" "Nexus (JVM, H2${DATA_ROOT:+ on $DATA_ROOT}): chat ladder to ${STAGES##*,} users"
  stop_server
fi

if [ "$WHAT" = node ] || [ "$WHAT" = both ] || [ "$WHAT" = all ]; then
  start_node "$OUT/ladder-node"
  ladder "$OUT/ladder-node" "Node.js socket.io 4.8 reference (stores nothing): chat ladder to ${STAGES##*,} users"
  stop_server
fi

if [ "$WHAT" = mixed ] || [ "$WHAT" = all ]; then
  start_nexus "$OUT/ladder-mixed"
  ladder "$OUT/ladder-mixed" "Nexus (JVM, H2): mixed ladder (10 % companion users, simulated LLM) to ${STAGES##*,} users" \
    --scenario mixed --mix chat=90,companion=10
  stop_server
fi
