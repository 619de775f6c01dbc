#!/bin/sh
# Builds the harness and runs it against the local Redis and PostgreSQL: every fault on every provider
# (about 3 minutes), or with --short the CI subset. Exits 1 when an invariant was broken.
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl harness -am package -DskipTests
exec java -cp "harness/target/classes:$(cat harness/target/classpath.txt)" io.github.serializedby.harness.Harness "$@"
