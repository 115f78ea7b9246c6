#!/usr/bin/env bash
# Two builds of the chat server measured at once, each with half of chat.sh's traffic (5,000 clients in 50
# rooms, 225 messages/s): the machine's drift, which moves one run against the next by 10-20 %, then hits
# both alike. The second starts 40 s after the first, with 40 s less warm-up, so that the two ramps do not
# compete and the measured windows meet.
#   loadtest/bench/side-by-side.sh OTHER_JAR [TAG]    (this build: server/target/nexus-chat.jar, or JAR=...)
#   FIRST=other starts the other build first (alternate it between runs); MENTIONS, READ_EVERY as chat.sh.
# Results: target/bench/side-by-side/{this,other}/chat-h2TAG.md. Needs what chat.sh needs.
set -euo pipefail
cd "$(dirname "$0")/../.."
OTHER=${1:?"usage: side-by-side.sh OTHER_JAR [TAG]"}
TAG=${2:-}
THIS=${JAR:-server/target/nexus-chat.jar}
OUT=target/bench/side-by-side
mkdir -p "$OUT/this" "$OUT/other"
half() { # name jar port addresses warm-up
  env RAMP=500 CLIENTS=5000 ROOMS=50 RATE=225 WARMUP="$5" OUT="$OUT/$1" PORT="$3" LOCAL_ADDRESSES="$4" \
    JAR="$2" TAG="$TAG" loadtest/bench/chat.sh h2 > "$OUT/$1/run$TAG.log" 2>&1
}
if [ "${FIRST:-this}" = this ]; then
  half this "$THIS" 3610 127.0.0.2,127.0.0.3 130s & sleep 40
  half other "$OTHER" 3620 127.0.0.4,127.0.0.5 90s &
else
  half other "$OTHER" 3620 127.0.0.4,127.0.0.5 130s & sleep 40
  half this "$THIS" 3610 127.0.0.2,127.0.0.3 90s &
fi
wait
for which in this other; do
  printf '%-6s %s\n' "$which" "$(grep -E '^(clients|connect_failed|lost|p99_ms|srv_cpu_us_per_delivery) ' \
    "$OUT/$which/run$TAG.log" | awk '{printf "%s %s  ", $1, $2}')"
done
