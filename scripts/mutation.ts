/**
 * How much of a broken platform the suite catches: runs the suite once with the local platform
 * intact (the control run, which must be all green) and once per fault mode of the platform
 * (packages/platform/src/faults.ts), then prints the kill matrix — for each fault, the scenarios
 * that went red. A fault no scenario catches is a SURVIVOR: the suite needs a scenario that kills it.
 *
 *   npx tsx scripts/mutation.ts                      every fault
 *   npx tsx scripts/mutation.ts --faults stale-latest,wrong-etag
 *
 * Each run restarts only the catalog and the S3 front (with QUILT_E2E_PLATFORM_FAULT) and runs the `mutation`
 * profile of cucumber.mjs (every scenario except @serial ones, which restart servers and would
 * drop the fault) with QUILT_E2E_EXPECT_FAULT set, so the suite's guard accepts it. The catalog is
 * restarted without a fault at the end, also when interrupted. Writes reports/mutation.md and
 * reports/mutation.json. Exit code 0 only when the control run is green and every fault is killed.
 * Local target only; one stack-mutating script at a time (not beside chaos.ts or another up).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackConfig, down, up, selectServers } from '@quilt-e2e/stack';
import { FAULTS, type Fault } from '@quilt-e2e/platform';

interface ScenarioOutcome { name: string; uri: string; status: 'passed' | 'failed' | 'skipped'; message?: string }
interface RunOutcome { fault: Fault | 'control'; seconds: number; scenarios: ScenarioOutcome[] }

const config = loadStackConfig();
/** One suite run takes 2–3.5 min on 2 cores; a run still going after this is stopped. */
const RUN_DEADLINE_MS = 15 * 60_000;
const quiet = { info: () => undefined };
const args = process.argv.slice(2);
const faultArg = args.indexOf('--faults') >= 0 ? args[args.indexOf('--faults') + 1] : undefined;
if (args.includes('--help')) { console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]); process.exit(0); }
const faults = (faultArg ? faultArg.split(',').map((f) => f.trim()) : Object.keys(FAULTS)) as Fault[];
for (const f of faults) {
  if (!(f in FAULTS)) { console.error(`mutation: unknown fault "${f}": use some of ${Object.keys(FAULTS).join(', ')}`); process.exit(2); }
}

/** Restarts the catalog with a fault (or none). */
async function catalogWith(fault: Fault | undefined): Promise<void> {
  // The processes that read QUILT_E2E_PLATFORM_FAULT: the catalog and the S3 front.
  const catalog = selectServers(['catalog', 's3-front']);
  await down(config, quiet, catalog);
  if (fault) process.env.QUILT_E2E_PLATFORM_FAULT = fault; else delete process.env.QUILT_E2E_PLATFORM_FAULT;
  await up(config, quiet);
}

/** The scenarios of a cucumber message record, each with its outcome and first failure line. */
function outcomes(file: string): ScenarioOutcome[] {
  const pickles = new Map<string, { name: string; uri: string }>();
  const caseToPickle = new Map<string, string>();
  const startedToCase = new Map<string, string>();
  const result = new Map<string, ScenarioOutcome>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    let m: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    try { m = JSON.parse(line); } catch { continue; }
    if (m.pickle) pickles.set(m.pickle.id, { name: m.pickle.name, uri: m.pickle.uri });
    if (m.testCase) caseToPickle.set(m.testCase.id, m.testCase.pickleId);
    if (m.testCaseStarted) startedToCase.set(m.testCaseStarted.id, m.testCaseStarted.testCaseId);
    const started = m.testStepFinished?.testCaseStartedId ?? m.testCaseFinished?.testCaseStartedId;
    if (!started) continue;
    const pickle = pickles.get(caseToPickle.get(startedToCase.get(started) ?? '') ?? '');
    if (!pickle) continue;
    const key = `${pickle.uri}\u0000${pickle.name}`;
    const o = result.get(key) ?? { ...pickle, status: 'passed' as const };
    const r = m.testStepFinished?.testStepResult;
    if (r?.status === 'FAILED' && o.status !== 'failed') Object.assign(o, { status: 'failed', message: String(r.message ?? '').split('\n').find((l: string) => l.trim()) ?.slice(0, 200) });
    if (m.testCaseFinished && m.testCaseFinished.willBeRetried) continue;
    result.set(key, o);
  }
  return [...result.values()];
}

async function run(fault: Fault | 'control'): Promise<RunOutcome> {
  await catalogWith(fault === 'control' ? undefined : fault);
  const out = join(mkdtempSync(join(tmpdir(), 'quilt-e2e-mutation-')), 'messages.ndjson');
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', '-p', 'mutation'], {
      env: { ...process.env, QUILT_E2E_NO_AUTO_UP: '1', QUILT_E2E_MESSAGES: out, QUILT_E2E_EXPECT_FAULT: fault === 'control' ? '' : fault, QUILT_E2E_PLATFORM_FAULT: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // A run hung on a broken platform must not stall the matrix: its record so far is what counts.
    const deadline = setTimeout(() => { process.stderr.write(`mutation: the ${fault} run took over ${RUN_DEADLINE_MS / 60_000} min; stopped\n`); child.kill('SIGKILL'); }, RUN_DEADLINE_MS);
    child.once('exit', () => { clearTimeout(deadline); resolve(); });
  });
  return { fault, seconds: (Date.now() - t0) / 1000, scenarios: outcomes(out) };
}

const runs: RunOutcome[] = [];
let interrupted = false;
process.on('SIGINT', () => { interrupted = true; });
try {
  await up(config, quiet);
  for (const f of ['control' as const, ...faults]) {
    if (interrupted) break;
    process.stdout.write(`mutation: ${f === 'control' ? 'control run (no fault)' : `fault ${f}: ${FAULTS[f]}`} ... `);
    const r = await run(f);
    runs.push(r);
    const red = r.scenarios.filter((s) => s.status === 'failed');
    process.stdout.write(`${red.length} of ${r.scenarios.length} scenarios red (${r.seconds.toFixed(0)} s)\n`);
  }
} finally {
  await catalogWith(undefined);
}

const control = runs.find((r) => r.fault === 'control');
const controlRed = control?.scenarios.filter((s) => s.status === 'failed') ?? [];
const lines = ['# Kill matrix: faults of the local platform vs. the acceptance suite', '',
  `Control run (no fault): ${control ? `${control.scenarios.length - controlRed.length} of ${control.scenarios.length} scenarios green${controlRed.length ? ` — RED: ${controlRed.map((s) => s.name).join('; ')}` : ''}` : 'not run'}.`, '',
  '| fault | what it breaks | scenarios that went red | verdict |', '| --- | --- | --- | --- |'];
let survivors = 0;
for (const r of runs.filter((x) => x.fault !== 'control')) {
  const red = r.scenarios.filter((s) => s.status === 'failed' && !controlRed.some((c) => c.name === s.name && c.uri === s.uri));
  if (red.length === 0) survivors++;
  lines.push(`| \`${r.fault}\` | ${FAULTS[r.fault as Fault]} | ${red.length ? red.map((s) => `${s.name} (\`${s.uri}\`)`).join('<br>') : '—'} | ${red.length ? `killed (${red.length})` : '**SURVIVED**'} |`);
}
lines.push('', `${runs.length - 1} fault(s), ${runs.length - 1 - survivors} killed, ${survivors} survived. Measured with scripts/mutation.ts.`);
const report = lines.join('\n');
console.log(`\n${report}`);
mkdirSync('reports', { recursive: true });
writeFileSync('reports/mutation.md', `${report}\n`);
writeFileSync('reports/mutation.json', JSON.stringify(runs, null, 2));
process.exit(controlRed.length === 0 && survivors === 0 && !interrupted && control ? 0 : 1);
