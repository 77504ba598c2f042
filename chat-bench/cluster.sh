#!/usr/bin/env bash
# Parley over several nodes on Redis (docs/benchmarks.md#cluster): every figure is a ratio or a
# count within this one run, with the configurations it compares interleaved.
#
#   chat-bench/cluster.sh [--quick] [--rounds N] [--no-build] [--profile] [--parts LIST] [--warmup S]
#
# A private redis-server on a free port (never the shared 6379), and Parley bench servers on free
# ports, all pinned to core 1; the load generator on core 0. Parts:
#   single   one node, the in-process engine against the Redis engine, alternating, N rounds:
#            fan-out at a fixed rate (server CPU per delivery, Redis's CPU apart) and private messages
#   calls    three nodes, rooms of 2, 10 and 100 members on two of them, idle rooms on the third:
#            Redis commands per room message (less the idle background) and what the third node gets
#   fanout   a sweep of the offered fan-out over three nodes (members and senders on each), and the
#            same sweep on one node with the in-process engine
#   pm       three nodes, private messages between users on the same node and on different nodes,
#            alternating, N rounds
# --parts runs only some of them (comma-separated, e.g. single); --warmup sets the single part's
# warm-up in seconds (10 by default), which the JIT may need more of on a busy machine.
# With --profile, one more single fan-out per engine, outside the rounds, records a JFR profile of
# its node (<timestamp>-cluster-logs/fanout-<engine>.jfr).
# Results: chat-bench/results/<timestamp>-cluster.jsonl, the tables in <timestamp>-cluster.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/chat-bench

QUICK=false
ROUNDS=2
BUILD=true
PROFILE=false
PARTS=single,calls,fanout,pm
WARMUP=
while [ $# -gt 0 ]; do
  case "$1" in
    --parts) PARTS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --quick) QUICK=true ;;
    --rounds) ROUNDS=$2; shift ;;
    --no-build) BUILD=false ;;
    --profile) PROFILE=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

part() {
  [[ ",$PARTS," == *",$1,"* ]]
}

SERVER_JVM=(-Xms256m -Xmx1g)
LOADGEN_JVM=(-Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled)
SERVER_CORE=1
LOADGEN_CORE=0

if $QUICK; then
  ROUNDS=1
  SINGLE=(--rooms 5 --room-size 50 --senders 1 --rate 200 --duration 5 --warmup 5 --drain 5)
  SINGLE_PM=(--users 500 --room-size 10 --rate 500 --duration 5 --warmup 5 --drain 5)
  CALLS=(--senders 2 --rate 100 --duration 5 --warmup 5 --drain 5 --idle-window 5 --member-nodes 2 --idle-rooms 5)
  CALL_SHAPES=("100 2" "20 10" "2 100")
  SWEEP=(--rooms 5 --room-size 60 --senders 3 --start-rate 100 --factor 2 --max-steps 5 --refine 0
         --duration 3 --warmup 3 --drain 5)
  PM=(--users 600 --room-size 10 --rate 500 --duration 5 --warmup 5 --drain 5 --idle-window 5)
else
  # As ab.sh's fan-out: 10 rooms of 100, 200 messages/s, 19,800 deliveries/s.
  SINGLE=(--rooms 10 --room-size 100 --senders 1 --rate 200 --duration 10 --warmup 10 --drain 10)
  SINGLE_PM=(--users 1000 --room-size 10 --rate 1000 --duration 10 --warmup 10 --drain 10)
  CALLS=(--senders 2 --rate 200 --duration 8 --warmup 6 --drain 5 --idle-window 5 --member-nodes 2 --idle-rooms 10)
  # rooms, room size
  CALL_SHAPES=("200 2" "50 10" "5 100")
  SWEEP=(--rooms 10 --room-size 100 --senders 3 --start-rate 100 --factor 2 --max-steps 7 --refine 1
         --duration 4 --warmup 5 --drain 10)
  PM=(--users 1200 --room-size 10 --rate 1000 --duration 8 --warmup 8 --drain 10 --idle-window 5)
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/$STAMP-cluster.jsonl
LOGS=$RESULTS_DIR/$STAMP-cluster-logs
mkdir -p "$LOGS"
: > "$RESULTS"

if $BUILD; then
  echo "== building the Parley bench jar"
  mvn -B -q -DskipTests package -pl chat-bench -am
fi
LOADGEN_JAR=$BENCH/target/loadgen.jar

# A port nothing listens on, from a range away from the other benches' fixed ones.
free_port() {
  local p
  while true; do
    p=$(shuf -i 20000-39999 -n 1)
    if [ -z "$(ss -ltnH "sport = :$p")" ] && [ -z "$(ss -ltnH "sport = :$((p + 1))")" ]; then
      echo "$p"
      return
    fi
  done
}

REDIS_PORT=$(free_port)
REDIS_PID=
NODE_PIDS=()
NODE_PORTS=()

stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]+"${NODE_PIDS[@]}"}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${NODE_PIDS[@]+"${NODE_PIDS[@]}"}"; do
    wait "$pid" 2>/dev/null || true
  done
  NODE_PIDS=()
  NODE_PORTS=()
  # Every part starts from an empty Redis: no room, name or node left by the last.
  if [ -n "$REDIS_PID" ]; then redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null; fi
}
cleanup() {
  stop_nodes
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  REDIS_PID=
}
trap cleanup EXIT INT TERM

taskset -c $SERVER_CORE redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  >"$LOGS/redis.log" 2>&1 &
REDIS_PID=$!
until redis-cli -p "$REDIS_PORT" PING >/dev/null 2>&1; do
  kill -0 "$REDIS_PID" 2>/dev/null || { cat "$LOGS/redis.log" >&2; exit 1; }
  sleep 0.1
done

# start_nodes ENGINE COUNT LOG_PREFIX [JVM options...]: ENGINE is inprocess or redis.
start_nodes() {
  local engine=$1 count=$2 prefix=$3 i port log
  shift 3
  local extra=()
  if [ "$engine" = redis ]; then extra=(--redis-url "redis://127.0.0.1:$REDIS_PORT"); fi
  for i in $(seq 1 "$count"); do
    port=$(free_port)
    log=$LOGS/$prefix-node$i.log
    taskset -c $SERVER_CORE java "${SERVER_JVM[@]}" "$@" -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.ParleyBenchServer \
      --port "$port" --stats-port $((port + 1)) --presence false "${extra[@]+"${extra[@]}"}" >"$log" 2>&1 &
    NODE_PIDS+=($!)
    NODE_PORTS+=("$port")
  done
  # One core starts them all: wait for each to say READY and to accept a connection.
  local deadline=$((SECONDS + 90)) k
  for k in "${!NODE_PIDS[@]}"; do
    log=$LOGS/$prefix-node$((k + 1)).log
    until grep -qs '^READY ' "$log" && [ -n "$(ss -ltnH "sport = :${NODE_PORTS[$k]}")" ]; do
      if ! kill -0 "${NODE_PIDS[$k]}" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
        echo "node $((k + 1)) did not become ready; its log:" >&2
        cat "$log" >&2
        exit 1
      fi
      sleep 0.2
    done
  done
}

# loadgen LABEL ROUND ARGS...: against the nodes now running, with Redis's counters.
loadgen() {
  local label=$1 round=$2
  shift 2
  local ports pids
  ports=$(IFS=,; echo "${NODE_PORTS[*]}")
  pids=$(IFS=,; echo "${NODE_PIDS[*]}")
  taskset -c $LOADGEN_CORE java "${LOADGEN_JVM[@]}" -jar "$LOADGEN_JAR" --server "$label" --round "$round" \
    --driver socketio --port "$ports" --stats-port $((NODE_PORTS[0] + 1)) --server-pid "$pids" \
    --redis-port "$REDIS_PORT" "$@" 2>>"$LOGS/loadgen.err" | tee -a "$RESULTS" \
    || echo "== load generator failed (see $LOGS/loadgen.err)" >&2
}

machine() {
  local java_version redis_version
  java_version=$(java -version 2>&1 | head -1 | tr -d '"')
  redis_version=$(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')
  printf '{"scenario":"machine","phase":"%s","time":"%s","cores":%s,"loadavg":"%s","kernel":"%s","java":"%s","redis":"%s","quick":%s}\n' \
    "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -r)" \
    "$java_version" "$redis_version" "$QUICK" | tee -a "$RESULTS"
}

echo "== redis on port $REDIS_PORT; rounds: $ROUNDS; results: $RESULTS"
machine start

if [ -n "$WARMUP" ]; then
  SINGLE+=(--warmup "$WARMUP")
  SINGLE_PM+=(--warmup "$WARMUP")
fi

if part single; then
echo "== single: one node, in-process engine against Redis engine"
for round in $(seq 1 "$ROUNDS"); do
  for engine in inprocess redis; do
    start_nodes "$engine" 1 "single-$engine-$round"
    loadgen "$engine-1" "$round" --scenario fanout "${SINGLE[@]}"
    loadgen "$engine-1" "$round" --scenario pm "${SINGLE_PM[@]}"
    stop_nodes
  done
done
if $PROFILE; then
  # Apart from the rounds, so that the recording's own cost is in no figure: each engine's node
  # records the whole fan-out run (JFR's "profile" settings: a Java stack sample every 10 ms).
  for engine in inprocess redis; do
    start_nodes "$engine" 1 "profile-$engine" \
      "-XX:StartFlightRecording=filename=$LOGS/fanout-$engine.jfr,settings=profile,dumponexit=true"
    loadgen "$engine-1-jfr" 1 --scenario fanout "${SINGLE[@]}"
    stop_nodes
  done
fi
fi

if part calls; then
echo "== calls: three nodes, Redis commands per room message by room size"
start_nodes redis 3 calls
for shape in "${CALL_SHAPES[@]}"; do
  read -r rooms size <<<"$shape"
  loadgen redis-3 1 --scenario fanout --rooms "$rooms" --room-size "$size" "${CALLS[@]}"
done
stop_nodes
fi

if part fanout; then
echo "== fanout: sweep over three nodes, and over one node in-process"
start_nodes redis 3 sweep-redis
loadgen redis-3 1 --scenario sweep "${SWEEP[@]}"
stop_nodes
start_nodes inprocess 1 sweep-inprocess
loadgen inprocess-1 1 --scenario sweep "${SWEEP[@]}"
stop_nodes
fi

if part pm; then
echo "== pm: three nodes, private messages within a node and across nodes"
for round in $(seq 1 "$ROUNDS"); do
  for pairs in same-node cross-node; do
    start_nodes redis 3 "pm-$pairs-$round"
    loadgen redis-3 "$round" --scenario pm --pm-pairs "$pairs" "${PM[@]}"
    stop_nodes
  done
done
fi

machine end
echo
java -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.Report --results "$RESULTS" | tee "$RESULTS_DIR/$STAMP-cluster.md"
echo "results: $RESULTS"
