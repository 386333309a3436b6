#!/usr/bin/env bash
# Fuzzes every @FuzzTest target for FUZZ_SECONDS each (default 600), one after the other, at the lowest CPU priority
# (nice -n 19), and writes bench/results/fuzz-<date>.txt: per target the executions, the duration, crashes (an
# uncaught exception or failed contract assertion: what would be a 5xx), hangs (an input that ran past
# FUZZ_TIMEOUT seconds, default 10) and out-of-memory errors. Not part of `mvn verify`, which only replays the seeds.
#
#   bench/fuzz.sh                     # every target, 10 minutes each
#   FUZZ_SECONDS=60 bench/fuzz.sh Tokens ModelArchive   # only the targets whose class name contains these words
#
# It builds once with Maven (FUZZ_MAVEN_ARGS, default -o: offline once dependencies are present), then runs each
# target in a JVM of its own through the JUnit console launcher with JAZZER_FUZZ=1 — no Maven process stays up
# while it fuzzes. Findings are written by Jazzer into the target's seed folder (src/test/resources/.../
# <Class>Inputs/<method>/crash-*), so they replay in every test run once committed; the corpus it grows is kept in
# each module's .cifuzz-corpus/ (git-ignored) and reused by the next run. Logs: target/fuzz-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_TARGET=${FUZZ_SECONDS:-600}
TIMEOUT=${FUZZ_TIMEOUT:-10}
HEAP=${FUZZ_HEAP:-2g}
MAVEN_ARGS=${FUZZ_MAVEN_ARGS:--o}
PLATFORM_VERSION=1.13.4 # the JUnit Platform of the junit-bom in the root pom (Jupiter 5.13.4)
TARGETS=(
  "onnx-format io.mmaas.onnx.OnnxInspectorFuzzTest"
  "onnx-format io.mmaas.onnx.ModelArchiveFuzzTest"
  "runtime-agent io.mmaas.agent.oip.JsonInferRequestFuzzTest"
  "runtime-agent io.mmaas.agent.oip.BinaryTensorFuzzTest"
  "control-plane io.mmaas.controlplane.keys.ApiKeyFormatFuzzTest"
  "control-plane io.mmaas.controlplane.auth.TokensFuzzTest"
  "web-console io.mmaas.console.session.ConsoleSessionFuzzTest"
)

selected=()
for t in "${TARGETS[@]}"; do
  if [ $# -eq 0 ]; then selected+=("$t"); continue; fi
  for word in "$@"; do
    case "$t" in *"$word"*) selected+=("$t"); break ;; esac
  done
done
[ ${#selected[@]} -gt 0 ] || { echo "no target matches: $*" >&2; exit 2; }

LOGS=$ROOT/target/fuzz-logs
mkdir -p "$LOGS" "$ROOT/bench/results"
modules=$(printf '%s\n' "${selected[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)

echo "building $modules (and what they need) ..."
nice -n 19 mvn -B -q $MAVEN_ARGS -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test > "$LOGS/build.log" 2>&1 \
  || { tail -40 "$LOGS/build.log" >&2; exit 1; }
nice -n 19 mvn -B -q $MAVEN_ARGS dependency:copy \
  -Dartifact=org.junit.platform:junit-platform-console-standalone:$PLATFORM_VERSION \
  -DoutputDirectory="$ROOT/target/fuzz-tools" >> "$LOGS/build.log" 2>&1 \
  || { tail -40 "$LOGS/build.log" >&2; exit 1; }
LAUNCHER=$ROOT/target/fuzz-tools/junit-platform-console-standalone-$PLATFORM_VERSION.jar

STAMP=$(date -u +%Y%m%d-%H%M%S)
RESULTS=$ROOT/bench/results/fuzz-$STAMP.txt
{
  echo "# Fuzzing run $STAMP (bench/fuzz.sh)"
  echo "# commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo ' (with local changes)')," \
    "Jazzer $(sed -n 's:.*<jazzer.version>\(.*\)</jazzer.version>.*:\1:p' pom.xml), ${SECONDS_PER_TARGET} s per target," \
    "hang = one input over ${TIMEOUT} s, heap ${HEAP}, nice -n 19, $(nproc) cores (shared)"
  echo "# seeds: the target's seed folder plus the corpus earlier runs grew (.cifuzz-corpus)"
  printf '%-28s %12s %10s %8s %7s %5s %7s  %s\n' target executions exec/s seconds crashes hangs oom result
} > "$RESULTS"

status=0
for t in "${selected[@]}"; do
  module=${t%% *}
  class=${t#* }
  name=${class##*.}
  log=$LOGS/$name-$STAMP.log
  echo "fuzzing $name for ${SECONDS_PER_TARGET} s ..."
  start=$(date +%s)
  set +e
  (cd "$ROOT/$module" && JAZZER_FUZZ=1 nice -n 19 java -Xmx"$HEAP" -XX:-OmitStackTraceInFastThrow \
    -Dmmaas.repo.root="$ROOT" \
    -cp "target/test-classes:target/classes:$(cat target/fuzz-classpath.txt):$LAUNCHER" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
    --select-class="$class" \
    --config=jazzer.internal.arg.0=fuzz \
    --config=jazzer.internal.arg.1=-max_total_time="$SECONDS_PER_TARGET" \
    --config=jazzer.internal.arg.2=-timeout="$TIMEOUT" \
    --config=jazzer.internal.arg.3=-print_final_stats=1) > "$log" 2>&1
  rc=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  runs=$(sed -n 's/.*Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -1)
  [ -n "$runs" ] || runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  [ -n "$runs" ] || runs=0
  fuzz_seconds=$(sed -n 's/.*Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  [ -n "$fuzz_seconds" ] || fuzz_seconds=$seconds
  rate=$(( fuzz_seconds > 0 ? runs / fuzz_seconds : 0 ))
  crashes=$(grep -c -E '== Java Exception|deadly signal|FuzzTestFindingException' "$log" || true)
  hangs=$(grep -c 'libFuzzer: timeout' "$log" || true)
  ooms=$(grep -c -E 'OutOfMemoryError|libFuzzer: out-of-memory' "$log" || true)
  if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ] && [ "$ooms" -eq 0 ]; then
    result=pass
  else
    result="FAIL (exit $rc, see target/fuzz-logs/$(basename "$log"))"
    status=1
  fi
  printf '%-28s %12s %10s %8s %7s %5s %7s  %s\n' "$name" "$runs" "$rate" "$fuzz_seconds" "$crashes" "$hangs" "$ooms" \
    "$result" >> "$RESULTS"
  grep -E 'crash-|Test unit written' "$log" | sed -e "s#$ROOT/##g" -e 's/^/    /' >> "$RESULTS" || true
done
echo "results: $RESULTS"
cat "$RESULTS"
exit $status
