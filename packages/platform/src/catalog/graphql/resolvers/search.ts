/**
 * searchObjects and searchPackages over the catalog's OpenSearch indexes (Quilt's documents: an
 * index per bucket for objects, <bucket>_packages for pointers, manifests and entries), limited to
 * the buckets the caller may read.
 */
import { packagesIndex } from '../../search-index.js';
import { HttpError } from '../../http.js';
import type { PlainJson } from '@quilt-e2e/quilt-js';
import { invalidInput, operationError, requireRead, type Args, type GqlContext } from './common.js';

interface Hit { _id: string; _index: string; _score: number | null; _source?: Record<string, unknown>; inner_hits?: Record<string, { hits: { hits: Hit[] } }> }

async function searchBuckets(g: GqlContext, buckets: unknown): Promise<string[]> {
  if (buckets === undefined || buckets === null) {
    const out: string[] = [];
    for (const b of g.ctx.access.servedBuckets) if (await g.ctx.authz.access(g.user, b, g.deadline) === 'allowed') out.push(b);
    return out;
  }
  const list = buckets as string[];
  for (const b of list) await requireRead(g, b);
  return [...new Set(list)];
}

function range(field: string, p: unknown): Record<string, unknown> | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const { gte, lte } = p as { gte?: unknown; lte?: unknown };
  if (gte === undefined && lte === undefined) return undefined;
  return { range: { [field]: { ...(gte !== undefined && gte !== null ? { gte } : {}), ...(lte !== undefined && lte !== null ? { lte } : {}) } } };
}

function keyword(field: string, p: unknown): Record<string, unknown> | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const { terms, wildcard } = p as { terms?: string[] | null; wildcard?: string | null };
  const parts: Record<string, unknown>[] = [];
  if (terms && terms.length) parts.push({ terms: { [field]: terms } });
  if (wildcard) parts.push({ wildcard: { [field]: { value: wildcard } } });
  return parts.length ? { bool: { filter: parts } } : undefined;
}

function order(o: unknown, dateField: string, keyField: string): unknown[] | undefined {
  switch (o) {
    case 'NEWEST': return [{ [dateField]: 'desc' }];
    case 'OLDEST': return [{ [dateField]: 'asc' }];
    case 'LEX_ASC': return [{ [keyField]: 'asc' }];
    case 'LEX_DESC': return [{ [keyField]: 'desc' }];
    default: return undefined;
  }
}

function searchFailure(e: unknown, what: string) {
  const err = e as { meta?: { statusCode?: number; body?: { error?: { root_cause?: Array<{ reason?: string }>; reason?: string } } }; message?: string };
  const status = err.meta?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return invalidInput([{ path: 'searchString', name: 'QuerySyntaxError', message: `${what}: ${err.meta?.body?.error?.root_cause?.[0]?.reason ?? err.meta?.body?.error?.reason ?? err.message}` }]);
  }
  return operationError('SearchUnavailable', `${what}: OpenSearch is not answering (${err.message ?? 'error'})`);
}

function sizeArg(a: Args): number {
  const size = Number(a.size ?? 30);
  if (!Number.isInteger(size) || size < 0 || size > 1000) throw new HttpError(400, 'InvalidInput', `size must be from 0 to 1000; got ${size}`);
  return size;
}

async function searchObjects(g: GqlContext, a: Args) {
  const buckets = await searchBuckets(g, a.buckets);
  if (buckets.length === 0) return { __typename: 'EmptySearchResultSet', _: null };
  const f = (a.filter ?? {}) as Record<string, unknown>;
  const filters = [
    range('last_modified', f.modified), range('size', f.size), keyword('ext', f.ext), keyword('key', f.key),
    f.content ? { query_string: { query: (f.content as { queryString: string }).queryString, fields: ['content'], default_operator: 'AND' } } : undefined,
  ].filter((x): x is Record<string, unknown> => x !== undefined);
  const del = f.deleted as { true?: boolean | null; false?: boolean | null } | undefined;
  if (del && (del.true === true) !== (del.false === true)) filters.push({ term: { delete_marker: del.true === true } });
  const searchString = typeof a.searchString === 'string' ? a.searchString.trim() : '';
  const query = {
    bool: {
      filter: filters,
      must: searchString ? [{ query_string: { query: searchString, default_operator: 'AND', analyze_wildcard: true, lenient: true, fields: ['content', 'key_text', 'key', 'ext'] } }] : [{ match_all: {} }],
    },
  };
  const index = buckets.join(',');
  let total: number;
  try {
    const c = await g.ctx.os.count({ index, body: { query } as never, ignore_unavailable: true, allow_no_indices: true });
    total = (c.body as { count: number }).count;
  } catch (e) { return searchFailure(e, 'searching objects'); }
  return {
    __typename: 'ObjectsSearchResultSet',
    total,
    firstPage: async (p: Args) => {
      const r = await g.ctx.os.search({ index, body: { query, size: sizeArg(p), ...(order(p.order, 'last_modified', 'key') ? { sort: order(p.order, 'last_modified', 'key') } : {}) } as never, ignore_unavailable: true, allow_no_indices: true });
      const hits = (r.body as { hits: { hits: Hit[] } }).hits.hits;
      return {
        cursor: null,
        hits: hits.map((h) => {
          const s = h._source ?? {};
          return {
            id: h._id,
            score: h._score ?? 0,
            bucket: h._index,
            key: String(s.key ?? ''),
            version: String(s.version_id ?? 'null'),
            size: Number(s.size ?? 0),
            modified: String(s.last_modified ?? s.updated ?? new Date(0).toISOString()),
            deleted: s.delete_marker === true,
            indexedContent: typeof s.content === 'string' && s.content !== '' ? s.content.slice(0, 1000) : null,
          };
        }),
      };
    },
  };
}

async function searchPackages(g: GqlContext, a: Args) {
  const buckets = await searchBuckets(g, a.buckets);
  if (buckets.length === 0) return { __typename: 'EmptySearchResultSet', _: null };
  const index = buckets.map(packagesIndex).join(',');
  const f = (a.filter ?? {}) as Record<string, unknown>;
  const searchString = typeof a.searchString === 'string' ? a.searchString.trim() : '';
  const qs = (fields: string[]) => ({ query_string: { query: searchString, default_operator: 'AND', analyze_wildcard: true, lenient: true, fields } });
  const parentFilters = [
    range('mnfst_stats.total_bytes', f.size), range('mnfst_stats.total_files', f.entries), keyword('mnfst_hash', f.hash),
    f.comment ? { query_string: { query: (f.comment as { queryString: string }).queryString, fields: ['mnfst_message'], default_operator: 'AND' } } : undefined,
  ].filter((x): x is Record<string, unknown> => x !== undefined);
  const ptrFilters = [{ term: { join_field: 'ptr' } }, range('ptr_last_modified', f.modified), keyword('ptr_name', f.name)]
    .filter((x): x is Record<string, unknown> => x !== undefined);
  if (a.latestOnly === true) ptrFilters.push({ term: { ptr_tag: 'latest' } });
  try {
    const must: Record<string, unknown>[] = [{
      has_parent: { parent_type: 'mnfst', score: false, query: { bool: { filter: parentFilters } }, inner_hits: { name: 'mnfst', size: 1, _source: ['mnfst_hash', 'mnfst_message', 'mnfst_metadata', 'mnfst_stats', 'mnfst_workflow', 'mnfst_last_modified'] } },
    }];
    if (searchString) {
      // Manifests matching by message, metadata or any entry (logical key, metadata).
      const m = await g.ctx.os.search({
        index,
        body: { query: { bool: { filter: [{ term: { join_field: 'mnfst' } }], should: [qs(['mnfst_message', 'mnfst_metadata', 'mnfst_hash']), { has_child: { type: 'entry', score_mode: 'max', query: qs(['entry_lk', 'entry_lk.text', 'entry_metadata']) } }], minimum_should_match: 1 } }, _source: false, size: 10_000 } as never,
        ignore_unavailable: true, allow_no_indices: true,
      });
      const ids = (m.body as { hits: { hits: Hit[] } }).hits.hits.map((h) => h._id);
      must.push({ bool: { should: [qs(['ptr_name', 'ptr_name.text']), ...(ids.length ? [{ has_parent: { parent_type: 'mnfst', score: true, query: { ids: { values: ids } } } }] : [])], minimum_should_match: 1 } });
    }
    const query = { bool: { filter: ptrFilters, must } };
    const c = await g.ctx.os.count({ index, body: { query } as never, ignore_unavailable: true, allow_no_indices: true });
    const total = (c.body as { count: number }).count;
    return {
      __typename: 'PackagesSearchResultSet',
      total,
      firstPage: async (p: Args) => {
        const sort = order(p.order, 'ptr_last_modified', 'ptr_name');
        const r = await g.ctx.os.search({ index, body: { query, size: sizeArg(p), ...(sort ? { sort } : {}) } as never, ignore_unavailable: true, allow_no_indices: true });
        const hits = (r.body as { hits: { hits: Hit[] } }).hits.hits;
        return {
          cursor: null,
          hits: hits.map((h) => {
            const s = h._source ?? {};
            const m = h.inner_hits?.mnfst?.hits.hits[0]?._source ?? {};
            const stats = (m.mnfst_stats ?? {}) as { total_bytes?: number; total_files?: number };
            const message = typeof m.mnfst_message === 'string' && m.mnfst_message !== 'None' ? m.mnfst_message : null;
            return {
              id: h._id,
              score: h._score ?? 0,
              bucket: h._index.replace(/_packages$/, ''),
              name: String(s.ptr_name ?? ''),
              pointer: String(s.ptr_tag ?? ''),
              hash: String(m.mnfst_hash ?? ''),
              size: Number(stats.total_bytes ?? 0),
              modified: String(s.ptr_last_modified ?? m.mnfst_last_modified ?? new Date(0).toISOString()),
              totalEntriesCount: Number(stats.total_files ?? 0),
              comment: message,
              meta: typeof m.mnfst_metadata === 'string' ? m.mnfst_metadata : null,
              workflow: (m.mnfst_workflow ?? null) as PlainJson,
            };
          }),
        };
      },
    };
  } catch (e) {
    return searchFailure(e, 'searching packages');
  }
}

export const searchResolvers = {
  searchObjects: (a: Args, g: GqlContext) => searchObjects(g, a),
  searchPackages: (a: Args, g: GqlContext) => searchPackages(g, a),
};
