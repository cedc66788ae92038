/**
 * Chaos benchmark (prints a table, asserts nothing): runs the suite on the embedded stack and,
 * some seconds in, kills one server with SIGKILL — radosgw, ceph-osd, OpenSearch, Trino, the
 * catalog — or interrupts the suite itself with SIGINT. For each victim it reports:
 *   - seconds from the kill until the first scenario went red, and that failure's message
 *     (it must name the dead server);
 *   - steps that outlived their deadline (cucumber's step timeout): must be 0;
 *   - how long the suite took to finish after the kill (it must not hang);
 *   - object versions the killed run left in the test bucket, before and after the sweeper (0 after);
 *   - what the next `stack up` did, and in how many seconds.
 *
 *   npx tsx scripts/chaos.ts [--victims radosgw,ceph-osd,opensearch,trino,catalog,suite] [--after 20] [--tags "not @performance"]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadStackConfig, up } from '@quilt-e2e/stack';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { loadTarget } from '../support/target.js';
import { executeSweep, markTestBucket, planSweep } from '../support/sweeper.js';

const ALL = ['radosgw', 'ceph-osd', 'opensearch', 'trino', 'catalog', 'suite'] as const;
type Victim = typeof ALL[number];
const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
const victims = (arg('--victims')?.split(',') ?? [...ALL]) as Victim[];
const bad = victims.filter((v) => !ALL.includes(v));
if (bad.length) { console.error(`chaos: unknown victim ${bad.join(', ')}: choose from ${ALL.join(', ')}`); process.exit(2); }
const afterSeconds = Number(arg('--after') ?? 20);
if (!Number.isFinite(afterSeconds) || afterSeconds < 1) { console.error('chaos: --after takes seconds, e.g. --after 20'); process.exit(2); }
// @serial scenarios restart servers themselves (a catalog restart): they would race the kill.
const tags = arg('--tags') ?? 'not @performance and not @serial and not @wip';
const STEP_TIMEOUT_S = 60;

const config = loadStackConfig();
const quiet = { info: () => undefined };
const target = loadTarget();
const s3 = createS3Client({ ...target.s3, ...(target.personas.admin?.credentials ? { credentials: target.personas.admin.credentials } : {}) });

function pidOf(victim: Exclude<Victim, 'suite'>): number {
  const state = JSON.parse(readFileSync(join(config.dataDir, 'stack-state.json'), 'utf8')) as Record<string, { processes: { name: string; pid: number }[] }>;
  const server = victim === 'radosgw' || victim === 'ceph-osd' ? 'ceph' : victim;
  const name = victim === 'radosgw' || victim === 'ceph-osd' ? victim : undefined;
  const p = state[server]?.processes.find((x) => name === undefined || x.name === name);
  if (!p) throw new Error(`no recorded process for ${victim}: is the stack up?`);
  return p.pid;
}

const runId = (): string => `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;

interface Outcome { victim: Victim; firstRedS: string; message: string; outlived: number; finishedS: string; scenarios: string; leftBefore: number; leftAfter: number; upS: string; upDid: string }

async function leftovers(): Promise<number> {
  // Nothing else runs during the chaos benchmark: everything the sweeper may take now is the killed run's.
  const plan = await planSweep(s3, target.bucket, 0);
  return plan.remove.reduce((n, g) => n + g.versions.length, 0);
}

async function once(victim: Victim): Promise<Outcome> {
  await up(config, quiet);
  await executeSweep(s3, await planSweep(s3, target.bucket, 0)); // a clean start
  const out = join(mkdtempSync(join(tmpdir(), 'quilt-e2e-chaos-')), 'messages.ndjson');
  const child = spawn(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', '-p', 'chaos', '--tags', tags], {
    env: { ...process.env, QUILT_E2E_NO_AUTO_UP: '1', QUILT_E2E_SWEEP_AGE: 'off', QUILT_E2E_RUN_ID: runId(), QUILT_E2E_MESSAGES: out },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise((r) => setTimeout(r, afterSeconds * 1000));
  const killedAt = Date.now();
  if (victim === 'suite') child.kill('SIGINT');
  else process.kill(pidOf(victim), 'SIGKILL');
  process.stdout.write(`  killed ${victim} ${afterSeconds} s into the run\n`);
  const hung = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 8 * 60_000))]);
  if (hung) { child.kill('SIGKILL'); await exited; }
  const finishedS = hung ? 'HUNG (killed after 8 min)' : ((Date.now() - killedAt) / 1000).toFixed(1);

  // The run's own record: the first failure after the kill, and steps cut off by their timeout.
  let firstRed: { at: number; caseId: string } | undefined;
  let outlived = 0;
  let passed = 0;
  let failed = 0;
  const messages = new Map<string, string[]>();
  try {
    const cases = new Map<string, string>();
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      if (!line) continue;
      let m: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      try { m = JSON.parse(line); } catch { continue; } // a torn last line
      if (m.testStepFinished) {
        const r = m.testStepFinished.testStepResult;
        const id = m.testStepFinished.testCaseStartedId as string;
        const at = Number(m.testStepFinished.timestamp.seconds) * 1000 + Math.round(m.testStepFinished.timestamp.nanos / 1e6);
        if (r.status === 'FAILED') {
          cases.set(id, 'failed');
          (messages.get(id) ?? messages.set(id, []).get(id)!).push(String(r.message ?? '').split('\n')[0]!.slice(0, 220));
          if (/timed out/.test(r.message ?? '') || Number(r.duration?.seconds ?? 0) > STEP_TIMEOUT_S) outlived++;
          if (at >= killedAt && !firstRed) firstRed = { at, caseId: id };
        }
      }
      if (m.testCaseFinished && !cases.has(m.testCaseFinished.testCaseStartedId)) cases.set(m.testCaseFinished.testCaseStartedId, 'passed');
    }
    for (const v of cases.values()) if (v === 'failed') failed++; else passed++;
  } catch { /* an interrupted run may leave no record */ }

  const t = Date.now();
  const r = await up(config, quiet);
  const upS = ((Date.now() - t) / 1000).toFixed(1);
  const leftBefore = await leftovers();
  await executeSweep(s3, await planSweep(s3, target.bucket, 0));
  const leftAfter = await leftovers();
  return {
    victim, firstRedS: firstRed ? ((firstRed.at - killedAt) / 1000).toFixed(1) : '-',
    // The first red scenario's messages: the one that names the dead server (the After hook's), else its first.
    message: firstRed ? (messages.get(firstRed.caseId)!.find((x) => /embedded stack's/.test(x)) ?? messages.get(firstRed.caseId)![0]!) : (victim === 'suite' ? '(interrupted: no failure expected)' : '(none)'),
    outlived, finishedS, scenarios: `${passed} passed, ${failed} failed`, leftBefore, leftAfter, upS, upDid: r.started.length ? `restarted ${r.started.join(', ')}` : 'nothing to do',
  };
}

// One chaos run at a time: two would kill each other's servers.
const pidFile = join(config.dataDir, 'chaos.pid');
try {
  const other = Number(readFileSync(pidFile, 'utf8'));
  if (other && other !== process.pid) { try { process.kill(other, 0); console.error(`chaos: another chaos run (PID ${other}) is going on; wait for it or stop it`); process.exit(2); } catch { /* stale */ } }
} catch { /* none */ }
writeFileSync(pidFile, String(process.pid));
process.on('exit', () => { try { rmSync(pidFile); } catch { /* gone */ } });

const rows: Outcome[] = [];
await up(config, quiet);
await markTestBucket(s3, target.bucket);
for (const v of victims) {
  process.stdout.write(`chaos: ${v} ...\n`);
  const o = await once(v);
  rows.push(o);
  process.stdout.write(`  first red after ${o.firstRedS} s: ${o.message}\n  steps past their deadline ${o.outlived}; suite ended ${o.finishedS} s after the kill (${o.scenarios}); leftovers ${o.leftBefore} -> ${o.leftAfter} after the sweeper; next up ${o.upS} s (${o.upDid})\n`);
}
console.log('\n| victim | first red (s) | its message | steps past deadline | suite ended after (s) | scenarios | left in bucket → after sweeper | next up (s) | it did |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const o of rows) console.log(`| ${o.victim} | ${o.firstRedS} | ${o.message.replace(/\|/g, '\\|')} | ${o.outlived} | ${o.finishedS} | ${o.scenarios} | ${o.leftBefore} → ${o.leftAfter} | ${o.upS} | ${o.upDid} |`);
s3.destroy();
process.exit(0); // the deadline timers of the runs above must not keep the process alive
