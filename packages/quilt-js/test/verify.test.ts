import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { chunkedSha256OfBytes } from '../src/checksum.js';
import { Manifest, entryMeta } from '../src/manifest.js';
import { formatPhysicalKey } from '../src/physical-key.js';
import { verifyManifest } from '../src/verify.js';
import { scratch } from './helpers.js';

describe('verifyManifest on local files', () => {
  test('checks sha2-256-chunked and legacy SHA256, reports sizes, missing files and unverifiable types', async (t) => {
    const s = await scratch(t);
    const body = Buffer.from('some bytes\n');
    const path = await s.file('dir/a b.txt', body);
    const pk = formatPhysicalKey({ scheme: 'file', path });
    const e = (logicalKey: string, type: string, value: string, size = body.length, physicalKey = pk) => ({ logicalKey, physicalKey, size, hash: { type, value }, meta: entryMeta(undefined) });
    const m = Manifest.create({ message: 'v', entries: [
      e('chunked', 'sha2-256-chunked', chunkedSha256OfBytes(body)),
      e('legacy', 'SHA256', createHash('sha256').update(body).digest('hex')),
      e('wrong', 'sha2-256-chunked', chunkedSha256OfBytes(Buffer.from('other'))),
      e('short', 'sha2-256-chunked', chunkedSha256OfBytes(body), body.length + 1),
      e('crc', 'CRC64NVME', 'AAAAAAAAAAA='),
      e('missing', 'sha2-256-chunked', 'x', 1, formatPhysicalKey({ scheme: 'file', path: `${s.dir}/nope` })),
    ] });
    const report = await verifyManifest(m, undefined, { expectedTopHash: m.topHash() });
    assert.equal(report.topHashOk, true);
    assert.equal(report.ok, false);
    assert.deepEqual(report.entries.filter((x) => x.ok).map((x) => x.logicalKey).sort(), ['chunked', 'legacy']);
    const problems = Object.fromEntries(report.failures.map((f) => [f.logicalKey, f.problem]));
    assert.equal(problems.wrong, 'hash mismatch');
    assert.match(problems.short as string, /size is 11 bytes, the manifest says 12/);
    assert.match(problems.crc as string, /cannot be verified/);
    assert.match(problems.missing as string, /ENOENT/);
    assert.equal((await verifyManifest(m, undefined, { expectedTopHash: '0'.repeat(64) })).topHashOk, false);
  });
});
