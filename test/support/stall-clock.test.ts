/**
 * The stall clock: a time this process could not run (here: its event loop held for 3.5 s, as a
 * paused machine holds every process) is counted, and a wait's deadline leaves it out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, stalledMsSince, startStallClock, stillsSince, workingMsSince } from '@quilt-e2e/test-kit';

const holdFor = (ms: number): void => { const until = Date.now() + ms; while (Date.now() < until) { /* the machine stands still */ } };
const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a still of 3.5 s is counted once, from when it began; gaps of a blocking call (1.5 s) are not stills', async () => {
  startStallClock();
  await tick(300);
  const before = Date.now();
  holdFor(1500);
  await tick(150);
  assert.equal(stalledMsSince(before), 0, 'a gap of 1.5 s is a blocking call, not the machine standing still');
  const t0 = Date.now();
  holdFor(3500);
  await tick(150);
  const still = stalledMsSince(t0);
  assert.ok(still >= 3300 && still <= 3600, `counted ${still} ms for a still of 3500 ms`);
  assert.ok(stalledMsSince(Date.now()) === 0, 'nothing stood still after it');
  const w = workingMsSince(t0);
  assert.ok(w >= 100 && w < 600, `working time ${w} ms: the 150 ms after the still, not the still`);
  const listed = stillsSince(t0);
  assert.equal(listed.length, 1);
  assert.ok(listed[0]!.endedAt.getTime() >= t0 + 3400);
});

test('eventually: a still of the machine during a wait does not use up its deadline', async () => {
  let attempts = 0;
  const t0 = Date.now();
  await assert.rejects(eventually(async () => {
    attempts += 1;
    if (attempts === 1) holdFor(3500); // the machine stands still during the first attempt
    throw new Error('not yet');
  }, { timeoutMs: 1000, intervalMs: 100, what: 'the index catching up' }), (e: Error) => {
    assert.match(e.message, /the index catching up did not hold within 1000 ms \(\d+ attempts; the machine also stood still \d+ ms, left out\); last failure: not yet/);
    return true;
  });
  assert.ok(attempts >= 5, `it went on trying after the still (${attempts} attempts)`);
  const took = Date.now() - t0;
  assert.ok(took >= 4000 && took < 6500, `the wait took ${took} ms: its 1000 ms of working time plus the still`);
});
