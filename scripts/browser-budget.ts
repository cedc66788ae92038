/**
 * The browser's cost to the whole suite: every run the acceptance command made (the engine's in
 * reports/, the quilt target's rehearsal and quilt-mcp's runs in reports/<run>/), each with its
 * wall time, its workers and the seconds its scenarios spent in the browser, and the whole suite's
 * growth against the budget. Each run's own share (of its scenarios' time) is in its summary.
 * Usage: npx tsx scripts/browser-budget.ts [--since <epoch seconds>]  (runs that started before are left out)
 */
import { describeWholeSuiteShare, runOfSuite, wholeSuiteShare, type RunOfSuite } from '../support/reporting/browser-figures.js';
import { sinceArgument, suiteRunsSince } from '../support/reporting/suite-runs.js';

const since = sinceArgument(process.argv, 'browser-budget');
const runs = suiteRunsSince(since).map((r) => runOfSuite(r.name, r.summary)).filter((r): r is RunOfSuite => r !== undefined);
const whole = wholeSuiteShare(runs);
if (!whole) {
  console.log(`browser-budget: no run of the suite${since ? ' since the command began' : ''} in reports/ (run the suite first: bash scripts/acceptance.sh)`);
} else {
  for (const line of describeWholeSuiteShare(whole)) console.log(line);
}
