/**
 * The runs one acceptance command made (scripts/acceptance.sh): the engine's in reports/, the quilt
 * target's rehearsal and quilt-mcp's runs in reports/<run>/, each read from its message record.
 * Shared by the scripts that look back over them at the command's end (browser-budget, run-failures).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { summarizeRun, type RunSummary } from './run-summary.js';
import { suiteRunName } from './browser-figures.js';

export interface SuiteRun { dir: string; name: string; summary: RunSummary }

/**
 * `--since <epoch seconds>` of a script's arguments, in ms (0 when absent); exits with 2 and says
 * what a right value looks like when it is not a number.
 */
export function sinceArgument(argv: string[], script: string): number {
  const at = argv.indexOf('--since');
  const arg = at >= 0 ? argv[at + 1] : undefined;
  if (arg !== undefined && !/^\d+$/.test(arg)) {
    console.error(`${script}: --since takes the epoch seconds the runs began after (e.g. --since $(date +%s)), not "${arg}"`);
    process.exit(2);
  }
  return arg === undefined ? 0 : Number(arg) * 1000;
}

/** Every run under `root` that started at or after `sinceMs`. */
export function suiteRunsSince(sinceMs: number, root = 'reports'): SuiteRun[] {
  const dirs = [root, ...(existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${root}/${d.name}`) : [])];
  const runs: SuiteRun[] = [];
  for (const dir of dirs) {
    const file = `${dir}/cucumber-messages.ndjson`;
    if (!existsSync(file)) continue;
    const summary = summarizeRun(readFileSync(file, 'utf8'));
    if (summary.startedAt && summary.startedAt.getTime() >= sinceMs) runs.push({ dir, name: suiteRunName(dir), summary });
  }
  return runs;
}
