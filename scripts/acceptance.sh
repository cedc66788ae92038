#!/usr/bin/env bash
# Runs the whole acceptance suite on the embedded local stack (installing and starting it when
# needed) and writes the reports to reports/. Extra arguments go to cucumber-js, e.g.
#   bash scripts/acceptance.sh --tags @smoke
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
npx tsx packages/stack/src/cli.ts up || exit 1
mkdir -p reports
profile=default; [ "${CI:-}" = "true" ] && profile=ci
npx cucumber-js -p "$profile" "$@"
status=$?
npx tsx scripts/living-docs.ts || echo "acceptance: the living documentation (reports/index.html) could not be built: see the message above"
npx tsx scripts/report-summary.ts reports/cucumber-messages.ndjson || true
echo "reports: $(pwd)/reports/index.html (living documentation), cucumber-report.html (HTML), cucumber-messages.ndjson, cucumber-junit.xml"
exit $status
