/**
 * The content-retrieval workflow (spec §1.2) as tasks a persona performs, with the checks that
 * make each step fail for the right reason.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { unescapeCell } from '../text.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/** Uploads files into a folder of the scenario, registering their removal (every version). */
/** Seeds files (a Given: the engine writes them), or uploads them as a When-step (`asWhen`: through the run's driver). */
export async function uploadFiles(world: QuiltWorld, persona: PersonaRole, folder: string, rows: { name: string; content: string }[], asWhen = false): Promise<void> {
  const items = rows.map((r) => ({ key: world.key(`${folder}${r.name}`), body: Buffer.from(unescapeCell(r.content), 'utf8') }));
  const store = asWhen ? world.bucketOps(persona) : world.objects(persona);
  world.ledger.register(`objects under s3://${world.bucket}/${world.key(folder)}`, async () => { await world.objects('admin').purgePrefix(world.bucket, world.key(folder)); });
  await store.put(world.bucket, items.map((i) => ({ key: i.key, body: i.body, contentType: i.key.endsWith('.csv') ? 'text/csv' : 'text/plain' })));
  for (const i of items) world.memory.seeded.set(i.key, i.body);
}

export async function listFolder(world: QuiltWorld, persona: PersonaRole, folder: string): Promise<void> {
  world.memory.listing = await world.bucketOps(persona).list(world.bucket, world.key(folder), 100);
}

export function expectListingToShow(world: QuiltWorld, folder: string, expected: { name: string; size: string }[]): void {
  const listing = world.memory.listing;
  expect(listing, 'the folder was listed').to.not.equal(undefined);
  const seen = Object.fromEntries(listing!.objects.map((o) => [o.key.slice(world.key(folder).length), o.size]));
  expect(seen).to.deep.equal(Object.fromEntries(expected.map((e) => [e.name, Number(e.size)])));
  expect(listing!.isTruncated, 'listing truncated').to.equal(false);
  for (const o of listing!.objects) {
    expect(o.etag, `ETag of ${o.key}`).to.equal(md5(world.memory.seeded.get(o.key)!));
    expect(o.s3Uri).to.equal(`s3://${world.bucket}/${o.key}`);
  }
}

/** Given: a file uploaded with a content type and user metadata (keys as S3 keeps them: lower case). */
export async function uploadWithMeta(world: QuiltWorld, persona: PersonaRole, path: string, contentType: string, rows: Array<{ key: string; value: string }>): Promise<void> {
  const key = world.key(path);
  const body = Buffer.from(`well,signal\nA1,0.42\n# ${path}\n`, 'utf8');
  const metadata = Object.fromEntries(rows.map((r) => [r.key.toLowerCase(), r.value]));
  world.ledger.register(`s3://${world.bucket}/${key}`, async () => { await world.objects('admin').purgePrefix(world.bucket, key); });
  await world.objects(persona).put(world.bucket, [{ key, body, contentType, metadata }]);
  world.memory.seeded.set(key, body);
  world.memory.uploadedMeta = { key, contentType, metadata };
}

/** The details show the content type and exactly the user metadata the file was uploaded with; S3 itself (HeadObject) says the same. */
export async function expectDetailsMeta(world: QuiltWorld): Promise<void> {
  const { key, contentType, metadata } = world.memory.uploadedMeta;
  const info = world.memory.info;
  expect(info.s3Uri, 'the file looked up').to.equal(`s3://${world.bucket}/${key}`);
  expect({ contentType: info.contentType, metadata: info.metadata }, 'the details').to.deep.equal({ contentType, metadata });
  const raw = await world.objects('admin').info(`s3://${world.bucket}/${key}`);
  expect({ contentType: raw.contentType, metadata: raw.metadata }, "S3's own HeadObject").to.deep.equal({ contentType, metadata });
}

/** The shared link, opened over plain HTTP, answers with the content type and exactly the user metadata (x-amz-meta-*). */
export async function expectLinkMeta(world: QuiltWorld): Promise<void> {
  const { key, contentType, metadata } = world.memory.uploadedMeta;
  const res = await fetch(world.memory.link.signedUrl, { signal: AbortSignal.timeout(10_000) });
  expect(res.status, `HTTP status of the link (${res.statusText})`).to.equal(200);
  const answered: Record<string, string> = {};
  res.headers.forEach((v, k) => { if (k.startsWith('x-amz-meta-')) answered[k.slice('x-amz-meta-'.length)] = v; });
  expect({ contentType: res.headers.get('content-type'), metadata: answered }, `the link's answer for ${key}`).to.deep.equal({ contentType, metadata });
  expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(world.memory.seeded.get(key)!)), 'the bytes stored').to.equal(true);
}

export async function inspect(world: QuiltWorld, persona: PersonaRole, path: string): Promise<void> {
  world.memory.info = await world.bucketOps(persona).info(world.uri(path));
}

export function expectInfoToMatchListing(world: QuiltWorld, path: string): void {
  const info = world.memory.info;
  const listed = world.memory.listing.objects.find((o) => o.key === world.key(path));
  expect(listed, `${path} in the listing`).to.not.equal(undefined);
  // HTTP dates (HEAD) carry whole seconds; listings may carry milliseconds: compare to the second.
  const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
  expect({ size: info.size, etag: info.etag, lastModified: seconds(info.lastModified) })
    .to.deep.equal({ size: listed!.size, etag: listed!.etag, lastModified: seconds(listed!.lastModified) });
  expect(info.versionId, 'a versioned bucket gives every object a version id').to.be.a('string').and.not.equal('');
}

export async function share(world: QuiltWorld, persona: PersonaRole, path: string, validForMs: number): Promise<void> {
  world.memory.link = await world.bucketOps(persona).link(world.uri(path), Math.round(validForMs / 1000));
}

/** Downloads the link with plain HTTP — no SDK, no credentials — and compares bytes, size and ETag. */
export async function expectLinkToServe(world: QuiltWorld, path: string): Promise<void> {
  const link = world.memory.link;
  // Signed either way S3 accepts (SigV4's X-Amz-Signature, or SigV2's Signature + AWSAccessKeyId); the download below is what counts.
  expect(link.signedUrl).to.match(/[?&](X-Amz-Signature|Signature)=/);
  const res = await fetch(link.signedUrl, { signal: AbortSignal.timeout(10_000) });
  expect(res.status, `HTTP status of the link (${res.statusText})`).to.equal(200);
  const body = new Uint8Array(await res.arrayBuffer());
  const stored = world.memory.seeded.get(world.key(path))!;
  const info = await world.objects('admin').info(world.uri(path));
  expect(Buffer.from(body).equals(Buffer.from(stored)), 'downloaded bytes equal the uploaded bytes').to.equal(true);
  expect(Number(res.headers.get('content-length'))).to.equal(info.size);
  expect((res.headers.get('etag') ?? '').replace(/"/g, '')).to.equal(info.etag);
  expect(md5(body)).to.equal(info.etag);
}

export async function fetchBytes(world: QuiltWorld, persona: PersonaRole, path: string, maxBytes: number): Promise<void> {
  world.memory.fetched = await world.bucketOps(persona).fetch(world.uri(path), maxBytes);
}

/**
 * The bytes fetched are the file's, intact: the first `count` of what Dana uploaded, and of what S3
 * holds (read again directly) — and marked as cut when the file has more.
 */
export async function expectFetchedBytes(world: QuiltWorld, path: string, count: number, truncated: boolean): Promise<void> {
  const f = world.memory.fetched;
  const uploaded = Buffer.from(world.memory.seeded.get(world.key(path))!);
  const stored = Buffer.from(await world.objects('admin').bytes(world.uri(path)));
  expect(stored.equals(uploaded), 'S3 holds the bytes Dana uploaded').to.equal(true);
  const got = Buffer.from(f.bytes);
  expect(got.length, 'bytes fetched').to.equal(count);
  expect(got.findIndex((b, i) => b !== uploaded[i]), `the first of the ${count} bytes fetched that differs from the file's`).to.equal(-1);
  expect(f.truncated, truncated ? 'marked as cut: the file has more bytes' : 'not marked as cut: that is the whole file').to.equal(truncated);
}

export async function read(world: QuiltWorld, persona: PersonaRole, path: string, maxBytes: number): Promise<void> {
  world.memory.text = await world.bucketOps(persona).text(world.uri(path), maxBytes);
}

export function expectTextToBe(world: QuiltWorld, path: string, whole: boolean, maxBytes?: number): void {
  const t = world.memory.text;
  const stored = Buffer.from(world.memory.seeded.get(world.key(path))!);
  const expected = whole ? stored : stored.subarray(0, maxBytes);
  expect(t.text).to.equal(expected.toString('utf8'));
  expect({ bytesRead: t.bytesRead, truncated: t.truncated, binary: t.binary }).to.deep.equal({ bytesRead: expected.length, truncated: !whole, binary: false });
}

export async function cleanUpNow(world: QuiltWorld): Promise<void> {
  await world.ledger.cleanup();
}

export async function expectFolderEmpty(world: QuiltWorld, folder: string): Promise<void> {
  const left = await world.objects('admin').versionsUnder(world.bucket, world.key(folder));
  expect(left, `object versions left under ${world.key(folder)}`).to.deep.equal([]);
  const listing = await world.objects('admin').list(world.bucket, world.key(folder));
  expect(listing.count).to.equal(0);
}

/** Uploads `count` generated experiment files spread over `runs` run folders (bounded concurrency), registering their removal. */
export async function uploadExperimentFolder(world: QuiltWorld, persona: PersonaRole, folder: string, count: number, runs: number): Promise<void> {
  const store = world.objects(persona);
  world.ledger.register(`objects under s3://${world.bucket}/${world.key(folder)}`, async () => { await world.objects('admin').purgePrefix(world.bucket, world.key(folder)); });
  const items = Array.from({ length: count }, (_, i) => {
    const run = `run-${(i % runs) + 1}`;
    const body = Buffer.from(`sample_id,reads\nS${i},${(i * 13) % 500}\n`, 'utf8');
    return { key: world.key(`${folder}${run}/sample-${String(i).padStart(4, '0')}.csv`), body };
  });
  for (let i = 0; i < items.length; i += 100) {
    const batch = items.slice(i, i + 100);
    await store.put(world.bucket, batch.map((b) => ({ key: b.key, body: b.body, contentType: 'text/csv' })));
    for (const b of batch) world.memory.seeded.set(b.key, b.body);
  }
}

/** Removes every version of these files of a folder with one multi-object delete request. */
export async function removeForGoodInOneRequest(world: QuiltWorld, persona: PersonaRole, folder: string, names: string[]): Promise<void> {
  const r = await world.objects(persona).deleteForGoodInOneRequest(world.bucket, names.map((n) => world.key(`${folder}${n}`)));
  world.log(`one DeleteObjects request removed ${r.versions} object version(s)`);
}

/** The S3 service answers a plain request (after something that could have brought it down). */
export async function expectS3Answers(world: QuiltWorld): Promise<void> {
  const listing = await world.objects('admin').list(world.bucket, world.scenarioPrefix, 1);
  expect(listing, 'a listing of the scenario folder').to.not.equal(undefined);
}

/** The folder's current files are exactly these names (a fresh listing). */
export async function expectFolderHoldsOnly(world: QuiltWorld, folder: string, names: string[]): Promise<void> {
  const listing = await world.objects('admin').list(world.bucket, world.key(folder), 1000);
  expect(listing.objects.map((o) => o.key.slice(world.key(folder).length)).sort()).to.deep.equal([...names].sort());
}

/** Seeds a file of random bytes (binary beyond doubt) at a path of the scenario's folder. */
export async function uploadRandomBytes(world: QuiltWorld, persona: PersonaRole, count: number, path: string): Promise<void> {
  const folder = path.slice(0, path.lastIndexOf('/') + 1);
  world.ledger.register(`objects under s3://${world.bucket}/${world.key(folder)}`, async () => { await world.objects('admin').purgePrefix(world.bucket, world.key(folder)); });
  const body = randomBytes(count);
  await world.objects(persona).put(world.bucket, [{ key: world.key(path), body, contentType: 'application/octet-stream' }]);
  world.memory.seeded.set(world.key(path), body);
}

/**
 * The read says the file is not text, and what it returned is the first bytes S3 holds (read again
 * directly), decoded as UTF-8 with replacement characters — no more than asked for.
 */
export async function expectToldBinary(world: QuiltWorld, path: string, maxBytes: number): Promise<void> {
  const t = world.memory.text;
  const stored = await world.objects('admin').bytes(world.uri(path), maxBytes);
  expect(t.bytesRead, 'bytes read').to.equal(Math.min(maxBytes, stored.length));
  expect(t.text, 'the text returned: the stored bytes decoded (with replacement characters)').to.equal(new TextDecoder('utf-8').decode(stored));
  expect(t.binary, `the answer says the file is not text (it returned ${t.text.length} characters, ${[...t.text].filter((c) => c === '\uFFFD').length} of them replacement characters, as if they were its text)`).to.equal(true);
}
