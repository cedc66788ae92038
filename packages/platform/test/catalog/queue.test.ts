/**
 * The indexer's durable queue on real files: what append() resolved survives a reopen (a crash
 * after the answer to RGW), acknowledged events do not come back, a torn last line is dropped,
 * and concurrent appends are group-committed in order.
 *
 *   node --import tsx --test packages/platform/test/catalog/queue.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableQueue } from '../../src/catalog/indexer/queue.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'catalog-queue-'));
}

test('appended events survive a reopen until acknowledged; acknowledging everything empties the file', async () => {
  const d = dir();
  try {
    const q = await DurableQueue.open<{ n: number }>(d);
    await q.append([{ n: 1 }, { n: 2 }]);
    await q.append([{ n: 3 }]);
    assert.equal(q.length, 3);
    await q.ack(1);
    await q.close();

    const q2 = await DurableQueue.open<{ n: number }>(d);
    assert.deepEqual(q2.peek(10).map((e) => e.item.n), [2, 3], 'the acknowledged event is gone, the others are back');
    await q2.append([{ n: 4 }]);
    assert.deepEqual(q2.peek(10).map((e) => e.item.n), [2, 3, 4]);
    const seqs = q2.peek(10).map((e) => e.seq);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'sequence numbers keep growing across reopens');
    await q2.ack(3);
    assert.equal(statSync(join(d, 'events.jsonl')).size, 0, 'the file is truncated once everything is indexed');
    await q2.close();
    const q3 = await DurableQueue.open<{ n: number }>(d);
    assert.equal(q3.length, 0);
    await q3.close();
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('a torn last line (a crash while writing) is dropped; the complete lines before it are kept', async () => {
  const d = dir();
  try {
    const q = await DurableQueue.open<{ n: number }>(d);
    await q.append([{ n: 1 }, { n: 2 }]);
    await q.close();
    appendFileSync(join(d, 'events.jsonl'), '{"seq":3,"received":1,"item":{"n":');
    const q2 = await DurableQueue.open<{ n: number }>(d);
    assert.deepEqual(q2.peek(10).map((e) => e.item.n), [1, 2]);
    assert.ok(readFileSync(join(d, 'events.jsonl'), 'utf8').endsWith('\n'), 'the torn tail was cut off');
    await q2.append([{ n: 3 }]);
    assert.deepEqual(q2.peek(10).map((e) => e.item.n), [1, 2, 3]);
    await q2.close();
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('many concurrent appends all land, in the order they were made', async () => {
  const d = dir();
  try {
    const q = await DurableQueue.open<{ n: number }>(d);
    await Promise.all(Array.from({ length: 200 }, (_, n) => q.append([{ n }])));
    assert.deepEqual(q.peek(1000).map((e) => e.item.n), Array.from({ length: 200 }, (_, n) => n));
    await q.close();
    const q2 = await DurableQueue.open<{ n: number }>(d);
    assert.equal(q2.length, 200);
    await q2.close();
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
