/**
 * What failed in the runs the acceptance command made, run by run (the engine's in reports/, the
 * quilt target's rehearsal and quilt-mcp's runs in reports/<run>/): printed last, so that the tail of
 * a CI log names the failing scenarios. Prints nothing when nothing failed.
 * Usage: npx tsx scripts/run-failures.ts [--since <epoch seconds>]  (runs that started before are left out)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describeFailures, failedScenarios, type RunFailures } from '../support/reporting/run-failures.js';
import { sinceArgument, suiteRunsSince } from '../support/reporting/suite-runs.js';

const runs: RunFailures[] = suiteRunsSince(sinceArgument(process.argv, 'run-failures')).map(({ dir, name, summary }) => {
  // A quilt-mcp run is judged against its recorded defects (scripts/mcp-run.ts): only the unexpected
  // count. A verdict older than the run is an earlier run's (this one ended before its judgement).
  const verdict = `${dir}/verdict.json`;
  if (existsSync(verdict) && statSync(verdict).mtimeMs >= summary.startedAt!.getTime()) {
    return { name, lines: (JSON.parse(readFileSync(verdict, 'utf8')) as { unexpected?: string[] }).unexpected ?? [] };
  }
  return failedScenarios(name, summary);
});
for (const line of describeFailures(runs)) console.log(line);
