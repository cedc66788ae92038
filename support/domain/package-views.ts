/**
 * One package revision as each path of the platform shows it, normalized to one shape so that
 * the consistency checks can compare them field by field: the manifest in S3 (source of truth),
 * the registry's GraphQL, the catalog page, the search index and the SQL tables.
 */
import type { CatalogClient } from '../adapters/catalog.js';
import type { PackageRevision } from '@quilt-e2e/quilt-js';
import { rowObjects, runOverLiveData, type QueryEngine } from '../sql/index.js';

export interface PackageView {
  /** Which path this view came from. */
  source: string;
  hash: string;
  message: string | null;
  userMeta: unknown;
  totalEntries: number;
  totalBytes: number;
  /** logical key → size and content hash. */
  entries: Record<string, { size: number; hash: string }>;
}

export function viewOfRevision(source: string, rev: PackageRevision): PackageView {
  const entries: PackageView['entries'] = {};
  for (const e of rev.entries) entries[e.logicalKey] = { size: e.size, hash: e.hash.value };
  return { source, hash: rev.hash, message: rev.message, userMeta: rev.userMeta ?? null, totalEntries: rev.totalEntries, totalBytes: rev.totalBytes, entries };
}

const REVISION_QUERY = `query($bucket: String!, $name: String!, $ref: String!) {
  package(bucket: $bucket, name: $name) { name revision(hashOrTag: $ref) { hash message userMeta totalEntries totalBytes contentsFlatMap(max: 10000) } } }`;

interface GqlRevision { hash: string; message: string | null; userMeta: unknown; totalEntries: number; totalBytes: number; contentsFlatMap: Record<string, { size: number; hash: { value: string } }> | null }

/** The revision through the registry's GraphQL; undefined when the registry says the package or revision does not exist. */
export async function viewThroughGraphql(client: CatalogClient, bucket: string, name: string, ref = 'latest'): Promise<PackageView | undefined> {
  const r = await client.graphql<{ package: { revision: GqlRevision | null } | null }>(REVISION_QUERY, { bucket, name, ref });
  const rev = r.package?.revision;
  if (!rev) return undefined;
  const entries: PackageView['entries'] = {};
  for (const [k, v] of Object.entries(rev.contentsFlatMap ?? {})) entries[k] = { size: v.size, hash: v.hash.value };
  return { source: 'registry GraphQL', hash: rev.hash, message: rev.message, userMeta: rev.userMeta ?? null, totalEntries: rev.totalEntries, totalBytes: rev.totalBytes, entries };
}

interface SearchDoc { _id: string; _source?: Record<string, unknown> }

/** The revision as the search index holds it: the manifest document and its entry documents. */
export async function viewThroughSearch(client: CatalogClient, bucket: string, hash: string): Promise<PackageView | undefined> {
  const index = `${bucket}_packages`;
  const m = await client.search({ index, action: 'freeform', body: { size: 1, query: { term: { mnfst_hash: hash } } } });
  const doc = m.hits.hits[0] as SearchDoc | undefined;
  if (!doc) return undefined;
  const src = doc._source ?? {};
  const e = await client.search({ index, action: 'freeform', size: 10_000, body: { size: 10_000, query: { parent_id: { type: 'entry', id: doc._id } } } });
  const entries: PackageView['entries'] = {};
  for (const h of e.hits.hits as SearchDoc[]) {
    const s = h._source ?? {};
    entries[String(s.entry_lk)] = { size: Number(s.entry_size), hash: String((s.entry_hash as { value?: string } | undefined)?.value) };
  }
  const stats = (src.mnfst_stats ?? {}) as { total_bytes?: number; total_files?: number };
  let userMeta: unknown = src.mnfst_metadata ?? null;
  try { if (typeof userMeta === 'string') userMeta = JSON.parse(userMeta); } catch { /* kept as text */ }
  const message = src.mnfst_message === undefined || src.mnfst_message === 'None' ? null : String(src.mnfst_message);
  return { source: 'search index', hash: String(src.mnfst_hash), message, userMeta, totalEntries: Number(stats.total_files), totalBytes: Number(stats.total_bytes), entries };
}

/** The names and tags the search index holds pointers for, for one package. */
export async function pointersInSearch(client: CatalogClient, bucket: string, name: string): Promise<string[]> {
  const r = await client.search({ index: `${bucket}_packages`, action: 'freeform', body: { size: 1000, query: { bool: { filter: [{ term: { ptr_name: name } }] } } } });
  return (r.hits.hits as SearchDoc[]).map((h) => String(h._source?.ptr_tag)).sort();
}

/** The revision as the SQL package tables show it (Athena's on AWS, Trino's locally): tag → manifest → entries. */
export async function viewThroughSql(engine: QueryEngine, tables: { tag: string; manifest: string; entry: string }, name: string): Promise<PackageView | undefined> {
  const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const tag = await runOverLiveData(engine, `SELECT top_hash FROM ${tables.tag} WHERE pkg_name = ${lit(name)} AND tag_name = 'latest'`, { deadlineMs: 120_000 });
  const hash = tag.rows[0]?.[0];
  if (typeof hash !== 'string') return undefined;
  const [manifest, entries] = await Promise.all([
    runOverLiveData(engine, `SELECT message, metadata FROM ${tables.manifest} WHERE top_hash = ${lit(hash)}`, { deadlineMs: 120_000 }),
    runOverLiveData(engine, `SELECT logical_key, size, hash_value FROM ${tables.entry} WHERE top_hash = ${lit(hash)}`, { deadlineMs: 120_000, maxRows: 100_000 }),
  ]);
  const [m] = rowObjects<{ message: string | null; metadata: string | null }>(manifest);
  const out: PackageView['entries'] = {};
  let totalBytes = 0;
  for (const e of rowObjects<{ logical_key: string; size: number; hash_value: string }>(entries)) {
    out[e.logical_key] = { size: Number(e.size), hash: e.hash_value };
    totalBytes += Number(e.size);
  }
  return {
    source: 'SQL package tables', hash, message: m?.message ?? null, userMeta: m?.metadata ? JSON.parse(m.metadata) as unknown : null,
    totalEntries: Object.keys(out).length, totalBytes, entries: out,
  };
}
