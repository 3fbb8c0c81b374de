#!/usr/bin/env bash
# Runs the whole test suite against real nats-server and PostgreSQL processes the tests start themselves.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-nats-server.sh
scripts/ensure-chromium.sh
./mvnw -B verify "$@"
