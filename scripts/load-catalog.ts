/**
 * Load script for the catalog's guard rails (a script that prints figures, not a timed test).
 * It starts its own catalog on its own bucket (as the catalog's tests do), with the authorization
 * cache OFF (QUILT_E2E_CATALOG_AUTHZ_CACHE_MS=0: every request asks RGW, the worst case), and
 * measures on loopback only:
 *   1. refusal   the 3,000-alias query (`a0: bucketConfigs { name } ...`, ~100 kB) sent N times:
 *                status, p50/p95 time, and RGW questions it caused (GET /internal/authz) — budget
 *                refused in <= 100 ms, 0 S3 questions
 *   2. shared    a query with 90 aliases of bucketConfigs (under the limit): RGW questions per
 *                request (single-flight: 1)
 *   3. abuse     `--clients` abusive clients send the 3,000-alias query in a loop for `--seconds`
 *                (default 60) while another user (the reader) asks `bucketConfigs` every 100 ms and
 *                /health is read every second — budget: /health always 200, the reader's p95 <= 200 ms
 * Every loop is bounded in count and time and stops by itself. Removes everything after.
 *
 *   npx tsx scripts/load-catalog.ts [--seconds 60] [--clients 4] [--refusals 50]
 */
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

function arg(name: string, fallback: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} takes a whole number from 1 to ${max}, for example --${name} ${fallback}`);
  return v;
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (n: number): string => (Number.isNaN(n) ? 'n/a' : `${Math.round(n)} ms`);
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

interface AuthzStats { asked: number; cached: number; shared: number; pending: number }

async function authzStats(cat: CatalogUnderTest): Promise<AuthzStats> {
  const r = await cat.get('/internal/authz', null);
  if (r.status !== 200) throw new Error(`GET /internal/authz answered ${r.status}: ${r.text.slice(0, 200)}`);
  return r.body as AuthzStats;
}

const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: bucketConfigs { name }`).join(' ')} }`;

/** One POST /graphql with a token minted up front; resolves to status and milliseconds. */
async function timedPost(url: string, token: string, body: string): Promise<{ status: number; ms: number; text: string }> {
  const t = performance.now();
  const r = await fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body, signal: AbortSignal.timeout(30_000),
  });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, text };
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 60, 600);
  const clients = arg('clients', 4, 32);
  const refusals = arg('refusals', 50, 10_000);
  process.env.QUILT_E2E_CATALOG_AUTHZ_CACHE_MS = '0';
  const t0 = Date.now();
  const cat = await startCatalogUnderTest();
  console.log(`catalog under test on ${cat.url}, bucket ${cat.bucket}, authorization cache off (ready in ${ms(Date.now() - t0)})`);
  const rows: Array<[string, string, string, string]> = [];
  try {
    const abuser = await cat.token('admin');
    const reader = await cat.token('reader');
    const huge = JSON.stringify({ query: aliases(3000) });
    console.log(`the abusive query: 3,000 aliases of bucketConfigs, ${Math.round(huge.length / 1024)} kB`);

    // 1. Refusal: status, time, and RGW questions caused.
    const before = await authzStats(cat);
    const times: number[] = [];
    let wrong = 0;
    let sample = '';
    for (let i = 0; i < refusals; i++) {
      const r = await timedPost(cat.url, abuser, huge);
      times.push(r.ms);
      if (r.status !== 400 || !r.text.includes('QUERY_TOO_COMPLEX')) wrong++;
      sample ||= r.text.slice(0, 300);
    }
    const after = await authzStats(cat);
    const asked = after.asked - before.asked;
    console.log(`refusal answer: ${sample}`);
    rows.push(['3,000-alias query refused (400 QUERY_TOO_COMPLEX)', `${refusals - wrong} of ${refusals}`, `all`, verdict(wrong === 0)]);
    rows.push(['  time to refuse p50 / p95', `${ms(pct(times, 50))} / ${ms(pct(times, 95))}`, '<= 100 ms', verdict(pct(times, 95) <= 100)]);
    rows.push(['  S3 authorization questions it caused', String(asked), '0', verdict(asked === 0)]);

    // 2. Single-flight: 90 aliases under the limit share one question.
    const shared = JSON.stringify({ query: aliases(90) });
    const b2 = await authzStats(cat);
    const r2 = await timedPost(cat.url, abuser, shared);
    const a2 = await authzStats(cat);
    const ok2 = r2.status === 200 && (JSON.parse(r2.text) as { data?: Record<string, unknown> }).data !== undefined;
    rows.push(['90-alias bucketConfigs query (under the limit)', `${r2.status} in ${ms(r2.ms)}`, '200', verdict(ok2)]);
    rows.push(['  S3 questions asked / joined to one in flight', `${a2.asked - b2.asked} / ${a2.shared - b2.shared}`, 'asked 1', verdict(a2.asked - b2.asked === 1)]);

    // 3. Abuse: abusive loop + another user's bucketConfigs + /health, bounded by time.
    const end = Date.now() + seconds * 1000;
    const victim: number[] = [];
    const victimFailures: string[] = [];
    const health: number[] = [];
    let abusive = 0;
    let abusiveWrong = 0;
    const abusers = Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const r = await timedPost(cat.url, abuser, huge).catch((e: unknown) => ({ status: 0, ms: 0, text: String(e) }));
        abusive++;
        if (r.status !== 400) abusiveWrong++;
      }
    });
    const victimLoop = (async () => {
      const q = JSON.stringify({ query: '{ bucketConfigs { name } }' });
      while (Date.now() < end) {
        const r = await timedPost(cat.url, reader, q).catch((e: unknown) => ({ status: 0, ms: 30_000, text: String(e) }));
        victim.push(r.ms);
        if (r.status !== 200 || !r.text.includes(cat.bucket)) victimFailures.push(`${r.status} ${r.text.slice(0, 120)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const healthLoop = (async () => {
      while (Date.now() < end) {
        const r = await fetch(`${cat.url}/health`, { signal: AbortSignal.timeout(10_000) }).then((x) => x.status, () => 0);
        health.push(r);
        await new Promise((res) => setTimeout(res, 1000));
      }
    })();
    await Promise.all([...abusers, victimLoop, healthLoop]);
    const healthBad = health.filter((s) => s !== 200).length;
    rows.push([`abusive clients (${clients}) for ${seconds} s`, `${abusive} queries (${Math.round(abusive / seconds)}/s)`, 'all refused', verdict(abusiveWrong === 0)]);
    rows.push(['  /health during the abuse', `${health.length - healthBad} of ${health.length} answered 200`, 'all 200', verdict(healthBad === 0 && health.length > 0)]);
    rows.push(["  the reader's bucketConfigs p50 / p95 / max", `${ms(pct(victim, 50))} / ${ms(pct(victim, 95))} / ${ms(Math.max(...victim))} (${victim.length} requests)`, 'p95 <= 200 ms', verdict(pct(victim, 95) <= 200 && victimFailures.length === 0)]);
    if (victimFailures.length) console.log(`the reader's failed requests (${victimFailures.length}): ${victimFailures.slice(0, 3).join(' | ')}`);
  } finally {
    await cat.teardown();
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('\n' + ['what', 'measured', 'budget'].map((h, i) => h.padEnd(w[i]!)).join('  ') + '  verdict');
  for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`);
  const failed = rows.filter((r) => r[3] === 'FAIL').length;
  console.log(`\nload-catalog: ${rows.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e: unknown) => { console.error(`load-catalog: ${(e as Error).stack ?? String(e)}`); process.exit(1); });
