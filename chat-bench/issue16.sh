#!/usr/bin/env bash
# The five measurements of issue 16 (docs/benchmarks.md#issue-16-targets), A/B within one run:
#
#   chat-bench/issue16.sh [--rounds N] [--servers "parley node netty-socketio floor"] [--processes N]
#                         [--no-build] [--peers DIR] [--jfr DIR] [--port P] [--loadgen-cores LIST] [--tiny]
#
# Every scenario gets a fresh server, pinned to core 1 (taskset), and the load generator pinned to
# core 0; the servers alternate within each round (parley, node, netty-socketio, floor, parley, ...).
# The table prints the median of the rounds. Results go to chat-bench/results/<timestamp>-issue16.jsonl
# and the table to <timestamp>-issue16.md. --jfr DIR records a flight recording of Parley per
# scenario (DIR/parley-<scenario>-<round>.jfr). --tiny proves the command end to end in a few
# minutes at sizes whose numbers mean nothing. --port P moves the servers to P and P+1 (default
# 18080). --loadgen-cores LIST pins the generator (all its processes) to those cores (default 0;
# several processes add generator CPU only with several cores). LOADGEN_JAR=FILE uses that jar instead of chat-bench/target/loadgen.jar.
# The server parley-tuned (add it to --servers) is Parley with two options an application may choose:
# no delivery receipts (the peers send none, so the private messages then carry the same frames) and
# a warm-up of 3,000 connections before it listens; the script then prints a second table for it.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/chat-bench

ROUNDS=3
SERVERS="parley node netty-socketio floor"
BUILD=true
PEERS=$BENCH/peers
PROCESSES=2
JFR=
TINY=false
PORT_ARG=18080
LOADGEN_CORES_ARG=0
TUNED_FLAGS=(--delivery-receipts false --warm-up 3000)
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    --processes) PROCESSES=$2; shift ;;
    --no-build) BUILD=false ;;
    --peers) PEERS=$(cd "$2" && pwd); shift ;;
    --jfr) JFR=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    --port) PORT_ARG=$2; shift ;;
    --loadgen-cores) LOADGEN_CORES_ARG=$2; shift ;;
    --tiny) TINY=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

SERVER_JVM=(-Xms256m -Xmx1g)
LOADGEN_JVM=(-Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled)
SERVER_CORE=1
LOADGEN_CORE=$LOADGEN_CORES_ARG
PORT=$PORT_ARG
STATS_PORT=$((PORT_ARG + 1))

if $TINY; then
  ROUNDS=1
  PM=(--users 80 --room-size 20 --pm-senders 10 --rate 0 --window 20 --warmup 1 --duration 2 --drain 10)
  CONNECT=(--connections 200 --room-size 10 --ramp 200 --checkpoints 1 --source-addresses 1)
  FANOUT_1000=(--rooms 1 --room-size 50 --senders 1 --rate 0 --window 5 --warmup 1 --duration 2 --drain 10)
  LIGHT=(--rooms 2 --room-size 10 --senders 1 --rate 20 --warmup 1 --duration 2 --drain 10)
else
  # Saturation is closed loop (--rate 0): each part keeps --window messages' deliveries outstanding.
  # The private messages go from 10 of each room of 20 to any user of the same generator process.
  PM=(--users 2000 --room-size 20 --pm-senders 10 --rate 0 --window 200 --warmup 10 --duration 10 --drain 10)
  CONNECT=(--connections 10000 --room-size 10 --ramp 2000 --checkpoints 1 --source-addresses 1 --timeout 120)
  # One room cannot be split over generator processes (each counts its own rooms' deliveries), so
  # this one runs in one process: its ceiling is the generator's, about 425,000 deliveries/s.
  FANOUT_1000=(--rooms 1 --room-size 1000 --senders 1 --rate 0 --window 20 --warmup 10 --duration 10 --drain 10)
  # ab.sh's fixed-rate fan-out: 10 rooms of 100, 200 messages/s, 19,800 deliveries/s.
  LIGHT=(--rooms 10 --room-size 100 --senders 1 --rate 200 --warmup 10 --duration 15 --drain 10)
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/$STAMP-issue16.jsonl
LOGS=$RESULTS_DIR/$STAMP-issue16-logs
mkdir -p "$LOGS"
: > "$RESULTS"

. "$BENCH/servers.sh"

if $BUILD; then
  echo "== building the Parley bench jar"
  mvn -B -q -DskipTests package -pl chat-bench -am
fi
LOADGEN_JAR=${LOADGEN_JAR:-$BENCH/target/loadgen.jar}

AVAILABLE=()
for s in $SERVERS; do
  case "$s" in
    parley|parley-tuned|floor) AVAILABLE+=("$s") ;;
    node)
      if [ -f "$PEERS/node/package.json" ]; then
        if $BUILD || [ ! -d "$PEERS/node/node_modules" ]; then
          (cd "$PEERS/node" && npm ci --silent --no-audit --no-fund)
        fi
        AVAILABLE+=(node)
      else
        echo "== skipping node: $PEERS/node is missing"
      fi ;;
    netty-socketio)
      if [ -f "$PEERS/netty-socketio/pom.xml" ]; then
        if $BUILD; then mvn -B -q package -f "$PEERS/netty-socketio/pom.xml" || true; fi
      fi
      if [ -f "$PEERS/netty-socketio/target/netty-socketio-peer.jar" ]; then
        AVAILABLE+=(netty-socketio)
      else
        echo "== skipping netty-socketio: $PEERS/netty-socketio/target/netty-socketio-peer.jar is missing (build it online once)"
      fi ;;
    *) echo "unknown server $s" >&2; exit 2 ;;
  esac
done

# One scenario on a fresh server: run NAME ROUND LABEL PROCESSES ARGS...
run() {
  local name=$1 round=$2 label=$3 processes=$4
  shift 4
  local server=$name more=()
  if [ "$name" = parley-tuned ]; then server=parley; more=("${TUNED_FLAGS[@]}"); fi
  if [ -n "$JFR" ] && [ "$server" = parley ]; then more+=(--jfr "$JFR/$name-$label-$round.jfr"); fi
  start_server "$server" "$LOGS/$name-$label-$round.log" "${more[@]}"
  local common=(--server "$name" --round "$round" --label "$label" --driver socketio --port $PORT
    --stats-port $STATS_PORT --server-pid "$SERVER_PID")
  if [ "$processes" -gt 1 ]; then
    taskset -c $LOADGEN_CORE java "${LOADGEN_JVM[@]}" -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.MultiLoadGen \
      --processes "$processes" --child-jvm "${LOADGEN_JVM[*]}" "${common[@]}" "$@"
  else
    taskset -c $LOADGEN_CORE java "${LOADGEN_JVM[@]}" -jar "$LOADGEN_JAR" "${common[@]}" "$@"
  fi 2>>"$LOGS/loadgen.err" | tee -a "$RESULTS" || echo "== load generator failed (see $LOGS/loadgen.err)" >&2
  cleanup
}

printf '{"scenario":"machine","phase":"start","time":"%s","cores":%s,"loadavg":"%s"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
echo "== servers: ${AVAILABLE[*]}; rounds: $ROUNDS; generator processes: $PROCESSES; results: $RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for name in "${AVAILABLE[@]}"; do
    echo "== round $round: $name"
    # The floor is no chat server: its figures in the first rows are not a peer's but the least
    # any server pays on this machine for the same bytes (the table's last column).
    run "$name" "$round" pm "$PROCESSES" --scenario pm "${PM[@]}"
    run "$name" "$round" connect 1 --scenario connect "${CONNECT[@]}"
    run "$name" "$round" fanout-1000 1 --scenario fanout "${FANOUT_1000[@]}"
    run "$name" "$round" light 1 --scenario fanout "${LIGHT[@]}"
  done
done
printf '{"scenario":"machine","phase":"end","time":"%s","cores":%s,"loadavg":"%s"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"

echo
java -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.Issue16Table --results "$RESULTS" | tee "$RESULTS_DIR/$STAMP-issue16.md"
if [[ " ${AVAILABLE[*]} " == *" parley-tuned "* ]]; then
  echo
  echo "parley-tuned (${TUNED_FLAGS[*]}):"
  java -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.Issue16Table --results "$RESULTS" --parley parley-tuned \
    | tee -a "$RESULTS_DIR/$STAMP-issue16.md"
fi
echo "results: $RESULTS"
