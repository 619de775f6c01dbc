#!/usr/bin/env bash
# Builds the benchmarks and runs the short version: prints a table of ratios and writes
# benchmarks/results/latest.md. Arguments go to BenchmarkReport: [warmups iterations seconds forks hotKeySeconds];
# the last is the measured time per variant of the hot key across three JVMs (30 unless given).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbenchmarks -pl benchmarks -am -DskipTests package
java -Djdk.attach.allowAttachSelf=true -jar benchmarks/target/benchmarks.jar "$@"
