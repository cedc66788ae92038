/**
 * Reads cucumber's message stream (the canonical record of a run) and prints what a person wants
 * at the end of a run: scenarios per status, per tag, the slowest scenarios, the performance
 * figures `@performance` scenarios attached (support/reporting/measurements.ts), and one closing
 * line "acceptance: N passed, N failed, N skipped".
 * Usage: npx tsx scripts/report-summary.ts [reports/cucumber-messages.ndjson]
 */
import { readFileSync } from 'node:fs';
import { firstLines, summarizeRun } from '../support/reporting/run-summary.js';
import { formatFigure, verdict } from '../support/reporting/measurements.js';
import { browserShare, describeBrowserShare } from '../support/reporting/browser-figures.js';

const file = process.argv[2] ?? 'reports/cucumber-messages.ndjson';
let text: string;
try { text = readFileSync(file, 'utf8'); } catch (e) {
  console.error(`report-summary: cannot read ${file}: ${(e as Error).message} (run the suite first: bash scripts/acceptance.sh)`);
  process.exit(2);
}
const s = summarizeRun(text);
const pad = (x: string | number, n: number): string => String(x).padEnd(n);
console.log('\nScenarios by tag            passed failed skipped');
for (const [tag, c] of Object.entries(s.byTag).sort()) console.log(`  ${pad(tag, 26)}${pad(c.passed, 7)}${pad(c.failed, 7)}${c.skipped}`);
console.log('\nSlowest scenarios');
for (const x of s.slowest) console.log(`  ${(x.ms / 1000).toFixed(2).padStart(7)} s  ${x.name}  (${x.uri})`);
const problems = s.scenarios.flatMap((x) => x.measurementProblems.map((p) => `${p} (${x.name}, ${x.uri}:${x.line})`));
if (s.measurements.length || problems.length) {
  console.log('\nPerformance (measurement: value / budget, verdict, target)');
  for (const { scenario, measurement: m } of s.measurements) {
    const budget = m.budget === undefined ? 'no budget' : formatFigure(m.budget, m.unit);
    const v = verdict(m);
    console.log(`  ${v === 'over budget' ? 'OVER ' : '     '}${m.name}: ${formatFigure(m.value, m.unit)} / ${budget}, ${v}${m.target ? `, ${m.target}` : ''}  (${scenario.name}, ${scenario.uri}:${scenario.line})`);
  }
  for (const p of problems) console.log(`  WARNING ${p}`);
  const share = browserShare(s.scenarios);
  if (share) console.log(`  ${describeBrowserShare(share)}`);
}
// Each failure with its cause, where a CI log shows it (the log may be all a reader of a failed run gets).
for (const f of s.scenarios.filter((x) => x.status === 'failed')) {
  console.log(`FAILED: ${f.name} (${f.uri}:${f.line})`);
  for (const e of f.errors) console.log(`  ${firstLines(e, 6, 600).replace(/\n/g, '\n  ')}`);
}
console.log(`\nacceptance: ${s.totals.passed} passed, ${s.totals.failed} failed, ${s.totals.skipped} skipped`);
process.exit(s.totals.failed > 0 ? 1 : 0);
