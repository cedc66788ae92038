#!/usr/bin/env bash
# The project's test command (what CI runs): set-up, type-check, lint, the project's own tests
# (against the real servers of the embedded stack), then the acceptance suite itself.
# Every stage runs; the command fails if any stage failed. Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-}"
failed_stages=()
stage() { echo; echo "=== $1"; }

stage "set-up (npm packages, stack servers)"
bash scripts/setup.sh || { echo "set-up failed: nothing else can run"; echo "test: 0 passed, 1 failed"; exit 1; }

stage "embedded stack up"
npx tsx packages/stack/src/cli.ts up || { echo "the stack did not come up: see the message above and npm run stack -- logs"; echo "test: 0 passed, 1 failed"; exit 1; }

stage "type-check (tsc --noEmit)"
npx tsc --noEmit || failed_stages+=(typecheck)

stage "lint (eslint)"
npx eslint . || failed_stages+=(lint)

stage "gates (Gherkin: undefined/ambiguous/unused steps, tags, layout, names, waits; glossary up to date)"
gates_ok=1
npx tsx scripts/gherkin-gates.ts || gates_ok=0
npx tsx scripts/glossary.ts --check || gates_ok=0
[ "$gates_ok" -eq 1 ] || failed_stages+=(gates)

stage "project tests (node --test, real servers)"
unit_log=$(mktemp)
node scripts/unit-tests.mjs 2>&1 | tee "$unit_log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed_stages+=(unit-tests)
unit_pass=$(grep -E '^ℹ pass [0-9]+' "$unit_log" | tail -1 | awk '{print $3}')
unit_fail=$(grep -E '^ℹ fail [0-9]+' "$unit_log" | tail -1 | awk '{print $3}')
rm -f "$unit_log"

stage "acceptance suite (cucumber-js on the embedded stack, the quilt target rehearsed against it, then the mcp driver: both backends, both releases)"
accept_log=$(mktemp)
bash scripts/acceptance.sh 2>&1 | tee "$accept_log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed_stages+=(acceptance)
acc_pass=$(grep -E '^acceptance: [0-9]+ passed' "$accept_log" | tail -1 | awk '{print $2}')
acc_fail=$(grep -E '^acceptance: [0-9]+ passed' "$accept_log" | tail -1 | awk '{print $4}')
# The same suite on the quilt target, rehearsed against this stack (scripts/rehearse-quilt-target.ts).
q_pass=$(grep -E '^quilt target \(rehearsed\): [0-9]+ passed' "$accept_log" | tail -1 | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
q_fail=$(grep -E '^quilt target \(rehearsed\): [0-9]+ passed' "$accept_log" | tail -1 | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
# The mcp driver's pass: scenarios passed plus those failing exactly as recorded count as passed.
# One line per judged quilt-mcp run (each backend: the stack's release, then QUILT_E2E_MCP_RELEASES).
m_pass=0; m_fail=0
while read -r m_line; do
  m_pass=$(( m_pass + $(echo "$m_line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed as recorded, ([0-9]+) unexpected.*/\1+\2/') ))
  m_fail=$(( m_fail + $(echo "$m_line" | sed -E 's/.*, ([0-9]+) unexpected.*/\1/') ))
done < <(grep -E '^mcp driver \(quilt-mcp [^)]*\): [0-9]+ passed' "$accept_log")
rm -f "$accept_log"

passed=$(( ${unit_pass:-0} + ${acc_pass:-0} + ${q_pass:-0} + ${m_pass:-0} ))
failed=$(( ${unit_fail:-0} + ${acc_fail:-0} + ${q_fail:-0} + ${m_fail:-0} ))
echo
if [ ${#failed_stages[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed_stages[*]}"
  [ "$failed" -eq 0 ] && failed=${#failed_stages[@]}
  echo "test: $passed passed, $failed failed"
  exit 1
fi
echo "all stages passed (project tests: ${unit_pass:-0}, acceptance scenarios: ${acc_pass:-0}, quilt target rehearsed: ${q_pass:-0}, mcp driver: ${m_pass:-0})"
echo "test: $passed passed, $failed failed"
