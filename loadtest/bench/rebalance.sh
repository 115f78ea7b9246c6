#!/usr/bin/env bash
# Drain and rebalance (BENCHMARKS.md): three nodes behind nginx (deploy/run-cluster.sh), CLIENTS official
# socket.io-client websocket clients (loadtest/bench/rebalance-clients.mjs) sending a message every SEND_MS;
# after STEADY_S node 2 is restarted (`deploy/run-cluster.sh restart 2`: SIGTERM, a drain, then a new start).
# Measured (loadtest/bench/rebalance-watch.py, every 100 ms): from SIGTERM to /ready 503, to the last socket
# of the node closed, from the restarted node's ready to every node within 15 % of the mean, the connections
# moved by rebalancing; the clients' reconnection times; messages acknowledged vs stored (lost must be 0).
#   loadtest/bench/rebalance.sh
#   CLIENTS=3000 SEND_MS=10000 STEADY_S=20 DEADLINE_S=240 DRAIN_GRACE_MS=15000 PGDATABASE=test override the defaults
# Results are appended to target/bench/rebalance.md. Needs: mvn -q package -DskipTests; nginx; Redis on
# 127.0.0.1:6379 (keys under a prefix of this run's own); PostgreSQL on 127.0.0.1:5432 (trust, database test);
# Node.js with socketio/src/test/js/node_modules (the socketio module's build installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/bench
CLIENTS=${CLIENTS:-3000}
ROOMS=${ROOMS:-100}
SEND_MS=${SEND_MS:-10000}
STEADY_S=${STEADY_S:-20}
DEADLINE_S=${DEADLINE_S:-240}
PGDATABASE=${PGDATABASE:-test}
BASE_PORT=${BASE_PORT:-3631}
METRICS_BASE_PORT=${METRICS_BASE_PORT:-3641}
LISTEN_PORT=${LISTEN_PORT:-3630}
# nginx takes at most 1,000 connections from one client address (deploy/nginx.conf)
LOCAL_ADDRESSES=$(seq -s, -f '127.0.0.%g' 2 $((2 + (CLIENTS + 899) / 900)))
# A benchmark-only secret: never use it for a real deployment.
SECRET=bench-secret-not-for-production-0123456789
RUN=$(date +%s)
mkdir -p "$OUT"
export RUN_DIR="$PWD/$OUT/rebalance-cluster"
rm -rf "$RUN_DIR"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

psql -h 127.0.0.1 -U postgres -d "$PGDATABASE" -q -c "DROP SCHEMA IF EXISTS bench_rebalance CASCADE; CREATE SCHEMA bench_rebalance;"
NODES=3 LISTEN_PORT=$LISTEN_PORT BASE_PORT=$BASE_PORT METRICS_BASE_PORT=$METRICS_BASE_PORT \
  JWT_SECRET=$SECRET REDIS_KEY_PREFIX="bench-rebalance-$RUN:" REDIS_ADAPTER_KEY="bench-rebalance-$RUN" \
  DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$PGDATABASE?user=postgres&currentSchema=bench_rebalance" \
  DRAIN_GRACE_MS=${DRAIN_GRACE_MS:-15000} JAVA_OPTS="-Xmx256m -XX:+UseG1GC" \
  MAX_CONNECTIONS_PER_ADDRESS=0 HANDSHAKES_PER_ADDRESS_PER_MINUTE=0 \
  deploy/run-cluster.sh > "$OUT/rebalance-cluster.log" 2>&1 & CLUSTER=$!; PIDS+=($CLUSTER)
for _ in $(seq 1 600); do grep -q "^nginx on" "$OUT/rebalance-cluster.log" && break; kill -0 $CLUSTER || { cat "$OUT/rebalance-cluster.log"; exit 1; }; sleep 0.2; done

# 100 users, HS256 tokens signed with the benchmark secret
TOKENS=$(python3 - "$SECRET" <<'EOF'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
out = []
for i in range(100):
    body = b64(json.dumps({"sub": f"bench-user-{i}", "name": f"User {i}", "exp": int(time.time()) + 3600}).encode())
    sig = b64(hmac.new(sys.argv[1].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    out.append(f"{head}.{body}.{sig}")
print(",".join(out))
EOF
)
SIGTERM_FILE="$OUT/rebalance-sigterm"; rm -f "$SIGTERM_FILE"
ACKED="$OUT/rebalance-acked.txt"
load_before=$(cut -d' ' -f1 /proc/loadavg)
URL="http://127.0.0.1:$LISTEN_PORT" TOKENS=$TOKENS CLIENTS=$CLIENTS ROOMS=$ROOMS SEND_MS=$SEND_MS \
  LOCAL_ADDRESSES=$LOCAL_ADDRESSES DURATION_S=$((STEADY_S + DEADLINE_S + 60)) ACKED_FILE=$ACKED \
  node loadtest/bench/rebalance-clients.mjs > "$OUT/rebalance-clients.log" 2>&1 & CLIENTS_PID=$!; PIDS+=($CLIENTS_PID)
for _ in $(seq 1 1200); do grep -q "^connected" "$OUT/rebalance-clients.log" && break; kill -0 $CLIENTS_PID || { cat "$OUT/rebalance-clients.log"; exit 1; }; sleep 0.5; done
echo "$CLIENTS clients connected; steady for ${STEADY_S}s"
python3 loadtest/bench/rebalance-watch.py "$BASE_PORT" "$METRICS_BASE_PORT" 3 2 "$SIGTERM_FILE" "$DEADLINE_S" > "$OUT/rebalance-watch.json" & WATCH=$!; PIDS+=($WATCH)
sleep "$STEADY_S"
date +%s.%N > "$SIGTERM_FILE"
deploy/run-cluster.sh restart 2
wait $WATCH || true
cat "$OUT/rebalance-watch.json"
sleep 10   # the last sends' acks
kill -USR2 $CLIENTS_PID
wait $CLIENTS_PID || true
tail -1 "$OUT/rebalance-clients.log"

# acknowledged vs stored: every acknowledged (id, clientId) must be a stored row
psql -h 127.0.0.1 -U postgres -d "$PGDATABASE" -q -c "CREATE TABLE bench_rebalance.acked (id bigint, client_id text)"
psql -h 127.0.0.1 -U postgres -d "$PGDATABASE" -q -c "\\copy bench_rebalance.acked FROM '$ACKED' WITH (DELIMITER ' ')"
read -r acked lost < <(psql -h 127.0.0.1 -U postgres -d "$PGDATABASE" -Atc \
  "SELECT count(*), count(*) FILTER (WHERE m.id IS NULL) FROM bench_rebalance.acked a LEFT JOIN bench_rebalance.messages m ON m.id = a.id AND m.client_id = a.client_id" | tr '|' ' ')
stored=$(psql -h 127.0.0.1 -U postgres -d "$PGDATABASE" -Atc "SELECT count(*) FROM bench_rebalance.messages")
echo "acked $acked, stored $stored, lost $lost"
python3 - "$OUT/rebalance.md" "$OUT/rebalance-watch.json" "$OUT/rebalance-clients.log" "$acked" "$stored" "$lost" "$CLIENTS" "$load_before" "${DRAIN_GRACE_MS:-15000}" <<'EOF'
import json, os, sys
out, watch, clients, acked, stored, lost, n, load, grace = sys.argv[1:10]
w = json.loads(open(watch).read().strip().splitlines()[-1])
c = json.loads(open(clients).read().strip().splitlines()[-1])
new = not os.path.exists(out)
with open(out, "a") as f:
    if new:
        f.write("| clients | grace ms | SIGTERM to /ready 503 s | to last socket closed s | reconnect p50/p95/max ms | restarted ready to balanced s | moved | final counts | acked | stored | lost | load before |\n")
        f.write("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    f.write(f"| {n} | {grace} | {w.get('ready_503_s')} | {w.get('sockets_closed_s')} | {c['reconnect_p50_ms']}/{c['reconnect_p95_ms']}/{c['reconnect_max_ms']} | "
            f"{w.get('balanced_after_ready_s', 'not within deadline')} | {w.get('moved')} | {w.get('counts', w.get('counts_at_deadline'))} | {acked} | {stored} | {lost} | {load} |\n")
print(open(out).read())
EOF
