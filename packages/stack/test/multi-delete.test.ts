/**
 * Multi-object deletes by real clients on the running stack, while the catalog indexes.
 * RGW 16.2 aborts on DeleteObjects in a bucket with an ObjectRemoved notification; the stack's
 * catalog therefore follows RGW's bucket index log instead of notifications. These tests prove
 * that radosgw survives DeleteObjects from the AWS SDK for JavaScript and from boto3 (the client
 * quilt3 and quilt-mcp use) while other writes flow, and that the search index learns of every
 * deleted key.
 *
 *   node --import tsx --test packages/stack/test/multi-delete.test.ts
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadStackConfig } from '../src/config.js';
import { localStackS3Client } from '../src/clients.js';
import { S3Store } from '@quilt-e2e/quilt-js';
import { ensureQuilt3, eventually } from '@quilt-e2e/test-kit';

const stack = loadStackConfig();
const bucket = stack.s3.testBucket;
const s3 = localStackS3Client();
const store = new S3Store(s3);
const prefix = `unit-multidelete-${randomBytes(4).toString('hex')}/`;
after(async () => { await store.deleteAllVersions(bucket, prefix); s3.destroy(); });

async function rgwAlive(): Promise<boolean> {
  try { return (await fetch(`http://127.0.0.1:${stack.ports.s3}/`, { signal: AbortSignal.timeout(3000) })).status === 200; } catch { return false; }
}

/**
 * What the object search index says of each key under a folder: the key's state in its newest
 * document (one document per version or delete marker), 'live' or 'deleted'.
 */
async function indexState(folder: string): Promise<Record<string, 'live' | 'deleted'>> {
  const r = await fetch(`http://127.0.0.1:${stack.ports.opensearch}/${bucket}/_search`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 5000, _source: ['key', 'delete_marker', 'last_modified'], query: { prefix: { key: folder } } }),
  });
  const j = await r.json() as { hits: { hits: { _source: { key: string; delete_marker: boolean; last_modified: string } }[] } };
  const newest = new Map<string, { at: string; deleted: boolean }>();
  for (const { _source: d } of j.hits.hits) {
    const cur = newest.get(d.key);
    if (!cur || d.last_modified > cur.at || (d.last_modified === cur.at && d.delete_marker)) newest.set(d.key, { at: d.last_modified, deleted: d.delete_marker });
  }
  return Object.fromEntries([...newest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.deleted ? 'deleted' : 'live']));
}

const all = (keys: string[], state: 'live' | 'deleted'): Record<string, 'live' | 'deleted'> => Object.fromEntries(keys.map((k) => [k, state]));

async function seed(folder: string, n: number): Promise<{ key: string; versionId: string }[]> {
  const keys = Array.from({ length: n }, (_, i) => `${folder}file-${String(i).padStart(3, '0')}.txt`);
  const puts = await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `multi-delete ${Key}` }))));
  await eventually(async () => assert.deepEqual(await indexState(folder), all(keys, 'live')), { timeoutMs: 20_000, intervalMs: 200, what: `the ${n} seeded files in the search index` });
  return puts.map((p, i) => ({ key: keys[i]!, versionId: p.VersionId! }));
}

/** PUTs in the background until stopped, so that events flow while the delete runs. */
function backgroundWriter(folder: string): { stop: () => Promise<number> } {
  let running = true;
  let count = 0;
  const loop = (async () => {
    while (running) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}bg-${count % 20}.txt`, Body: `bg ${count}` }));
      count++;
    }
  })();
  return { stop: async () => { running = false; await loop; return count; } };
}

test('DeleteObjects of versions from the AWS SDK, while other writes flow: radosgw stays up, the keys leave the listing and the search index', async () => {
  const folder = `${prefix}sdk/`;
  const keys = await seed(folder, 50);
  const bg = backgroundWriter(`${prefix}sdk-bg/`);
  const t0 = Date.now();
  const r = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((k) => ({ Key: k.key, VersionId: k.versionId })), Quiet: false } }));
  const deleteMs = Date.now() - t0;
  const written = await bg.stop();
  assert.equal(r.Errors?.length ?? 0, 0, `DeleteObjects errors: ${JSON.stringify(r.Errors)}`);
  assert.equal(r.Deleted?.length, keys.length);
  assert.ok(await rgwAlive(), 'radosgw answers after the multi-object delete');
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder }));
  assert.equal(listed.KeyCount ?? 0, 0, 'the deleted keys are gone from the listing');
  const t1 = Date.now();
  await eventually(async () => assert.deepEqual(await indexState(folder), {}), { timeoutMs: 20_000, intervalMs: 100, what: 'every deleted version gone from the search index' });
  process.stdout.write(`# AWS SDK DeleteObjects of ${keys.length} keys: ${deleteMs} ms (${written} PUTs beside it); index caught up ${Date.now() - t1} ms later\n`);
});

test('delete_objects from boto3 (quilt3\'s and quilt-mcp\'s client): radosgw stays up and the index shows every key deleted (a delete marker)', async () => {
  const folder = `${prefix}boto3/`;
  const keys = await seed(folder, 30);
  const python = await ensureQuilt3(); // the venv has boto3, as quilt3 depends on it
  const admin = stack.s3Users.admin;
  const script = `
import boto3, json, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                  config=Config(s3={'addressing_style': 'path'}, request_checksum_calculation='when_required', response_checksum_validation='when_required'))
keys = json.loads(sys.stdin.read())
r = s3.delete_objects(Bucket=sys.argv[4], Delete={'Objects': [{'Key': k} for k in keys]})
print(json.dumps({'deleted': len(r.get('Deleted', [])), 'errors': r.get('Errors', [])}))
`;
  const bg = backgroundWriter(`${prefix}boto3-bg/`);
  const out = spawnSync(python, ['-c', script, `http://127.0.0.1:${stack.ports.s3}`, admin.accessKeyId, admin.secretAccessKey, bucket], { input: JSON.stringify(keys.map((k) => k.key)), encoding: 'utf8', timeout: 60_000 });
  await bg.stop();
  assert.equal(out.status, 0, `boto3 failed: ${out.stderr}`);
  const result = JSON.parse(out.stdout.trim().split('\n').pop()!) as { deleted: number; errors: unknown[] };
  assert.deepEqual(result, { deleted: keys.length, errors: [] });
  assert.ok(await rgwAlive(), 'radosgw answers after boto3\'s multi-object delete');
  await eventually(async () => assert.deepEqual(await indexState(folder), all(keys.map((k) => k.key), 'deleted')), { timeoutMs: 20_000, intervalMs: 100, what: 'every key boto3 deleted shown as deleted by the search index' });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder }));
  assert.equal(listed.KeyCount ?? 0, 0, 'the deleted keys are gone from the listing');
});
