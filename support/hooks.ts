/**
 * Suite-wide hooks: bring the embedded stack up once (local target), and after every scenario
 * remove what it created — also when it failed — then prove nothing of it is left in the bucket.
 */
import { After, AfterAll, Before, BeforeAll, setDefaultTimeout, setParallelCanAssign, Status } from '@cucumber/cucumber';
import { loadTarget } from './target.js';
import { PERSONAS } from './parameter-types.js';
import { up, consoleReporter, deadProcesses, explainDead } from '@quilt-e2e/stack';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { executeSweep, markTestBucket, parseAge, planSweep } from './sweeper.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { closeQuilt3Oracles } from './oracles/quilt3.js';
import { closeQuilt3Mcp } from './drivers/mcp-quilt3.js';
import { closeCatalogBrowser, closeKeptPages, pagesOpenedSoFar, timeInBrowser } from './adapters/catalog-app.js';
import { attachMeasurement } from './reporting/measurements.js';
import { browserFigures } from './reporting/browser-figures.js';
import { formatDoctor, runDoctor } from './doctor.js';
import { DRIVER_CANNOT } from './drivers/driver.js';
import { MCP_CALLS_MEDIA_TYPE } from './drivers/mcp.js';
import { recordCanaryRun } from './reporting/canary-status.js';
import { startStallClock, stillsSince } from '@quilt-e2e/test-kit';

/** The quilt3 oracle (one Python process per worker), the browser and quilt-mcp's quilt3-mode processes end with the run. */
AfterAll(async () => { await closeQuilt3Oracles(); await closeCatalogBrowser(); await closeQuilt3Mcp(); });

setDefaultTimeout(60_000);

/** From the start: the times the machine stands still (a paused VM), which waits for the stack leave out of their deadlines. */
startStallClock();

/**
 * A scenario that opened the web catalog attaches its time and the part of it in the browser
 * (reporting/browser-figures.ts): the run summary checks them against the browser's budgets.
 * Defined first, so that it runs after the clean-up hooks: their time is the scenario's too.
 */
const clocks = new WeakMap<object, { started: number; inBrowser: number; pages: number }>();
Before(function (this: QuiltWorld) { clocks.set(this, { started: Date.now(), inBrowser: timeInBrowser(), pages: pagesOpenedSoFar() }); });
After(async function (this: QuiltWorld) {
  await closeKeptPages();
  const c = clocks.get(this);
  // A time the whole machine stood still is said in the report: it explains a slow step, and the waits left it out.
  for (const s of c ? stillsSince(c.started) : []) this.log(`the machine stood still for ${(s.ms / 1000).toFixed(1)} s until ${s.endedAt.toISOString()} (all servers and this process alike): the waits for the stack left it out of their deadlines`);
  if (!c || pagesOpenedSoFar() === c.pages) return;
  for (const m of browserFigures(Date.now() - c.started, timeInBrowser() - c.inBrowser, this.target.kind)) attachMeasurement(this, m);
  // A run that opens pages opens more: every persona's next page is loaded ahead, signed in, in the background.
  this.prepareCatalogApps();
});

/** With --parallel, a @serial scenario runs alone: it starts only when nothing runs, and nothing starts beside it. */
const isSerial = (p: { tags: readonly { name: string }[] }): boolean => p.tags.some((t) => t.name === '@serial');
setParallelCanAssign((pickle, running) => !running.some(isSerial) && (!isSerial(pickle) || running.length === 0));

BeforeAll({ timeout: 30 * 60_000 }, async function () {
  const target = loadTarget();
  if (target.kind === 'local' && process.env.QUILT_E2E_NO_AUTO_UP !== '1') {
    // Idempotent and locked: with --parallel every worker calls it, one starts the stack, the others wait.
    // Quiet unless something happens: "installed" lines of every worker would only clutter the progress output.
    const shown = consoleReporter('[stack] ');
    await up(target.stack!, { info: (m) => { if (!/: installed$|^up: everything was already running/.test(m)) shown.info(m); } });
  }
  if (target.kind === 'local' && target.catalog) await refuseUnexpectedFault(target.catalog.registryUrl);
  if (target.kind !== 'local' && process.env.QUILT_E2E_DOCTOR !== 'off') await doctorOrStop();
  await sweepLeftovers(target);
});

/**
 * On a real deployment, `npx quilt-e2e doctor` first: a run whose target cannot work (wrong keys,
 * an endpoint that does not answer, a required variable missing) stops here with the doctor's
 * table, instead of failing scenario after scenario. The first worker prints the table.
 */
async function doctorOrStop(): Promise<void> {
  const report = await runDoctor(process.env);
  if (report.stop) throw new Error(`the target is not ready for the suite (QUILT_E2E_DOCTOR=off skips this check):\n${formatDoctor(report)}`);
  if ((process.env.CUCUMBER_WORKER_ID ?? '0') === '0') process.stdout.write(`${formatDoctor(report)}\n`);
}

/**
 * The local platform has fault modes for measuring what this suite catches (scripts/mutation.ts).
 * A run against a platform with a fault it did not ask for (QUILT_E2E_EXPECT_FAULT) stops here:
 * its results would say nothing about the platform.
 */
async function refuseUnexpectedFault(registryUrl: string): Promise<void> {
  const r = await fetch(`${registryUrl.replace(/\/$/, '')}/health`, { signal: AbortSignal.timeout(10_000) });
  const fault = ((await r.json()) as { fault?: string | null }).fault ?? null;
  const expected = process.env.QUILT_E2E_EXPECT_FAULT || null;
  if (fault !== expected) {
    throw new Error(fault
      ? `the local catalog runs with the fault mode "${fault}" (QUILT_E2E_PLATFORM_FAULT) and this run did not ask for it: restart it without, `
        + '`unset QUILT_E2E_PLATFORM_FAULT; npm run stack -- down catalog && npm run stack -- up`'
      : `this run expects the fault "${expected}" (QUILT_E2E_EXPECT_FAULT) but the local catalog runs without one: start it with QUILT_E2E_PLATFORM_FAULT=${expected}, or unset QUILT_E2E_EXPECT_FAULT`);
  }
}

/**
 * At the start of a run: mark the bucket as this suite's test bucket and sweep what killed runs
 * left there (only the suite's own prefixes, older than QUILT_E2E_SWEEP_AGE, default 1h). One
 * process does it: the first parallel worker, or the only process.
 */
async function sweepLeftovers(target: ReturnType<typeof loadTarget>): Promise<void> {
  if ((process.env.CUCUMBER_WORKER_ID ?? '0') !== '0') return;
  const access = target.personas.admin;
  if (!access) return;
  const s3 = createS3Client({ ...target.s3, ...(access.credentials ? { credentials: access.credentials } : {}) });
  try {
    await markTestBucket(s3, target.bucket);
    if (process.env.QUILT_E2E_SWEEP_AGE === 'off') return;
    const plan = await planSweep(s3, target.bucket, parseAge(process.env.QUILT_E2E_SWEEP_AGE ?? '1h'));
    if (plan.remove.length) {
      const n = await executeSweep(s3, plan);
      process.stdout.write(`[sweeper] removed ${n} object version(s) left by killed runs: ${plan.remove.map((g) => g.name).join(', ')}\n`);
    }
  } catch (e) {
    process.stdout.write(`[sweeper] could not sweep s3://${target.bucket}: ${(e as Error).message}\n`);
  } finally {
    s3.destroy();
  }
}

/**
 * A server of the embedded stack that died (kill -9, crash) fails every later scenario at once,
 * naming the server, its log and the remedy — rather than each step waiting for its own timeout.
 */
Before(function (this: QuiltWorld) {
  if (!this.target.stack) return;
  const dead = deadProcesses(this.target.stack);
  if (dead.length) throw new Error(explainDead(dead));
});

/** Scenarios that need the embedded stack's internals are skipped elsewhere — visibly, with the reason. */
Before({ tags: '@local-only' }, function (this: QuiltWorld) {
  if (this.target.kind === 'local') return undefined;
  this.log(`skipped: this scenario checks a server of the embedded local stack directly; the ${this.target.kind} target does not expose it`);
  return 'skipped';
});

/** A scenario the run's driver cannot perform at all (DRIVER_CANNOT) is skipped with the reason. */
Before(function (this: QuiltWorld, { pickle }) {
  const cannot = DRIVER_CANNOT[this.driver];
  const tag = pickle.tags.map((t) => t.name).find((t) => t in cannot);
  if (!tag) return undefined;
  this.log(`skipped: the ${this.driver} driver cannot perform this scenario (${tag}): ${cannot[tag]}`);
  return 'skipped';
});

/**
 * A scenario that needs something the target lacks (a catalog, a persona's credentials) is
 * reported as skipped with the reason in the report — never silently, never as a pass.
 */
Before(function (this: QuiltWorld, { pickle }) {
  const tags = new Set(pickle.tags.map((t) => t.name));
  const missing: string[] = [];
  if ((tags.has('@catalog') || tags.has('@search')) && !this.target.catalog) missing.push('a catalog (QUILT_CATALOG_URL and QUILT_REGISTRY_URL)');
  if (tags.has('@reads-mail') && !this.target.inbox) missing.push('a readable inbox of the mail the stack sends its users (QUILT_E2E_INBOX)');
  const text = pickle.steps.map((s) => s.text).join('\n');
  for (const [name, role] of Object.entries(PERSONAS)) {
    if (new RegExp(`\\b${name}\\b`).test(text) && !this.target.personas[role]) missing.push(`credentials for ${name} (${role})`);
  }
  if (missing.length === 0) return undefined;
  this.log(`skipped: the ${this.target.kind} target lacks ${missing.join(' and ')}`);
  return 'skipped';
});

/** A canary's result goes to the local stack's status page (a failure to record it is logged, not the scenario's). */
After({ tags: '@canary' }, async function (this: QuiltWorld, { pickle, result }) {
  if (result?.status !== Status.PASSED && result?.status !== Status.FAILED) return;
  await recordCanaryRun(this, { name: pickle.name, uri: pickle.uri }, result.status === Status.PASSED)
    .catch((e: Error) => this.log(`the canary's result could not be kept for the status page: ${e.message}`));
});

/** The quilt-mcp tools the scenario called, for the tools/list coverage of the living docs. */
After(function (this: QuiltWorld) {
  if (this.mcpCalls.length) this.attach(JSON.stringify({ tools: [...new Set(this.mcpCalls)].sort(), calls: this.mcpCalls.length }), MCP_CALLS_MEDIA_TYPE);
});

After({ timeout: 120_000 }, async function (this: QuiltWorld, { result }) {
  // Asked only on a failure: a process killed a moment ago may still be exiting (a big radosgw takes
  // a few hundred ms to disappear), so look again for up to 2 s before concluding nothing died.
  const dead = async (): Promise<ReturnType<typeof deadProcesses>> => {
    const stack = this.target.stack;
    if (!stack) return [];
    for (let i = 0; ; i++) {
      const d = deadProcesses(stack);
      if (d.length || i >= 10) return d;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  // A scenario that failed because a server died says so (its own step message names only the symptom).
  const diedBefore = result?.status === Status.FAILED ? await dead() : [];
  if (diedBefore.length) { await this.dispose(); throw new Error(`this scenario failed while ${explainDead(diedBefore)}`); }
  try {
    const removed = await this.ledger.cleanup();
    if (removed.length) this.log(`cleanup removed: ${removed.join('; ')}`);
    if (result?.status === Status.SKIPPED && removed.length === 0) return;
    // The scenario's folder must now be empty, old versions and delete markers included.
    const left = await this.objects('admin').versionsUnder(this.bucket, this.scenarioPrefix);
    if (left.length) {
      throw new Error(`cleanup left ${left.length} object version(s) behind under s3://${this.bucket}/${this.scenarioPrefix}: ${left.slice(0, 5).join(', ')}`);
    }
  } catch (e) {
    const d = await dead();
    if (d.length) throw new Error(`cleanup could not finish because ${explainDead(d)} (the sweeper removes what is left at a later run); cleanup said: ${(e as Error).message.split('\n')[0]}`);
    throw e;
  } finally {
    await this.dispose();
  }
});

