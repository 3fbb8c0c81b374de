#!/usr/bin/env bash
# Makes sure Debian's nats-server is installed: the run command starts a private one, and the tests start their own.
set -euo pipefail
if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then
  exit 0
fi
echo "nats-server not found; installing Debian's package…" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
else
  echo "Cannot install nats-server: run 'apt-get install nats-server' as root, then try again." >&2
  exit 1
fi
# The package enables a system service on port 4222; our runs start their own servers on free ports instead.
