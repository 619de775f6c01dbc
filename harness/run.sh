#!/bin/sh
# Builds the harness and runs it against the local Redis and PostgreSQL: every fault on every provider
# (about 18 minutes on a loaded machine), or with --short the CI subset. The Redis Cluster and Sentinel
# setups are started with scripts/redis-cluster.sh and scripts/redis-sentinel.sh when their providers run
# (a healthy one is kept). Exits 1 when an invariant was broken.
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl harness -am package -DskipTests
exec java -cp "harness/target/classes:$(cat harness/target/classpath.txt)" io.github.serializedby.harness.Harness "$@"
