/**
 * The browser's cost to the whole suite: every run the acceptance command made (the engine's in
 * reports/, the quilt target's rehearsal and quilt-mcp's runs in reports/<run>/), each with its
 * wall time, its workers and the seconds its scenarios spent in the browser, and the whole suite's
 * growth against the budget. Each run's own share (of its scenarios' time) is in its summary.
 * Usage: npx tsx scripts/browser-budget.ts [--since <epoch seconds>]  (runs that started before are left out)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { summarizeRun } from '../support/reporting/run-summary.js';
import { describeWholeSuiteShare, runOfSuite, suiteRunName, wholeSuiteShare, type RunOfSuite } from '../support/reporting/browser-figures.js';

const at = process.argv.indexOf('--since');
const sinceArg = at >= 0 ? process.argv[at + 1] : undefined;
if (sinceArg !== undefined && !/^\d+$/.test(sinceArg)) {
  console.error(`browser-budget: --since takes the epoch seconds the runs began after (e.g. --since $(date +%s)), not "${sinceArg}"`);
  process.exit(2);
}
const since = sinceArg === undefined ? 0 : Number(sinceArg) * 1000;
const dirs = ['reports', ...(existsSync('reports') ? readdirSync('reports', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `reports/${d.name}`) : [])];
const runs: RunOfSuite[] = [];
for (const dir of dirs) {
  const file = `${dir}/cucumber-messages.ndjson`;
  if (!existsSync(file)) continue;
  const s = summarizeRun(readFileSync(file, 'utf8'));
  const r = runOfSuite(suiteRunName(dir), s);
  if (r && s.startedAt!.getTime() >= since) runs.push(r);
}
const whole = wholeSuiteShare(runs);
if (!whole) {
  console.log(`browser-budget: no run of the suite${since ? ' since the command began' : ''} in reports/ (run the suite first: bash scripts/acceptance.sh)`);
} else {
  for (const line of describeWholeSuiteShare(whole)) console.log(line);
}
