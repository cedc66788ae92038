/**
 * GET /api/search — the registry's search endpoint (shared reference quilt-formats.md §5):
 *   ?index=<comma list>&action=search&query=<query_string>[&size=&from=]
 *   ?index=<comma list>&action=freeform&body=<JSON query DSL>[&size=&from=]
 *   ?index=<bucket>_packages&action=packages[&query=|&body=]   packages (package indexes only)
 *   ?index=<bucket>&action=stats | images | sample   what the catalog app's bucket overview shows:
 *     totals by extension, the newest images, the newest previewable files (deleted ones left out)
 * optional `_source` and `filter_path`. Answers the raw OpenSearch response, hits.total a number
 * (as Quilt's endpoint answers it: its web catalog renders the number). Every index must
 * belong to a bucket the user may read (asked of RGW); `*` means every served bucket the user may read.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Authorizer } from './authz.js';
import { HttpError } from './http.js';
import { packagesIndex } from './search-index.js';
import { ACTIVE_FAULT } from '../faults.js';

interface RawHits { hits?: { total?: { value?: number } | number; hits?: Array<Record<string, unknown>> } }

/** The search faults of faults.ts, applied to an OpenSearch answer (none: unchanged). */
function withFault(body: unknown): unknown {
  const b = body as RawHits;
  if (!ACTIVE_FAULT || !b?.hits?.hits) return body;
  const hits = b.hits.hits;
  if (ACTIVE_FAULT === 'drop-search-hit' && hits.length > 0) hits.shift();
  if (ACTIVE_FAULT === 'phantom-search-hit' && hits.length > 0) {
    const first = hits[0]!;
    const src = (first._source ?? {}) as Record<string, unknown>;
    const key = typeof src.key === 'string' ? `${src.key.replace(/[^/]*$/, '')}phantom-${Date.now()}.md` : undefined;
    hits.push({ ...first, _id: `${String(first._id)}-phantom`, _source: { ...src, ...(key ? { key } : {}), ...(src.mnfst_hash ? { mnfst_hash: 'f'.repeat(64) } : {}) } });
  }
  if (ACTIVE_FAULT === 'wrong-hit-total') {
    if (typeof b.hits.total === 'number') b.hits.total += 1;
    else if (b.hits.total && typeof b.hits.total.value === 'number') b.hits.total.value += 1;
  }
  return body;
}

/** quilt3's historical fields plus the current package-document fields. */
export const SEARCH_FIELDS = [
  'content', 'comment', 'ext', 'key', 'key_text', 'handle^2', 'metadata^2', 'tags^2',
  'ptr_name^2', 'ptr_name.text^2', 'mnfst_message', 'mnfst_metadata^2', 'mnfst_hash', 'entry_lk', 'entry_lk.text', 'entry_metadata',
];

/** The bucket overview's samples (the catalog app's Overview tab), as Quilt's search endpoint answers them. */
const IMAGE_EXTS = '.*\\.(bmp|gif|jpg|jpeg|png|tif|tiff|webp)';
const SAMPLE_EXTS = '.*\\.(csv|ipynb|json|md|parquet|pdf|rmd|tsv|txt|vcf|xls|xlsx)(.gz)?';
const README_KEYS = ['README.md', 'README.txt', 'README.ipynb'];
const SUMMARIZE_KEY = 'quilt_summarize.json';

/**
 * The n newest keys (their newest version's key and version_id), leaving out keys whose newest
 * version is a delete marker: of the `considered` most recently modified keys (search() widens
 * that until n are left or every key was considered). Each key it considers costs a top_hits and a
 * script: all 10,000 keys of a folder took OpenSearch 0.8 s, the newest 40 take 0.04 s.
 */
function newestKeys(n: number, considered: number): Record<string, unknown> {
  return {
    terms: { field: 'key', order: [{ modified: 'desc' }], size: considered },
    aggs: {
      modified: { max: { field: 'last_modified' } },
      deleted: {
        scripted_metric: {
          init_script: 'state.t = 0L; state.d = false;',
          map_script: "long t = doc['last_modified'].value.toInstant().toEpochMilli(); if (t >= state.t) { state.t = t; state.d = doc['delete_marker'].size() > 0 && doc['delete_marker'].value; }",
          combine_script: 'return state;',
          reduce_script: 'long t = 0L; boolean d = false; for (s in states) { if (s != null && s.t >= t) { t = s.t; d = s.d; } } return d ? 1 : 0;',
        },
      },
      latest: { top_hits: { _source: ['key', 'version_id'], sort: [{ last_modified: 'desc' }], size: 1 } },
      drop_deleted: { bucket_selector: { buckets_path: { deleted: 'deleted.value' }, script: 'params.deleted == 0' } },
      sort: { bucket_sort: { size: n } },
    },
  };
}

/** The most keys the newest-keys actions consider (a terms aggregation's buckets). */
const MAX_KEYS_CONSIDERED = 100_000;

const SAMPLE_FILTER = ['took', 'timed_out', 'hits.total', 'aggregations.objects.buckets.latest.hits.hits._source'];

const INDEX_RE = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(_packages)?$/;
export const MAX_RESULT_WINDOW = 10_000;

function intParam(v: string | null, name: string, min: number, max: number): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new HttpError(400, 'BadRequest', `"${name}" must be a whole number from ${min} to ${max}; got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The OpenSearch indexes a request names, after checking the user may read each bucket. */
export async function resolveIndexes(raw: string | null, user: string, authz: Authorizer, servedBuckets: string[]): Promise<string[]> {
  if (raw === null || raw.trim() === '') throw new HttpError(400, 'BadRequest', 'the "index" parameter is required: a comma-separated list such as "my-bucket,my-bucket_packages"');
  const out: string[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === '*' || part === '_all') {
      for (const b of servedBuckets) if (await authz.access(user, b) === 'allowed') out.push(b, packagesIndex(b));
      continue;
    }
    const m = INDEX_RE.exec(part);
    if (!m) throw new HttpError(400, 'BadRequest', `${JSON.stringify(part)} is not a search index: use "<bucket>" or "<bucket>_packages" (or "*")`);
    await authz.requireRead(user, m[1]!);
    out.push(part);
  }
  if (out.length === 0) throw new HttpError(403, 'Forbidden', `user ${user} may not read any of the buckets this catalog serves`);
  return [...new Set(out)];
}

/**
 * Elasticsearch 6 (the engine Quilt's catalog app was written against) ran a scripted_metric
 * without a combine_script by passing each shard's state on; OpenSearch requires one. A body from
 * such a client gets the same behaviour: `return state`.
 */
export function withDefaultCombineScripts(value: unknown): void {
  if (Array.isArray(value)) { for (const v of value) withDefaultCombineScripts(v); return; }
  if (typeof value !== 'object' || value === null) return;
  const o = value as Record<string, unknown>;
  const metric = o.scripted_metric as Record<string, unknown> | undefined;
  if (metric && typeof metric === 'object' && metric.combine_script === undefined) metric.combine_script = 'return state;';
  for (const v of Object.values(o)) withDefaultCombineScripts(v);
}

/** The path of the first "index"/"_index" key in a query body (a terms lookup, more_like_this...), if any. */
export function crossIndexReference(value: unknown, path = 'body'): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) { const r = crossIndexReference(v, `${path}[${i}]`); if (r) return r; }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'index' || k === '_index') return `${path}.${k}`;
    const r = crossIndexReference(v, `${path}.${k}`);
    if (r) return r;
  }
  return undefined;
}

export async function search(params: URLSearchParams, user: string, authz: Authorizer, os: Client, servedBuckets: string[]): Promise<unknown> {
  const indexes = await resolveIndexes(params.get('index'), user, authz, servedBuckets);
  const action = params.get('action') ?? 'search';
  const size = intParam(params.get('size'), 'size', 0, MAX_RESULT_WINDOW);
  const from = intParam(params.get('from'), 'from', 0, MAX_RESULT_WINDOW);
  if ((size ?? 10) + (from ?? 0) > MAX_RESULT_WINDOW) throw new HttpError(400, 'BadRequest', `"from" + "size" must not exceed ${MAX_RESULT_WINDOW}`);
  /** The search request; the newest-keys actions make theirs as they widen (`newest`). */
  let body: Record<string, unknown> = {};
  let fixed: { size?: number; source?: false; filterPath?: string[] } = {};
  /** For the actions that answer the newest keys: how many, and the query they are the newest of. */
  let newest: { n: number; query: Record<string, unknown> } | undefined;
  if (['stats', 'images', 'sample'].includes(action) && indexes.some((i) => i.endsWith('_packages'))) {
    throw new HttpError(400, 'BadRequest', `action=${action} summarises a bucket's objects: name object indexes only ("<bucket>"), not ${indexes.filter((i) => i.endsWith('_packages')).join(', ')}`);
  }
  if (action === 'stats') {
    body = { query: { term: { delete_marker: false } }, aggs: { totalBytes: { sum: { field: 'size' } }, exts: { terms: { field: 'ext' }, aggs: { size: { sum: { field: 'size' } } } } } };
    fixed = { size: 0, source: false };
  } else if (action === 'images') {
    newest = { n: 100, query: { regexp: { ext: IMAGE_EXTS } } };
    fixed = { size: 0, source: false, filterPath: SAMPLE_FILTER };
  } else if (action === 'sample') {
    newest = { n: 20, query: { bool: { must: [{ regexp: { ext: SAMPLE_EXTS } }], must_not: [{ terms: { key: [...README_KEYS, SUMMARIZE_KEY] } }, { wildcard: { key: `*/${SUMMARIZE_KEY}` } }] } } };
    fixed = { size: 0, source: false, filterPath: SAMPLE_FILTER };
  } else if (action === 'packages') {
    if (!indexes.every((i) => i.endsWith('_packages'))) throw new HttpError(400, 'BadRequest', 'action=packages searches package indexes only: name "<bucket>_packages"');
    const raw = params.get('body');
    if (raw !== null) {
      let parsed: unknown;
      try { parsed = JSON.parse(raw); } catch (e) { throw new HttpError(400, 'BadRequest', `"body" is not JSON: ${(e as Error).message}`); }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'BadRequest', '"body" must be a JSON object (an OpenSearch search request)');
      body = parsed as Record<string, unknown>;
      const ref = crossIndexReference(body);
      if (ref) throw new HttpError(400, 'BadRequest', `the search body may not name other indexes (${ref})`);
      withDefaultCombineScripts(body);
    } else {
      body = { query: { query_string: { query: params.get('query') || '*', analyze_wildcard: true, lenient: true, fields: ['ptr_name^2', 'ptr_name.text^2', 'mnfst_message', 'mnfst_metadata'] } } };
    }
  } else if (action === 'search') {
    const query = params.get('query');
    if (query === null || query.trim() === '') throw new HttpError(400, 'BadRequest', 'action=search needs a "query" (query_string syntax), for example query=sales AND 2024');
    body = { query: { query_string: { query, default_operator: 'AND', analyze_wildcard: true, lenient: true, fields: SEARCH_FIELDS } } };
  } else if (action === 'freeform') {
    const raw = params.get('body');
    if (raw === null) throw new HttpError(400, 'BadRequest', 'action=freeform needs a "body": a JSON search request, for example {"query":{"match_all":{}}}');
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch (e) { throw new HttpError(400, 'BadRequest', `"body" is not JSON: ${(e as Error).message}`); }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'BadRequest', '"body" must be a JSON object (an OpenSearch search request)');
    body = parsed as Record<string, unknown>;
    const ref = crossIndexReference(body);
    if (ref) throw new HttpError(400, 'BadRequest', `the search body may not name other indexes (${ref}): terms lookups and the like would read indexes outside the request's buckets`);
    withDefaultCombineScripts(body);
  } else {
    throw new HttpError(400, 'BadRequest', `unknown action ${JSON.stringify(action)}: use "search", "freeform", "packages", "stats", "images" or "sample"`);
  }
  const source = params.get('_source');
  const filterPath = params.get('filter_path');
  const run = async (b: Record<string, unknown>, filter: string[] | undefined): Promise<unknown> => (await os.search({
    index: indexes.join(','),
    body: b as never,
    ...(fixed.size !== undefined ? { size: fixed.size } : size !== undefined ? { size } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(fixed.source === false ? { _source: false } : source !== null ? { _source: source.split(',') } : {}),
    ...(filter ? { filter_path: filter } : filterPath !== null ? { filter_path: filterPath.split(',') } : {}),
    ignore_unavailable: true,
    allow_no_indices: true,
    // hits.total as a number, as Quilt's search endpoint answers it (its web catalog renders it as is).
    rest_total_hits_as_int: true,
  })).body;
  try {
    if (!newest) return withFault(await run(body, fixed.filterPath));
    // The newest keys: of the 2n newest first, then ten times as many, until n are left or no key was left out.
    for (let considered = 2 * newest.n; ; considered *= 10) {
      const r = await run({ query: newest.query, aggs: { objects: newestKeys(newest.n, considered) } }, [...SAMPLE_FILTER, 'aggregations.objects.sum_other_doc_count']) as
        { aggregations?: { objects?: { buckets?: unknown[]; sum_other_doc_count?: number } } };
      const objects = r.aggregations?.objects;
      const more = (objects?.sum_other_doc_count ?? 0) > 0;
      if ((objects?.buckets?.length ?? 0) >= newest.n || !more || considered >= MAX_KEYS_CONSIDERED) {
        if (objects) delete objects.sum_other_doc_count;
        // As OpenSearch's filter_path answers when no key is left: no aggregations at all.
        if (objects && !objects.buckets) delete r.aggregations;
        return withFault(r);
      }
    }
  } catch (e) {
    const err = e as { name?: string; message?: string; meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string; root_cause?: Array<{ reason?: string }> } } } };
    const status = err.meta?.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const reason = err.meta?.body?.error?.root_cause?.[0]?.reason ?? err.meta?.body?.error?.reason ?? err.message ?? 'bad request';
      throw new HttpError(400, 'BadQuery', `OpenSearch refused the search: ${reason}`, { opensearch: err.meta?.body?.error ?? null });
    }
    throw new HttpError(503, 'SearchUnavailable', `OpenSearch is not answering (${err.name ?? 'Error'}${status ? ` ${status}` : ''}); try again shortly`);
  }
}
