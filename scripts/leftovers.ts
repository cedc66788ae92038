/**
 * What runs of the suite left in the test bucket: object versions per top-level folder, and the
 * packages in the registry. Scenarios clean up after themselves (the After hook fails a scenario
 * that leaves anything in its folder); this finds what a killed run could not remove.
 *   npx tsx scripts/leftovers.ts            report
 *   npx tsx scripts/leftovers.ts --purge    also remove quilt-e2e-runs/ and packages with a scenario namespace ("<ns>-<8 hex>/...")
 * Fixtures made once per stack (quilt-e2e-fixtures/, fixtures/*) are kept.
 */
import { ListObjectVersionsCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { loadTarget } from '../support/target.js';
import { createS3Client } from '../support/adapters/s3-client.js';

const target = loadTarget();
const s3 = createS3Client({ ...target.s3, ...(target.personas.admin?.credentials ? { credentials: target.personas.admin.credentials } : {}) });
const purge = process.argv.includes('--purge');
const SCENARIO_NS = /^[A-Za-z0-9_-]+-[0-9a-f]{8}$/;

interface V { key: string; versionId?: string }
const groups = new Map<string, V[]>();
let keyMarker: string | undefined;
let versionMarker: string | undefined;
for (;;) {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: target.bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
  for (const v of [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])]) {
    const parts = v.Key!.split('/');
    const group = parts[0] === '.quilt' ? parts.slice(0, parts[1] === 'named_packages' ? 3 : 2).join('/') : parts[0] === 'quilt-e2e-runs' ? 'quilt-e2e-runs' : parts[0]!;
    (groups.get(group) ?? groups.set(group, []).get(group)!).push({ key: v.Key!, ...(v.VersionId ? { versionId: v.VersionId } : {}) });
  }
  if (!r.IsTruncated) break;
  keyMarker = r.NextKeyMarker;
  versionMarker = r.NextVersionIdMarker;
}
console.log(`s3://${target.bucket} (${target.kind} target): object versions by folder`);
for (const [g, vs] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length)) console.log(`  ${String(vs.length).padStart(7)}  ${g}`);
if (purge) {
  let removed = 0;
  for (const [g, vs] of groups) {
    const ns = g.startsWith('.quilt/named_packages/') ? g.split('/')[2]! : g;
    if (g !== 'quilt-e2e-runs' && !SCENARIO_NS.test(ns)) continue;
    for (const v of vs) { await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: v.key, VersionId: v.versionId })); removed++; }
  }
  console.log(`purged ${removed} object version(s) left by scenarios`);
}
s3.destroy();
