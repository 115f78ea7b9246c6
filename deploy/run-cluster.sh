#!/usr/bin/env bash
# Starts N Nexus Chat nodes and nginx in front of them on this machine, and stops them all on Ctrl-C
# (SIGTERM to each node: a graceful stop).
#
#   deploy/run-cluster.sh                 2 nodes on 127.0.0.1:8001-8002, nginx on 127.0.0.1:8000
#   NODES=3 LISTEN_PORT=9000 deploy/run-cluster.sh
#
# Environment (with defaults):
#   NODES=2  LISTEN_PORT=8000  BASE_PORT=8001 (node i listens on BASE_PORT+i-1)
#   METRICS_BASE_PORT=9101                  node i serves /metrics on 127.0.0.1:METRICS_BASE_PORT+i-1 (for
#                                           Prometheus; nginx does not proxy /metrics)
#   REDIS_URL=redis://127.0.0.1:6379        the nodes' Redis adapter (must be reachable)
#   DATABASE_URL=<one H2 file shared by the nodes, AUTO_SERVER mode>; use PostgreSQL in production
#   JWT_SECRET=<random for this run, shared by the nodes>
#   JAR=server/target/nexus-chat.jar (built with: mvn -q package -DskipTests)
#   RUN_DIR=./cluster-run                   logs (node-N.log, nginx/logs), nginx config, H2 file
#   JAVA_OPTS=-Xmx512m   EVENT_LOOPS=1      per node
# Any other variable of the server's (APP_ENV, CORS_ORIGINS, LLM_*, ...) is passed on to every node.
# Installs nginx from Debian's packages when it is missing (apt-get; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

NODES=${NODES:-${1:-2}}
LISTEN_PORT=${LISTEN_PORT:-8000}
BASE_PORT=${BASE_PORT:-8001}
METRICS_BASE_PORT=${METRICS_BASE_PORT:-9101}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
JAR=${JAR:-server/target/nexus-chat.jar}
RUN_DIR=$(mkdir -p "${RUN_DIR:-./cluster-run}" && cd "${RUN_DIR:-./cluster-run}" && pwd)
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -XX:+UseG1GC}
export EVENT_LOOPS=${EVENT_LOOPS:-1}
export REDIS_URL
export JWT_SECRET=${JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export DATABASE_URL=${DATABASE_URL:-"jdbc:h2:file:$RUN_DIR/data/nexus;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE"}
export HOST=127.0.0.1
export TRUST_PROXY=${TRUST_PROXY:-127.0.0.1}
START_TIMEOUT_S=60

[ -f "$JAR" ] || { echo "no $JAR: build it first with: mvn -q package -DskipTests" >&2; exit 1; }
if ! command -v nginx >/dev/null; then
  echo "installing nginx (Debian package)"
  apt-get install -y nginx >/dev/null || { apt-get update >/dev/null && apt-get install -y nginx >/dev/null; }
fi
if command -v redis-cli >/dev/null && ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  echo "warning: Redis at $REDIS_URL does not answer; nodes start anyway and connect when it does" >&2
fi

pids=()
nginx_pid=""
stop_all() {
  trap - EXIT INT TERM
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null || true
  echo "cluster stopped"
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

nodes=()
for i in $(seq 1 "$NODES"); do
  port=$((BASE_PORT + i - 1))
  log="$RUN_DIR/node-$i.log"
  # shellcheck disable=SC2086
  PORT=$port METRICS_PORT=$((METRICS_BASE_PORT + i - 1)) java $JAVA_OPTS -jar "$JAR" > "$log" 2>&1 &
  pids+=($!)
  nodes+=("127.0.0.1:$port")
  # one at a time: the first one migrates the database
  for _ in $(seq 1 $((START_TIMEOUT_S * 5))); do
    grep -q "listening on" "$log" && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "node $i exited:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.2
  done
  grep -q "listening on" "$log" || { echo "node $i did not start within ${START_TIMEOUT_S}s:" >&2; tail -20 "$log" >&2; exit 1; }
  grep "listening on" "$log"
done

mkdir -p "$RUN_DIR/nginx/logs" "$RUN_DIR/nginx/temp"
deploy/nginx-config.sh "$LISTEN_PORT" "${nodes[@]}" > "$RUN_DIR/nginx/nginx.conf"
nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -g "daemon off;" &
nginx_pid=$!
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$LISTEN_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$nginx_pid" 2>/dev/null || { echo "nginx exited:" >&2; cat "$RUN_DIR/nginx/logs/error.log" >&2; exit 1; }
  sleep 0.2
done
echo "nginx on http://127.0.0.1:$LISTEN_PORT (least_conn over ${nodes[*]}); logs in $RUN_DIR; Ctrl-C stops all"
echo "metrics: http://127.0.0.1:$METRICS_BASE_PORT/metrics ... http://127.0.0.1:$((METRICS_BASE_PORT + NODES - 1))/metrics"
wait -n "${pids[@]}" "$nginx_pid" || true
echo "a process of the cluster exited; stopping the others" >&2
