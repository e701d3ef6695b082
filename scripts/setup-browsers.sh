#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests (wasm-pack test --chrome and
# the Playwright test of js-example/browser). Idempotent: does nothing when both are there.
# Nothing downloads a browser of its own: wasm-pack is pointed at /usr/bin/chromedriver
# (CHROMEDRIVER) and Playwright at /usr/bin/chromium (executablePath).
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "[setup-browsers] $(/usr/bin/chromium --version 2>/dev/null | head -1), $(/usr/bin/chromedriver --version | head -1 | cut -d' ' -f1-2)"
  exit 0
fi
echo "[setup-browsers] installing chromium and chromium-driver with apt"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver
