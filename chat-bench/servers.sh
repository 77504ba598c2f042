# Sourced by ab.sh, soak.sh and issue16.sh: starting and stopping one bench server at a time. Needs
# SERVER_CORE, SERVER_JVM, LOADGEN_JAR, PEERS, PORT and STATS_PORT set.

SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap cleanup EXIT INT TERM

# start_server NAME LOG [MORE PARLEY FLAGS...]: starts parley, node, netty-socketio or floor pinned
# to SERVER_CORE, logging to LOG, and waits (up to 60 s) for its READY line.
start_server() {
  local name=$1 log=$2
  shift 2
  case "$name" in
    parley)
      taskset -c $SERVER_CORE java "${SERVER_JVM[@]}" -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.ParleyBenchServer \
        --port $PORT --stats-port $STATS_PORT --presence false "$@" >"$log" 2>&1 &
      ;;
    floor)
      taskset -c $SERVER_CORE java "${SERVER_JVM[@]}" -cp "$LOADGEN_JAR" dev.parley.chat.bench.load.FloorServer \
        --port $PORT --stats-port $STATS_PORT >"$log" 2>&1 &
      ;;
    node)
      (cd "$PEERS/node" && exec taskset -c $SERVER_CORE node --expose-gc server.js \
        --port $PORT --stats-port $STATS_PORT --presence false) >"$log" 2>&1 &
      ;;
    netty-socketio)
      taskset -c $SERVER_CORE java "${SERVER_JVM[@]}" -jar "$PEERS/netty-socketio/target/netty-socketio-peer.jar" \
        --port $PORT --stats-port $STATS_PORT --presence false --ws-compression false >"$log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  local deadline=$((SECONDS + 60))
  until grep -qs '^READY ' "$log"; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "$name did not become ready; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
}
