#!/usr/bin/env bash
# Reproduces the cluster figures of BENCHMARKS.md: two (NODES) chat server nodes on one PostgreSQL schema, the
# Redis adapter on a redis-server of this script's own (so that its CPU is known), nginx in front
# (deploy/nginx.conf via deploy/nginx-config.sh), driven through nginx by the load tool's chat scenario:
# least_conn splits the clients over the nodes, so about half of every room's members are on the other node.
#   loadtest/bench/cluster.sh
#   RATE=450 CLIENTS=10000 ROOMS=100 WARMUP=15s PORT=3620 REDIS_PORT=6391 EVENT_LOOPS=1 NODES=2 SERVER_JVM=... override
#   the defaults; PGDATABASE=test is the database (a database of the benchmark's own, e.g. nexus_bench, created
#   if missing, keeps the per-message PostgreSQL counts free of other clients' work);
#   the nodes run with rate limits on (RATE_LIMITS=false turns them off), shared through the Redis, but
#   without the per-address connection and handshake caps (the load tool's thousands of users come from twelve
#   addresses, where real clients each have their own), and
#   the hist_* columns give the rate limit check time (nexus_rate_limit_check_seconds, both nodes) over the
#   measured window
# Results are appended to target/bench/cluster.md, with a line of the other processes' CPU in
# target/bench/cluster-cpu.md, and Redis and PostgreSQL operations per message (loadtest/bench/opcount.py over
# the run's steady part) in target/bench/cluster-ops.md. Needs: mvn -q package -DskipTests; redis-server and nginx (Debian packages);
# PostgreSQL on 127.0.0.1:5432 (trust auth, database test).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/bench
PORT=${PORT:-3620}
REDIS_PORT=${REDIS_PORT:-6391}
RATE=${RATE:-450}
CLIENTS=${CLIENTS:-10000}
ROOMS=${ROOMS:-100}
EVENT_LOOPS=${EVENT_LOOPS:-1}
NODES=${NODES:-2}
PGDATABASE=${PGDATABASE:-test}
# Twelve client addresses: nginx takes at most 1,000 connections from one (deploy/nginx.conf)
LOCAL_ADDRESSES=$(seq -s, -f '127.0.0.%g' 2 13)
mkdir -p "$OUT/cluster-nginx/logs" "$OUT/cluster-nginx/temp"
# A benchmark-only secret: never use it for a real deployment.
SECRET=bench-secret-not-for-production-0123456789
SERVER_JVM=${SERVER_JVM:-"-XX:+UseG1GC -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xms64m"}
LT="java -jar loadtest/target/nexus-loadtest.jar"
PIDS=()

wait_port() { for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "nothing listens on $1" >&2; return 1; }
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
# utime+stime of some processes, in clock ticks
ticks() { local sum=0; for pid in "$@"; do [ -r /proc/$pid/stat ] && sum=$((sum + $(awk '{print $14 + $15}' /proc/$pid/stat))); done; echo $sum; }

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/cluster-redis.log" 2>&1 & REDIS=$!; PIDS+=($REDIS)
wait_port "$REDIS_PORT"
if [ -z "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'")" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -q -c "CREATE DATABASE \"$PGDATABASE\""
fi
psql -h 127.0.0.1 -U postgres -d "$PGDATABASE" -q -c "DROP SCHEMA IF EXISTS bench_cluster CASCADE; CREATE SCHEMA bench_cluster;"
NODE_PIDS=()
UPSTREAMS=()
METRICS=()
for i in $(seq 1 "$NODES"); do
  env JWT_SECRET="$SECRET" PORT=$((PORT + i)) HOST=127.0.0.1 MALLOC_ARENA_MAX=2 EVENT_LOOPS="$EVENT_LOOPS" \
    DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$PGDATABASE?user=postgres&currentSchema=bench_cluster" \
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TRUST_PROXY=127.0.0.1 RATE_LIMIT_ENABLED="${RATE_LIMITS:-true}" \
    MAX_CONNECTIONS_PER_ADDRESS=0 HANDSHAKES_PER_ADDRESS_PER_MINUTE=0 \
    java $SERVER_JVM -jar server/target/nexus-chat.jar > "$OUT/cluster-node-$i.log" 2>&1 &
  NODE_PIDS+=($!); PIDS+=($!)
  UPSTREAMS+=("127.0.0.1:$((PORT + i))"); METRICS+=("http://127.0.0.1:$((PORT + i))/metrics")
  wait_port $((PORT + i))
done
deploy/nginx-config.sh "$PORT" "${UPSTREAMS[@]}" > "$OUT/cluster-nginx/nginx.conf"
nginx -p "$PWD/$OUT/cluster-nginx" -c "$PWD/$OUT/cluster-nginx/nginx.conf" -g "daemon off;" & NGINX=$!; PIDS+=($NGINX)
wait_port "$PORT"
sleep 1
NGINX_PIDS=("$NGINX" $(pgrep -P "$NGINX" || true))

start=$(date +%s.%N)
node2_0=$(ticks "${NODE_PIDS[@]:1}"); nginx_0=$(ticks "${NGINX_PIDS[@]}"); redis_0=$(ticks "$REDIS")
groups="redis:$REDIS;nginx:$(IFS=,; echo "${NGINX_PIDS[*]}")"
for i in $(seq 1 "$NODES"); do groups="$groups;node$i:${NODE_PIDS[$((i - 1))]}"; done
rm -f "$OUT/cluster-ops.jsonl"
python3 loadtest/bench/opcount.py sample "$OUT/cluster-ops.jsonl" "$REDIS_PORT" "$PGDATABASE" "$(IFS=,; echo "${METRICS[*]}")" "$groups" \
  2>> "$OUT/cluster-ops.log" & SAMPLER=$!; PIDS+=($SAMPLER)
# --server-pid: node 1 (srv_* columns); the other nodes, nginx and Redis are in other_cpu_pct, and in cluster-cpu.md
$LT chat --url "http://127.0.0.1:$PORT" --jwt-secret "$SECRET" --clients "$CLIENTS" --rooms "$ROOMS" --workers 2 \
  --local-addresses "$LOCAL_ADDRESSES" --rate "$RATE" --warmup "${WARMUP:-15s}" --duration 30s --server-pid "${NODE_PIDS[0]}" \
  --server-histogram nexus_rate_limit_check_seconds --metrics-url "$(IFS=,; echo "${METRICS[*]}")" \
  --out "$OUT/cluster.md" "$@"
kill "$SAMPLER" 2>/dev/null || true
node2_1=$(ticks "${NODE_PIDS[@]:1}"); nginx_1=$(ticks "${NGINX_PIDS[@]}"); redis_1=$(ticks "$REDIS")
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
hz=$(getconf CLK_TCK)
pct() { echo "scale=1; 100 * ($2 - $1) / $hz / $elapsed" | bc; }
deliveries() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^nexus_deliveries_total/ {printf "%d", $2}'; }
per_node=""
for i in $(seq 1 "$NODES"); do per_node="$per_node node $i $(deliveries $((PORT + i)))"; done
line="| $(date -u +%FT%TZ) | $NODES nodes, whole run ${elapsed%.*} s | nodes 2-$NODES $(pct "$node2_0" "$node2_1") % | nginx $(pct "$nginx_0" "$nginx_1") % | redis $(pct "$redis_0" "$redis_1") % | deliveries$per_node |"
echo "$line" | tee -a "$OUT/cluster-cpu.md"
{ echo "$(date -u +%FT%TZ), $NODES nodes, $CLIENTS clients, $ROOMS rooms, $RATE messages/s:"; python3 loadtest/bench/opcount.py report "$OUT/cluster-ops.jsonl" || true; echo; } | tee -a "$OUT/cluster-ops.md"
