#!/usr/bin/env bash
# The project's main job, from a fresh machine: installs the toolchain, builds the npm package
# into pkg/, installs the example's dependencies, runs the walk-through, then serves the REST API
# (js-example/server) on http://localhost:5000 in the foreground, with its SQLite file
# js-example/dr-schedule.sqlite (DR_SCHEDULE_DB, PORT and HOST override; Ctrl-C stops it), and
# prints a key for the demo hospital with curl lines that use it.
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
# The server in the background, so that once it listens this script can make a key for the demo
# hospital through the operator credential (from DR_SCHEDULE_OPERATOR_KEY, or the file the
# server creates on its first start) and print it with curl lines that use it.
node server/main.mjs &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
address="${HOST:-127.0.0.1}:${PORT:-5000}"
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$address/health" && break
  kill -0 "$server" 2>/dev/null || exit 1
  sleep 0.1
done
db="${DR_SCHEDULE_DB:-dr-schedule.sqlite}"
if [ -n "${DR_SCHEDULE_DATABASE_URL:-}" ]; then credential_file="dr-schedule-operator.key"; else credential_file="$(dirname "$db")/dr-schedule-operator.key"; fi
operator="${DR_SCHEDULE_OPERATOR_KEY:-$(cat "${DR_SCHEDULE_OPERATOR_KEY_FILE:-$credential_file}" 2>/dev/null || true)}"
key="$(curl -s -X POST "$address/v1/keys" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
  -d '{"roles": ["read", "book", "admin"], "label": "scripts/start.sh"}' | node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => process.stdout.write(JSON.parse(t).key ?? ""))' || true)"
if [ -n "$key" ]; then
  echo "[start] serving the REST API (seed API and /v1). A key for the demo hospital (read, book, admin), shown once:"
  echo "  export DRS_KEY=$key"
  echo "[start] try:"
  echo "  curl -s -H \"Authorization: Bearer \$DRS_KEY\" $address/appointments/1"
  echo "  curl -s -H \"Authorization: Bearer \$DRS_KEY\" '$address/v1/doctors/1/slots?from=2019-02-01&to=2019-02-01&limit=3'"
else
  echo "[start] serving the REST API, but no key could be made (see the server log above); make one with POST /v1/keys and the operator credential"
fi
wait "$server"
