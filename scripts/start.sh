#!/usr/bin/env bash
# The project's main job, from a fresh machine: installs the toolchain, builds the npm package
# into pkg/, installs the example's dependencies, runs the walk-through, then serves the REST API
# (js-example/server) on http://localhost:5000 in the foreground, with its SQLite file
# js-example/dr-schedule.sqlite (DR_SCHEDULE_DB, PORT and HOST override; Ctrl-C stops it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/build.sh"
cd "$here/js-example"
# npm ci compiles better-sqlite3 from source (a minute or two): skip it when node_modules was
# installed from this very lock file and still loads.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || ! node -e 'new (require("better-sqlite3"))(":memory:").close(); require("dr-schedule")' 2>/dev/null; then
  npm ci --no-audit --no-fund
fi
node example.mjs
echo
echo "[start] serving the REST API (seed API and /v1); try: curl -s localhost:${PORT:-5000}/appointments/1"
exec node server/main.mjs
