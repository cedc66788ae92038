/**
 * Benchmark of the local catalog on the real stack (RGW + OpenSearch must be up):
 *   1. index lag: S3 PutObject -> searchable through /api/search, over N writes (p50/p95; budget p95 <= 2 s)
 *   2. /api/search returning 1,000 hits (budget <= 0.5 s)
 *   3. GraphQL package(...).revision of a 10,000-entry package (budget <= 1 s), cold and warm
 * It starts its own catalog on its own bucket (as the catalog's tests do) and removes everything after.
 *
 *   npx tsx scripts/bench-catalog.ts [--writes 50] [--hits 1000] [--entries 10000]
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { gql } from 'graphql-request';
import {
  Manifest, entryMeta, type ManifestEntry, PackageRegistry, chunkedSha256OfBytes, CHUNKED_SHA256, formatS3Url,
} from '@quilt-e2e/quilt-js';
import { startCatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes a positive whole number`);
  return v;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (n: number): string => `${Math.round(n)} ms`;
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  const writes = arg('writes', 50);
  const hitsWanted = arg('hits', 1000);
  const entries = arg('entries', 10_000);
  const t0 = Date.now();
  const cat = await startCatalogUnderTest();
  console.log(`catalog under test on ${cat.url}, bucket ${cat.bucket} (ready in ${ms(Date.now() - t0)})`);
  const results: string[] = [];
  try {
    const s3 = cat.s3('admin');
    const search = async (query: string, size = 10): Promise<{ status: number; hits: number; total: number }> => {
      const r = await cat.get(`/api/search?index=${cat.bucket}&action=search&size=${size}&query=${encodeURIComponent(query)}`, 'reader');
      const b = r.body as { hits?: { hits: unknown[]; total: { value: number } } };
      return { status: r.status, hits: b.hits?.hits.length ?? 0, total: b.hits?.total.value ?? 0 };
    };

    // 1. Index lag.
    const lags: number[] = [];
    for (let i = 0; i < writes; i++) {
      const word = `lag${randomBytes(5).toString('hex')}`;
      const start = Date.now();
      await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `bench/lag/${word}.txt`, Body: `bench ${word}` }));
      for (;;) {
        if ((await search(word)).hits === 1) break;
        if (Date.now() - start > 30_000) throw new Error(`write ${i} (${word}) was not searchable within 30 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      lags.push(Date.now() - start);
    }
    const p95 = pct(lags, 95);
    results.push(`index lag S3 write -> searchable over ${writes} writes: p50 ${ms(pct(lags, 50))}, p95 ${ms(p95)}, max ${ms(Math.max(...lags))}  [budget p95 <= 2000 ms: ${verdict(p95 <= 2000)}]`);
    console.log(results.at(-1));

    // 2. Search returning 1,000 hits.
    const word = `many${randomBytes(4).toString('hex')}`;
    const tw = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < hitsWanted) {
        const i = next++;
        await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `bench/many/${String(i).padStart(5, '0')}.txt`, Body: `${word} object ${i}` }));
      }
    }));
    const wrote = Date.now() - tw;
    for (;;) {
      if ((await search(word, 0)).total >= hitsWanted) break;
      if (Date.now() - tw > 180_000) throw new Error(`${hitsWanted} objects were not all searchable within 180 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const allIndexed = Date.now() - tw;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = Date.now();
      const r = await search(word, hitsWanted);
      times.push(Date.now() - s);
      if (r.hits !== hitsWanted) throw new Error(`search returned ${r.hits} hits, expected ${hitsWanted}`);
    }
    results.push(`/api/search returning ${hitsWanted} hits: first ${ms(times[0]!)}, median of 5 ${ms(pct(times, 50))}, max ${ms(Math.max(...times))}  [budget <= 500 ms: ${verdict(pct(times, 50) <= 500)}]` +
      `\n  (${hitsWanted} PUTs at concurrency 16 took ${ms(wrote)}; all searchable ${ms(allIndexed)} after the first PUT)`);
    console.log(results.at(-1));

    // 3. A 10,000-entry package, written with the package engine (entries share one data object).
    const data = Buffer.from('one shared data object\n');
    const put = await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: 'bench/pkg/data.txt', Body: data }));
    const physicalKey = formatS3Url({ bucket: cat.bucket, key: 'bench/pkg/data.txt', ...(put.VersionId ? { versionId: put.VersionId } : {}) });
    const value = chunkedSha256OfBytes(data);
    const list: ManifestEntry[] = Array.from({ length: entries }, (_, i) => ({
      logicalKey: `folder-${String(i % 10).padStart(2, '0')}/file-${String(i).padStart(6, '0')}.txt`,
      physicalKey, size: data.length, hash: { type: CHUNKED_SHA256, value }, meta: entryMeta({ i }),
    }));
    const manifest = Manifest.create({ message: 'bench', userMeta: { entries }, entries: list });
    const hash = manifest.topHash();
    const registry = new PackageRegistry(s3, cat.bucket);
    const name = `bench/big-${randomBytes(3).toString('hex')}`;
    await registry.store.put(cat.bucket, registry.manifestKey(hash), manifest.serialize());
    await registry.store.put(cat.bucket, registry.pointerKey(name, String(Math.floor(Date.now() / 1000))), hash);
    await registry.store.put(cat.bucket, registry.pointerKey(name, 'latest'), hash);
    const query = gql`query($b: String!, $n: String!) { package(bucket: $b, name: $n) { name revision { hash message userMeta totalEntries totalBytes dir(path: "") { path size children { __typename ... on PackageDir { path size } } } file(path: "folder-03/file-000003.txt") { path size physicalKey } } } }`;
    const client = cat.gql('reader');
    const timings: number[] = [];
    for (let i = 0; i < 6; i++) {
      const s = Date.now();
      const r = await client.request<{ package: { revision: { hash: string; totalEntries: number } } }>(query, { b: cat.bucket, n: name });
      timings.push(Date.now() - s);
      if (r.package.revision.hash !== hash || r.package.revision.totalEntries !== entries) throw new Error(`unexpected revision ${JSON.stringify(r).slice(0, 300)}`);
    }
    const warm = pct(timings.slice(1), 50);
    results.push(`package(...).revision of a ${entries}-entry package (${Buffer.byteLength(manifest.serialize())} bytes of manifest): cold ${ms(timings[0]!)}, warm median ${ms(warm)}  [budget <= 1000 ms: cold ${verdict(timings[0]! <= 1000)}, warm ${verdict(warm <= 1000)}]`);
    console.log(results.at(-1));
    const stats = (await cat.get('/internal/indexer')).body as { lagMs: unknown; indexedEvents: number };
    results.push(`indexer's own lag (event time -> indexed and refreshed): ${JSON.stringify(stats.lagMs)} over ${stats.indexedEvents} events`);
  } finally {
    const tc = Date.now();
    await cat.teardown();
    console.log(`cleaned up in ${ms(Date.now() - tc)}`);
  }
  console.log('\n== bench-catalog');
  for (const r of results) console.log(r);
}

main().catch((e: unknown) => {
  console.error(`bench-catalog failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
});
