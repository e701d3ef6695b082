#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/js/test/runtimes/chromium.test.mjs and
# js-example's page test, both driven by playwright-core with executablePath /usr/bin/chromium).
# Idempotent: does nothing when it is there. Nothing downloads a browser of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "[setup-browsers] $(/usr/bin/chromium --version 2>/dev/null | head -1)"
  exit 0
fi
echo "[setup-browsers] installing chromium with apt"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium
