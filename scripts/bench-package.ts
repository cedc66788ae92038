/**
 * Benchmarks of the Quilt package engine against the local stack's RGW:
 *  1. sha2-256-chunked of a 1 GiB local file vs `sha256sum` (goal: >= 80% of its throughput);
 *  2. browse (resolve latest, download, parse, build the tree) of a 10,000-entry manifest (goal <= 0.5 s);
 *  3. push of a 1,000-file package from local files (goal <= 5 s).
 * Everything it writes (a temp folder, objects under a unique namespace) is deleted at the end.
 * Usage: npx tsx scripts/bench-package.ts [--size-mib 1024] [--entries 10000] [--files 1000]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkedSha256OfFile, mapLimit, Manifest, entryMeta } from '@quilt-e2e/quilt-js';
import { localStackRegistry } from '@quilt-e2e/stack';
import { cleanupScratch } from '@quilt-e2e/test-kit';

const MiB = 1024 * 1024;
const { values } = parseArgs({ options: { 'size-mib': { type: 'string' }, entries: { type: 'string' }, files: { type: 'string' } } });
const sizeMiB = Number(values['size-mib'] ?? 1024);
const entryCount = Number(values.entries ?? 10_000);
const fileCount = Number(values.files ?? 1_000);

interface Figure { name: string; value: string; goal: string; ok: boolean }
const figures: Figure[] = [];

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function writeBigFile(path: string, mib: number): Promise<void> {
  const block = randomBytes(MiB);
  const fh = await open(path, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      block[0] = i & 0xff; // no two MiB alike
      await fh.write(block);
    }
  } finally {
    await fh.close();
  }
}

async function warmCache(path: string): Promise<void> {
  for await (const _ of createReadStream(path, { highWaterMark: 8 * MiB })) { /* read into the page cache */ }
}

async function benchHashing(dir: string): Promise<void> {
  const path = join(dir, 'big.bin');
  await writeBigFile(path, sizeMiB);
  await warmCache(path);
  const runs = 3;
  const sumTimes: number[] = [];
  const ourTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = process.hrtime.bigint();
    const r = spawnSync('sha256sum', [path]);
    if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
    sumTimes.push(seconds(t));
    t = process.hrtime.bigint();
    await chunkedSha256OfFile(path);
    ourTimes.push(seconds(t));
  }
  const sumRate = sizeMiB / median(sumTimes);
  const ourRate = sizeMiB / median(ourTimes);
  const ratio = ourRate / sumRate;
  console.log(`hashing ${sizeMiB} MiB (page cache warm, median of ${runs}): sha256sum ${sumRate.toFixed(0)} MiB/s, sha2-256-chunked ${ourRate.toFixed(0)} MiB/s`);
  figures.push({ name: `hash ${sizeMiB} MiB vs sha256sum`, value: `${(ratio * 100).toFixed(0)}% (${ourRate.toFixed(0)} vs ${sumRate.toFixed(0)} MiB/s)`, goal: '>= 80%', ok: ratio >= 0.8 });
  await rm(path);
}

async function benchBrowse(ns: string): Promise<void> {
  const registry = localStackRegistry();
  const name = `${ns}/browse`;
  const entries = Array.from({ length: entryCount }, (_, i) => ({
    logicalKey: `folder-${i % 100}/sub-${i % 7}/file-${i}.csv`,
    physicalKey: `s3://${registry.bucket}/${name}/folder-${i % 100}/sub-${i % 7}/file-${i}.csv?versionId=${randomBytes(16).toString('base64url')}`,
    size: 1000 + i,
    hash: { type: 'sha2-256-chunked', value: randomBytes(32).toString('base64') },
    meta: entryMeta(i % 10 === 0 ? { row: i, score: i / 7, label: `é-${i}` } : undefined),
  }));
  const manifest = Manifest.create({ message: `bench ${ns}`, userMeta: { entries: entryCount }, entries });
  const hash = manifest.topHash();
  // The manifest and pointers are written as push writes them; the entries' data is not needed to browse.
  await registry.store.put(registry.bucket, registry.manifestKey(hash), manifest.serialize());
  await registry.store.put(registry.bucket, registry.pointerKey(name, String(Math.floor(Date.now() / 1000))), hash);
  await registry.store.put(registry.bucket, registry.pointerKey(name, 'latest'), hash);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const rev = await registry.browse(name);
    const tree = rev.tree();
    if (rev.totalEntries !== entryCount || tree.files !== entryCount) throw new Error('browse returned the wrong number of entries');
    times.push(seconds(t));
  }
  const bytes = Buffer.byteLength(manifest.serialize());
  console.log(`browse of ${entryCount} entries (${(bytes / MiB).toFixed(1)} MiB manifest) runs: ${times.map((x) => x.toFixed(3)).join(', ')} s`);
  figures.push({ name: `browse ${entryCount}-entry manifest`, value: `${median(times).toFixed(3)} s (median of 5)`, goal: '<= 0.5 s', ok: median(times) <= 0.5 });
}

async function benchPush(ns: string, dir: string): Promise<void> {
  const registry = localStackRegistry();
  const files = join(dir, 'files');
  const entries = [];
  for (let i = 0; i < fileCount; i++) {
    const rel = `part-${i % 20}/file-${i}.bin`;
    await mkdir(join(files, `part-${i % 20}`), { recursive: true });
    await writeFile(join(files, rel), randomBytes(1024 + (i % 4096)));
    entries.push({ logicalKey: rel, source: join(files, rel) });
  }
  const t = process.hrtime.bigint();
  const result = await registry.create(`${ns}/push`, { message: `bench ${ns}`, entries });
  const elapsed = seconds(t);
  if (result.revision.totalEntries !== fileCount) throw new Error('push lost entries');
  console.log(`push of ${fileCount} local files (${(result.revision.totalBytes / MiB).toFixed(1)} MiB): ${elapsed.toFixed(2)} s`);
  figures.push({ name: `push ${fileCount}-file package`, value: `${elapsed.toFixed(2)} s`, goal: '<= 5 s', ok: elapsed <= 5 });

  // The floor set by the server: bare PutObject calls of the same sizes, same parallelism, no hashing.
  const body = randomBytes(3 * 1024);
  const n = 200;
  const p = process.hrtime.bigint();
  await mapLimit(Array.from({ length: n }, (_, i) => i), 16, (i) => registry.store.put(registry.bucket, `${ns}/raw/${i}`, body));
  const rate = n / seconds(p);
  console.log(`bare PutObject rate of this RGW: ${rate.toFixed(0)}/s, so ${fileCount} uploads need >= ${(fileCount / rate).toFixed(2)} s`);
  figures.push({ name: `server floor for ${fileCount} uploads`, value: `${(fileCount / rate).toFixed(2)} s (${rate.toFixed(0)} PUT/s)`, goal: 'info', ok: true });
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const ns = `bench${id}`;
  const dir = await mkdtemp(join(tmpdir(), `quilt-bench-${id}-`));
  const { store, bucket } = localStackRegistry();
  try {
    await benchHashing(dir);
    await benchBrowse(ns);
    await benchPush(ns, dir);
  } finally {
    await cleanupScratch(store, bucket, ns, `bench-${id}/`, dir);
  }
  console.log('\nfigure | measured | goal | met');
  for (const f of figures) console.log(`${f.name} | ${f.value} | ${f.goal} | ${f.ok ? 'yes' : 'NO'}`);
  if (figures.some((f) => !f.ok)) process.exitCode = 1;
}

await main();
