#!/usr/bin/env bash
# Makes sure Debian's chromium is installed: the tests check the batch report (and the live line view) in a real
# headless browser. Nothing is downloaded from anywhere but Debian's package archive.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "chromium not found; installing Debian's package (for the browser tests)…" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Cannot install chromium: run 'apt-get install chromium' as root, then try again." >&2
  exit 1
fi
