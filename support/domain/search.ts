/**
 * Search in the spec's terms (search_catalog): files and packages through the catalog's
 * /api/search, with AND semantics (every word must match — the upstream suite's OR search ranked
 * the wrong results first), optionally scoped to a folder or a package namespace.
 */
import type { CatalogClient, RawSearchResponse } from '../adapters/catalog.js';

export type SearchScope = 'file' | 'package' | 'global';

export interface SearchRequest {
  query: string;
  scope: SearchScope;
  bucket: string;
  limit?: number;
  /** Files: only keys under this prefix. */
  keyPrefix?: string;
  /** Packages: only names under this prefix (e.g. a namespace "team/"). */
  namePrefix?: string;
  /** Packages: only names containing this text. */
  nameContains?: string;
  signal?: AbortSignal;
}

export interface SearchResult {
  type: 'file' | 'package';
  bucket: string;
  score: number;
  size: number;
  lastModified?: string;
  /** Files. */
  key?: string;
  s3Uri?: string;
  versionId?: string;
  /** The object's ETag as the index holds it (files). */
  etag?: string;
  /** Packages. */
  packageName?: string;
  hash?: string;
  totalEntries?: number;
  message?: string | null;
  metadata?: unknown;
}

export interface SearchAnswer { results: SearchResult[]; totalResults: number; queryTimeMs: number }

const total = (r: RawSearchResponse): number => (typeof r.hits.total === 'number' ? r.hits.total : r.hits.total.value);

/** query_string with AND semantics; "*" matches everything. */
function words(query: string, fields: string[]): Record<string, unknown> {
  return query.trim() === '*' || query.trim() === ''
    ? { match_all: {} }
    : { query_string: { query, fields, default_operator: 'AND', analyze_wildcard: true, lenient: true } };
}

export function fileQuery(req: SearchRequest): Record<string, unknown> {
  return {
    size: req.limit ?? 10,
    track_total_hits: true,
    _source: ['key', 'size', 'etag', 'last_modified', 'version_id', 'ext'],
    query: {
      bool: {
        must: [words(req.query, ['content', 'key_text', 'ext'])],
        must_not: [{ term: { delete_marker: true } }],
        ...(req.keyPrefix ? { filter: [{ prefix: { key: req.keyPrefix } }] } : {}),
      },
    },
  };
}

export function packageQuery(req: SearchRequest): Record<string, unknown> {
  const latest: Record<string, unknown>[] = [{ term: { ptr_tag: 'latest' } }];
  if (req.namePrefix) latest.push({ prefix: { ptr_name: req.namePrefix } });
  if (req.nameContains) latest.push({ wildcard: { ptr_name: `*${req.nameContains.replace(/[*?\\]/g, '\\$&')}*` } });
  const text = req.query.trim() === '*' || req.query.trim() === '' ? undefined : req.query;
  return {
    size: req.limit ?? 10,
    track_total_hits: true,
    _source: ['mnfst_hash', 'mnfst_message', 'mnfst_metadata', 'mnfst_stats', 'mnfst_last_modified'],
    query: {
      bool: {
        must: [{ has_child: { type: 'ptr', query: { bool: { filter: latest } }, inner_hits: { size: 20, _source: ['ptr_name', 'ptr_tag'] } } }],
        ...(text ? {
          should: [
            words(text, ['mnfst_message', 'mnfst_metadata']),
            { has_child: { type: 'ptr', query: words(text, ['ptr_name.text']) } },
            { has_child: { type: 'entry', query: words(text, ['entry_lk.text', 'entry_metadata']) } },
          ],
          minimum_should_match: 1,
        } : {}),
      },
    },
  };
}

interface PackageSource { mnfst_hash: string; mnfst_message?: string; mnfst_metadata?: string; mnfst_stats?: { total_bytes: number; total_files: number }; mnfst_last_modified?: string }
interface InnerHits { inner_hits?: { ptr?: { hits: { hits: { _source?: { ptr_name?: string } }[] } } } }

export async function searchCatalog(client: CatalogClient, req: SearchRequest): Promise<SearchAnswer> {
  const started = Date.now();
  const results: SearchResult[] = [];
  let count = 0;
  if (req.scope !== 'package') {
    const r = await client.search({ index: req.bucket, action: 'freeform', body: fileQuery(req), size: req.limit ?? 10 }, req.signal);
    count += total(r);
    for (const h of r.hits.hits) {
      const s = h._source ?? {};
      const key = String(s.key);
      results.push({ type: 'file', bucket: req.bucket, key, s3Uri: `s3://${req.bucket}/${key}`, score: h._score ?? 0, size: Number(s.size ?? 0),
        ...(s.last_modified ? { lastModified: String(s.last_modified) } : {}), ...(s.version_id ? { versionId: String(s.version_id) } : {}),
        ...(s.etag ? { etag: String(s.etag).replace(/"/g, '') } : {}) });
    }
  }
  if (req.scope !== 'file') {
    const r = await client.search({ index: `${req.bucket}_packages`, action: 'freeform', body: packageQuery(req), size: req.limit ?? 10 }, req.signal);
    count += total(r);
    for (const h of r.hits.hits) {
      const s = (h._source ?? {}) as unknown as PackageSource;
      const names = ((h as unknown as InnerHits).inner_hits?.ptr?.hits.hits ?? []).map((p) => p._source?.ptr_name).filter((n): n is string => !!n);
      let metadata: unknown = s.mnfst_metadata;
      try { metadata = s.mnfst_metadata ? JSON.parse(s.mnfst_metadata) : undefined; } catch { /* kept as text */ }
      for (const name of new Set(names)) {
        results.push({ type: 'package', bucket: req.bucket, packageName: name, hash: s.mnfst_hash, score: h._score ?? 0,
          size: s.mnfst_stats?.total_bytes ?? 0, totalEntries: s.mnfst_stats?.total_files ?? 0, message: s.mnfst_message === 'None' ? null : (s.mnfst_message ?? null), metadata,
          ...(s.mnfst_last_modified ? { lastModified: s.mnfst_last_modified } : {}) });
      }
    }
  }
  results.sort((a, b) => b.score - a.score);
  return { results: results.slice(0, req.limit ?? 10), totalResults: count, queryTimeMs: Date.now() - started };
}
