/**
 * The sweeper: removes what killed or interrupted runs of this suite (and of its own tests) left in
 * the test bucket — and nothing else. Scenarios clean up after themselves (the After hook proves
 * it); a run killed with SIGKILL, a lost machine or a CI timeout cannot.
 *
 * Only the suite's own namespaces are ever touched, and only when their newest object version is
 * older than the given age (server time), so a run still going on elsewhere (another shard, another
 * machine) keeps its objects:
 * - scenario folders            quilt-e2e-runs/<run id>/...
 * - scenario package namespaces <ns>-<8 hex>/<pkg>: pointers under .quilt/named_packages/<ns>-<hex>/,
 *                               data under <ns>-<hex>/, and the manifests only those pointers name
 * - scenario manifests          .quilt/packages/<hash> versions with S3 metadata quilt-e2e-scenario
 *                               that no pointer names any more
 * - scenario Tabulator tables   .quilt/tabulator/<table>_<8 hex>.yml (the config; the platform's view
 *                               over it is left without its config and reads nothing new)
 * - project-test scratch        unit-<8 hex>/, unit<8 hex>/ (namespace), unit-<word>-<8 hex>/
 * Fixtures (quilt-e2e-fixtures/, fixtures/*) and everything else are kept.
 *
 * It refuses a bucket it cannot prove is a test bucket: the suite writes the marker
 * quilt-e2e-runs/.quilt-e2e-test-bucket at the start of every run; without it nothing is deleted.
 */
import { hostname } from 'node:os';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const RUNS_PREFIX = 'quilt-e2e-runs/';
export const TEST_BUCKET_MARKER = `${RUNS_PREFIX}.quilt-e2e-test-bucket`;
/** S3 user metadata on every manifest object a scenario writes: "<run id>/<scenario id>". */
export const SCENARIO_MANIFEST_META = 'quilt-e2e-scenario';

const SCENARIO_NS = /^[A-Za-z0-9_-]+-[0-9a-f]{8}$/;
const UNIT_NS = /^unit[0-9a-f]{8}$/;
const UNIT_PREFIX = /^unit-([a-z]+-)?[0-9a-f]{8}$/;
const HASH = /^[0-9a-f]{64}$/;
const SCENARIO_TABLE = /^[a-z_][a-z0-9_]*_[0-9a-f]{8}\.ya?ml$/;

export class SweepRefused extends Error {}

export interface SweepGroup {
  /** e.g. "quilt-e2e-runs/20261201190412-a1b2c3/" or "package namespace test-1a2b3c4d". */
  name: string;
  kind: 'scenario folder' | 'scenario packages' | 'scenario Tabulator table' | 'test scratch';
  versions: { key: string; versionId: string }[];
  newest: Date;
}

export interface SweepPlan { bucket: string; olderThanMs: number; remove: SweepGroup[]; keptYoung: SweepGroup[]; versionsScanned: number }

interface V { key: string; versionId: string; lastModified: Date; isMarker: boolean }

async function allVersions(s3: S3Client, bucket: string): Promise<V[]> {
  const out: V[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: 1000 }));
    for (const v of r.Versions ?? []) out.push({ key: v.Key!, versionId: v.VersionId ?? 'null', lastModified: v.LastModified ?? new Date(0), isMarker: false });
    for (const v of r.DeleteMarkers ?? []) out.push({ key: v.Key!, versionId: v.VersionId ?? 'null', lastModified: v.LastModified ?? new Date(0), isMarker: true });
    if (!r.IsTruncated) return out;
    keyMarker = r.NextKeyMarker;
    versionMarker = r.NextVersionIdMarker;
  }
}

async function body(s3: S3Client, bucket: string, v: V): Promise<string> {
  if (v.isMarker) return '';
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }));
    return (await r.Body!.transformToString()).trim();
  } catch { return ''; }
}

/** Writes the marker that lets the sweeper act on this bucket (idempotent). */
export async function markTestBucket(s3: S3Client, bucket: string): Promise<void> {
  const there = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: TEST_BUCKET_MARKER })).then(() => true, () => false);
  if (!there) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: TEST_BUCKET_MARKER, ContentType: 'application/json',
      Body: JSON.stringify({ what: 'this bucket is a test bucket of the quilt-e2e acceptance suite; its sweeper may remove the suite\'s own leftovers here', by: hostname(), at: new Date().toISOString() }) }));
  }
}

/** What a sweep would remove (nothing is deleted). Throws SweepRefused for a bucket without the marker. */
export async function planSweep(s3: S3Client, bucket: string, olderThanMs: number): Promise<SweepPlan> {
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw new Error(`the age must be a positive duration, e.g. 2h or 30m; got ${olderThanMs} ms`);
  const marked = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: TEST_BUCKET_MARKER })).then(() => true, () => false);
  if (!marked) {
    throw new SweepRefused(`refusing to sweep s3://${bucket}: it has no ${TEST_BUCKET_MARKER}, so nothing proves it is a test bucket of this suite (a run of the suite writes that marker at its start). Point QUILT_TEST_BUCKET at the suite's test bucket.`);
  }
  const versions = await allVersions(s3, bucket);
  const groups = new Map<string, SweepGroup>();
  const add = (name: string, kind: SweepGroup['kind'], v: V): void => {
    let g = groups.get(name);
    if (!g) { g = { name, kind, versions: [], newest: new Date(0) }; groups.set(name, g); }
    g.versions.push({ key: v.key, versionId: v.versionId });
    if (v.lastModified > g.newest) g.newest = v.lastModified;
  };
  const nsGroup = (ns: string): string => `package namespace ${ns}`;
  const manifests = new Map<string, V[]>();
  const pointers: { ns: string | undefined; v: V }[] = [];
  for (const v of versions) {
    if (v.key === TEST_BUCKET_MARKER) continue;
    const parts = v.key.split('/');
    if (v.key.startsWith(RUNS_PREFIX) && parts.length > 2) { add(`${RUNS_PREFIX}${parts[1]}/`, 'scenario folder', v); continue; }
    if (parts[0] === '.quilt' && parts[1] === 'named_packages') {
      const ns = parts[2] ?? '';
      const ours = SCENARIO_NS.test(ns) || UNIT_NS.test(ns);
      pointers.push({ ns: ours ? ns : undefined, v });
      if (ours) add(nsGroup(ns), 'scenario packages', v);
      continue;
    }
    if (parts[0] === '.quilt' && parts[1] === 'tabulator' && parts.length === 3 && SCENARIO_TABLE.test(parts[2]!)) { add(`Tabulator table ${parts[2]}`, 'scenario Tabulator table', v); continue; }
    if (parts[0] === '.quilt' && parts[1] === 'packages' && HASH.test(parts[2] ?? '')) { (manifests.get(parts[2]!) ?? manifests.set(parts[2]!, []).get(parts[2]!)!).push(v); continue; }
    if (parts.length > 1 && UNIT_PREFIX.test(parts[0]!)) { add(`${parts[0]}/`, 'test scratch', v); continue; }
    if (parts.length > 1 && (SCENARIO_NS.test(parts[0]!) || UNIT_NS.test(parts[0]!))) { add(nsGroup(parts[0]!), 'scenario packages', v); continue; }
  }
  // Manifests go with the namespace whose pointers name them — unless a pointer kept elsewhere names them too.
  const keptHashes = new Set<string>();
  const namedBy = new Map<string, Set<string>>();
  for (const p of pointers) {
    const h = await body(s3, bucket, p.v);
    if (!HASH.test(h)) continue;
    if (p.ns === undefined) { keptHashes.add(h); continue; }
    (namedBy.get(h) ?? namedBy.set(h, new Set()).get(h)!).add(p.ns);
  }
  const cutoff = Date.now() - olderThanMs;
  const old = (g: SweepGroup): boolean => g.newest.getTime() < cutoff;
  for (const [h, nss] of namedBy) {
    if (keptHashes.has(h)) continue;
    const gs = [...nss].map((ns) => groups.get(nsGroup(ns))!);
    if (!gs.every(old)) continue; // still named by a namespace that is in use
    for (const v of manifests.get(h) ?? []) add(gs[0]!.name, 'scenario packages', v);
  }
  // Manifests no pointer names any more, that a scenario wrote (its metadata says so), go as that scenario's leftovers.
  const named = new Set([...keptHashes, ...namedBy.keys()]);
  for (const [h, vs] of manifests) {
    if (named.has(h)) continue;
    for (const v of vs) {
      if (v.isMarker || v.lastModified.getTime() >= cutoff) continue;
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId })).catch(() => undefined);
      const tag = head?.Metadata?.[SCENARIO_MANIFEST_META];
      if (tag && /^[0-9]{14}-[0-9a-f]{6}\/[0-9a-f]{8}$/.test(tag)) add(`scenario manifests of run ${tag.split('/')[0]}`, 'scenario packages', v);
    }
  }
  const all = [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { bucket, olderThanMs, remove: all.filter(old), keptYoung: all.filter((g) => !old(g)), versionsScanned: versions.length };
}

/** Deletes what the plan lists, one version at a time (16 in parallel). Returns how many versions. */
export async function executeSweep(s3: S3Client, plan: SweepPlan): Promise<number> {
  const todo = plan.remove.flatMap((g) => g.versions);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(16, todo.length) }, async () => {
    while (next < todo.length) {
      const v = todo[next++]!;
      await s3.send(new DeleteObjectCommand({ Bucket: plan.bucket, Key: v.key, VersionId: v.versionId }));
    }
  }));
  return todo.length;
}

/** "90s", "30m", "2h", "1d" → milliseconds. */
export function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not an age: write a number and a unit, e.g. 90s, 30m, 2h or 1d`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
