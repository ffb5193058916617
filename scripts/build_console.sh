#!/usr/bin/env bash
# Builds the staff console (web/ -> web/dist) when Node.js is installed; without it, says so and leaves the API
# to start alone. `npm ci` runs only when the lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v npm >/dev/null 2>&1; then
  echo "Node.js (npm) not found: the staff console is not built; the API starts alone." >&2
  echo "Install Node.js 20 or newer and run 'make run' again to get the console at /." >&2
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ "${1:-}" = "--deps-only" ]; then
  exit 0
fi
npm run --silent build
