/**
 * The backfill scan: lists a bucket (every object version and delete marker, the manifests and
 * pointers under .quilt/), compares it with the bucket's indexes, and names every key whose
 * documents differ, so that the indexer reconciles them as if their events had come.
 */
import { ListObjectsV2Command, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { objectDocId, packagesIndex } from '../search-index.js';
import { wrapOs, wrapS3 } from './errors.js';

async function scrollIds(os: Client, index: string, query: Record<string, unknown>, source: string[]): Promise<Array<{ _id: string; _source?: Record<string, unknown> }>> {
  const out: Array<{ _id: string; _source?: Record<string, unknown> }> = [];
  let r = await os.search({ index, scroll: '1m', body: { query, _source: source.length ? source : false, size: 5000, sort: ['_doc'] } as never });
  for (;;) {
    const body = r.body as { _scroll_id?: string; hits: { hits: Array<{ _id: string; _source?: Record<string, unknown> }> } };
    if (body.hits.hits.length === 0) { if (body._scroll_id) await os.clearScroll({ scroll_id: body._scroll_id }).catch(() => undefined); break; }
    out.push(...body.hits.hits);
    r = await os.scroll({ scroll_id: body._scroll_id!, scroll: '1m' });
  }
  return out;
}

/** Calls `add` with every key of `bucket` whose documents differ from S3 (the bucket's indexes exist). */
export async function scanBucket(s3: S3Client, os: Client, bucket: string, add: (key: string) => void): Promise<void> {
  // Objects: every version and delete marker should have its document, and nothing else.
  const wanted = new Map<string, string>();
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  const ptrs = new Map<string, string>();
  const manifests = new Set<string>();
  for (;;) {
    let r;
    try { r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: 1000 })); } catch (e) { throw wrapS3(e, `listing ${bucket}`); }
    for (const v of [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])]) {
      const key = v.Key ?? '';
      if (key.startsWith('.quilt/')) continue;
      wanted.set(objectDocId(key, v.VersionId ?? 'null'), key);
    }
    if (!r.IsTruncated) break;
    keyMarker = r.NextKeyMarker;
    versionMarker = r.NextVersionIdMarker;
  }
  let token: string | undefined;
  do {
    let r;
    try { r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '.quilt/', ContinuationToken: token })); } catch (e) { throw wrapS3(e, `listing ${bucket}/.quilt/`); }
    for (const o of r.Contents ?? []) {
      const key = o.Key ?? '';
      const m = /^\.quilt\/packages\/([0-9a-f]{64})$/.exec(key);
      if (m) manifests.add(m[1]!);
      else if (/^\.quilt\/named_packages\/[^/]+\/[^/]+\/[^/]+$/.test(key)) ptrs.set(key, o.LastModified?.toISOString() ?? '');
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);

  let docs;
  try { docs = await scrollIds(os, bucket, { match_all: {} }, ['key']); } catch (e) { throw wrapOs(e, `scanning ${bucket}`); }
  const have = new Set<string>();
  for (const d of docs) {
    have.add(d._id);
    if (!wanted.has(d._id)) add(String(d._source?.key ?? d._id.slice(0, d._id.lastIndexOf(':'))));
  }
  for (const [id, key] of wanted) if (!have.has(id)) add(key);

  let pdocs;
  try { pdocs = await scrollIds(os, packagesIndex(bucket), { bool: { should: [{ term: { join_field: 'mnfst' } }, { term: { join_field: 'ptr' } }] } }, ['mnfst_hash', 'ptr_name', 'ptr_tag', 'ptr_last_modified']); } catch (e) { throw wrapOs(e, `scanning ${packagesIndex(bucket)}`); }
  const haveManifests = new Set<string>();
  const havePtrs = new Map<string, string>();
  for (const d of pdocs) {
    const s = d._source ?? {};
    if (typeof s.mnfst_hash === 'string') {
      haveManifests.add(s.mnfst_hash);
      if (!manifests.has(s.mnfst_hash)) add(`.quilt/packages/${s.mnfst_hash}`);
    } else if (typeof s.ptr_name === 'string') {
      const key = `.quilt/named_packages/${s.ptr_name}/${String(s.ptr_tag)}`;
      havePtrs.set(key, String(s.ptr_last_modified ?? ''));
      if (!ptrs.has(key)) add(key);
    }
  }
  for (const h of manifests) if (!haveManifests.has(h)) add(`.quilt/packages/${h}`);
  for (const [key, lm] of ptrs) if (havePtrs.get(key) !== lm) add(key);
}
