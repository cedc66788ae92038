#!/usr/bin/env bash
# Runs the whole acceptance suite on the embedded local stack (installing and starting it when
# needed) and writes the reports to reports/. Extra arguments go to cucumber-js, e.g.
#   bash scripts/acceptance.sh --tags @smoke
set -uo pipefail
cd "$(dirname "$0")/.."
began=$(date +%s)
bash scripts/setup.sh || exit 1
npx tsx packages/stack/src/cli.ts up || exit 1
mkdir -p reports
profile=default; [ "${CI:-}" = "true" ] && profile=ci
npx cucumber-js -p "$profile" "$@"
status=$?
# The quilt target, rehearsed: the same features with QUILT_E2E_TARGET=quilt, pointed at this stack
# only through the variables a real deployment's operator sets (reports/quilt-target/).
# QUILT_E2E_REHEARSE=0 leaves it out; it is left out too when cucumber got arguments (a partial run).
if [ "${QUILT_E2E_REHEARSE:-1}" != "0" ] && [ $# -eq 0 ]; then
  npx tsx scripts/rehearse-quilt-target.ts || status=1
fi
# The mcp driver: quilt-mcp performs the When-steps it can; its known defects must fail exactly as
# recorded (scripts/mcp-run.ts). Four judged runs: each of its backends — platform/JWT (one server,
# reports/mcp/) and quilt3/IAM (a server per persona over stdio, reports/mcp-quilt3/) — for the
# stack's release and for each of QUILT_E2E_MCP_RELEASES (default quilt-mcp==0.20.0, the newest
# release whose package tools are registered; reports/mcp-<version>[-quilt3]/).
# QUILT_E2E_MCP_BACKENDS chooses the backends (default "platform quilt3"); QUILT_E2E_MCP_RUN=0 leaves them out.
if [ "${QUILT_E2E_MCP_RUN:-1}" != "0" ] && [ $# -eq 0 ]; then
  for backend in ${QUILT_E2E_MCP_BACKENDS-platform quilt3}; do
    stage_started=$SECONDS
    npx tsx scripts/mcp-run.ts --backend "$backend" || status=1
    for release in ${QUILT_E2E_MCP_RELEASES-quilt-mcp==0.20.0}; do
      npx tsx scripts/mcp-run.ts --backend "$backend" --release "$release" || status=1
    done
    echo "acceptance: the mcp driver's $backend runs took $((SECONDS - stage_started)) s"
  done
fi
# The compatibility matrix of the runs above (reports/compatibility.html); each mcp run has written
# its release's defects as issue texts ready to file (reports/mcp-defects/), which the matrix links.
npx tsx scripts/compatibility.ts || status=1
npx tsx scripts/living-docs.ts || echo "acceptance: the living documentation (reports/index.html) could not be built: see the message above"
npx tsx scripts/report-summary.ts reports/cucumber-messages.ndjson || true
# What the browser costs the whole suite: every run above, its wall time and its seconds in the browser.
npx tsx scripts/browser-budget.ts --since "$began" || true
echo "reports: $(pwd)/reports/index.html (living documentation), cucumber-report.html (HTML), cucumber-messages.ndjson, cucumber-junit.xml"
# Last, so that the tail of a log names them: what failed, run by run (nothing when nothing did).
npx tsx scripts/run-failures.ts --since "$began" || true
exit $status
