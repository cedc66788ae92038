#!/usr/bin/env bash
# Everything a fresh machine needs before the suite can run: npm packages, the embedded stack's
# servers (Debian packages for Ceph, Maven Central jars for OpenSearch and Trino), quilt3 from PyPI.
# Idempotent and quiet when all is in place. Needs root for apt-get on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is missing — $2" >&2; exit 1; }; }
need node "install Node.js 20 (Debian: nodejs) or 22"
need npm "install npm with Node.js"
need mvn "install Maven (Debian: apt-get install -y maven); it downloads the OpenSearch and Trino jars"
need python3 "install Python 3.11 (Debian: python3 python3-venv); the quilt3 interoperability tests use it"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci) ..."
  npm ci --no-audit --no-fund
fi
npx tsx packages/stack/src/cli.ts install
# quilt3 (PyPI, pinned) in a cached virtualenv, for the suite's quilt3 oracle and the interoperability
# tests: created here (about 30 s, once; it says so) so that no scenario waits for pip.
npx tsx packages/test-kit/src/quilt3-venv.ts --ensure
# Headless Chromium, for the test that opens the living documentation as a reader would.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's chromium (for the living-documentation test) ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium || echo "setup: chromium could not be installed; the living-documentation test will say it skipped" >&2
  else
    echo "setup: chromium is missing (apt-get install chromium as root); the living-documentation test will say it skipped" >&2
  fi
fi
