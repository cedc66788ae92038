/**
 * Against the running stack (npm run stack -- up): Trino reads objects that were just put into the
 * test bucket on the local Ceph RGW, through an external Hive table made over the REST protocol.
 * No mocks: real S3 objects, real DDL, real rows. Everything it creates is removed again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, HeadBucketCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadStackConfig } from '../src/config.js';
import { TRINO_CATALOG, TRINO_SCHEMA, trino, trinoClient } from '../src/servers/trino.js';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { TrinoQueryError } from '@quilt-e2e/trino-rest';

const config = loadStackConfig();
const bucket = config.s3.testBucket;
const admin = config.s3Users.admin;
const runId = randomUUID().replace(/-/g, '').slice(0, 12);
const prefix = `e2e-trino-test/${runId}`;

function s3(): S3Client {
  return createS3Client({
    endpoint: `http://127.0.0.1:${config.ports.s3}`,
    region: config.s3.region,
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
  });
}

/**
 * Deletes every version (and delete marker) below the prefix: the test bucket is versioned.
 * One DeleteObject per version (on RGW 16 parallel single deletes are faster than a multi-object
 * delete: npx tsx scripts/bench-delete.ts).
 */
async function deleteAllVersions(client: S3Client, keyPrefix: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: keyPrefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (v.Key === undefined) continue;
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }));
      deleted++;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

async function requireS3(client: S3Client): Promise<void> {
  await client.send(new HeadBucketCommand({ Bucket: bucket })).catch((e: unknown) => {
    client.destroy();
    throw new Error(`the test bucket ${bucket} on S3 at 127.0.0.1:${config.ports.s3} is not reachable (${(e as Error).message || (e as Error).name}); start the stack with: npm run stack -- up`);
  });
}

async function requireTrino(): Promise<void> {
  const up = await trino.healthy(config).catch((e: unknown) => { throw new Error(`Trino at 127.0.0.1:${config.ports.trino} is not answering (${(e as Error).message}); start it with: npm run stack -- up`); });
  assert.ok(up, `Trino at 127.0.0.1:${config.ports.trino} is not healthy yet; start it with: npm run stack -- up`);
}

test('Trino reads a CSV put into the test bucket through an external Hive table', { timeout: 180_000 }, async () => {
  await requireTrino();
  const client = s3();
  await requireS3(client);
  const sql = trinoClient(config);
  const table = `${TRINO_CATALOG}.${TRINO_SCHEMA}.csv_probe_${runId}`;
  try {
    // Two files, one in a nested folder: the catalog reads folders recursively, as Quilt's layout needs.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/csv/part-1.csv`, ContentType: 'text/csv', Body: 'logical_key,size,note\nalpha.txt,10,first\nbeta.txt,20,"with, comma"\n' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/csv/nested/part-2.csv`, ContentType: 'text/csv', Body: 'logical_key,size,note\ngamma/ü.txt,30,unicode\n' }));
    await sql.query(`CREATE SCHEMA IF NOT EXISTS ${TRINO_CATALOG}.${TRINO_SCHEMA}`, { deadlineMs: 30_000 });

    const created = await sql.query(`CREATE TABLE ${table} (logical_key varchar, size varchar, note varchar)
      WITH (format = 'CSV', external_location = 's3://${bucket}/${prefix}/csv', skip_header_line_count = 1)`, { deadlineMs: 30_000 });
    assert.equal(created.updateType, 'CREATE TABLE');

    const r = await sql.query(`SELECT logical_key, CAST(size AS bigint) AS size, note, "$path" AS path FROM ${table} ORDER BY logical_key`, { deadlineMs: 60_000 });
    assert.deepEqual(r.columns.map((c) => `${c.name}:${c.type}`), ['logical_key:varchar', 'size:bigint', 'note:varchar', 'path:varchar']);
    assert.deepEqual(r.rows, [
      ['alpha.txt', 10, 'first', `s3://${bucket}/${prefix}/csv/part-1.csv`],
      ['beta.txt', 20, 'with, comma', `s3://${bucket}/${prefix}/csv/part-1.csv`],
      ['gamma/ü.txt', 30, 'unicode', `s3://${bucket}/${prefix}/csv/nested/part-2.csv`],
    ]);

    const total = await sql.queryObjects<{ n: number; total: number }>(`SELECT count(*) AS n, sum(CAST(size AS bigint)) AS total FROM ${table}`);
    assert.deepEqual(total, [{ n: 3, total: 60 }]);

    // Errors come back as Trino's own error names, not as empty results.
    await assert.rejects(sql.query(`SELECT * FROM ${TRINO_CATALOG}.${TRINO_SCHEMA}.no_such_table_${runId}`),
      (e: unknown) => e instanceof TrinoQueryError && e.errorName === 'TABLE_NOT_FOUND');
  } finally {
    await sql.query(`DROP TABLE IF EXISTS ${table}`, { deadlineMs: 30_000 }).catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
    await deleteAllVersions(client, `${prefix}/`).catch((e: unknown) => console.error(`cleanup of s3://${bucket}/${prefix}/: ${(e as Error).message}`));
    client.destroy();
  }
  const after = await sql.query(`SELECT table_name FROM ${TRINO_CATALOG}.information_schema.tables WHERE table_schema = '${TRINO_SCHEMA}' AND table_name = 'csv_probe_${runId}'`);
  assert.deepEqual(after.rows, [], 'the probe table was dropped');
});

test('Trino reads a Quilt-style JSONL manifest (OPENX_JSON keeps nested objects as JSON text)', { timeout: 180_000 }, async () => {
  await requireTrino();
  const client = s3();
  await requireS3(client);
  const sql = trinoClient(config);
  const table = `${TRINO_CATALOG}.${TRINO_SCHEMA}.manifest_probe_${runId}`;
  const manifest = [
    { version: 'v0', message: 'first revision', user_meta: { team: 'e2e' } },
    { logical_key: 'data/a.csv', physical_keys: [`s3://${bucket}/u/p/data/a.csv?versionId=abc`], size: 12, hash: { type: 'sha2-256-chunked', value: 'aa11' }, meta: {} },
    { logical_key: 'data/b.csv', physical_keys: [`s3://${bucket}/u/p/data/b.csv`], size: 34, hash: { type: 'SHA256', value: 'bb22' }, meta: { user_meta: { tags: ['x', 'y'] } } },
  ].map((line) => `${JSON.stringify(line)}\n`).join('');
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/.quilt/packages/${'0'.repeat(64)}`, Body: manifest }));
    await sql.query(`CREATE SCHEMA IF NOT EXISTS ${TRINO_CATALOG}.${TRINO_SCHEMA}`, { deadlineMs: 30_000 });
    await sql.query(`CREATE TABLE ${table} (
        logical_key varchar, physical_keys array(varchar), size bigint,
        hash row(type varchar, value varchar), meta varchar, message varchar, version varchar)
      WITH (format = 'OPENX_JSON', external_location = 's3://${bucket}/${prefix}/.quilt/packages')`, { deadlineMs: 30_000 });
    const r = await sql.query(`SELECT logical_key, physical_keys, size, hash.value, json_extract_scalar(meta, '$.user_meta.tags[1]'), message, version
      FROM ${table} ORDER BY logical_key NULLS FIRST`, { deadlineMs: 60_000 });
    assert.deepEqual(r.rows, [
      [null, null, null, null, null, 'first revision', 'v0'],
      ['data/a.csv', [`s3://${bucket}/u/p/data/a.csv?versionId=abc`], 12, 'aa11', null, null, null],
      ['data/b.csv', [`s3://${bucket}/u/p/data/b.csv`], 34, 'bb22', 'y', null, null],
    ]);
  } finally {
    await sql.query(`DROP TABLE IF EXISTS ${table}`, { deadlineMs: 30_000 }).catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
    await deleteAllVersions(client, `${prefix}/`).catch((e: unknown) => console.error(`cleanup of s3://${bucket}/${prefix}/: ${(e as Error).message}`));
    client.destroy();
  }
});
