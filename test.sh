#!/usr/bin/env bash
# Runs the whole test suite against real nats-server and PostgreSQL processes the tests start themselves, with
# Debian's chromium (browser tests), promtool (deploy/ checks) and Node.js (playwright-core) installed if missing.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-nats-server.sh
scripts/ensure-chromium.sh
scripts/ensure-prometheus-tools.sh
scripts/ensure-node.sh
./mvnw -B verify "$@"
