#!/usr/bin/env bash
# Installs the toolchain pieces the build and the tests need. Idempotent: each step checks first
# and does nothing when what it needs is already there. Nothing here downloads a prebuilt binary:
# cargo builds the wasm-bindgen CLI from crates.io source, npm fetches binaryen (wasm-opt
# compiled to JavaScript/wasm, it runs under Node).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$here/scripts/versions.sh"

log() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION from source (about 2 minutes)"
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x "$here/tools/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen (wasm-opt) from npm"
  (cd "$here/tools" && npm ci --no-audit --no-fund)
fi
log "toolchain ready"
