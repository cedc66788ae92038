/**
 * What failed in the runs the acceptance command made, run by run (the engine's in reports/, the
 * quilt target's rehearsal and quilt-mcp's runs in reports/<run>/): printed last, so that the tail of
 * a CI log names the failing scenarios. Prints nothing when nothing failed.
 * Usage: npx tsx scripts/run-failures.ts [--since <epoch seconds>]  (runs that started before are left out)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { summarizeRun } from '../support/reporting/run-summary.js';
import { suiteRunName } from '../support/reporting/browser-figures.js';
import { describeFailures, failedScenarios, type RunFailures } from '../support/reporting/run-failures.js';

const at = process.argv.indexOf('--since');
const sinceArg = at >= 0 ? process.argv[at + 1] : undefined;
if (sinceArg !== undefined && !/^\d+$/.test(sinceArg)) {
  console.error(`run-failures: --since takes the epoch seconds the runs began after (e.g. --since $(date +%s)), not "${sinceArg}"`);
  process.exit(2);
}
const since = sinceArg === undefined ? 0 : Number(sinceArg) * 1000;
const dirs = ['reports', ...(existsSync('reports') ? readdirSync('reports', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `reports/${d.name}`) : [])];
const runs: RunFailures[] = [];
for (const dir of dirs) {
  const file = `${dir}/cucumber-messages.ndjson`;
  if (!existsSync(file)) continue;
  const s = summarizeRun(readFileSync(file, 'utf8'));
  if (!s.startedAt || s.startedAt.getTime() < since) continue;
  const name = suiteRunName(dir);
  const verdict = `${dir}/verdict.json`;
  // A quilt-mcp run is judged against its recorded defects (scripts/mcp-run.ts): only the unexpected
  // count. A verdict older than the run is an earlier run's (this one ended before its judgement).
  if (existsSync(verdict) && statSync(verdict).mtimeMs >= s.startedAt.getTime()) {
    const v = JSON.parse(readFileSync(verdict, 'utf8')) as { unexpected?: string[] };
    runs.push({ name, lines: v.unexpected ?? [] });
  } else {
    runs.push(failedScenarios(name, s));
  }
}
for (const line of describeFailures(runs)) console.log(line);
