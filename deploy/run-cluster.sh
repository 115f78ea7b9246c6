#!/usr/bin/env bash
# Starts N Nexus Chat nodes and nginx in front of them on this machine and watches them: a node that
# exits is reported and the others keep serving; Ctrl-C stops them all (SIGTERM to each node: a drain).
#
#   deploy/run-cluster.sh                 2 nodes on 127.0.0.1:8001-8002, nginx on 127.0.0.1:8000
#   NODES=3 LISTEN_PORT=9000 deploy/run-cluster.sh
#
# From another shell, while it runs (same RUN_DIR):
#   deploy/run-cluster.sh restart 2       drains node 2 (SIGTERM), waits for its exit, starts it again
#   deploy/run-cluster.sh stop 2          drains node 2; the others keep serving
#   deploy/run-cluster.sh start 2         starts node 2 again (after stop, or after it died)
#   deploy/run-cluster.sh status          each node's pid and state
# These write one line to the control fifo $RUN_DIR/control and print the cluster's answer from
# $RUN_DIR/cluster.log.
#
# Environment (with defaults):
#   NODES=2  LISTEN_PORT=8000  BASE_PORT=8001 (node i listens on BASE_PORT+i-1)
#   METRICS_BASE_PORT=9101                  node i serves /metrics on 127.0.0.1:METRICS_BASE_PORT+i-1 (for
#                                           Prometheus; nginx does not proxy /metrics)
#   REDIS_URL=redis://127.0.0.1:6379        the nodes' Redis adapter (must be reachable)
#   DATABASE_URL=<one H2 file shared by the nodes, AUTO_SERVER mode>; use PostgreSQL in production
#   JWT_SECRET=<random for this run, shared by the nodes>
#   JAR=server/target/nexus-chat.jar (built with: mvn -q package -DskipTests)
#   RUN_DIR=${XDG_STATE_HOME:-$HOME/.local/state}/nexus-chat/cluster
#                                           logs (node-N.log, cluster.log, nginx/logs), nginx config, the
#                                           H2 file, the control fifo
#   DRAIN_GRACE_MS=1000                     nginx does not poll /ready, so a long grace only delays a
#                                           restart here (the server's own default is 15000)
#   JAVA_OPTS=-Xmx512m   EVENT_LOOPS=1      per node
# Any other variable of the server's (APP_ENV, CORS_ORIGINS, LLM_*, REBALANCE*, ...) is passed on to every
# node. Installs nginx from Debian's packages when it is missing (apt-get; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_DIR=${RUN_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/nexus-chat/cluster}
CONTROL="$RUN_DIR/control"
CLUSTER_LOG="$RUN_DIR/cluster.log"

# ---- control commands, from another shell --------------------------------------------------------
if [ $# -gt 0 ] && [[ $1 =~ ^(restart|stop|start|status)$ ]]; then
  command=$1 node=${2:-}
  [ "$command" = status ] || [[ $node =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 $command NODE_NUMBER" >&2; exit 2; }
  pid=$(cat "$RUN_DIR/run-cluster.pid" 2>/dev/null || true)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || [ ! -p "$CONTROL" ]; then
    echo "no cluster runs with RUN_DIR=$RUN_DIR (start one with: $0)" >&2
    exit 1
  fi
  request="$command ${node:--} $$-$RANDOM"
  lines_before=$(wc -l < "$CLUSTER_LOG")
  echo "$request" > "$CONTROL"
  # the supervisor ends its answer with "done <request id>"
  for _ in $(seq 1 1800); do
    answer=$(tail -n +"$((lines_before + 1))" "$CLUSTER_LOG")
    if grep -q "^done ${request##* }$" <<< "$answer"; then
      grep -v "^done " <<< "$answer" || true
      grep -q "^failed" <<< "$answer" && exit 1
      exit 0
    fi
    sleep 0.1
  done
  echo "no answer from the cluster within 180 s; see $CLUSTER_LOG" >&2
  exit 1
fi

# ---- the cluster ----------------------------------------------------------------------------------
NODES=${NODES:-${1:-2}}
LISTEN_PORT=${LISTEN_PORT:-8000}
BASE_PORT=${BASE_PORT:-8001}
METRICS_BASE_PORT=${METRICS_BASE_PORT:-9101}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
JAR=${JAR:-server/target/nexus-chat.jar}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
CONTROL="$RUN_DIR/control"
CLUSTER_LOG="$RUN_DIR/cluster.log"
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -XX:+UseG1GC}
export EVENT_LOOPS=${EVENT_LOOPS:-1}
export REDIS_URL
export JWT_SECRET=${JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export DATABASE_URL=${DATABASE_URL:-"jdbc:h2:file:$RUN_DIR/data/nexus;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;WRITE_DELAY=0"}
export DRAIN_GRACE_MS=${DRAIN_GRACE_MS:-1000}
export HOST=127.0.0.1
export TRUST_PROXY=${TRUST_PROXY:-127.0.0.1}
START_TIMEOUT_S=60
STOP_TIMEOUT_S=90

[ -f "$JAR" ] || { echo "no $JAR: build it first with: mvn -q package -DskipTests" >&2; exit 1; }
if old=$(cat "$RUN_DIR/run-cluster.pid" 2>/dev/null) && kill -0 "$old" 2>/dev/null; then
  echo "a cluster already runs with RUN_DIR=$RUN_DIR (pid $old)" >&2
  exit 1
fi
if ! command -v nginx >/dev/null; then
  echo "installing nginx (Debian package)"
  apt-get install -y nginx >/dev/null || { apt-get update >/dev/null && apt-get install -y nginx >/dev/null; }
fi
if command -v redis-cli >/dev/null && ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  echo "warning: Redis at $REDIS_URL does not answer; nodes start anyway and connect when it does" >&2
fi

echo $$ > "$RUN_DIR/run-cluster.pid"
: > "$CLUSTER_LOG"
rm -f "$CONTROL"
mkfifo -m 600 "$CONTROL"   # only this user drives the cluster
exec 3<> "$CONTROL"   # read-write: reads wait for lines, never for a writer to open it

say() { echo "$*" | tee -a "$CLUSTER_LOG"; }

declare -A pids=()     # node number -> pid, while it runs
nginx_pid=""

listening() {   # how many start-up lines log $1 has
  local n
  n=$(grep -c "listening on" "$1" 2>/dev/null) || n=0
  echo "$n"
}

start_node() {   # starts node $1 and waits until it listens; returns 1 if it does not
  local i=$1 port=$((BASE_PORT + $1 - 1)) log="$RUN_DIR/node-$1.log" before
  before=$(listening "$log")
  # shellcheck disable=SC2086
  PORT=$port METRICS_PORT=$((METRICS_BASE_PORT + i - 1)) java $JAVA_OPTS -jar "$JAR" >> "$log" 2>&1 &
  pids[$i]=$!
  for _ in $(seq 1 $((START_TIMEOUT_S * 5))); do
    [ "$(listening "$log")" -gt "$before" ] && { say "node $i ready on 127.0.0.1:$port (pid ${pids[$i]})"; return 0; }
    kill -0 "${pids[$i]}" 2>/dev/null || { say "node $i exited while starting; see $log"; unset "pids[$i]"; return 1; }
    sleep 0.2
  done
  say "node $i did not start within ${START_TIMEOUT_S}s; see $log"
  return 1
}

stop_node() {   # SIGTERM (a drain) and wait for the exit
  local i=$1 pid=${pids[$1]:-}
  [ -n "$pid" ] || { say "node $i is not running"; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((STOP_TIMEOUT_S * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "node $i did not stop within ${STOP_TIMEOUT_S}s: killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "pids[$i]"
  say "node $i stopped"
}

stop_all() {
  trap - EXIT INT TERM
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null || true
  rm -f "$CONTROL" "$RUN_DIR/run-cluster.pid"
  echo "cluster stopped"
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

nodes=()
for i in $(seq 1 "$NODES"); do
  nodes+=("127.0.0.1:$((BASE_PORT + i - 1))")
  # one at a time: the first one migrates the database
  start_node "$i" || exit 1
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
echo "from another shell: $0 restart|stop|start N, $0 status"

while true; do
  if read -r -t 1 -u 3 command node request_id; then
    # no leading zero: "08" is no number in $((...)) and "01" would be a second node 1
    if [[ $node =~ ^[1-9][0-9]{0,5}$ ]] && [ "$node" -le "$NODES" ] || [ "$command" = status ]; then
      case $command in
        restart) stop_node "$node"; start_node "$node" || say "failed: node $node did not start" ;;
        stop) stop_node "$node" ;;
        start)
          if [ -n "${pids[$node]:-}" ]; then say "node $node already runs (pid ${pids[$node]})"
          else start_node "$node" || say "failed: node $node did not start"; fi ;;
        status)
          for i in $(seq 1 "$NODES"); do
            if [ -n "${pids[$i]:-}" ]; then say "node $i: running (pid ${pids[$i]}) on 127.0.0.1:$((BASE_PORT + i - 1))"
            else say "node $i: stopped"; fi
          done ;;
      esac
    else
      say "failed: no node '$node' (1-$NODES)"
    fi
    echo "done $request_id" >> "$CLUSTER_LOG"
  fi
  kill -0 "$nginx_pid" 2>/dev/null || { echo "nginx exited; stopping the nodes" >&2; exit 1; }
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      status=0
      wait "${pids[$i]}" 2>/dev/null || status=$?
      unset "pids[$i]"
      say "node $i exited (status $status); the others keep serving; '$0 start $i' starts it again"
    fi
  done
done
