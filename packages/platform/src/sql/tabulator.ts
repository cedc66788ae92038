/**
 * Tabulator on the local stack: a Tabulator table (YAML config, tabulator-config.ts) becomes a
 * Trino view `hive."<bucket>"."<table>"` over exactly the files its config matches in the LATEST
 * revision of every matching package, with Quilt's added columns $pkg_name, $logical_key,
 * $physical_key and $top_hash.
 *
 * How Trino reads exactly the matched files (files of a package live at arbitrary S3 keys):
 *  1. Resolve: list `.quilt/named_packages/<literal prefix of package_name>`, keep the packages
 *     whose name matches, read their `latest` pointer and manifest (package engine), keep the
 *     entries whose logical key matches; named groups give the group columns.
 *  2. Pin versions: a manifest names an exact object version (?versionId=). When that version is
 *     the key's current version the file is read in place; otherwise (overwritten or deleted
 *     since), or when Hive could not read it in place (a name starting with "." or "_", a key at
 *     the bucket root), the exact version is copied once (CopyObject) into the scratch bucket
 *     (no notifications) under tabulator/<bucket>/<table>/ and read there.
 *  3. Locations: the files are covered by as few external Hive tables as possible. A table's
 *     location is read recursively (hive.recursive-directories), so the planner starts at the
 *     files' longest common folder and accepts it when listing it is cheap (at most
 *     1000 + 10 × files objects, counted with ListObjectsV2) and no folder between it and a file
 *     starts with "." or "_" (Hive skips those); otherwise it splits by the next path segment.
 *     100 packages under one prefix → one table; scattered files → a few.
 *  4. One view: per location (and per CSV column layout) a branch
 *        SELECT <columns>, "$path" FROM <external table> WHERE "$path" IN (<the matched files>)
 *     — the "$path" predicate is applied by the Hive connector when it enumerates files, so no
 *     other file under the location is opened — UNION ALL, joined to an inline VALUES list
 *     mapping each file to its $pkg_name, $logical_key, $physical_key, $top_hash and group values
 *     (a file shared by two packages yields its rows once per package). CSV columns arrive as
 *     varchar and are cast to the schema's types in the view; a value that does not fit fails the
 *     query with a message naming the table, column, package and logical key (or becomes NULL with
 *     continue_on_error). CSV columns are taken by position, as Quilt's Tabulator takes them;
 *     header: true (default false) only says the first line is names, not data.
 *
 * Freshness: the view is a snapshot of the packages at its last refresh. refreshTable() is cheap
 * when nothing changed: one ListObjectsV2 of the matching pointers (their ETags fingerprint every
 * package's `latest`) plus one metadata query for the fingerprint stored in the view's COMMENT;
 * it rebuilds only when the config or any matching package's `latest` changed. It runs
 *   - on set (setTabulatorTable), and
 *   - before every query of the suite's query adapter that names a Tabulator table
 *     (TrinoQueryEngine's `beforeStart` → refreshForQuery), so a push is visible on the next
 *     query; the catalog may also call refreshTables(bucket) on package events.
 * The configs themselves live where the catalog's bucketSetTabulatorTable keeps them:
 * s3://<bucket>/.quilt/tabulator/<table>.yml.
 */
import { createHash } from 'node:crypto';
import { faultIs } from '../faults.js';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { TABULATOR_INTERNAL_SCHEMA, TRINO_CATALOG } from '@quilt-e2e/constants';
import { loadPlatformEnv, platformS3Client, platformTrino, type PlatformEnv } from '../platform-env.js';
import { TrinoQueryError, type TrinoClient, ident, literal, qualified } from '@quilt-e2e/trino-rest';
import {
  mapLimit, QuiltNotFoundError, type Manifest, parsePhysicalKey, type S3Location, PackageRegistry, S3Store,
} from '@quilt-e2e/quilt-js';
import { countKeys, deletePrefix, ensureScratchBucket, listKeys, DEFAULT_SCRATCH_BUCKET } from './scratch.js';
import {
  ADDED_COLUMNS, parseTabulatorConfig, validateTableName, type TabulatorColumn, type TabulatorConfig, type TabulatorType,
} from './tabulator-config.js';

/** Changing the way views are built changes every fingerprint, so old views are rebuilt. */
const BUILDER_VERSION = 'quilt-e2e tabulator v1';
const COMMENT_PREFIX = 'quilt-e2e tabulator ';
export const TABULATOR_CONFIG_PREFIX = '.quilt/tabulator/';
/** The schema holding the external tables behind the views. */
export { TABULATOR_INTERNAL_SCHEMA };
const CONCURRENCY = 16;

/** Trino's type for each Tabulator type. */
export const TRINO_TYPES: Record<TabulatorType, string> = {
  BOOLEAN: 'boolean', TINYINT: 'tinyint', SMALLINT: 'smallint', INT: 'integer', BIGINT: 'bigint', FLOAT: 'real',
  DOUBLE: 'double', STRING: 'varchar', BINARY: 'varbinary', DATE: 'date', TIMESTAMP: 'timestamp(3)',
};

/** A refresh could not build the table (a matched file is unreadable, a CSV lacks a column, ...). */
export class TabulatorError extends Error {
  override name = 'TabulatorError';
  constructor(readonly bucket: string, readonly table: string, message: string, options?: { cause?: unknown }) {
    super(`Tabulator table ${JSON.stringify(table)} of s3://${bucket}: ${message}`, options);
  }
}

export interface TabulatorOptions {
  /** Reads packages and objects, writes pinned copies (the stack's admin). */
  s3: S3Client;
  /** Runs the DDL. */
  trino: TrinoClient;
  /** Default "hive". */
  catalog?: string;
  /** The schema of a bucket's Tabulator tables; default: the bucket name (as Athena's database = bucket). */
  schemaFor?: (bucket: string) => string;
  /** Default quilt_e2e_tabulator. */
  internalSchema?: string;
  /** Default quilt-e2e-scratch. */
  scratchBucket?: string;
  /** Buckets refreshForQuery() looks at (default: the stack's test bucket). */
  buckets?: string[];
  /** Per-statement deadline of the DDL (default 60 s). */
  deadlineMs?: number;
}

/** A table refreshTables() could not refresh, with the reason. */
export interface TabulatorRefreshFailure { bucket: string; table: string; status: 'failed'; error: Error }

export interface TabulatorRefresh {
  bucket: string;
  table: string;
  /** The view, fully qualified and quoted: hive."quilt-e2e"."samples". */
  view: string;
  /** fresh: nothing changed; rebuilt: the view was (re)made; removed: the config is gone and so is the view. */
  status: 'fresh' | 'rebuilt' | 'removed';
  fingerprint?: string;
  /** Matching packages (by name, with a `latest`). */
  packages: number;
  /** Matched files the view reads (rebuilt only). */
  files?: number;
  /** External table locations (rebuilt only). */
  locations?: string[];
  /** Files read from a pinned copy in the scratch bucket (rebuilt only). */
  pinnedCopies?: number;
  /** Files skipped because of continue_on_error, with the reason. */
  issues: string[];
  ms: number;
}

interface LatestPointer { name: string; etag: string; key: string }

interface MatchedFile {
  pkg: string;
  topHash: string;
  logicalKey: string;
  physicalKey: string;
  size: number;
  groups: Array<string | null>;
  source: S3Location;
  /** Where Trino reads it. */
  read: { bucket: string; key: string };
  pinned: boolean;
  /** CSV: for each schema column, its position in the file's rows (-1: absent → NULL). */
  layout: number[];
  /** CSV: the number of columns of the file. */
  width: number;
}

interface LocationGroup { bucket: string; prefix: string; files: MatchedFile[] }

/** Manifests are content-addressed: parsed ones are kept (bounded by total entries). */
const manifestCache = new Map<string, Manifest>();
let cachedEntries = 0;
function rememberManifest(key: string, m: Manifest): void {
  if (manifestCache.has(key)) return;
  manifestCache.set(key, m);
  cachedEntries += m.entries.length + 1;
  while (cachedEntries > 500_000 && manifestCache.size > 1) {
    const [k, old] = manifestCache.entries().next().value as [string, Manifest];
    manifestCache.delete(k);
    cachedEntries -= old.entries.length + 1;
  }
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The literal text every match of an anchored pattern starts with ('' when there is none). */
export function literalPrefix(pattern: RegExp): string {
  if (pattern.flags.includes('i') || !pattern.source.startsWith('^') || pattern.source.includes('|')) return '';
  let out = '';
  const s = pattern.source;
  for (let i = 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      const next = s[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break; // \d, \w, \b ...: not a literal
      out += next;
      i++;
      continue;
    }
    if ('.[](){}*+?^$'.includes(ch)) {
      if ('*?{'.includes(ch)) out = out.slice(0, -1); // the last character is optional
      break;
    }
    out += ch;
  }
  return out;
}

const dirOf = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1);
const hiddenSegment = (seg: string): boolean => seg.startsWith('.') || seg.startsWith('_');

/** Hive reads `key` below location prefix `prefix` only when no path part below it is hidden. */
function readableBelow(prefix: string, key: string): boolean {
  return key.startsWith(prefix) && !key.slice(prefix.length).split('/').some(hiddenSegment);
}

/** The longest common folder ("a/b/") of the keys. */
function commonFolder(keys: string[]): string {
  let common = dirOf(keys[0] ?? '');
  for (const k of keys) {
    while (!k.startsWith(common)) common = dirOf(common.slice(0, -1));
  }
  return common;
}

export class Tabulator {
  readonly catalog: string;
  readonly internalSchema: string;
  readonly scratchBucket: string;
  private readonly store: S3Store;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly options: TabulatorOptions) {
    this.catalog = options.catalog ?? TRINO_CATALOG;
    this.internalSchema = options.internalSchema ?? TABULATOR_INTERNAL_SCHEMA;
    this.scratchBucket = options.scratchBucket ?? DEFAULT_SCRATCH_BUCKET;
    this.store = new S3Store(options.s3);
  }

  /** Tabulator for the local stack: admin S3 keys, the stack's Trino, the test bucket. */
  static forStack(p: PlatformEnv = loadPlatformEnv(), options: Partial<TabulatorOptions> = {}): Tabulator {
    return new Tabulator({ s3: platformS3Client(p), trino: platformTrino(p), buckets: [p.testBucket], ...options });
  }

  /** The schema of a bucket's Tabulator tables (default: the bucket's name). */
  schema(bucket: string): string {
    return this.options.schemaFor?.(bucket) ?? bucket;
  }

  /** hive."<bucket>"."<table>" */
  viewName(bucket: string, table: string): string {
    return qualified(this.catalog, this.schema(bucket), table);
  }

  configKey(table: string): string {
    return `${TABULATOR_CONFIG_PREFIX}${table}.yml`;
  }

  private get deadlineMs(): number { return this.options.deadlineMs ?? 60_000; }

  private sql(statement: string): ReturnType<TrinoClient['query']> {
    return this.options.trino.query(statement, { deadlineMs: this.deadlineMs });
  }

  /** Runs one refresh per table at a time (concurrent callers wait for the running one). */
  private serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => { if (this.locks.get(key) === tail) this.locks.delete(key); });
    return run;
  }

  // ---- configs in S3 ------------------------------------------------------------------------

  /** The names of the tables configured for a bucket (.quilt/tabulator/<name>.yml|yaml). */
  async listTables(bucket: string): Promise<string[]> {
    const keys = await listKeys(this.options.s3, bucket, TABULATOR_CONFIG_PREFIX);
    const names = keys.map((k) => /^\.quilt\/tabulator\/([^/]+)\.ya?ml$/.exec(k)?.[1]).filter((n): n is string => n !== undefined);
    return [...new Set(names)].sort();
  }

  /** The stored YAML of a table, or undefined. */
  async readConfig(bucket: string, table: string): Promise<string | undefined> {
    for (const key of [this.configKey(table), `${TABULATOR_CONFIG_PREFIX}${table}.yaml`]) {
      const text = await this.store.getTextIfExists(bucket, key);
      if (text !== undefined) return text;
    }
    return undefined;
  }

  /**
   * Sets (or with null removes) a table: validates the YAML (TabulatorConfigError naming line
   * and field), stores it at s3://<bucket>/.quilt/tabulator/<table>.yml (unless store: false,
   * e.g. when the catalog stored it already) and builds or drops the view.
   */
  async setTable(bucket: string, table: string, yaml: string | null, options: { store?: boolean; storeClient?: S3Client } = {}): Promise<TabulatorRefresh> {
    validateTableName(table);
    if (yaml !== null) parseTabulatorConfig(yaml, table);
    const store = options.storeClient ? new S3Store(options.storeClient) : this.store;
    if (options.store !== false) {
      if (yaml === null) {
        await store.delete(bucket, this.configKey(table));
        if (await this.store.getTextIfExists(bucket, `${TABULATOR_CONFIG_PREFIX}${table}.yaml`) !== undefined) await store.delete(bucket, `${TABULATOR_CONFIG_PREFIX}${table}.yaml`);
      } else {
        await store.put(bucket, this.configKey(table), yaml);
      }
    }
    return this.refreshTable(bucket, table, { force: true, yaml });
  }

  // ---- refresh --------------------------------------------------------------------------------

  /**
   * Brings one table's view up to date with its config and packages; cheap when nothing changed.
   * `yaml`: use this config instead of reading the stored one (null: the table is removed).
   */
  async refreshTable(bucket: string, table: string, options: { force?: boolean; yaml?: string | null } = {}): Promise<TabulatorRefresh> {
    return this.serialized(`${bucket}/${table}`, () => this.refreshNow(bucket, table, options));
  }

  /**
   * Refreshes every table configured for the bucket, each on its own: a table that cannot be
   * refreshed (a broken config, a file gone) is answered as `failed` and does not keep the others stale.
   */
  async refreshTables(bucket: string, options: { force?: boolean } = {}): Promise<Array<TabulatorRefresh | TabulatorRefreshFailure>> {
    const tables = await this.listTables(bucket);
    return mapLimit(tables, 4, (table) => this.refreshTable(bucket, table, options)
      .catch((e: unknown): TabulatorRefreshFailure => ({ bucket, table, status: 'failed', error: e instanceof Error ? e : new Error(String(e)) })));
  }

  /**
   * Refreshes the Tabulator tables a SQL statement names (as "<bucket>"."<table>", or unqualified
   * when `database` is a Tabulator schema). Meant for TrinoQueryEngine's beforeStart hook.
   */
  async refreshForQuery(sql: string, database?: string): Promise<void> {
    const lower = sql.toLowerCase();
    for (const bucket of this.options.buckets ?? []) {
      const schema = this.schema(bucket).toLowerCase();
      const unquoted = /^[a-z_][a-z0-9_]*$/.test(schema);
      const inDefault = database?.toLowerCase() === schema;
      if (!inDefault && !lower.includes(`"${schema}"`) && !(unquoted && new RegExp(`\\b${schema}\\s*\\.`).test(lower))) continue;
      const tables = await this.listTables(bucket);
      const named = tables.filter((t) => {
        const quotedRef = lower.includes(`"${schema}"."${t}"`) || (unquoted && new RegExp(`\\b${schema}\\s*\\.\\s*"${t}"`).test(lower));
        const plainRef = /^[a-z_][a-z0-9_]*$/.test(t) && new RegExp(`(^|[^\\w."])(${unquoted ? `${schema}|` : ''}"${schema}")\\s*\\.\\s*${t}\\b`).test(lower);
        const bare = inDefault && (lower.includes(`"${t}"`) || (/^[a-z_][a-z0-9_]*$/.test(t) && new RegExp(`\\b${t}\\b`).test(lower)));
        return quotedRef || plainRef || bare;
      });
      await Promise.all(named.map((t) => this.refreshTable(bucket, t)));
    }
  }

  private async viewComment(bucket: string, table: string): Promise<string | undefined> {
    const r = await this.sql(`SELECT comment FROM system.metadata.table_comments
      WHERE catalog_name = ${literal(this.catalog)} AND schema_name = ${literal(this.schema(bucket))} AND table_name = ${literal(table)}`);
    const c = r.rows[0]?.[0];
    return typeof c === 'string' ? c : undefined;
  }

  /** `latest` pointers of the packages whose name matches, with their ETags (one list, no GETs). */
  private async latestPointers(bucket: string, config: TabulatorConfig): Promise<LatestPointer[]> {
    const root = '.quilt/named_packages/';
    const prefix = `${root}${literalPrefix(config.source.packageName)}`;
    const out: LatestPointer[] = [];
    let token: string | undefined;
    do {
      const r = await this.options.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) {
        const m = /^\.quilt\/named_packages\/([^/]+\/[^/]+)\/latest$/.exec(o.Key ?? '');
        if (m && config.source.packageName.test(m[1]!)) out.push({ name: m[1]!, etag: o.ETag ?? '', key: o.Key! });
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async refreshNow(bucket: string, table: string, options: { force?: boolean; yaml?: string | null }): Promise<TabulatorRefresh> {
    const started = Date.now();
    validateTableName(table);
    const view = this.viewName(bucket, table);
    const yaml = options.yaml !== undefined ? options.yaml : await this.readConfig(bucket, table) ?? null;
    if (yaml === null) {
      await this.dropNow(bucket, table);
      return { bucket, table, view, status: 'removed', packages: 0, issues: [], ms: Date.now() - started };
    }
    const config = parseTabulatorConfig(yaml, table);
    const [pointers, comment] = await Promise.all([this.latestPointers(bucket, config), options.force ? Promise.resolve(undefined) : this.viewComment(bucket, table)]);
    const fingerprint = sha(JSON.stringify([BUILDER_VERSION, yaml, this.catalog, this.internalSchema, this.scratchBucket, pointers.map((p) => [p.name, p.etag])]));
    if (!options.force && comment === `${COMMENT_PREFIX}${fingerprint}`) {
      return { bucket, table, view, status: 'fresh', fingerprint, packages: pointers.length, issues: [], ms: Date.now() - started };
    }
    const issues: string[] = [];
    const files = await this.resolveFiles(bucket, table, config, pointers, issues);
    if (config.parser.format !== 'parquet') this.readLayouts(files, config);
    const usable = files.filter((f) => f.layout.length > 0 || config.parser.format === 'parquet');
    const groups = await this.planLocations(usable, table, bucket);
    const backing = await this.materialize(bucket, table, config, groups, fingerprint);
    await this.collectGarbage(bucket, table, backing, usable);
    return {
      bucket, table, view, status: 'rebuilt', fingerprint, packages: pointers.length, files: usable.length,
      locations: groups.map((g) => `s3://${g.bucket}/${g.prefix}`), pinnedCopies: usable.filter((f) => f.pinned).length, issues, ms: Date.now() - started,
    };
  }

  /** A problem with one file: skipped under continue_on_error, fatal otherwise. */
  private problem(bucket: string, table: string, config: TabulatorConfig, issues: string[], message: string, cause?: unknown): void {
    if (!config.continueOnError) throw new TabulatorError(bucket, table, `${message} (set continue_on_error: true to skip such files)`, { cause });
    issues.push(message);
  }

  /** Steps 1 and 2: the matched files of every matching package's latest revision, placed for reading. */
  private async resolveFiles(bucket: string, table: string, config: TabulatorConfig, pointers: LatestPointer[], issues: string[]): Promise<MatchedFile[]> {
    const registry = new PackageRegistry(this.options.s3, bucket);
    const perPackage = await mapLimit(pointers, CONCURRENCY, async (p) => {
      const hash = (await this.store.getTextIfExists(bucket, p.key))?.trim();
      if (!hash) return [];
      let manifest = manifestCache.get(`${bucket}/${hash}`);
      if (!manifest) {
        try {
          manifest = await registry.readManifest(hash);
        } catch (e) {
          this.problem(bucket, table, config, issues, `package ${p.name}: cannot read its latest revision ${hash}: ${(e as Error).message}`, e);
          return [];
        }
        rememberManifest(`${bucket}/${hash}`, manifest);
      }
      const pkgGroups = config.source.packageName.exec(p.name)?.groups ?? {};
      const out: MatchedFile[] = [];
      for (const e of manifest.entries) {
        const m = config.source.logicalKey.exec(e.logicalKey);
        if (!m) continue;
        const where = `${p.name}:${e.logicalKey}`;
        let source: S3Location;
        try {
          const pk = parsePhysicalKey(e.physicalKey, `entry ${JSON.stringify(e.logicalKey)} of ${p.name}`);
          if (pk.scheme !== 's3') throw new Error(`its physical key ${e.physicalKey} is a local file; Tabulator reads S3 objects only`);
          source = { bucket: pk.bucket, key: pk.key, ...(pk.versionId ? { versionId: pk.versionId } : {}) };
        } catch (err) {
          this.problem(bucket, table, config, issues, `${where}: ${(err as Error).message}`, err);
          continue;
        }
        const groups = [
          ...config.source.packageNameGroups.map((g) => pkgGroups[g] ?? null),
          ...config.source.logicalKeyGroups.map((g) => m.groups?.[g] ?? null),
        ];
        out.push({ pkg: p.name, topHash: hash, logicalKey: e.logicalKey, physicalKey: e.physicalKey, size: e.size, groups, source, read: { bucket: source.bucket, key: source.key }, pinned: false, layout: [], width: 0 });
      }
      return out;
    });
    const files = perPackage.flat();
    await ensureScratchBucket(this.options.s3, this.scratchBucket);
    const pinPrefix = this.pinPrefix(bucket, table);
    const placed = await mapLimit(files, CONCURRENCY, async (f) => {
      const key = f.source.key;
      let inPlace = key.includes('/') && !hiddenSegment(key.slice(key.lastIndexOf('/') + 1)) && !key.includes('//');
      try {
        if (inPlace && f.source.versionId) {
          const current = await this.store.head({ bucket: f.source.bucket, key }).catch((e: unknown) => {
            if (e instanceof QuiltNotFoundError) return undefined; // deleted since: read the pinned version
            throw e;
          });
          inPlace = current?.versionId === f.source.versionId || (current !== undefined && current.versionId === undefined);
        }
        if (inPlace) return f;
        const base = key.slice(key.lastIndexOf('/') + 1).replace(/^[._]+/, '') || 'file';
        const pinKey = `${pinPrefix}${sha(f.physicalKey).slice(0, 24)}/${base}`;
        const exists = await this.store.head({ bucket: this.scratchBucket, key: pinKey }).then(() => true, (e: unknown) => {
          if (e instanceof QuiltNotFoundError) return false;
          throw e;
        });
        if (!exists) await this.store.copy(f.source, this.scratchBucket, pinKey);
        return { ...f, read: { bucket: this.scratchBucket, key: pinKey }, pinned: true };
      } catch (e) {
        this.problem(bucket, table, config, issues, `${f.pkg}:${f.logicalKey}: cannot read ${f.physicalKey}: ${(e as Error).message}`, e);
        return undefined;
      }
    });
    return placed.filter((f): f is MatchedFile => f !== undefined);
  }

  private pinPrefix(bucket: string, table: string): string {
    return `tabulator/${bucket}/${table}/`;
  }

  /**
   * CSV: each schema column is the file's column at the same position, with or without a header
   * line (Quilt's Tabulator: "these names do not need to match the column names in the document").
   */
  private readLayouts(files: MatchedFile[], config: TabulatorConfig): void {
    for (const f of files) { f.layout = config.schema.map((_, i) => i); f.width = config.schema.length; }
  }

  /** Step 3: as few external-table locations as cover every file cheaply (see the file comment). */
  private async planLocations(files: MatchedFile[], table: string, bucket: string): Promise<LocationGroup[]> {
    const out: LocationGroup[] = [];
    const pinned = files.filter((f) => f.pinned);
    if (pinned.length > 0) out.push({ bucket: this.scratchBucket, prefix: this.pinPrefix(bucket, table), files: pinned });
    const byBucket = new Map<string, MatchedFile[]>();
    for (const f of files.filter((x) => !x.pinned)) byBucket.set(f.read.bucket, [...(byBucket.get(f.read.bucket) ?? []), f]);
    for (const [b, list] of byBucket) out.push(...await this.planPrefix(b, list, commonFolder(list.map((f) => f.read.key))));
    return out;
  }

  private async planPrefix(bucket: string, files: MatchedFile[], prefix: string): Promise<LocationGroup[]> {
    const direct = files.filter((f) => dirOf(f.read.key) === prefix);
    if (prefix !== '' && files.every((f) => readableBelow(prefix, f.read.key))) {
      if (direct.length > 0) return [{ bucket, prefix, files }];
      const cap = 1000 + 10 * files.length;
      if (await countKeys(this.options.s3, bucket, prefix, cap) <= cap) return [{ bucket, prefix, files }];
    }
    const out: LocationGroup[] = direct.length > 0 ? [{ bucket, prefix, files: direct }] : [];
    const bySegment = new Map<string, MatchedFile[]>();
    for (const f of files) {
      if (direct.includes(f)) continue;
      const seg = f.read.key.slice(prefix.length).split('/', 1)[0]!;
      bySegment.set(seg, [...(bySegment.get(seg) ?? []), f]);
    }
    for (const group of bySegment.values()) out.push(...await this.planPrefix(bucket, group, commonFolder(group.map((f) => f.read.key))));
    return out;
  }

  private backingPrefix(bucket: string, table: string): string {
    return `t_${sha(`${bucket}/${table}`).slice(0, 10)}_`;
  }

  /** The external table behind one location group: its name and CREATE statement. */
  private backingTable(bucket: string, table: string, config: TabulatorConfig, g: LocationGroup): { name: string; sql: string; columns: string[] } {
    const location = `s3://${g.bucket}/${g.prefix.replace(/\/$/, '')}`;
    let columns: string[];
    let props: string;
    if (config.parser.format === 'parquet') {
      columns = config.schema.map((c) => c.name);
      const defs = config.schema.map((c) => `${ident(c.name)} ${TRINO_TYPES[c.type]}`).join(', ');
      props = `format = 'PARQUET', external_location = ${literal(location)}`;
      const name = `${this.backingPrefix(bucket, table)}${sha(JSON.stringify([location, defs, props])).slice(0, 12)}`;
      return { name, columns, sql: `CREATE TABLE IF NOT EXISTS ${qualified(this.catalog, this.internalSchema, name)} (${defs}) WITH (${props})` };
    }
    const width = Math.max(1, ...g.files.map((f) => f.width));
    columns = Array.from({ length: width }, (_, i) => `c${i}`);
    const defs = columns.map((c) => `${ident(c)} varchar`).join(', ');
    props = `format = 'CSV', external_location = ${literal(location)}, csv_separator = ${literal(config.parser.delimiter)}${config.parser.header ? ', skip_header_line_count = 1' : ''}`;
    const name = `${this.backingPrefix(bucket, table)}${sha(JSON.stringify([location, defs, props])).slice(0, 12)}`;
    return { name, columns, sql: `CREATE TABLE IF NOT EXISTS ${qualified(this.catalog, this.internalSchema, name)} (${defs}) WITH (${props})` };
  }

  /** The view's expression for one schema column, from the branch value d.<col>. */
  private columnExpr(bucket: string, table: string, config: TabulatorConfig, c: TabulatorColumn): string {
    const v = `d.${ident(c.name)}`;
    const type = TRINO_TYPES[c.type];
    const where = `' of ' || m."$pkg_name" || ':' || m."$logical_key"`;
    const label = `Tabulator table ${JSON.stringify(`${bucket}.${table}`)}: column ${c.name} (${c.type})`;
    let typed: string;
    if (config.parser.format === 'parquet' || c.type === 'STRING') {
      typed = v;
    } else if (c.type === 'BINARY') {
      typed = `to_utf8(${v})`;
    } else {
      const prep = c.type === 'TIMESTAMP'
        ? `regexp_replace(replace(NULLIF(trim(${v}), ''), 'T', ' '), 'Z$', '')`
        : c.type === 'BOOLEAN' ? `lower(NULLIF(trim(${v}), ''))` : `NULLIF(trim(${v}), '')`;
      typed = config.continueOnError
        ? `TRY_CAST(${prep} AS ${type})`
        : `COALESCE(TRY_CAST(${prep} AS ${type}), CASE WHEN ${prep} IS NULL THEN NULL ELSE fail(${literal(`${label} cannot hold the value "`)} || ${v} || '"' || ${where}) END)`;
    }
    if (!c.nullable && !config.continueOnError) {
      // A CSV has no NULL: an empty field of a non-string column is one.
      const missing = config.parser.format === 'parquet' || c.type === 'STRING' ? `${v} IS NULL` : `(${v} IS NULL OR trim(${v}) = '')`;
      typed = `CASE WHEN ${missing} THEN fail(${literal(`${label} has no value (nullable: false)`)} || ${where}) ELSE ${typed} END`;
    }
    // Fault altered-sql-row: every whole number one more than the file says.
    if (faultIs('altered-sql-row') && ['INT', 'BIGINT'].includes(c.type)) typed = `(${typed} + 1)`;
    return `${typed} AS ${ident(c.name)}`;
  }

  /** Step 4: backing tables, then the view (with the fingerprint in its comment). */
  private async materialize(bucket: string, table: string, config: TabulatorConfig, groups: LocationGroup[], fingerprint: string): Promise<Set<string>> {
    const schema = this.schema(bucket);
    await this.sql(`CREATE SCHEMA IF NOT EXISTS ${qualified(this.catalog, this.internalSchema)}`);
    await this.sql(`CREATE SCHEMA IF NOT EXISTS ${qualified(this.catalog, schema)}`);
    const groupCols = [...config.source.packageNameGroups, ...config.source.logicalKeyGroups];
    const comment = literal(`${COMMENT_PREFIX}${fingerprint}`);
    const view = this.viewName(bucket, table);
    const files = groups.flatMap((g) => g.files);
    if (files.length === 0) {
      const cols = [
        ...config.schema.map((c) => `CAST(NULL AS ${TRINO_TYPES[c.type]}) AS ${ident(c.name)}`),
        ...[...groupCols, ...ADDED_COLUMNS].map((n) => `CAST(NULL AS varchar) AS ${ident(n)}`),
      ];
      await this.sql(`CREATE OR REPLACE VIEW ${view} COMMENT ${comment} AS SELECT ${cols.join(', ')} WHERE false`);
      return new Set();
    }
    const branches: string[] = [];
    const backing = new Set<string>();
    for (const g of groups) {
      const t = this.backingTable(bucket, table, config, g);
      backing.add(t.name);
      try {
        await this.sql(t.sql);
      } catch (e) {
        if (!(e instanceof TrinoQueryError && /ALREADY_EXISTS/.test(e.errorName))) throw e;
      }
      // One branch per column layout (CSV files may order their columns differently).
      const byLayout = new Map<string, MatchedFile[]>();
      for (const f of g.files) {
        const k = config.parser.format === 'parquet' ? '' : f.layout.join(',');
        byLayout.set(k, [...(byLayout.get(k) ?? []), f]);
      }
      for (const list of byLayout.values()) {
        const cols = config.schema.map((c, i) => {
          if (config.parser.format === 'parquet') return `${ident(c.name)} AS ${ident(c.name)}`;
          const pos = list[0]!.layout[i]!;
          return `${pos < 0 ? 'CAST(NULL AS varchar)' : ident(`c${pos}`)} AS ${ident(c.name)}`;
        });
        const paths = [...new Set(list.map((f) => `s3://${f.read.bucket}/${f.read.key}`))].map(literal);
        branches.push(`SELECT ${cols.join(', ')}, "$path" AS "$file" FROM ${qualified(this.catalog, this.internalSchema, t.name)} WHERE "$path" IN (${paths.join(', ')})`);
      }
    }
    const valueRows = files.map((f) => `(${[`s3://${f.read.bucket}/${f.read.key}`, ...f.groups, f.pkg, f.logicalKey, f.physicalKey, f.topHash].map((v) => (v === null ? 'CAST(NULL AS varchar)' : literal(v))).join(', ')})`);
    const mapCols = ['$file', ...groupCols, ...ADDED_COLUMNS].map(ident).join(', ');
    const select = [
      ...config.schema.map((c) => this.columnExpr(bucket, table, config, c)),
      ...groupCols.map((g) => `m.${ident(g)}`),
      ...ADDED_COLUMNS.map((a) => `m.${ident(a)}`),
    ];
    const text = `CREATE OR REPLACE VIEW ${view} COMMENT ${comment} AS
SELECT ${select.join(',\n  ')}
FROM (${branches.join('\nUNION ALL\n')}) d
JOIN (VALUES ${valueRows.join(',\n  ')}) AS m(${mapCols}) ON d."$file" = m."$file"`;
    if (text.length > 900_000) {
      throw new TabulatorError(bucket, table, `matches ${files.length} files, too many for one view on the local engine (its SQL would be ${text.length} characters; Trino accepts 1,000,000): narrow source.package_name or source.logical_key`);
    }
    // Trino's file metastore answers ALREADY_EXISTS to a CREATE OR REPLACE VIEW that races another one
    // for the same view (the catalog's refresher and a direct refresh): the other writer's view is
    // replaced on the next try.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sql(text);
        break;
      } catch (e) {
        if (attempt >= 3 || (e as { errorName?: string }).errorName !== 'ALREADY_EXISTS') throw e;
      }
    }
    return backing;
  }

  /** The external tables behind a table's view (in the internal schema). */
  async backingTables(bucket: string, table: string): Promise<string[]> {
    const prefix = this.backingPrefix(bucket, table);
    const r = await this.sql(`SELECT table_name FROM ${qualified(this.catalog, 'information_schema', 'tables')}
      WHERE table_schema = ${literal(this.internalSchema)} AND table_name LIKE ${literal(`${prefix}%`)}`);
    return r.rows.map((row) => String(row[0])).filter((n) => n.startsWith(prefix)).sort();
  }

  /** Drops backing tables and pinned copies the current view no longer uses. */
  private async collectGarbage(bucket: string, table: string, keep: Set<string>, files: MatchedFile[]): Promise<void> {
    for (const name of await this.backingTables(bucket, table)) {
      if (keep.has(name)) continue;
      try {
        await this.sql(`DROP TABLE IF EXISTS ${qualified(this.catalog, this.internalSchema, name)}`);
      } catch (e) {
        // Another process's Tabulator (the catalog's refresher, a test's) may drop the same stale
        // table at the same moment: the file metastore then fails one DROP. Gone is gone.
        if (!(e instanceof TrinoQueryError && e.errorName === 'HIVE_METASTORE_ERROR') || (await this.backingTables(bucket, table)).includes(name)) throw e;
      }
    }
    const pinned = new Set(files.filter((f) => f.pinned).map((f) => f.read.key));
    const stale = (await listKeys(this.options.s3, this.scratchBucket, this.pinPrefix(bucket, table))).filter((k) => !pinned.has(k));
    for (const k of stale) await this.store.delete(this.scratchBucket, k);
  }

  // ---- removal --------------------------------------------------------------------------------

  /** Removes a table's view, backing tables and pinned copies (the config in S3 is left alone). */
  async dropTable(bucket: string, table: string): Promise<void> {
    await this.serialized(`${bucket}/${table}`, () => this.dropNow(bucket, table));
  }

  private async dropNow(bucket: string, table: string): Promise<void> {
    await this.sql(`DROP VIEW IF EXISTS ${this.viewName(bucket, table)}`).catch((e: unknown) => {
      if (!(e instanceof TrinoQueryError && e.errorName === 'SCHEMA_NOT_FOUND')) throw e;
    });
    for (const name of await this.backingTables(bucket, table)) {
      await this.sql(`DROP TABLE IF EXISTS ${qualified(this.catalog, this.internalSchema, name)}`);
    }
    await deletePrefix(this.options.s3, this.scratchBucket, this.pinPrefix(bucket, table)).catch((e: unknown) => {
      if (!(e instanceof QuiltNotFoundError)) throw e;
    });
  }
}

let defaultTabulator: Tabulator | undefined;

/** The local stack's Tabulator (built on first use). */
export function stackTabulator(): Tabulator {
  defaultTabulator ??= Tabulator.forStack();
  return defaultTabulator;
}

/**
 * Sets (YAML) or removes (null) a Tabulator table of a bucket — for the catalog's
 * bucketSetTabulatorTable and for tests. Validates (TabulatorConfigError with line and field),
 * stores the YAML at s3://<bucket>/.quilt/tabulator/<table>.yml unless `store: false`, and builds
 * or drops the Trino view hive."<bucket>"."<table>".
 */
export async function setTabulatorTable(bucket: string, table: string, yaml: string | null,
  options: { tabulator?: Tabulator; store?: boolean; storeClient?: S3Client } = {}): Promise<TabulatorRefresh> {
  return (options.tabulator ?? stackTabulator()).setTable(bucket, table, yaml, options);
}
