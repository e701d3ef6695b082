#!/usr/bin/env bash
# The project's main job, from a fresh machine: installs the toolchain, builds the npm package
# into pkg/, installs the example's dependencies and runs the example.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/build.sh"
cd "$here/js-example"
npm ci --no-audit --no-fund
node example.mjs
