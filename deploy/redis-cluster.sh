#!/usr/bin/env bash
# A Redis Cluster of 3 masters and 3 replicas on 127.0.0.1, for tests and benchmarks; data and logs in DIR.
#
#   deploy/redis-cluster.sh start DIR [BASE_PORT]   nodes on BASE_PORT..BASE_PORT+5 (default 7100), waits
#                                                    until every slot is served; prints REDIS_URL
#   deploy/redis-cluster.sh stop DIR                 stops the nodes started in DIR
#
# cluster-node-timeout is short (NODE_TIMEOUT_MS, default 1000) so that a killed master's replica takes
# over within seconds; nothing is persisted.
set -euo pipefail
usage() { echo "usage: $0 start DIR [BASE_PORT] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1 dir=$2 base=${3:-7100}
timeout_ms=${NODE_TIMEOUT_MS:-1000}
[[ $base =~ ^[0-9]+$ ]] || usage

stop() {
  local pidfile pid
  for pidfile in "$dir"/node-*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

wait_ok() {   # every node says cluster_state:ok and sees 3 masters with slots
  local port i
  for i in $(seq 1 100); do
    local all=1
    for port in "$@"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || all=0
    done
    [ $all = 1 ] && return 0
    sleep 0.1
  done
  echo "the cluster did not come up (logs in $dir)" >&2
  return 1
}

case $action in
  start)
    mkdir -p "$dir"
    for i in 0 1 2 3 4 5; do
      if redis-cli -p $((base + i)) ping >/dev/null 2>&1; then
        echo "port $((base + i)) is taken by another Redis; pick another BASE_PORT" >&2
        exit 1
      fi
    done
    ports=()
    for i in 0 1 2 3 4 5; do
      port=$((base + i))
      ports+=("$port")
      mkdir -p "$dir/$port"
      redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$port" --daemonize yes \
        --pidfile "$dir/node-$port.pid" --logfile "$dir/$port/redis.log" \
        --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
        --cluster-node-timeout "$timeout_ms" --cluster-replica-validity-factor 0 \
        --save '' --appendonly no
    done
    for port in "${ports[@]}"; do
      for i in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    done
    addresses=()
    for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
      || { cat "$dir/create.log" >&2; stop; exit 1; }
    wait_ok "${ports[@]}" || { stop; exit 1; }
    echo "REDIS_URL=redis://127.0.0.1:$base,redis://127.0.0.1:$((base + 1)),redis://127.0.0.1:$((base + 2))"
    ;;
  stop) stop ;;
  *) usage ;;
esac
