#!/usr/bin/env bash
# Runs the scenario suite against embedded Redis, embedded PostgreSQL and the Telegram simulator, with 3 instance JVMs
# (see delivery-bench/README.md). Prints the tables and writes results.md, results.csv and send-rate.png.
#
#   delivery-bench/scripts/scenarios.sh full             # ~25 min; results in delivery-bench/results/
#   delivery-bench/scripts/scenarios.sh smoke            # < 3 min; results in delivery-bench/target/scenario-results/smoke/
#   delivery-bench/scripts/scenarios.sh full --only steady,kill-9
#
# Set SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
suite="${1:-full}"
shift || true
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
    delivery-bench/scripts/build.sh
fi
case "$suite" in
    full)  out="delivery-bench/results"; extra=() ;;
    smoke) out="delivery-bench/target/scenario-results/smoke"; extra=(--check) ;;
    *)     echo "usage: $0 full|smoke [--only name,name]" >&2; exit 2 ;;
esac
exec java -Xmx1g -XX:+UseZGC -Djava.io.tmpdir="$root/delivery-bench/target" \
    -Dlogback.configurationFile="$root/delivery-bench/scripts/logback-coordinator.xml" \
    -cp "delivery-bench/target/classes:$(cat delivery-bench/target/classpath.txt)" \
    io.botdelivery.bench.scenario.ScenarioMain --suite "$suite" --out "$out" \
    --work "delivery-bench/target/scenario-runs/$suite" "${extra[@]}" "$@"
