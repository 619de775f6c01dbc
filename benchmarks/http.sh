#!/usr/bin/env bash
# HTTP overhead: starts the demo twice on this machine (locks on, locks off; slow steps at 0), loads both
# with PUT /payments/{id} on distinct keys, prints req/s and the ratio. Arguments go to HttpOverhead:
# [threads seconds rounds].
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbenchmarks -pl benchmarks,demo-app -am -DskipTests package
demo=demo-app/target/demo-app-0.1.0-SNAPSHOT.jar
common=(--demo.slow-work.payment=0ms --logging.level.root=warn --spring.main.banner-mode=off)
java -Xmx512m -jar "$demo" --server.port=18081 "${common[@]}" >/tmp/serializedby-demo-locked.log 2>&1 &
locked=$!
java -Xmx512m -jar "$demo" --server.port=18082 --serialized-by.enabled=false "${common[@]}" \
  >/tmp/serializedby-demo-unlocked.log 2>&1 &
unlocked=$!
trap 'kill $locked $unlocked 2>/dev/null || true' EXIT
for port in 18081 18082; do
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null && break
    sleep 1
  done
done
java -cp benchmarks/target/benchmarks.jar io.github.serializedby.benchmarks.HttpOverhead \
  http://127.0.0.1:18081 http://127.0.0.1:18082 "$@"
