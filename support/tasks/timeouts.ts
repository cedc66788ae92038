/**
 * Deadlines and retries (spec §3.2): an operation over its deadline is aborted and says so (with
 * what to do next), nothing is left hanging, and the service still answers afterwards; transient
 * failures are retried with backoff, permanent ones are not.
 */
import { expect } from 'chai';
import { workingMsSince } from '@quilt-e2e/test-kit';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { ensureLargeObject, LARGE_OBJECT_BYTES, LARGE_OBJECT_KEY } from '../fixtures/large-folder.js';
import { searchCatalog } from '../domain/search.js';
import { RetryError, withRetry } from '../domain/retry.js';
import { attempt } from './errors.js';
import { down, selectServers, up } from '@quilt-e2e/stack';

export async function ensureLargeObjectFixture(world: QuiltWorld): Promise<void> {
  await ensureLargeObject(world.s3('admin'), world.bucket);
}

export async function fetchLargeObject(world: QuiltWorld, persona: PersonaRole, deadlineMs: number): Promise<void> {
  const started = Date.now();
  await attempt(world, () => world.objects(persona).fetchWithin(`s3://${world.bucket}/${LARGE_OBJECT_KEY}`, deadlineMs));
  world.memory.elapsedMs = workingMsSince(started);
}

export function expectTimedOut(world: QuiltWorld, deadlineMs: number, slackMs: number): void {
  const e = world.memory.error;
  expect(e, 'the operation should have been stopped at its deadline, but it finished').to.be.instanceOf(Error);
  expect(e!.message.toLowerCase(), e!.message).to.include('timeout');
  expect(e!.message, 'the message says what to do next').to.match(/retry|longer/i);
  expect(world.memory.elapsedMs, 'it gave up at its deadline instead of hanging').to.be.at.most(deadlineMs + slackMs);
}

export async function expectLargeObjectWhole(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const bytes = await world.objects(persona).fetchWithin(`s3://${world.bucket}/${LARGE_OBJECT_KEY}`, 120_000);
  expect(bytes.length).to.equal(LARGE_OBJECT_BYTES);
}

const EXPENSIVE = '*e* OR *a* OR *1*';

export async function searchWithin(world: QuiltWorld, persona: PersonaRole, deadlineMs: number): Promise<void> {
  const started = Date.now();
  await attempt(world, () => searchCatalog(world.catalog(persona), { query: EXPENSIVE, scope: 'file', bucket: world.bucket, limit: 1000, signal: AbortSignal.timeout(deadlineMs) }));
  world.memory.elapsedMs = workingMsSince(started);
}

export async function expectSearchAnswers(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const r = await searchCatalog(world.catalog(persona), { query: 'genomics', scope: 'file', bucket: world.bucket, limit: 5 });
  expect(r.results.length).to.be.greaterThan(0);
}

/** Stops the local catalog for real and starts it again in the background (the ledger waits for it to be back). */
export async function restartCatalogInBackground(world: QuiltWorld): Promise<void> {
  const stack = world.target.stack!;
  const quiet = { info: (m: string) => world.log(m) };
  const catalog = selectServers(['catalog']);
  await down(stack, quiet, catalog);
  const back = new Promise<void>((resolve, reject) => setTimeout(() => { up(stack, quiet, catalog).then(() => resolve(), reject); }, 1500));
  world.ledger.register('the catalog running again', async () => { await back; });
}

export async function searchWithRetries(world: QuiltWorld, persona: PersonaRole): Promise<void> {
  const retries: string[] = [];
  await attempt(world, async () => {
    const r = await withRetry(() => searchCatalog(world.catalog(persona), { query: 'genomics', scope: 'file', bucket: world.bucket, limit: 5 }),
      { attempts: 10, baseDelayMs: 250, maxDelayMs: 2000, onRetry: (n, e, d) => retries.push(`attempt ${n} failed (${(e as { code?: string }).code ?? (e as Error).message}); next in ${d} ms`) });
    world.memory.retryAttempts = r.attempts;
    world.memory.searchResults = r.value.results;
  });
  if (retries.length) world.log(retries.join('\n'));
  world.memory.retryLog = retries;
}

export function expectSucceededAfterRetries(world: QuiltWorld): void {
  expect(world.memory.error, world.memory.error?.message).to.equal(undefined);
  expect(world.memory.retryAttempts, 'attempts').to.be.at.least(2);
  expect(world.memory.retryLog.every((l) => /ECONNREFUSED|ECONNRESET|socket|503/.test(l)), world.memory.retryLog.join('; ')).to.equal(true);
  expect(world.memory.searchResults.length).to.be.greaterThan(0);
}

export async function searchAsOutsiderWithRetries(world: QuiltWorld): Promise<void> {
  let calls = 0;
  await attempt(world, () => withRetry(async () => { calls++; return searchCatalog(world.catalog('outsider'), { query: 'genomics', scope: 'file', bucket: world.bucket, limit: 5 }); }, { attempts: 5, baseDelayMs: 50 }));
  world.memory.retryAttempts = calls;
}

export function expectNotRetried(world: QuiltWorld, status: number): void {
  const e = world.memory.error;
  expect(e).to.be.instanceOf(RetryError);
  expect((e as RetryError).transient).to.equal(false);
  expect(world.memory.retryAttempts).to.equal(1);
  expect(((e as RetryError).last as { status?: number }).status).to.equal(status);
}
