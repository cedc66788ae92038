// The retry policy against real failures on loopback: a refused connection (no server yet) is
// retried until a real server starts listening; a real 403 is not retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { isPortFree } from '@quilt-e2e/stack';
import { RetryError, withRetry } from '../../support/domain/retry.js';

async function freePort(): Promise<number> {
  for (let p = 39100; p < 39300; p++) if (await isPortFree(p)) return p;
  throw new Error('no free port');
}

test('a refused connection is retried with backoff until a real server answers', async () => {
  const port = await freePort();
  const server = createServer((_req, res) => { res.end('ok'); });
  setTimeout(() => server.listen(port, '127.0.0.1'), 500);
  const delays: number[] = [];
  try {
    const r = await withRetry(async () => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) })).text(),
      { attempts: 8, baseDelayMs: 100, onRetry: (_a, _e, d) => delays.push(d) });
    assert.equal(r.value, 'ok');
    assert.ok(r.attempts >= 2, `attempts ${r.attempts}`);
    assert.ok(delays.length >= 1 && delays.every((d, i) => i === 0 || d >= delays[i - 1]! * 0.5), `backoff ${delays.join(', ')}`);
  } finally { server.close(); }
});

test('a permanent refusal (HTTP 403) is not retried', async () => {
  const port = await freePort();
  const server = createServer((_req, res) => { res.statusCode = 403; res.end('forbidden'); });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  let calls = 0;
  try {
    await assert.rejects(withRetry(async () => {
      calls++;
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
    }, { attempts: 5, baseDelayMs: 10 }), (e: unknown) => e instanceof RetryError && !e.transient && e.attempts === 1);
    assert.equal(calls, 1);
  } finally { server.close(); }
});
