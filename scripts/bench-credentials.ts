/**
 * get_credentials against the stack's catalog (a script that prints figures): the first exchange per
 * persona (STS AssumeRole in RGW, unless the catalog already holds a live credential), then N warm
 * exchanges (the catalog reuses a credential while more than half its lifetime is left) — p50/p95
 * against the budget (warm p95 <= 100 ms).
 *
 *   npx tsx scripts/bench-credentials.ts [--calls 200]
 */
import { mintToken } from '@quilt-e2e/platform';
import { loadStackConfig } from '@quilt-e2e/stack';
import { S3_USERS } from '@quilt-e2e/constants';

const i = process.argv.indexOf('--calls');
const calls = i >= 0 ? Number(process.argv[i + 1]) : 200;
if (!Number.isInteger(calls) || calls < 1 || calls > 100_000) throw new Error('--calls takes a whole number from 1 to 100000, for example --calls 200');
const url = `http://127.0.0.1:${loadStackConfig().ports.catalog}/api/auth/get_credentials`;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function once(token: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const body = await r.json() as { SessionToken?: string; error?: string; message?: string };
  if (r.status !== 200 || !body.SessionToken) throw new Error(`get_credentials answered ${r.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return performance.now() - t;
}

const rows: string[] = [];
for (const [persona, u] of Object.entries(S3_USERS)) {
  const token = await mintToken(u.uid);
  const first = await once(token);
  const warm: number[] = [];
  for (let n = 0; n < calls; n++) warm.push(await once(token));
  const p95 = pct(warm, 95);
  rows.push(`${persona.padEnd(9)} first ${first.toFixed(1).padStart(6)} ms   warm p50 ${pct(warm, 50).toFixed(1).padStart(5)} ms  p95 ${p95.toFixed(1).padStart(5)} ms  (${calls} calls)  ${p95 <= 100 ? 'PASS' : 'FAIL'} (budget p95 <= 100 ms)`);
}
console.log(`get_credentials at ${url}\n${rows.join('\n')}`);
