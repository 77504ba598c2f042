#!/usr/bin/env bash
# Fuzzes chat-netty's decoders for longer than verify's bounded run (docs/fuzzing.md).
#   chat-netty/fuzz.sh [DURATION] [TEST...]
# DURATION per fuzz test, as Jazzer reads it (30s, 10m, 1h; default 5m). TEST: fuzz test classes
# (simple names, default all of them). One fuzz test at a time, each in a JVM of its own. Findings
# land in the test's Inputs directory under src/test/resources; commit them to keep them as
# regression inputs. The generated corpus grows in chat-netty/.cifuzz-corpus (not committed).
# Unlike verify's repeatable run (a fixed seed and run count), each campaign runs for DURATION from a
# new random seed (libFuzzer prints it as "Seed: N"); FUZZ_SEED=N runs again from seed N.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-5m}"
shift || true
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(JsonProtocolFuzzTest PollingPayloadFuzzTest PacketCodecFuzzTest HandshakeFuzzTest)
fi

# Build once; chat-core and chat-testkit come from the reactor, never from ~/.m2.
mvn -B -q -pl chat-netty -am test-compile -Dinvoker.skip < /dev/null

status=0
for test in "${tests[@]}"; do
  echo "== fuzzing $test for $duration"
  if ! mvn -B -pl chat-netty -am verify -Dinvoker.skip -DskipAutobahn -Dmaven.javadoc.skip -Djapicmp.skip \
      -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Dit.test="$test" -Dfailsafe.failIfNoSpecifiedTests=false \
      -Dfuzz.duration="$duration" -Dfuzz.runs=0 -Dfuzz.seed="${FUZZ_SEED:-0}" < /dev/null; then
    echo "== $test: finding (see chat-netty/target/fuzz-reports and the test's Inputs directory)"
    status=1
  fi
done
exit $status
