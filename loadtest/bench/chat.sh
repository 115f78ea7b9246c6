#!/usr/bin/env bash
# Reproduces the chat-server figures of BENCHMARKS.md: the full server (JWT auth, validation, storage,
# acks after commit) on embedded H2 and on PostgreSQL, and the Node.js socket.io 4.8 reference speaking
# the same events (loadtest/reference-node, stores nothing), driven by the load tool's chat scenario.
#   loadtest/bench/chat.sh [h2|postgres|node|all]     (default: all)
#   SERVER_JVM=... RATE=450 CLIENTS=10000 ROOMS=100 WARMUP=15s TAG= PORT=... override the defaults below;
#   JAR=path/to/nexus-chat.jar runs another build (another commit, beside this one in one session)
#   MENTIONS=0.1 READ_EVERY=5s: a tenth of the messages mention a member of the room, and every client
#   marks what it received as read every 5 s (servers without read markers ignore the event)
#   COMPANION_MENTIONS=0.01: user lt-owner creates the rooms and adds the demo companion to each, and a
#   hundredth of the messages call it (@mira); the row counts replies, refusals and the tokens each
#   member got (group-room run: CLIENTS=1000 ROOMS=10 COMPANION_MENTIONS=0.01 ... chat.sh h2; the
#   server's LLM_* variables come from the environment; not for the node reference)
#   (storage throughput: RATE=1200 CLIENTS=2000 ROOMS=1000 TAG=-store, rooms of two).
# Results are appended to target/bench/chat-*.md. Needs: mvn -q package -DskipTests; npm ci in
# reference-node; PostgreSQL on 127.0.0.1:5432 (trust auth, database test) for the postgres run.
set -euo pipefail
cd "$(dirname "$0")/../.."
WHAT=${1:-all}
OUT=target/bench
PORT=${PORT:-3610}
RATE=${RATE:-450}
CLIENTS=${CLIENTS:-10000}
ROOMS=${ROOMS:-100}
mkdir -p "$OUT"
# A benchmark-only secret: never use it for a real deployment.
SECRET=bench-secret-not-for-production-0123456789
SERVER_JVM=${SERVER_JVM:-"-XX:+UseG1GC -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xms64m"}
LT="java -jar loadtest/target/nexus-loadtest.jar"
JAR=${JAR:-server/target/nexus-chat.jar}

wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.2; done; echo "server did not start" >&2; return 1; }
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; sleep 2; }
chat() { $LT chat --url http://127.0.0.1:$PORT --jwt-secret "$SECRET" --clients "$CLIENTS" --rooms "$ROOMS" --workers 2 \
  --local-addresses 127.0.0.2,127.0.0.3 --rate "$RATE" \
  ${MENTIONS:+--mentions "$MENTIONS"} ${READ_EVERY:+--read-every "$READ_EVERY"} ${COMPANION_MENTIONS:+--companion-mentions "$COMPANION_MENTIONS"} --warmup "${WARMUP:-15s}" --duration 30s --server-pid "$SERVER" --out "$1"; }
start_nexus() { # extra environment in "$@"
  env "$@" JWT_SECRET="$SECRET" PORT=$PORT HOST=127.0.0.1 MALLOC_ARENA_MAX=2 \
    java $SERVER_JVM -jar "$JAR" > "$OUT/chat-server.log" 2>&1 & SERVER=$!
  wait_port
}

if [ "$WHAT" = h2 ] || [ "$WHAT" = all ]; then
  rm -rf "$OUT/chat-data"
  start_nexus DATA_DIR="$OUT/chat-data"
  chat "$OUT/chat-h2${TAG:-}.md"
  stop_server
fi

if [ "$WHAT" = postgres ] || [ "$WHAT" = all ]; then
  psql -h 127.0.0.1 -U postgres -d test -q -c "DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;"
  start_nexus DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=bench"
  chat "$OUT/chat-postgres${TAG:-}.md"
  stop_server
fi

if [ "$WHAT" = node ] || [ "$WHAT" = all ]; then
  (cd loadtest/reference-node && PORT=$PORT JWT_SECRET="$SECRET" exec node server.js) > "$OUT/chat-node.log" 2>&1 & SERVER=$!
  wait_port
  chat "$OUT/chat-node${TAG:-}.md"
  stop_server
fi
