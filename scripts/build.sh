#!/usr/bin/env bash
# Builds the npm package and prints the raw and gzipped size of the final .wasm.
#
#   scripts/build.sh [--features LIST] [--out-dir DIR]     (default out dir: pkg/)
#
# cargo builds the wasm (release profile, tuned for size); wasm-bindgen generates one set of
# bindings for every runtime (--target web: an ES module that can be handed the .wasm as bytes, a
# compiled module or a URL) with --experimental-reset-state-function, which wasm-pack cannot pass
# (docs/ARCHITECTURE.md, "Trap recovery") and which lets js/dr_schedule.js re-instantiate the module
# after a trap; wasm-opt (npm binaryen) shrinks the result; the guarded class, one small entry per
# runtime (js/node.js, browser.js, workerd.js, deno.js), the public types and a package.json
# complete the package. Fails if the gzipped .wasm exceeds WASM_GZIP_BUDGET bytes. Installs what it
# needs first (idempotent).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# The size budget of the gzipped .wasm (gzip -9), in bytes; the README states it. 150,000 with
# opt-level "z" (about 138,000 today); 170,000 since the release profile trades size for speed
# at opt-level 3 (BENCHMARKS.md, "Build settings"). 200,000 is the hard cap.
WASM_GZIP_BUDGET=170000

features=""
out_dir="pkg"
while [ $# -gt 0 ]; do
  case "$1" in
    --features) features="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    *) echo "usage: scripts/build.sh [--features LIST] [--out-dir DIR]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh >/dev/null

cargo build -p dr-schedule --release --target wasm32-unknown-unknown ${features:+--features "$features"}

rm -rf "$out_dir"
mkdir -p "$out_dir"
wasm-bindgen --target web --experimental-reset-state-function --out-name dr_schedule_bindings \
  --out-dir "$out_dir" "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/dr_schedule.wasm"
wasm="$out_dir/dr_schedule_bindings_bg.wasm"
# Current rustc emits these post-MVP features by default; wasm-opt must be told it may keep them.
tools/node_modules/.bin/wasm-opt -O3 --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"

# The JS layer (the class and its modules), one entry per runtime, and the public types, written
# by hand beside the class: the bindings' own types describe the raw binding, not the API.
cp js/dr_schedule.js js/errors.js js/exports.js js/input.js js/instance.js js/output.js js/zones.js \
  js/node.js js/browser.js js/workerd.js js/deno.js js/dr_schedule.d.ts "$out_dir/"
rm "$out_dir/dr_schedule_bindings.d.ts" "$out_dir/dr_schedule_bindings_bg.wasm.d.ts"
# The package's own README (install, import, the API, errors, persistence, limits), not the
# repository's, whose developer parts name files the package does not hold.
cp js/README.md "$out_dir/README.md"
cp LICENSE "$out_dir/"
node scripts/package-json.mjs > "$out_dir/package.json"

raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
awk -v f="$wasm" -v r="$raw" -v g="$gz" -v b="$WASM_GZIP_BUDGET" \
  'BEGIN { printf "[build] %s: %d bytes raw, %d bytes gzipped (%.1f KiB; budget %d)\n", f, r, g, g / 1024, b }'
if [ "$gz" -gt "$WASM_GZIP_BUDGET" ]; then
  echo "[build] FAILED: the gzipped .wasm is $gz bytes, over the budget of $WASM_GZIP_BUDGET bytes" >&2
  exit 1
fi
