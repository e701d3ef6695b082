#!/usr/bin/env bash
# Runs every test from a fresh clone: formatting, the engine's purity and import-cycle checks,
# clippy (native and wasm32), the native unit and integration tests, the fuzz targets, the release
# builds, the package's JS tests against the built package (tests/js: the boundary call by call,
# every error code, hostile input, the types, in Node, Deno, Bun, workerd and Chromium) and the
# examples' tests (js-example), whose REST server tests run twice: on SQLite, then on a
# throwaway PostgreSQL server. Installs what it needs first (idempotent). CI runs exactly this.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
bash scripts/setup.sh
bash scripts/setup-browsers.sh

step "cargo fmt --check"
cargo fmt --check

step "the engine is pure: no JS, clock, randomness or I/O in its dependencies or sources"
bash tools/check-engine-purity.sh

step "no import cycles between the engine's files (tools/module-cycles.mjs)"
node tools/module-cycles.mjs

step "clippy (native and wasm32; unwrap/expect/panic/indexing denied outside tests)"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets --features test-trap -- -D warnings

step "native tests"
cargo test

step "fuzzing: replay fuzz/corpus, then 60 s per target"
bash scripts/fuzz.sh

step "release build of the npm package"
bash scripts/build.sh
# The same package with the test-only `test-trap` feature, for the trap-recovery test; its own
# target dir keeps both builds cached.
CARGO_TARGET_DIR=target/trap bash scripts/build.sh --features test-trap --out-dir target/pkg-test-trap

# npm ci in the current directory unless node_modules was installed from this very lock file:
# the runtimes' binaries (deno, bun, workerd) make a fresh install take a minute.
npm_ci_once() {
  local stamp=node_modules/.installed-from-package-lock.json
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    echo "[test] $(basename "$PWD")/node_modules matches package-lock.json"
  else
    npm ci --no-audit --no-fund
    cp package-lock.json "$stamp"
  fi
}

step "the package's JS tests (tests/js) against pkg/: Node, Deno, Bun, workerd, Chromium"
(cd tests/js && npm_ci_once && npm test)

step "the examples' JS tests (js-example): the walk-through, the REST server, the worker, the page"
(cd js-example && npm_ci_once && npm test)

step "the REST server's and the service's tests again, on PostgreSQL (a throwaway server, scripts/postgres.sh)"
# Stopped (and its directory removed) however this script ends.
trap 'bash "$here/scripts/postgres.sh" stop' EXIT
pg_url="$(bash scripts/postgres.sh start)"
(cd js-example && DR_SCHEDULE_TEST_DATABASE_URL="$pg_url" npm run test:postgres)
