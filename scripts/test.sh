#!/usr/bin/env bash
# The test command from README.md, also what CI runs: installs what the tests need when
# it is missing (Chromium for browser tests, the test tools from npm), then runs every
# test suite. Safe to run again: installs are skipped when already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Chromium (Debian packages) for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "!! Chromium is not installed and cannot be installed here (not root, or no apt-get)."
    echo "!! The browser tests will FAIL; install the Debian package 'chromium' and rerun."
  fi
fi
# nginx for the deployment test (tests/browser/nginx.test.mjs runs it unprivileged on a
# high port; the package's service is never started here).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing nginx (Debian package) for the deployment test"
    apt-get update -qq
    # nginx-light where Debian still has it, else nginx (the service is not started in containers without an init).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "!! nginx is not installed and cannot be installed here (not root, or no apt-get)."
    echo "!! The nginx deployment test will be SKIPPED locally (it fails under CI); install 'nginx-light'."
  fi
fi
# Installed again whenever the lock file changed since the last install (a stamp of its hash).
if [ -f tests/browser/package.json ]; then
  lock_sum="$(sha256sum tests/browser/package-lock.json | cut -d' ' -f1)"
  if [ "$(cat tests/browser/node_modules/.medkb-lock 2>/dev/null)" != "$lock_sum" ]; then
    echo "== installing browser-test tools (npm ci)"
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && echo "$lock_sum" > node_modules/.medkb-lock)
  fi
fi

echo "== cargo test (workspace)"
cargo test --workspace --locked

echo "== the shipped search module is built from the current source"
bash scripts/build-wasm.sh --check

if [ -d tests/browser ]; then
  echo "== browser tests (headless Chromium)"
  cargo build --release --locked --bin medkb
  (cd tests/browser && MEDKB_BIN="$PWD/../../target/release/medkb" node --test --test-concurrency=1 ./*.test.mjs)
fi
