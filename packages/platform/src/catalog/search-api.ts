/**
 * GET /api/search — the registry's search endpoint (shared reference quilt-formats.md §5):
 *   ?index=<comma list>&action=search&query=<query_string>[&size=&from=]
 *   ?index=<comma list>&action=freeform&body=<JSON query DSL>[&size=&from=]
 * optional `_source` and `filter_path`. Answers the raw OpenSearch response. Every index must
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
  let body: Record<string, unknown>;
  if (action === 'search') {
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
  } else {
    throw new HttpError(400, 'BadRequest', `unknown action ${JSON.stringify(action)}: use "search" or "freeform"`);
  }
  const source = params.get('_source');
  const filterPath = params.get('filter_path');
  try {
    const r = await os.search({
      index: indexes.join(','),
      body: body as never,
      ...(size !== undefined ? { size } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(source !== null ? { _source: source.split(',') } : {}),
      ...(filterPath !== null ? { filter_path: filterPath.split(',') } : {}),
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    return withFault(r.body);
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
