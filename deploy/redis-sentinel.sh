#!/usr/bin/env bash
# A Redis primary, one replica and three sentinels on 127.0.0.1, for tests and benchmarks; data, logs and
# the sentinels' (rewritten) configuration in DIR.
#
#   deploy/redis-sentinel.sh start DIR [PRIMARY_PORT [REPLICA_PORT [SENTINEL_BASE_PORT]]]
#       defaults 6391, 6392 and 26391 (sentinels on SENTINEL_BASE_PORT..+2); waits until the sentinels
#       know each other; prints REDIS_SENTINELS and REDIS_MASTER_NAME (MASTER_NAME, default nexus)
#   deploy/redis-sentinel.sh stop DIR
#
# The sentinels take the primary for down after DOWN_AFTER_MS (default 1000) so that a failover takes
# seconds; nothing is persisted.
set -euo pipefail
usage() { echo "usage: $0 start DIR [PRIMARY_PORT [REPLICA_PORT [SENTINEL_BASE_PORT]]] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1 dir=$2 primary=${3:-6391} replica=${4:-6392} sentinel_base=${5:-26391}
name=${MASTER_NAME:-nexus}
down_after=${DOWN_AFTER_MS:-1000}
for n in "$primary" "$replica" "$sentinel_base"; do [[ $n =~ ^[0-9]+$ ]] || usage; done

stop() {
  local pidfile
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

server() {   # port [replicaof-port]
  local port=$1
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$port" --daemonize yes \
    --pidfile "$dir/redis-$port.pid" --logfile "$dir/$port/redis.log" --save '' --appendonly no \
    ${2:+--replicaof 127.0.0.1 $2}
}

case $action in
  start)
    mkdir -p "$dir"
    for port in "$primary" "$replica" "$sentinel_base" $((sentinel_base + 1)) $((sentinel_base + 2)); do
      if redis-cli -p "$port" ping >/dev/null 2>&1; then
        echo "port $port is taken by another Redis; pick other ports" >&2
        exit 1
      fi
    done
    server "$primary"
    server "$replica" "$primary"
    sentinels=()
    for i in 0 1 2; do
      port=$((sentinel_base + i))
      sentinels+=("127.0.0.1:$port")
      conf="$dir/sentinel-$port.conf"
      cat >"$conf" <<CONF
port $port
bind 127.0.0.1
daemonize yes
pidfile $dir/sentinel-$port.pid
logfile $dir/sentinel-$port.log
dir $dir
sentinel monitor $name 127.0.0.1 $primary 2
sentinel down-after-milliseconds $name $down_after
sentinel failover-timeout $name 10000
sentinel parallel-syncs $name 1
sentinel known-replica $name 127.0.0.1 $replica
CONF
      redis-server "$conf" --sentinel
    done
    ready=0
    for i in $(seq 1 150); do
      if redis-cli -p "$replica" info replication 2>/dev/null | grep -q 'master_link_status:up'; then
        ready=1
        for s in "${sentinels[@]}"; do
          # a failover needs the sentinels to know each other (a majority votes)
          [ "$(redis-cli -p "${s#*:}" sentinel sentinels "$name" 2>/dev/null | grep -c '^name$')" = 2 ] || ready=0
        done
        [ $ready = 1 ] && break
      fi
      sleep 0.1
    done
    [ $ready = 1 ] || { echo "the sentinels did not come up (logs in $dir)" >&2; stop; exit 1; }
    echo "REDIS_SENTINELS=$(IFS=,; echo "${sentinels[*]}")"
    echo "REDIS_MASTER_NAME=$name"
    ;;
  stop) stop ;;
  *) usage ;;
esac
