#!/usr/bin/env bash
# The LLM gateway figures of BENCHMARKS.md: a fake OpenAI-compatible upstream taking REPLY_MS per
# reply (first token after FIRST_MS), the chat server with LLM_MAX_CONCURRENT=$MAX, the chat scenario
# running for other users, and a few seconds into it USERS companion users asking at once; afterwards
# AFTER users ask together again (all served = every permit came back, nothing left in flight).
#   loadtest/bench/companion.sh        (PORT, FAKE_PORT, USERS, MAX, AFTER, FIRST_MS, REPLY_MS, CLIENTS,
#                                       ROOMS, RATE, PRECONNECT, SERVER_JVM override the defaults below; TOOL_NICE=19 runs
#                                       the load tool and the fake upstream at a lower CPU priority than the server;
#                                       CAPTURE=1 records the users' traffic with tcpdump and adds the answer times
#                                       on the wire, by loadtest/bench/wire.py)
# Results are appended to target/bench/companion.md (the chat run to target/bench/companion-chat.md).
# Needs: mvn -q -pl loadtest package -DskipTests, and the server jar (server/target/nexus-chat.jar); CAPTURE=1
# needs tcpdump (Debian package) and the right to capture on lo.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/bench
PORT=${PORT:-3611}
FAKE_PORT=${FAKE_PORT:-3698}
USERS=${USERS:-200}
MAX=${MAX:-50}
AFTER=${AFTER:-$MAX}
FIRST_MS=${FIRST_MS:-200}
REPLY_MS=${REPLY_MS:-2000}
CLIENTS=${CLIENTS:-2000}
ROOMS=${ROOMS:-20}
RATE=${RATE:-100}
mkdir -p "$OUT"
# A benchmark-only secret: never use it for a real deployment.
SECRET=bench-secret-not-for-production-0123456789
# the server's upstream connections opened ahead of the burst (LLM_PRECONNECT, per event loop: as many as
# could be admitted at once, since a burst may put them all on one loop); PRECONNECT=0 opens them on demand
PRECONNECT=${PRECONNECT:-$MAX}
# the JIT's compiler threads at nice 19, as in deploy/ (README: JVM settings): a burst's answers do not wait
# for the compilers; a 192 MiB young generation: a young GC every 10 s or so instead of every 2-3 s with
# -Xms64m, so that fewer bursts meet a pause
SERVER_JVM=${SERVER_JVM:-"-XX:+UseG1GC -Xms320m -Xmn192m -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19"}
LT="nice -n ${TOOL_NICE:-0} java -jar loadtest/target/nexus-loadtest.jar"
cp server/target/nexus-chat.jar "$OUT/companion-server.jar" # a rebuild mid-run must not change the server

# the companion users connect from their own address, so that a capture can pick their traffic out
USERS_ADDRESS=127.0.0.9

FAKE= SERVER= CHAT= DUMP=
cleanup() {
  for p in $CHAT $SERVER $FAKE $DUMP; do kill "$p" 2>/dev/null || true; done
  for p in $CHAT $SERVER $FAKE $DUMP; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 did not open" >&2; return 1; }

$LT fake-llm --port "$FAKE_PORT" --first-token-ms "$FIRST_MS" --reply-ms "$REPLY_MS" > "$OUT/companion-fake.log" 2>&1 & FAKE=$!
wait_port "$FAKE_PORT"

rm -rf "$OUT/companion-data"
LLM_BASE_URL=http://127.0.0.1:$FAKE_PORT/v1 LLM_API_KEYS=bench-key LLM_MAX_CONCURRENT=$MAX LLM_PRECONNECT=$PRECONNECT \
  JWT_SECRET="$SECRET" PORT=$PORT HOST=127.0.0.1 DATA_DIR="$OUT/companion-data" MALLOC_ARENA_MAX=2 \
  java $SERVER_JVM -jar "$OUT/companion-server.jar" > "$OUT/companion-server.log" 2>&1 & SERVER=$!
wait_port "$PORT"

if [ -n "${CAPTURE:-}" ]; then
  command -v tcpdump > /dev/null || { echo "CAPTURE=1 needs tcpdump (Debian package tcpdump)" >&2; exit 2; }
  tcpdump -i lo -s 300 -U -w "$OUT/companion.pcap" "host $USERS_ADDRESS and tcp port $PORT" 2> "$OUT/companion-tcpdump.log" & DUMP=$!
  sleep 1
fi

{ echo; echo "# companion.sh $(date -u +%FT%TZ): USERS=$USERS LLM_MAX_CONCURRENT=$MAX first token ${FIRST_MS} ms, reply ${REPLY_MS} ms;" \
  "warm-up bursts ${WARMUP:-5}; chat meanwhile: $CLIENTS clients, $ROOMS rooms, $RATE msg/s; $(nproc) cores;" \
  "LLM_PRECONNECT=$PRECONNECT; server JVM: $SERVER_JVM"; } >> "$OUT/companion.md"

wire() { # the answer times on the wire, when captured: the measured burst is burst WARMUP + 1
  if [ -n "$DUMP" ]; then
    sleep 1; kill "$DUMP"; wait "$DUMP" 2>/dev/null || true; DUMP=
    { echo; echo "on the wire (kernel timestamps; the measured burst is burst $(( ${WARMUP:-5} + 1 )), the last one the check after it):"; echo
      python3 loadtest/bench/wire.py "$OUT/companion.pcap" $USERS_ADDRESS; } | tee -a "$OUT/companion.md"
  fi
}

# warm-up: WARMUP untimed bursts (default 5) by the measuring process itself before the measured one, so that
# the server and the load tool both run compiled code (a production server has been up for a while)
if [ "$CLIENTS" = 0 ]; then # companion burst alone
  $LT companion --url "http://127.0.0.1:$PORT" --jwt-secret "$SECRET" --users "$USERS" --after "$AFTER" \
    --first-token-ms "$FIRST_MS" --warmup-bursts "${WARMUP:-5}" --fake-url "http://127.0.0.1:$FAKE_PORT" --local-address $USERS_ADDRESS --out "$OUT/companion.md" || STATUS=$?
  wire
  exit ${STATUS:-0}
fi

# other users chatting: 5 s warm-up, then a window long enough for every burst (each takes about 2.5 s: the
# 2 s reply and the pauses); the warm-up bursts start about 3 s into it, the measured burst after them
CHAT_S=$(( 25 + ${WARMUP:-5} * 3 ))
$LT chat --url "http://127.0.0.1:$PORT" --jwt-secret "$SECRET" --clients "$CLIENTS" --rooms "$ROOMS" --rate "$RATE" \
  --warmup 5s --duration ${CHAT_S}s --server-pid "$SERVER" --out "$OUT/companion-chat.md" > "$OUT/companion-chat.log" 2>&1 & CHAT=$!
sleep 8

STATUS=0
$LT companion --url "http://127.0.0.1:$PORT" --jwt-secret "$SECRET" --users "$USERS" --after "$AFTER" \
  --first-token-ms "$FIRST_MS" --warmup-bursts "${WARMUP:-5}" --fake-url "http://127.0.0.1:$FAKE_PORT" --local-address $USERS_ADDRESS --out "$OUT/companion.md" || STATUS=$?
wire

CHAT_STATUS=0
wait "$CHAT" || CHAT_STATUS=$?
CHAT=
{ echo; echo "chat scenario during the burst (exit $CHAT_STATUS):"; echo; tail -n 30 "$OUT/companion-chat.log" | sed 's/^/    /'; } >> "$OUT/companion.md"
echo "upstream: $(grep 'fake-llm {' "$OUT/companion-fake.log" | tail -n 1)" >> "$OUT/companion.md"
echo "results appended to $OUT/companion.md (companion exit $STATUS, chat exit $CHAT_STATUS)"
exit $STATUS
