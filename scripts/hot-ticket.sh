#!/usr/bin/env bash
# The demo's hot-ticket case with and without the bounds on waiting: starts the demo on this machine
# twice, once as configured (at most 20 buyers wait for one concert) and once with every bound lifted,
# runs the race check against each RUNS times and prints its hot-ticket line: the seats sold, how the
# 200 buyers were answered, and how fast buyers of other concerts were answered meanwhile (p50, p99).
# Both demos have 100 request threads, half the burst, so that the burst can take them all however
# its connections arrive, and an accept queue that holds the whole burst.
#
#   scripts/hot-ticket.sh [RUNS]        builds the demo's jar first; uses ports 18081 and 18082
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
./mvnw -B -q -pl demo-app -am package -DskipTests
jar=demo-app/target/demo-app-0.1.0-SNAPSHOT.jar
check=demo-app/src/main/java/io/github/serializedby/demo/race/RaceCheck.java
lifted=100000

measure() { # label port [demo arguments...]
  local label=$1 port=$2 pid out
  shift 2
  java -jar "$jar" --server.port="$port" --server.tomcat.threads.max=100 --server.tomcat.accept-count=1000 "$@" \
    >"demo-app/target/hot-ticket-$port.log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://localhost:$port/actuator/health" && break
    sleep 1
  done
  for _ in $(seq 1 "$runs"); do
    out=$(java "$check" "http://localhost:$port") || true
    grep '^hot-ticket' <<<"$out" | sed "s/^/$label /"
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  trap - EXIT
}

measure "bounded  " 18081
measure "unbounded" 18082 --serialized-by.max-waiters=$lifted --serialized-by.instances.concerts.max-waiters=$lifted \
  --serialized-by.max-lock-waiters=$lifted --serialized-by.max-waiting=$lifted
