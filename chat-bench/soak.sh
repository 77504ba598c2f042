#!/usr/bin/env bash
# Soak test of Parley (see docs/benchmarks.md#soak): a fresh ParleyBenchServer pinned to core 1,
# the load generator's soak scenario pinned to core 0, holding 10,000 connections over both
# protocols with room messages, private messages and reconnections, reading the server's heap
# after GC and direct memory every --sample-every seconds.
#
#   chat-bench/soak.sh [--duration SECONDS] [--connections N] [--no-build]
#
# Results: chat-bench/results/<timestamp>-soak.jsonl (one JSON line per sample and a summary,
# between two lines on the machine) and the tables in <timestamp>-soak.md. Exits with the load
# generator's status: 1 when heap or direct memory was not flat, or a connection failed.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/chat-bench

DURATION=1800
CONNECTIONS=10000
BUILD=true
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --no-build) BUILD=false ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

SERVER_JVM=(-Xms256m -Xmx1g)
LOADGEN_JVM=(-Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled)
PORT=18080
STATS_PORT=18081
# Rooms of 16 mixing both protocols; 250 room messages/s (about 3,750 deliveries/s), 50 private
# messages/s, 10 reconnections/s; five minutes of the same traffic before the measured time, so that
# the room histories (625 rooms of 101 messages fill in 4.2 minutes at 250/s) and the recovery table
# of dropped Socket.IO clients (2 minutes' worth) are full when it starts.
SOAK=(--scenario soak --driver mixed --connections "$CONNECTIONS" --room-size 16 --rate 250 --pm-rate 50
      --churn-rate 10 --ramp 1000 --timeout 300 --warmup 300 --duration "$DURATION" --sample-every 30)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/$STAMP-soak.jsonl
: > "$RESULTS"

. "$BENCH/servers.sh"

if $BUILD; then
  echo "== building the Parley bench jar"
  mvn -B -q -DskipTests package -pl chat-bench -am
fi
LOADGEN_JAR=$BENCH/target/loadgen.jar

machine() {
  printf '{"scenario":"machine","phase":"%s","time":"%s","cores":%s,"loadavg":"%s","kernel":"%s","java":"%s"}\n' \
    "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -r)" \
    "$(java -version 2>&1 | head -1 | tr -d '"')" | tee -a "$RESULTS"
}

LOG=$RESULTS_DIR/$STAMP-soak-server.log
taskset -c 1 java "${SERVER_JVM[@]}" -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.ParleyBenchServer \
  --port $PORT --stats-port $STATS_PORT >"$LOG" 2>&1 &
SERVER_PID=$!
deadline=$((SECONDS + 60))
until grep -qs '^READY ' "$LOG"; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the server did not become ready; its log:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.2
done

echo "== soak: $CONNECTIONS connections, ${DURATION}s measured; results: $RESULTS"
machine start
status=0
taskset -c 0 java "${LOADGEN_JVM[@]}" -jar "$LOADGEN_JAR" --server parley --port $PORT --stats-port $STATS_PORT \
  --server-pid "$SERVER_PID" "${SOAK[@]}" 2>>"$RESULTS_DIR/$STAMP-soak-loadgen.err" | tee -a "$RESULTS" \
  || status=$?
machine end
cleanup

echo
java -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.Report --results "$RESULTS" | tee "$RESULTS_DIR/$STAMP-soak.md"
echo "results: $RESULTS"
exit $status
