/**
 * The scenario memory (world/memory.ts): a note no earlier step left fails with the step that
 * leaves it; collections are always there; an attempt that succeeded counts as a note left.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NoEarlierStepError, scenarioMemory } from '../../world/memory.js';

test('reading a note no earlier step left names the step that would leave it', () => {
  const m = scenarioMemory();
  assert.throws(() => m.revision, (e: unknown) => e instanceof NoEarlierStepError
    && /no earlier step of this scenario left "revision" \(the package revision it browsed\)/.test(e.message)
    && /for example 'When Dana browses the package "test\/lifecycle"'/.test(e.message));
  assert.equal('revision' in m, false);
});

test('collections are there from the start; a note once left reads back, also when it is undefined', () => {
  const m = scenarioMemory();
  assert.equal(m.pushes.length, 0);
  assert.equal(m.seeded.size, 0);
  m.error = undefined;
  assert.equal('error' in m, true);
  assert.equal(m.error, undefined);
  m.elapsedMs = 12;
  assert.equal(m.elapsedMs, 12);
});
