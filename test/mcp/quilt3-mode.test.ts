/**
 * The mcp driver's quilt3/IAM backend (support/drivers/mcp-quilt3.ts) against the running stack:
 * each persona's own `quilt-mcp --deployment legacy` process, quilt3 logged in to the catalog with
 * the persona's login code, acts with exactly that persona's rights — checked against S3 itself
 * (the AWS SDK as the admin): Dana's put lands with its bytes, Rita's is refused and nothing is
 * written; a persona without a catalog token is refused with what is missing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { loadTarget } from '../../support/target.js';
import { closeQuilt3Mcp, quilt3McpClient, quilt3McpSettingOf } from '../../support/drivers/mcp-quilt3.js';
import { toolCall } from '../../support/drivers/mcp.js';

const target = loadTarget();
const setting = quilt3McpSettingOf(target);
const s3 = createS3Client({ ...target.s3, ...(target.personas.admin?.credentials ? { credentials: target.personas.admin.credentials } : {}) });
const key = `quilt-e2e-tests/mcp-quilt3/${randomBytes(4).toString('hex')}.txt`;
after(async () => {
  await closeQuilt3Mcp();
  await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key })).catch(() => undefined);
});

test('each persona\'s quilt3-mode quilt-mcp acts with its own rights: Dana\'s put lands byte for byte, Rita\'s is refused and writes nothing', { timeout: 180_000 }, async () => {
  const text = `written by Dana through quilt-mcp's quilt3 mode ${randomBytes(6).toString('hex')}`;
  const dana = await quilt3McpClient('admin', target.personas.admin?.token, setting);
  const put = await toolCall(dana, 'bucket_objects_put', { bucket: target.bucket, items: [{ key, text }] });
  assert.equal(put.uploaded, 1, JSON.stringify(put).slice(0, 500));
  const stored = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
  assert.equal(await stored.Body!.transformToString(), text, 'S3 holds exactly the bytes put');

  const rita = await quilt3McpClient('reader', target.personas.reader?.token, setting);
  const otherKey = `${key}.rita`;
  const refused = await toolCall(rita, 'bucket_objects_put', { bucket: target.bucket, items: [{ key: otherKey, text: 'must not land' }] });
  assert.equal(refused.uploaded, 0, JSON.stringify(refused).slice(0, 500));
  assert.match(JSON.stringify(refused.results), /AccessDenied/, 'Rita\'s role may not write: S3 refused it');
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: otherKey })), (e: Error) => e.name === 'NotFound', 'nothing was written');
  // Rita reads what Dana wrote: her role may read.
  const read = await toolCall(rita, 'bucket_object_text', { s3_uri: `s3://${target.bucket}/${key}` });
  assert.equal(read.text, text);
});

test('a persona without a catalog token is refused with what the quilt3 mode needs', async () => {
  await assert.rejects(quilt3McpClient('nobody', undefined, setting), /logs nobody in with a code of the catalog, which needs nobody's catalog token/);
});
