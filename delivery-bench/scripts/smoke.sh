#!/usr/bin/env bash
# The CI smoke version (under 3 minutes): the scenario smoke suite (2 instance JVMs through every kind of chaos once,
# then a single-instance local run), checked for lost deliveries and double claims, then each component benchmark
# for a second or two, so none of them can rot. `mvn -B verify` runs the scenario part too (SmokeScenariosTest).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
delivery-bench/scripts/build.sh
jar=delivery-bench/target/benchmarks.jar
tmp="-Djava.io.tmpdir=$root/delivery-bench/target"
SKIP_BUILD=1 delivery-bench/scripts/scenarios.sh smoke
java -jar "$jar" LocalLimiterReserveBenchmark -p path=telegramDefaults -bm avgt -tu ns -f 0 -wi 0 -i 1 -r 1s
java -cp "$jar" io.botdelivery.bench.local.LocalLimiterHeapFootprint 10000
java "$tmp" -cp "$jar" io.botdelivery.bench.redis.RedisLimiterComparison --rounds 1 --seconds 1 --paced-seconds 1
java "$tmp" -cp "$jar" io.botdelivery.bench.postgres.PostgresStoreBench --seconds 1 --history 0 --latency-samples 20 --sync-commit off
