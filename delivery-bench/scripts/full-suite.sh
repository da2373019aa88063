#!/usr/bin/env bash
# The whole benchmark suite, one command (about 1 hour on 2 cores): the component benchmarks (limiter-local JMH and
# heap per chat, the Redis limiters compared, store-postgres claim/complete and submit latency), then the scenario
# and chaos runs. Prints every table; each part's output is also kept in delivery-bench/target/full-suite/.
# The scenario results (results.md, results.csv, send-rate.png) are written to delivery-bench/results/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
delivery-bench/scripts/build.sh
out=delivery-bench/target/full-suite
mkdir -p "$out"
jar=delivery-bench/target/benchmarks.jar
tmp="-Djava.io.tmpdir=$root/delivery-bench/target"

part() { # name, command...
    local name="$1"; shift
    echo "=== $name" | tee "$out/$name.txt"
    "$@" 2>&1 | tee -a "$out/$name.txt"
}

# issue #2: limiter-local reservation latency and throughput with 1 and 2 callers, heap per active chat
for t in 1 2; do
    part "local-limiter-latency-$t" java -jar "$jar" LocalLimiterReserveBenchmark -bm sample -tu ns -t "$t" -f 1 -wi 3 -w 1s -i 5 -r 1s
    part "local-limiter-throughput-$t" java -jar "$jar" LocalLimiterReserveBenchmark -bm thrpt -tu us -t "$t" -f 1 -wi 3 -w 1s -i 5 -r 1s
done
part local-limiters-compared java -jar "$jar" LocalLimitersComparedBenchmark -bm avgt -tu ns -t 1 -f 1 -wi 5 -w 1s -i 10 -r 1s
part local-limiter-heap java -Xms2g -Xmx2g -cp "$jar" io.botdelivery.bench.local.LocalLimiterHeapFootprint 1000000
# issue #7: RedisRateLimiter vs Redisson RRateLimiter vs Bucket4j-Redisson vs raw EVALSHA, same Redis, interleaved
part redis-limiters java "$tmp" -cp "$jar" io.botdelivery.bench.redis.RedisLimiterComparison
# issue #4: PostgresRetryStore claim + complete vs a plain SKIP LOCKED loop; submit -> first attempt
part postgres-store java "$tmp" -cp "$jar" io.botdelivery.bench.postgres.PostgresStoreBench
# issues #3 and #6: scenarios with 3 instance JVMs and the chaos runs
part scenarios env SKIP_BUILD=1 delivery-bench/scripts/scenarios.sh full "$@"
