/**
 * Resolvers of the catalog's GraphQL schema, as a root value plus view objects whose methods
 * graphql-js calls with (args, context). Unions resolve by `__typename`.
 * Reads and writes go through the package engine with the caller's own S3 keys.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse as parseYaml } from 'yaml';
import { QuiltError, QuiltNotFoundError, QuiltServiceError, QuiltValidationError } from '@quilt-e2e/quilt-js/errors.js';
import { toPlain, type PlainJson } from '@quilt-e2e/quilt-js/json/values.js';
import type { ManifestEntry } from '@quilt-e2e/quilt-js/manifest.js';
import type { PackageRegistry, PushResult } from '@quilt-e2e/quilt-js/registry.js';
import type { PackageRevision, TreeNode } from '@quilt-e2e/quilt-js/revision.js';
import { S3Store } from '@quilt-e2e/quilt-js/s3-store.js';
import { CHUNKED_SHA256, LEGACY_SHA256 } from '@quilt-e2e/quilt-js/checksum.js';
import { parseS3Uri, validateBucketName, validateLogicalKey, validatePackageName, validateTopHash } from '@quilt-e2e/quilt-js/validation.js';
import { parseTabulatorConfig, TabulatorConfigError } from '../../sql/tabulator-config.js';
import { stackTabulator, TabulatorError } from '../../sql/tabulator.js';
import { faultIs } from '../../faults.js';
import { s3ErrorStatus } from '../authz.js';
import { HttpError } from '../http.js';
import { packagesIndex } from '../search-index.js';
import type { CatalogContext } from '../server.js';
import { parsePackageScope, type PackageScope } from '../browsing.js';

export interface GqlContext { ctx: CatalogContext; user: string }

type Args = Record<string, unknown>;

interface InputErrorShape { path: string | null; message: string; name: string; context?: PlainJson }
const invalidInput = (errors: InputErrorShape[]) => ({ __typename: 'InvalidInput', errors });
const operationError = (name: string, message: string, context: PlainJson = null) => ({ __typename: 'OperationError', name, message, context });

/** Turns an engine or S3 failure of a write into an OperationError (AccessDenied stays AccessDenied). */
function writeFailure(e: unknown): ReturnType<typeof operationError> {
  if (e instanceof QuiltServiceError || e instanceof QuiltNotFoundError) {
    const cause = (e as { cause?: unknown }).cause;
    const { name, status } = cause ? s3ErrorStatus(cause) : { name: e.name, status: undefined };
    if (status === 403 || name === 'AccessDenied') return operationError('AccessDenied', `S3 refused the write: ${e.message}`);
    if (e instanceof QuiltNotFoundError) return operationError('NotFound', e.message);
    return operationError(name || 'S3Error', e.message);
  }
  if (e instanceof QuiltError) return operationError(e.name, e.message);
  const { name, status } = s3ErrorStatus(e);
  if (status === 403 || name === 'AccessDenied') return operationError('AccessDenied', `S3 refused the write (AccessDenied, HTTP 403): the user may not write to this bucket`);
  return operationError(name || 'Error', (e as Error).message ?? String(e));
}

// ---- packages ----------------------------------------------------------------------------------

class FileView {
  readonly __typename = 'PackageFile';
  constructor(private readonly e: ManifestEntry) {}
  get path(): string { return this.e.logicalKey; }
  get size(): number { return this.e.size + (faultIs('wrong-entry-size') ? 1 : 0); }
  get physicalKey(): string { return this.e.physicalKey; }
  get metadata(): PlainJson { return toPlain(this.e.meta); }
}

class DirView {
  readonly __typename = 'PackageDir';
  constructor(private readonly node: TreeNode) {}
  get path(): string { return this.node.path; }
  get size(): number { return this.node.size; }
  get metadata(): PlainJson | null { return this.node.meta ?? null; }
  children(): Array<FileView | DirView> {
    return [...this.node.children.values()].map((c) => (c.entry ? new FileView(c.entry) : new DirView(c)));
  }
}

class RevisionView {
  readonly __typename = 'PackageRevision';
  private rev: Promise<PackageRevision> | undefined;
  constructor(
    private readonly registry: PackageRegistry,
    private readonly name: string,
    readonly hash: string,
    /** The timestamp pointer (Unix seconds) the revision was reached by, when known. */
    private readonly timestamp: string | undefined,
    loaded?: PackageRevision,
  ) {
    if (loaded) this.rev = Promise.resolve(loaded);
  }

  private load(): Promise<PackageRevision> {
    this.rev ??= this.registry.browse(this.name, this.hash);
    return this.rev;
  }

  async modified(): Promise<string> {
    if (this.timestamp) return new Date(Number(this.timestamp) * 1000).toISOString();
    const all = await this.registry.revisions(this.name);
    const ts = all.find((r) => r.hash === this.hash)?.timestamp;
    if (ts) return new Date(Number(ts) * 1000).toISOString();
    const head = await this.registry.store.client.send(new HeadObjectCommand({ Bucket: this.registry.bucket, Key: this.registry.manifestKey(this.hash) }));
    return (head.LastModified ?? new Date()).toISOString();
  }

  async message(): Promise<string | null> { return (await this.load()).message; }
  async metadata(): Promise<PlainJson> { return toPlain((await this.load()).manifest.header); }
  async userMeta(): Promise<PlainJson | null> { return (await this.load()).userMeta ?? null; }
  async workflow(): Promise<{ config: string; id: string | null } | null> {
    const w = (await this.load()).manifest.workflow;
    if (!w || typeof w !== 'object' || Array.isArray(w)) return null;
    const rec = w as Record<string, PlainJson>;
    return { config: String(rec.config ?? ''), id: typeof rec.id === 'string' ? rec.id : null };
  }
  async totalEntries(): Promise<number> { return (await this.load()).totalEntries; }
  async totalBytes(): Promise<number> { return (await this.load()).totalBytes; }

  async dir(args: Args): Promise<DirView | null> {
    const rev = await this.load();
    const path = String(args.path ?? '');
    try {
      const node = rev.node(path);
      return node.entry ? null : new DirView(node);
    } catch (e) {
      if (e instanceof QuiltNotFoundError) return null;
      throw e;
    }
  }

  async file(args: Args): Promise<FileView | null> {
    const rev = await this.load();
    const e = rev.manifest.entry(String(args.path ?? ''));
    return e ? new FileView(e) : null;
  }

  async contentsFlatMap(args: Args): Promise<Record<string, PlainJson> | null> {
    const rev = await this.load();
    const max = Number(args.max ?? 1000);
    if (rev.totalEntries > max) return null;
    const out: Record<string, PlainJson> = {};
    for (const e of rev.entries) out[e.logicalKey] = { physicalKey: e.physicalKey, size: e.size + (faultIs('wrong-entry-size') ? 1 : 0), hash: { type: e.hash.type, value: e.hash.value }, meta: toPlain(e.meta) };
    return out;
  }
}

class PackageView {
  readonly __typename = 'Package';
  private pointers: ReturnType<PackageRegistry['revisions']> | undefined;
  constructor(private readonly registry: PackageRegistry, readonly bucket: string, readonly name: string) {}

  private all(): ReturnType<PackageRegistry['revisions']> {
    this.pointers ??= this.registry.revisions(this.name);
    return this.pointers;
  }

  async modified(): Promise<string> {
    const all = await this.all();
    if (all[0]) return all[0].date.toISOString();
    return new RevisionView(this.registry, this.name, await this.registry.latestHash(this.name) ?? '', undefined).modified();
  }

  revisions(): { total: () => Promise<number>; page: (a: Args) => Promise<RevisionView[]> } {
    return {
      total: async () => (await this.all()).length,
      page: async (a: Args) => {
        const { number, perPage } = pageArgs(a);
        return (await this.all()).slice((number - 1) * perPage, number * perPage).map((p) => new RevisionView(this.registry, this.name, p.hash, p.timestamp));
      },
    };
  }

  async revision(args: Args): Promise<RevisionView | null> {
    const ref = String(args.hashOrTag ?? 'latest');
    try {
      const rev = await this.registry.browse(this.name, ref);
      return new RevisionView(this.registry, this.name, rev.hash, rev.timestamp, rev);
    } catch (e) {
      if (e instanceof QuiltNotFoundError) return null;
      if (e instanceof QuiltValidationError) throw new HttpError(400, 'InvalidInput', e.message);
      throw e;
    }
  }
}

function pageArgs(a: Args): { number: number; perPage: number } {
  const number = Number(a.number ?? 1);
  const perPage = Number(a.perPage ?? 30);
  if (!Number.isInteger(number) || number < 1) throw new HttpError(400, 'InvalidInput', `page number must be 1 or more; got ${number}`);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) throw new HttpError(400, 'InvalidInput', `perPage must be from 1 to 1000; got ${perPage}`);
  return { number, perPage };
}

async function packageExists(registry: PackageRegistry, name: string): Promise<boolean> {
  return (await registry.latestHash(name)) !== undefined;
}

// ---- tabulator -----------------------------------------------------------------------------

const TABULATOR_PREFIX = '.quilt/tabulator/';
const TABLE_NAME_RE = /^[a-z0-9_][a-z0-9_-]{0,127}$/;

async function tabulatorTables(g: GqlContext, bucket: string): Promise<Array<{ name: string; config: string }>> {
  const s3 = g.ctx.clients.for(g.user);
  const out: Array<{ name: string; config: string }> = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: TABULATOR_PREFIX, ContinuationToken: token }));
    for (const o of r.Contents ?? []) {
      const m = /^\.quilt\/tabulator\/([^/]+)\.ya?ml$/.exec(o.Key ?? '');
      if (!m) continue;
      // A config removed between the listing and this read (a parallel removal) is no table any more.
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key })).catch((e: unknown) => {
        if (s3ErrorStatus(e).name === 'NoSuchKey' || s3ErrorStatus(e).status === 404) return undefined;
        throw e;
      });
      if (body) out.push({ name: m[1]!, config: await body.Body!.transformToString('utf-8') });
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function bucketConfig(g: GqlContext, name: string) {
  return {
    __typename: 'BucketConfig',
    name,
    title: name,
    description: null,
    iconUrl: null,
    linkedData: null,
    overviewUrl: null,
    tags: null,
    relevanceScore: 0,
    lastIndexed: null,
    browsable: true,
    tabulatorTables: () => tabulatorTables(g, name),
  };
}

// ---- search ----------------------------------------------------------------------------------

interface Hit { _id: string; _index: string; _score: number | null; _source?: Record<string, unknown>; inner_hits?: Record<string, { hits: { hits: Hit[] } }> }

async function searchBuckets(g: GqlContext, buckets: unknown): Promise<string[]> {
  if (buckets === undefined || buckets === null) {
    const out: string[] = [];
    for (const b of g.ctx.config.buckets) if (await g.ctx.authz.access(g.user, b) === 'allowed') out.push(b);
    return out;
  }
  const list = buckets as string[];
  for (const b of list) await g.ctx.authz.requireRead(g.user, b);
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

// ---- packageConstruct --------------------------------------------------------------------------

interface ConstructEntry { logicalKey: string; physicalKey: string; hash?: { type: string; value: string } | null; size?: number | null; meta?: unknown }

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The entry's user metadata from the input: a whole meta object {user_meta, ...} or the user metadata itself. */
function entryUserMeta(meta: unknown): unknown {
  if (meta === undefined || meta === null) return undefined;
  if (isRecord(meta) && 'user_meta' in meta && Object.keys(meta).every((k) => k === 'user_meta' || k === 'format')) return meta.user_meta;
  return meta;
}

/**
 * Quilt's meaning of `workflow` (py-shared pkgpush.py workflow_normalized, quilt3 workflows.validate):
 * omitted or null → the bucket's default workflow (none when the bucket has no workflows config);
 * "" → explicitly none; a string → that workflow of .quilt/workflows/config.yml.
 */
async function resolveWorkflow(registry: PackageRegistry, params: { bucket: string; workflow?: string | null }): Promise<{ workflow: unknown } | { refused: ReturnType<typeof invalidInput> }> {
  let workflow: unknown;
  const configUrl = `s3://${params.bucket}/.quilt/workflows/config.yml`;
  const text = await registry.store.getTextIfExists(params.bucket, '.quilt/workflows/config.yml').catch(() => undefined);
  const wanted: string | null | undefined = params.workflow === undefined || params.workflow === null ? undefined : params.workflow === '' ? null : params.workflow;
  const refuse = (message: string): ReturnType<typeof invalidInput> => invalidInput([{ path: 'params.workflow', name: 'QuiltException', message }]);
  if (text === undefined) {
    if (wanted !== undefined) return { refused: refuse(`${wanted === null ? 'None' : `'${wanted}'`} workflow is specified, but no workflows config exist (${configUrl}); leave workflow out (or null) to push without one`) };
  } else {
    let cfg: unknown;
    try { cfg = parseYaml(text); } catch { cfg = undefined; }
    if (!isRecord(cfg)) return { refused: refuse(`${configUrl} is not a YAML mapping`) };
    const ids = isRecord(cfg.workflows) ? Object.keys(cfg.workflows) : [];
    const id = wanted === undefined ? (typeof cfg.default_workflow === 'string' ? cfg.default_workflow : null) : wanted;
    if (id === null) {
      if (cfg.is_workflow_required !== false) return { refused: refuse(`Workflow required, but none specified: ${configUrl} requires one of ${ids.join(', ') || '(none defined)'}`) };
    } else if (!ids.includes(id)) {
      return { refused: refuse(`There is no '${id}' workflow in config ${configUrl} (known: ${ids.join(', ') || 'none'})`) };
    } else {
      workflow = { config: configUrl, id, schemas: {} };
    }
  }
  return { workflow };
}

/** Pushes a revision (the registry's create), lets the indexer know, and answers as Quilt's PackagePushResult. */
async function pushed(g: GqlContext, registry: PackageRegistry, params: { bucket: string; name: string }, push: () => Promise<PushResult>) {
  try {
    const result = await push();
    g.ctx.indexer.touch(params.bucket, [registry.manifestKey(result.hash), registry.pointerKey(params.name, result.timestamp), registry.pointerKey(params.name, 'latest')]);
    return {
      __typename: 'PackagePushSuccess',
      package: new PackageView(registry, params.bucket, params.name),
      revision: new RevisionView(registry, params.name, result.hash, result.timestamp, result.revision),
    };
  } catch (e) {
    if (e instanceof QuiltValidationError) return invalidInput([{ path: null, name: e.name, message: e.message }]);
    return writeFailure(e);
  }
}

async function packageConstruct(g: GqlContext, a: Args) {
  const params = a.params as { bucket: string; name: string; message?: string | null; userMeta?: unknown; workflow?: string | null };
  const entries = ((a.src as { entries: ConstructEntry[] }).entries);
  const errors: InputErrorShape[] = [];
  const check = (path: string, fn: () => void): void => {
    try { fn(); } catch (e) { errors.push({ path, name: e instanceof QuiltError ? e.name : 'ValidationError', message: (e as Error).message }); }
  };
  // A bucket that is not a bucket name (an https:// URL, s3://...) is bad input, not a permission question.
  check('params.bucket', () => validateBucketName(params.bucket));
  if (errors.length) return invalidInput(errors);
  await g.ctx.authz.requireRead(g.user, params.bucket);
  check('params.name', () => validatePackageName(params.name));
  if (params.userMeta !== undefined && params.userMeta !== null && !isRecord(params.userMeta)) {
    errors.push({ path: 'params.userMeta', name: 'ValidationError', message: 'userMeta must be a JSON object, for example {"team": "genomics"}' });
  }
  if (entries.length > 10_000) errors.push({ path: 'src.entries', name: 'ValidationError', message: `a package built here may have at most 10000 entries; got ${entries.length}` });
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const at = `src.entries[${i}]`;
    check(`${at}.logicalKey`, () => {
      validateLogicalKey(e.logicalKey);
      if (seen.has(e.logicalKey)) throw new QuiltValidationError(`Duplicate logical key ${JSON.stringify(e.logicalKey)}: each logical key may appear once in a package`);
      seen.add(e.logicalKey);
    });
    check(`${at}.physicalKey`, () => parseS3Uri(e.physicalKey));
    if (e.size !== undefined && e.size !== null && (!Number.isSafeInteger(e.size) || e.size < 0)) errors.push({ path: `${at}.size`, name: 'ValidationError', message: `size must be a whole number of bytes; got ${e.size}` });
    if (e.hash && ![CHUNKED_SHA256, LEGACY_SHA256].includes(e.hash.type)) errors.push({ path: `${at}.hash.type`, name: 'ValidationError', message: `hash type must be ${CHUNKED_SHA256} or ${LEGACY_SHA256}; got ${JSON.stringify(e.hash.type)}` });
    if (e.meta !== undefined && e.meta !== null && !isRecord(e.meta)) errors.push({ path: `${at}.meta`, name: 'ValidationError', message: 'meta must be a JSON object' });
  });
  if (errors.length) return invalidInput(errors);

  const registry = g.ctx.packages.registry(g.user, params.bucket);
  const wf = await resolveWorkflow(registry, params);
  if ('refused' in wf) return wf.refused;
  const workflow = wf.workflow;

  // The given sizes and hashes must match the objects (checked before anything is written).
  const store = new S3Store(g.ctx.clients.for(g.user));
  const problems: InputErrorShape[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(8, entries.length) }, async () => {
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      try {
        const loc = parseS3Uri(e.physicalKey);
        const info = await store.head(loc);
        if (e.size !== undefined && e.size !== null && e.size !== info.size) {
          problems.push({ path: `src.entries[${i}].size`, name: 'ValidationError', message: `${e.physicalKey} has ${info.size} bytes, not ${e.size}` });
          continue;
        }
        if (e.hash) {
          const where = { ...loc, ...(loc.versionId === undefined && info.versionId ? { versionId: info.versionId } : {}) };
          const actual = e.hash.type === LEGACY_SHA256 ? await store.legacySha256(where) : await store.chunkedSha256(where, info.size);
          if (actual !== e.hash.value) problems.push({ path: `src.entries[${i}].hash`, name: 'ChecksumMismatch', message: `${e.physicalKey} has ${e.hash.type} ${actual}, not ${e.hash.value}` });
        }
      } catch (err) {
        if (err instanceof QuiltNotFoundError) problems.push({ path: `src.entries[${i}].physicalKey`, name: 'NotFound', message: err.message });
        else if (err instanceof QuiltError && !(err instanceof QuiltServiceError)) problems.push({ path: `src.entries[${i}].physicalKey`, name: err.name, message: err.message });
        else throw err;
      }
    }
  }));
  if (problems.length) return invalidInput(problems);

  return pushed(g, registry, params, () => registry.create(params.name, {
    entries: entries.map((e) => ({ logicalKey: e.logicalKey, source: e.physicalKey, ...(entryUserMeta(e.meta) !== undefined ? { meta: entryUserMeta(e.meta) } : {}) })),
    message: params.message ?? null,
    ...(params.userMeta !== undefined && params.userMeta !== null ? { userMeta: params.userMeta } : {}),
    ...(workflow !== undefined ? { workflow } : {}),
    force: true,
  }));
}

/**
 * packagePromote (Quilt's schema): a revision of a package (src: bucket, name, hash) pushed as a
 * new revision of params.name in params.bucket with every file COPIED to <name>/<logical key>
 * there (quilt3's push with copy of all entries); message, userMeta and workflow from params.
 * destPrefix (another destination folder) is not served here: refused as InvalidInput.
 */
async function packagePromote(g: GqlContext, a: Args) {
  const params = a.params as { bucket: string; name: string; message?: string | null; userMeta?: unknown; workflow?: string | null };
  const src = a.src as { bucket: string; name: string; hash: string };
  const errors: InputErrorShape[] = [];
  const check = (path: string, fn: () => void): void => {
    try { fn(); } catch (e) { errors.push({ path, name: e instanceof QuiltError ? e.name : 'ValidationError', message: (e as Error).message }); }
  };
  check('params.bucket', () => validateBucketName(params.bucket));
  check('src.bucket', () => validateBucketName(src.bucket));
  if (errors.length) return invalidInput(errors);
  await g.ctx.authz.requireRead(g.user, params.bucket);
  await g.ctx.authz.requireRead(g.user, src.bucket);
  check('params.name', () => validatePackageName(params.name));
  check('src.name', () => validatePackageName(src.name));
  check('src.hash', () => validateTopHash(src.hash));
  if (params.userMeta !== undefined && params.userMeta !== null && !isRecord(params.userMeta)) {
    errors.push({ path: 'params.userMeta', name: 'ValidationError', message: 'userMeta must be a JSON object, for example {"team": "genomics"}' });
  }
  if (a.destPrefix !== undefined && a.destPrefix !== null) {
    errors.push({ path: 'destPrefix', name: 'ValidationError', message: 'the local catalog copies a promoted package to <package name>/<logical key> only: leave destPrefix out (null)' });
  }
  if (errors.length) return invalidInput(errors);

  let source: PackageRevision;
  try {
    source = await g.ctx.packages.registry(g.user, src.bucket).browse(src.name, src.hash);
  } catch (e) {
    if (e instanceof QuiltNotFoundError) return invalidInput([{ path: 'src', name: 'NotFound', message: `no revision ${src.hash} of ${src.name} in s3://${src.bucket}: ${e.message}` }]);
    return writeFailure(e);
  }
  const registry = g.ctx.packages.registry(g.user, params.bucket);
  const wf = await resolveWorkflow(registry, params);
  if ('refused' in wf) return wf.refused;
  return pushed(g, registry, params, () => registry.create(params.name, {
    entries: source.entries.map((e) => {
      const meta = e.meta.get('user_meta');
      return { logicalKey: e.logicalKey, source: e.physicalKey, ...(meta !== undefined ? { meta: toPlain(meta) } : {}) };
    }),
    message: params.message ?? null,
    ...(params.userMeta !== undefined && params.userMeta !== null ? { userMeta: params.userMeta } : {}),
    ...(wf.workflow !== undefined ? { workflow: wf.workflow } : {}),
    copy: 'all',
    force: true,
  }));
}

/** browsingSessionCreate / Refresh / Dispose (Quilt's schema): a short-lived capability to read one package revision at /browse/<id>/<logical key>. */
async function browsingSessionCreate(g: GqlContext, a: Args) {
  const ttl = a.ttl === undefined || a.ttl === null ? 180 : Number(a.ttl);
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > 3600) return invalidInput([{ path: 'ttl', name: 'ValidationError', message: `ttl is whole seconds from 1 to 3600; got ${String(a.ttl)}, for example 180` }]);
  let scope: PackageScope;
  try { scope = parsePackageScope(String(a.scope)); } catch (e) {
    return invalidInput([{ path: 'scope', name: 'ValidationError', message: (e as Error).message }]);
  }
  if (!g.ctx.config.buckets.includes(scope.bucket)) return invalidInput([{ path: 'scope', name: 'ValidationError', message: `this catalog does not serve the bucket ${JSON.stringify(scope.bucket)} (it serves ${g.ctx.config.buckets.join(', ')})` }]);
  await g.ctx.authz.requireRead(g.user, scope.bucket);
  let revision: PackageRevision;
  try {
    revision = await g.ctx.packages.registry(g.user, scope.bucket).browse(scope.name, scope.hash);
  } catch (e) {
    if (e instanceof QuiltNotFoundError) return invalidInput([{ path: 'scope', name: 'NotFound', message: e.message }]);
    return writeFailure(e);
  }
  const s = g.ctx.browsing.create(g.user, scope, revision, ttl);
  return { __typename: 'BrowsingSession', id: s.id, expires: s.expires };
}

// ---- root ------------------------------------------------------------------------------------

export const rootValue = {
  me: (_a: Args, g: GqlContext) => {
    // The local catalog's users are RGW users; the bucket owner is its admin. Roles are named after them.
    const role = { name: g.user === g.ctx.config.indexerUser ? 'ReadWriteQuiltBucket' : 'ReadQuiltBucket' };
    return { name: g.user, email: `${g.user}@users.quilt-e2e.local`, isAdmin: g.user === g.ctx.config.indexerUser, role, roles: [role] };
  },

  bucketConfigs: async (_a: Args, g: GqlContext) => {
    const out = [];
    for (const b of g.ctx.config.buckets) if (await g.ctx.authz.access(g.user, b) === 'allowed') out.push(bucketConfig(g, b));
    return out;
  },

  bucketConfig: async (a: Args, g: GqlContext) => {
    const name = String(a.name);
    // Like the registry: a bucket this catalog does not serve has no config.
    if (!g.ctx.config.buckets.includes(name)) return null;
    await g.ctx.authz.requireRead(g.user, name);
    return bucketConfig(g, name);
  },

  packages: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucket);
    await g.ctx.authz.requireRead(g.user, bucket);
    const registry = g.ctx.packages.registry(g.user, bucket);
    const filter = typeof a.filter === 'string' ? a.filter.toLowerCase() : '';
    const names = (await registry.list()).filter((n) => n.toLowerCase().includes(filter)).sort();
    return {
      total: names.length,
      page: async (p: Args) => {
        const { number, perPage } = pageArgs(p);
        let ordered = names;
        if (p.order === 'MODIFIED') {
          const dated = await Promise.all(names.map(async (n) => ({ n, t: Number((await registry.revisions(n))[0]?.timestamp ?? 0) })));
          ordered = dated.sort((x, y) => y.t - x.t || (x.n < y.n ? -1 : 1)).map((d) => d.n);
        }
        return ordered.slice((number - 1) * perPage, number * perPage).map((n) => new PackageView(registry, bucket, n));
      },
    };
  },

  package: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucket);
    const name = String(a.name);
    await g.ctx.authz.requireRead(g.user, bucket);
    try { validatePackageName(name); } catch (e) { throw new HttpError(400, 'InvalidInput', (e as Error).message); }
    const registry = g.ctx.packages.registry(g.user, bucket);
    return (await packageExists(registry, name)) ? new PackageView(registry, bucket, name) : null;
  },

  searchObjects: (a: Args, g: GqlContext) => searchObjects(g, a),
  searchPackages: (a: Args, g: GqlContext) => searchPackages(g, a),

  packageConstruct: (a: Args, g: GqlContext) => packageConstruct(g, a),
  packagePromote: (a: Args, g: GqlContext) => packagePromote(g, a),

  browsingSessionCreate: (a: Args, g: GqlContext) => browsingSessionCreate(g, a),
  browsingSessionRefresh: (a: Args, g: GqlContext) => {
    const ttl = a.ttl === undefined || a.ttl === null ? 180 : Number(a.ttl);
    if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > 3600) return invalidInput([{ path: 'ttl', name: 'ValidationError', message: `ttl is whole seconds from 1 to 3600; got ${String(a.ttl)}, for example 180` }]);
    const s = g.ctx.browsing.refresh(String(a.id), g.user, ttl);
    return s ? { __typename: 'BrowsingSession', id: s.id, expires: s.expires } : operationError('NotFound', `no browsing session ${JSON.stringify(a.id)} of yours: it expired or never existed; create one with browsingSessionCreate`);
  },
  browsingSessionDispose: (a: Args, g: GqlContext) => (g.ctx.browsing.dispose(String(a.id), g.user)
    ? { __typename: 'Ok', _: true }
    : operationError('NotFound', `no browsing session ${JSON.stringify(a.id)} of yours`)),

  packageRevisionDelete: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucket);
    await g.ctx.authz.requireRead(g.user, bucket);
    const errors: InputErrorShape[] = [];
    try { validatePackageName(a.name); } catch (e) { errors.push({ path: 'name', name: 'ValidationError', message: (e as Error).message }); }
    try { validateTopHash(a.hash); } catch (e) { errors.push({ path: 'hash', name: 'ValidationError', message: (e as Error).message }); }
    if (errors.length) return operationError('InvalidInput', errors.map((e) => e.message).join('; '));
    try {
      const registry = g.ctx.packages.registry(g.user, bucket);
      const r = await registry.deleteRevision(String(a.name), String(a.hash));
      g.ctx.indexer.touch(bucket, [...r.deletedPointers, 'latest'].map((p) => registry.pointerKey(String(a.name), p)));
      return { __typename: 'PackageRevisionDeleteSuccess', _: true };
    } catch (e) {
      return writeFailure(e);
    }
  },

  bucketSetTabulatorTable: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucketName);
    const table = String(a.tableName);
    await g.ctx.authz.requireRead(g.user, bucket);
    if (!TABLE_NAME_RE.test(table)) return invalidInput([{ path: 'tableName', name: 'ValidationError', message: `table name ${JSON.stringify(table)} must be lowercase letters, digits, "_" or "-" (up to 128), for example "sales_2024"` }]);
    const key = `${TABULATOR_PREFIX}${table}.yml`;
    const s3 = g.ctx.clients.for(g.user);
    try {
      if (a.config === null || a.config === undefined) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } else {
        try {
          parseTabulatorConfig(String(a.config), table);
        } catch (e) {
          if (!(e instanceof TabulatorConfigError)) throw e;
          return invalidInput(e.problems.map((p) => ({
            path: p.path ? `config.${p.path}` : 'config', name: 'ValidationError',
            message: `${p.line !== undefined ? `line ${p.line}, column ${p.column}: ` : ''}${p.message}`,
          })));
        }
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(String(a.config), 'utf8'), ContentType: 'application/yaml' }));
      }
    } catch (e) {
      return writeFailure(e);
    }
    // The SQL side follows at once: the table's view is (re)built or dropped on Trino.
    try {
      await stackTabulator().refreshTable(bucket, table, { force: true, yaml: a.config == null ? null : String(a.config) });
    } catch (e) {
      if (e instanceof TabulatorError) return operationError('TabulatorError', e.message);
      throw e;
    }
    return bucketConfig(g, bucket);
  },
};
