#!/usr/bin/env bash
# Builds the npm package into pkg/ with wasm-pack (release profile, wasm-opt -Oz) and prints
# the raw and gzipped size of the final .wasm. Installs what it needs first (idempotent).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/setup.sh
# wasm-pack finds wasm-opt on PATH: the one from the npm package binaryen.
export PATH="$here/tools/node_modules/.bin:$PATH"
wasm-pack build --release --target nodejs --out-dir pkg
wasm=pkg/dr_schedule_bg.wasm
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf '[build] %s: %d bytes raw, %d bytes gzipped (%.1f KiB)\n' "$wasm" "$raw" "$gz" "$(echo "$gz / 1024" | bc -l)"
