#!/usr/bin/env bash
# Runs every test from a fresh clone: formatting, clippy (native and wasm32), the native unit and
# integration tests, the release builds, the wasm boundary tests under Node, and the JS tests
# against the built package. Installs what it needs first (idempotent). CI runs exactly this.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --check

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

step "wasm boundary tests under Node"
wasm-pack test --node -- --test wasm_api

step "JS tests against ../pkg"
cd js-example
npm ci --no-audit --no-fund
npm test
