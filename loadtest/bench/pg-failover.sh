#!/usr/bin/env bash
# Reproduces the PostgreSQL failover figures of BENCHMARKS.md: a primary and a synchronous streaming
# replica of the test's own (initdb, pg_basebackup -R, as the postgres user when run as root, free ports,
# a temp directory), a chat server on the multi-host DATABASE_URL, two clients sending every 25 ms; the
# primary is killed (SIGKILL), the test waits 2 s and promotes the replica (pg_ctl promote). Printed per
# run: sends and refusals, the slowest refusal while there was no primary, how long the promotion took,
# when the first send was acknowledged after it. Every acknowledged message must be on the promoted
# server (the test fails otherwise). The same run repeated RUNS times (default 3).
#   loadtest/bench/pg-failover.sh
# Results are appended to target/bench/pg-failover.md. Needs: PostgreSQL's server binaries
# (/usr/lib/postgresql/N/bin), an offline Maven repository (mvn -q install -DskipTests once).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/bench
RUNS=${RUNS:-3}
mkdir -p "$OUT"
for run in $(seq 1 "$RUNS"); do
  mvn -q -B -o -pl server -am -Dtest=PostgresFailoverTest -Dsurefire.failIfNoSpecifiedTests=false test \
    >"$OUT/pg-failover-run.log" 2>&1 || { tail -40 "$OUT/pg-failover-run.log" >&2; exit 1; }
  grep -h "^failover:" server/target/surefire-reports/chat.nexus.PostgresFailoverTest-output.txt |
    while read -r line; do
      echo "- $(date -u +%FT%TZ) run $run: $line" | tee -a "$OUT/pg-failover.md"
    done
done
