#!/usr/bin/env bash
# Makes sure Node.js (20 or later) and npm are there: the line view's browser test drives Debian's chromium with
# playwright-core, which the test installs from the npm registry into demo/target/ui-test (no browser download).
set -euo pipefail
major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && [ "$(major)" -ge 20 ]; then
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js or npm not found; installing Debian's packages (for the browser test)…" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Cannot install Node.js: run 'apt-get install nodejs npm' as root, then try again." >&2
      exit 1
    fi
  fi
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ "$(major)" -lt 20 ]; then
  echo "Node.js $(node --version) is older than 20, which playwright-core needs: install Node.js 20 or later." >&2
  exit 1
fi
