#!/usr/bin/env bash
# Builds delivery-bench and everything it needs (no tests, nothing installed into ~/.m2), and writes its class path to
# delivery-bench/target/classpath.txt. Used by the other scripts; run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -pl delivery-bench -am package -DskipTests \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=target/classpath.txt
echo "built: delivery-bench/target/benchmarks.jar and delivery-bench/target/classpath.txt" >&2
