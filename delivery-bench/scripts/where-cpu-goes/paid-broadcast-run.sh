#!/bin/bash
# One PaidBroadcastAtScale run with the CPU of every process and thread sampled beside it (threadcpu.py), Redis's
# command statistics and PostgreSQL's statement statistics (redisstats.py, pgstats.py); prints the run's table row and
# the CPU by process. Run from a checkout whose jars are built; <label> names the files under <out dir>.
# usage: delivery-bench/scripts/where-cpu-goes/paid-broadcast-run.sh <label> <out dir> [PaidBroadcastAtScale args...]
# e.g.   delivery-bench/scripts/where-cpu-goes/paid-broadcast-run.sh after /tmp/runs 100000 postgres example-bot/target/example-bot.jar 2 redis
set -u
label=$1; out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
python3 "$here/threadcpu.py" "$out/cpu-$label.txt" & sampler=$!
python3 "$here/redisstats.py" "$out/redis-$label.txt" 2>/dev/null & redis=$!
python3 "$here/pgstats.py" "$out/pg-$label.txt" 2>/dev/null & pg=$!
timeout 900 java -Djava.io.tmpdir=delivery-bench/target -cp delivery-bench/target/benchmarks.jar \
    io.botdelivery.bench.broadcast.PaidBroadcastAtScale "$@" > "$out/run-$label.txt" 2>&1
kill $sampler; kill $redis $pg 2>/dev/null; sleep 3
echo "$label $(date +%H:%M) $(grep '^| [0-9]' "$out/run-$label.txt")"
head -8 "$out/cpu-$label.txt"
