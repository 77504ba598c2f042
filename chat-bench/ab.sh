#!/usr/bin/env bash
# A/B load test of Parley against the peer servers in chat-bench/peers/ (see docs/benchmarks.md).
#
#   chat-bench/ab.sh [--quick] [--rounds N] [--servers "parley node netty-socketio"] [--no-build]
#                    [--peers DIR]
#
# Each round starts every server in turn (A/B/A/B...), fresh, pinned to core 1, and runs the same
# scenarios against it with the load generator pinned to core 0. Results go to
# chat-bench/results/<timestamp>.jsonl (one JSON line per result), the table to stdout and
# <timestamp>.md, the charts to docs/images/ (for --quick, beside the results). --quick is a smoke
# run of a few minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/chat-bench

QUICK=false
ROUNDS=2
SERVERS="parley node netty-socketio"
BUILD=true
PEERS=$BENCH/peers
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=true ;;
    --rounds) ROUNDS=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    --no-build) BUILD=false ;;
    --peers) PEERS=$(cd "$2" && pwd); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# The same JVM options for both Java servers: the default collector (G1) and a fixed heap ceiling,
# so neither grows its heap more eagerly than the other.
SERVER_JVM=(-Xms256m -Xmx1g)
# The generator holds up to ~20k connections itself. Netty's leak detector samples its buffers and
# records a stack trace for each sample: a cost the generator's core need not pay.
LOADGEN_JVM=(-Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled)
SERVER_CORE=1
LOADGEN_CORE=0
PORT=18080
STATS_PORT=18081

if $QUICK; then
  ROUNDS=1
  CONNECT=(--connections 2000 --room-size 10 --ramp 2000 --checkpoints 2 --source-addresses 2)
  FANOUT=(--rooms 5 --room-size 50 --senders 1 --rate 200 --duration 5 --warmup 5 --drain 5)
  SWEEP=(--rooms 5 --room-size 50 --senders 1 --start-rate 100 --factor 2 --max-steps 5 --refine 1
         --duration 3 --warmup 3 --drain 5)
  PM=(--users 1000 --room-size 10 --rate 500 --duration 5 --warmup 2 --drain 5)
else
  # 19,800 connections: the open-file limit (20,000) of the generator and of the server, less what
  # their runtimes keep open; four source addresses spread the ports.
  CONNECT=(--connections 19800 --room-size 10 --ramp 3000 --checkpoints 4 --source-addresses 4 --timeout 180)
  FANOUT=(--rooms 10 --room-size 100 --senders 1 --rate 200 --duration 15 --warmup 10 --drain 10)
  SWEEP=(--rooms 10 --room-size 100 --senders 1 --start-rate 100 --factor 1.6 --max-steps 9 --refine 1
         --duration 6 --warmup 5 --drain 10)
  # The private-message paths are compiled only once they run: a warm-up long enough for the JIT
  # compilers (which otherwise take most of the server's CPU in the measured window).
  PM=(--users 2000 --room-size 10 --rate 1000 --duration 10 --warmup 10 --drain 10)
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/$STAMP.jsonl
LOGS=$RESULTS_DIR/$STAMP-logs
mkdir -p "$LOGS"
: > "$RESULTS"

. "$BENCH/servers.sh"

if $BUILD; then
  echo "== building the Parley bench jar"
  mvn -B -q -DskipTests package -pl chat-bench -am
fi
LOADGEN_JAR=$BENCH/target/loadgen.jar

AVAILABLE=()
for s in $SERVERS; do
  case "$s" in
    parley) AVAILABLE+=(parley) ;;
    node)
      if [ -f "$PEERS/node/package.json" ]; then
        if $BUILD; then echo "== npm ci in $PEERS/node"; (cd "$PEERS/node" && npm ci --silent --no-audit --no-fund); fi
        AVAILABLE+=(node)
      else
        echo "== skipping node: $PEERS/node is missing"
      fi ;;
    netty-socketio)
      if [ -f "$PEERS/netty-socketio/pom.xml" ]; then
        if $BUILD; then echo "== building $PEERS/netty-socketio"; mvn -B -q package -f "$PEERS/netty-socketio/pom.xml"; fi
        AVAILABLE+=(netty-socketio)
      else
        echo "== skipping netty-socketio: $PEERS/netty-socketio is missing"
      fi ;;
    *) echo "unknown server $s" >&2; exit 2 ;;
  esac
done

loadgen() {
  local name=$1 round=$2 driver=$3
  shift 3
  taskset -c $LOADGEN_CORE java "${LOADGEN_JVM[@]}" -jar "$LOADGEN_JAR" --server "$name" --round "$round" \
    --driver "$driver" --port $PORT --stats-port $STATS_PORT --server-pid "$SERVER_PID" "$@" \
    2>>"$LOGS/loadgen.err" | tee -a "$RESULTS" || echo "== load generator failed (see $LOGS/loadgen.err)" >&2
}

# What the machine was doing: a run is only comparable with one made as idle.
machine() {
  local java_version node_version
  java_version=$(java -version 2>&1 | head -1 | tr -d '"')
  node_version=$(node -v 2>/dev/null || echo none)
  printf '{"scenario":"machine","phase":"%s","time":"%s","cores":%s,"loadavg":"%s","kernel":"%s","java":"%s","node":"%s","quick":%s}\n' \
    "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -r)" \
    "$java_version" "$node_version" "$QUICK" | tee -a "$RESULTS"
}

echo "== servers: ${AVAILABLE[*]}; rounds: $ROUNDS; results: $RESULTS"
machine start
for round in $(seq 1 "$ROUNDS"); do
  for name in "${AVAILABLE[@]}"; do
    echo "== round $round: $name"
    start_server "$name" "$LOGS/$name-$round.log"
    loadgen "$name" "$round" socketio --scenario connect "${CONNECT[@]}"
    loadgen "$name" "$round" socketio --scenario fanout "${FANOUT[@]}"
    loadgen "$name" "$round" socketio --scenario sweep "${SWEEP[@]}"
    loadgen "$name" "$round" socketio --scenario pm "${PM[@]}"
    cleanup
    if [ "$name" = parley ]; then
      # Parley's own protocol, for reference (the peers do not speak it), on a fresh server so that
      # its memory baseline is not what the Socket.IO run left behind.
      start_server parley "$LOGS/parley-json-$round.log"
      loadgen parley "$round" json --scenario connect "${CONNECT[@]}"
      loadgen parley "$round" json --scenario fanout "${FANOUT[@]}"
      loadgen parley "$round" json --scenario pm "${PM[@]}"
      cleanup
    fi
  done
done

machine end

# Only a full run replaces the charts the benchmarks page shows.
if $QUICK; then IMAGES=$RESULTS_DIR/$STAMP-images; else IMAGES=$ROOT/docs/images; fi
echo
java -Djava.awt.headless=true -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.Report \
  --results "$RESULTS" --images "$IMAGES" | tee "$RESULTS_DIR/$STAMP.md"
echo "results: $RESULTS"
