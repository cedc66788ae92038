import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceLedger } from '../../world/ledger.js';
import { eventually } from '@quilt-e2e/test-kit';

test('the ledger cleans up newest first, keeps going past failures and reports them', async () => {
  const order: string[] = [];
  const l = new ResourceLedger();
  l.register('a', async () => { order.push('a'); });
  l.register('b', async () => { throw new Error('boom'); });
  l.register('c', async () => { order.push('c'); });
  await assert.rejects(l.cleanup(), /cleanup failed for 1 resource\(s\):\n {2}b: boom/);
  assert.deepEqual(order, ['c', 'a']);
  assert.equal(l.size, 0);
});

test('eventually retries until the check passes', async () => {
  let n = 0;
  const v = await eventually(async () => { if (++n < 3) throw new Error('not yet'); return n; }, { timeoutMs: 2000, intervalMs: 10 });
  assert.equal(v, 3);
});

test('eventually fails after its deadline with the last reason', async () => {
  const t = Date.now();
  await assert.rejects(eventually(async () => { throw new Error('index lag'); }, { timeoutMs: 300, intervalMs: 50, what: 'the package is searchable' }),
    /the package is searchable did not hold within 300 ms \(\d+ attempts\); last failure: index lag/);
  assert.ok(Date.now() - t < 1000);
});
