#!/usr/bin/env bash
# Runs test classes of one module many times in a row, each run in a fresh JVM, and counts the passes.
# Used to show that concurrency tests are stable on this 2-core machine (run it while a build runs
# alongside, e.g. `./mvnw -B verify` in another clone).
#
#   scripts/repeat-tests.sh MODULE TIMES Class [Class ...]      e.g. scripts/repeat-tests.sh lock-redis 20 ReentryAndCloseTest
#
# Builds the module's tests once (within the reactor, nothing installed), then starts the JUnit console
# launcher TIMES times per class. Prints one line per class: "Class: P/TIMES passed"; the log of a failed
# run is kept under target/repeat-tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
module=$1 times=$2
shift 2

junit_version=6.1.3
launcher=~/.m2/repository/org/junit/platform/junit-platform-console-standalone/$junit_version/junit-platform-console-standalone-$junit_version.jar
[ -f "$launcher" ] || ./mvnw -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$junit_version

out=$module/target/repeat-tests
mkdir -p "$out"
./mvnw -B -q -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$out/classpath.txt" -Dmdep.includeScope=test >/dev/null
classpath="$module/target/test-classes:$module/target/classes:$(cat "$out/classpath.txt")"

# A test that needs a server fails instead of skipping, so that a skip cannot count as a pass.
export CI=true
status=0
for class in "$@"; do
  fqcn=""
  for sources in java kotlin; do
    [ -n "$fqcn" ] || [ ! -d "$module/src/test/$sources" ] || fqcn=$(cd "$module/src/test/$sources" \
      && grep -rl --include="$class.java" --include="$class.kt" "class $class" . | head -n 1 \
      | sed 's|^\./||; s|\.java$||; s|\.kt$||; s|/|.|g')
  done
  [ -n "$fqcn" ] || { echo "$class: not found in $module/src/test" >&2; exit 2; }
  passed=0
  for i in $(seq 1 "$times"); do
    log="$out/$class-$i.log"
    if java -XX:+EnableDynamicAgentLoading -Xshare:off -jar "$launcher" execute --class-path "$classpath" \
        --select-class "$fqcn" --fail-if-no-tests --disable-banner --details=summary >"$log" 2>&1; then
      passed=$((passed + 1))
      rm -f "$log"
    else
      echo "$class run $i failed: $log" >&2
      status=1
    fi
  done
  echo "$class: $passed/$times passed"
done
exit $status
