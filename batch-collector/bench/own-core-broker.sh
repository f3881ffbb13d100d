#!/usr/bin/env bash
# The collector benchmark with the broker in a process of its own, pinned to one core, and the benchmark (both
# topologies, each in a JVM of its own) pinned to the other: the broker then takes no CPU from the application,
# as on machines of its own.
# Usage, from the repository root after `./mvnw -q -DskipTests install`:
#   batch-collector/bench/own-core-broker.sh [-Dbench.codeBytes=4000 -Dbench.records=100000 ...]
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$(dirname "$0")/.."
../mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
port=$(( 20000 + RANDOM % 10000 ))
log=$(mktemp)
taskset -c 1 "$JAVA_HOME/bin/java" -Xmx1g -cp "$cp" dev.athena.collector.BenchBroker "$port" >"$log" 2>&1 &
broker=$!
trap 'kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 60); do grep -q "bench broker ready" "$log" && break; sleep 1; done
grep -q "bench broker ready" "$log" || { echo "broker did not start:"; cat "$log"; exit 1; }
taskset -c 0 "$JAVA_HOME/bin/java" -Xmx1g -Dbench.bootstrap="127.0.0.1:$port" -Dbench.records=500000 \
    -Dbench.rounds=5 -Dbench.warmups=2 "$@" -cp "$cp" dev.athena.collector.CollectorBenchmark
