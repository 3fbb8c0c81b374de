#!/usr/bin/env bash
# Builds everything and runs the demo: a private nats-server with JetStream, the gateway on :8080 and a simulated
# packaging line publishing through real WebSocket connections. Extra arguments go to the demo (--help lists them).
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-nats-server.sh
./mvnw -q -B -DskipTests install
exec java -jar demo/target/pharmabridge-demo.jar "$@"
