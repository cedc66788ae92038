/**
 * What failed in the runs of one acceptance command, run by run, in a few lines at the end of its
 * output (scripts/run-failures.ts): a CI log is often read from its tail, where the per-run lines
 * are long gone. A cucumber run's failed scenarios (with the first line of their error); a quilt-mcp
 * run's unexpected results (its recorded defects failing as recorded are not failures).
 */
import type { RunSummary } from './run-summary.js';

export interface RunFailures { name: string; lines: string[] }

const firstLine = (s: string | undefined): string => (s ?? '').split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'no error message';
const clip = (s: string, n = 240): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A cucumber run's failed scenarios, one line each: name, place, first line of the error. */
export function failedScenarios(name: string, run: RunSummary): RunFailures {
  const lines = run.scenarios.filter((s) => s.status === 'failed')
    .map((s) => clip(`${s.name} (${s.uri}:${s.line}): ${firstLine(s.errors[0])}`));
  return { name, lines };
}

/** The lines for a person: nothing when nothing failed; else each run with failures and its lines. */
export function describeFailures(runs: RunFailures[]): string[] {
  const failing = runs.filter((r) => r.lines.length > 0);
  if (failing.length === 0) return [];
  const total = failing.reduce((n, r) => n + r.lines.length, 0);
  return [
    `What failed (${total} in ${failing.length} of ${runs.length} run(s); the reports have the steps and screenshots):`,
    ...failing.flatMap((r) => [`  ${r.name}:`, ...r.lines.map((l) => `    - ${l}`)]),
  ];
}
