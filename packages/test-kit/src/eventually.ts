/**
 * The one way this project waits for eventually consistent systems (search indexes, SQL views) —
 * in the suite's steps and in the packages' own tests alike: retry an assertion until it passes
 * or a deadline passes, then fail with the last reason. The deadline counts the stack's working
 * time: a time the whole machine stood still (stall-clock.ts) is left out of it.
 */
import { stalledMsSince, startStallClock } from './stall-clock.js';

export interface EventuallyOptions { timeoutMs?: number; intervalMs?: number; what?: string }

export async function eventually<T>(check: () => Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 200;
  startStallClock();
  const started = Date.now();
  let attempts = 0;
  let last: unknown;
  for (;;) {
    attempts++;
    try { return await check(); } catch (e) { last = e; }
    if (Date.now() - started - stalledMsSince(started) + intervalMs > timeoutMs) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const err = last as { message?: string; actual?: unknown; expected?: unknown; showDiff?: boolean };
  let reason = last instanceof Error ? last.message : String(last);
  // Assertion errors carry what was seen and what was wanted: show both, so the failure explains itself.
  if (err && typeof err === 'object' && 'actual' in err && 'expected' in err) {
    reason += `\n  actual:   ${JSON.stringify(err.actual)}\n  expected: ${JSON.stringify(err.expected)}`;
  }
  const still = stalledMsSince(started);
  throw new Error(`${options.what ?? 'condition'} did not hold within ${timeoutMs} ms (${attempts} attempts${still > 0 ? `; the machine also stood still ${still} ms, left out` : ''}); last failure: ${reason}`);
}
