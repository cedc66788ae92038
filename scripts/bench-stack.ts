/**
 * Benchmark of the embedded stack (issue 2's budgets). Prints figures; asserts nothing.
 *   npx tsx scripts/bench-stack.ts            warm up (down → up), resident memory, first workflow
 *   npx tsx scripts/bench-stack.ts --cold     also a cold install into an empty cache (temporary QUILT_E2E_HOME and Maven repository)
 *   npx tsx scripts/bench-stack.ts --empty    also a first start from an EMPTY data folder (installed servers, a temporary QUILT_E2E_HOME; the real stack's data is untouched)
 * Budgets: from an empty data folder all healthy and provisioned ≤ 60 s, warm up ≤ 30 s, cold install ≤ 10 min,
 * stack RSS ≤ 4 GiB, first workflow ≤ 5 s.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadStackConfig, down, install, status, up } from '@quilt-e2e/stack';
import { summarizeRun } from '../support/reporting/run-summary.js';

const quiet = { info: () => undefined };
const config = loadStackConfig();
const rows: [string, string, string][] = [];
const row = (what: string, value: string, budget: string): void => { rows.push([what, value, budget]); console.log(`${what}: ${value} (budget ${budget})`); };

/** RSS of a process and all its descendants, in MiB (from /proc). */
function treeRssMiB(pid: number): number {
  const children = (p: number): number[] => {
    try { return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; }
  };
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try { total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024; } catch { /* gone */ }
    stack.push(...children(p));
  }
  return total;
}

async function stackRss(): Promise<{ total: number; per: string }> {
  const st = await status(config);
  const per = st.map((s) => [s.name, s.pids.reduce((n, p) => n + treeRssMiB(p), 0)] as const);
  return { total: per.reduce((n, [, v]) => n + v, 0), per: per.map(([n, v]) => `${n} ${v.toFixed(0)} MiB`).join(', ') };
}

async function main(): Promise<void> {
  console.log(`bench-stack on ${spawnSync('nproc').stdout.toString().trim()} cores`);
  if (process.argv.includes('--cold')) {
    const home = mkdtempSync(join(tmpdir(), 'quilt-e2e-cold-'));
    const repo = join(home, 'm2');
    process.env.QUILT_E2E_MAVEN_REPO = repo;
    const cold = { ...loadStackConfig({ ...process.env, QUILT_E2E_HOME: home }) };
    const t = Date.now();
    await install(cold, { info: (m) => console.log(`  [cold] ${m}`) });
    row('cold install (empty cache and Maven repository; Debian packages already present)', `${((Date.now() - t) / 1000).toFixed(1)} s`, '≤ 600 s');
    delete process.env.QUILT_E2E_MAVEN_REPO;
    rmSync(home, { recursive: true, force: true });
  }
  if (process.argv.includes('--empty')) {
    // Same ports as the real stack: stop it first; the empty stack lives in a temporary home whose dist/ is the real one.
    await down(config, quiet);
    const home = mkdtempSync(join(tmpdir(), 'quilt-e2e-empty-'));
    symlinkSync(config.cacheDir, join(home, 'dist'));
    const empty = loadStackConfig({ ...process.env, QUILT_E2E_HOME: home });
    for (let i = 1; i <= 2; i++) {
      const t0 = Date.now();
      await up(empty, { info: (m) => console.log(`  [empty] ${m}`) });
      row(`from an empty data folder (#${i}): all healthy and provisioned`, `${((Date.now() - t0) / 1000).toFixed(1)} s`, '≤ 60 s');
      await down(empty, quiet);
      rmSync(empty.dataDir, { recursive: true, force: true });
    }
    rmSync(home, { recursive: true, force: true });
  }
  await up(config, quiet);
  await down(config, quiet);
  const t = Date.now();
  await up(config, { info: (m) => console.log(`  ${m}`) });
  row('warm up (installed, not running, data kept → all healthy and provisioned)', `${((Date.now() - t) / 1000).toFixed(1)} s`, '≤ 30 s');
  const t2 = Date.now();
  await up(config, quiet);
  row('second up (no-op)', `${((Date.now() - t2) / 1000).toFixed(2)} s`, '-');
  const idle = await stackRss();
  row('stack RSS after up', `${idle.total.toFixed(0)} MiB (${idle.per})`, '≤ 4096 MiB');
  const dir = mkdtempSync(join(tmpdir(), 'quilt-e2e-bench-'));
  const t3 = Date.now();
  const r = spawnSync('npx', ['cucumber-js', 'features/s3/content-retrieval.feature', '--format', `message:${join(dir, 'm.ndjson')}`, '--format', 'summary'], { encoding: 'utf8' });
  const wall = (Date.now() - t3) / 1000;
  const s = summarizeRun(readFileSync(join(dir, 'm.ndjson'), 'utf8'));
  const scenarioSeconds = s.scenarios.reduce((n, x) => n + x.ms, 0) / 1000;
  row('first workflow (content retrieval, 5 scenarios): scenario time', `${scenarioSeconds.toFixed(2)} s (${s.totals.passed} passed, ${s.totals.failed} failed; cucumber process wall ${wall.toFixed(1)} s)`, '≤ 5 s');
  if (r.status !== 0) console.log(r.stdout.slice(-2000));
  const busy = await stackRss();
  row('stack RSS after the workflow', `${busy.total.toFixed(0)} MiB (${busy.per})`, '≤ 4096 MiB');
  rmSync(dir, { recursive: true, force: true });
  console.log('\n| figure | value | budget |\n| --- | --- | --- |');
  for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
}

main().catch((e: unknown) => { console.error(`bench-stack: ${(e as Error).message}`); process.exit(1); });
