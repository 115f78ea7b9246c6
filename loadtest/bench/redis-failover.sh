#!/usr/bin/env bash
# Reproduces the Redis failover figures of BENCHMARKS.md: two chat servers in one JVM, a sender and a
# reader on different nodes, a message every 50 ms, and the Redis under them killed (SIGKILL) mid-traffic:
# the master serving the room's channel of a 3-master Redis Cluster (sharded adapter), then the primary of
# a Sentinel setup (classic adapter), each started by deploy/redis-cluster.sh / deploy/redis-sentinel.sh.
# Figures are measured from the kill: when /metrics shows nexus_redis_up 0, when a message crosses nodes
# again, when nexus_redis_up is 1 on both nodes; sends acked (all of them must be in history) and the
# slowest ack. The same run repeated RUNS times (default 3); the link-down moment from the server log.
#   loadtest/bench/redis-failover.sh
# Results are appended to target/bench/redis-failover.md. Needs: redis-server and redis-cli (Debian
# packages), PostgreSQL on 127.0.0.1:5432 (trust auth, database test), an offline Maven repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/bench
RUNS=${RUNS:-3}
mkdir -p "$OUT"
for run in $(seq 1 "$RUNS"); do
  mvn -q -B -o -pl server -am -Dtest=RedisFailoverTest -Dsurefire.failIfNoSpecifiedTests=false test \
    >"$OUT/redis-failover-run.log" 2>&1 || { tail -40 "$OUT/redis-failover-run.log" >&2; exit 1; }
  report=server/target/surefire-reports/chat.nexus.cluster.RedisFailoverTest-output.txt
  grep -h "failover under chat traffic" "$report" | while read -r line; do
    echo "- $(date -u +%FT%TZ) run $run: $line" | tee -a "$OUT/redis-failover.md"
  done
  # the first "lost"/"unreachable" line after each kill: when the nodes saw Redis go
  awk '/killing the Redis/ {kill=$1; getline; print "  link down logged at " $1 " (kill at " kill ")"}' \
    "$report" | tee -a "$OUT/redis-failover.md"
done
