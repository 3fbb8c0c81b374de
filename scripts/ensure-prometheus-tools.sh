#!/usr/bin/env bash
# Makes sure promtool (Debian's prometheus package) is installed: the tests check deploy/prometheus with it.
# Nothing is downloaded from anywhere but Debian's package archive. The package would also start a Prometheus
# service on :9090 where systemd runs; the tests do not use it, so it is stopped and disabled again.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
echo "promtool not found; installing Debian's prometheus package (for the deploy/ checks)…" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "Cannot install promtool: run 'apt-get install prometheus' as root, then try again." >&2
    exit 1
  fi
fi
$SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
