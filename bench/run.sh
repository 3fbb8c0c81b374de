#!/usr/bin/env bash
# Builds the bench module and runs the side-by-side benchmark: every scenario, gateway vs nats-server's own WebSocket
# listener (and vs direct jnats for acknowledged ingest), alternating rounds. Extra arguments go to 'run'
# (--help lists them). Results: bench/target/results/<time>/results.{md,json,html}.
#   bench/run.sh                                  # everything, as in BENCHMARKS.md
#   bench/run.sh --scenarios ingest --rounds 3    # one scenario
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-nats-server.sh
./mvnw -q -B -DskipTests -pl bench -am package
# Each connection is a file descriptor in the generator and in the server under test: take what the limit allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
out=(--out "bench/target/results/$(date +%Y%m%d-%H%M%S)")
for arg in "$@"; do
  if [[ "$arg" == --out || "$arg" == --out=* ]]; then out=(); fi
done
exec java -Xms1g -Xmx2g -jar bench/target/pharmabridge-bench.jar run "${out[@]}" "$@"
