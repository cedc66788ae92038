/**
 * A Quilt package registry in one S3 bucket (quilt3's V1 layout):
 *   .quilt/packages/<top_hash>                      manifests (JSONL)
 *   .quilt/named_packages/<user>/<pkg>/<unix_ts>    one pointer per pushed revision
 *   .quilt/named_packages/<user>/<pkg>/latest       the current revision
 * Pointer bodies are the bare hash without a newline. Push order: data, manifest, timestamp
 * pointer, latest.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { mapLimit, sleep } from './concurrency.js';
import { diffManifests, type ManifestDiff } from './diff.js';
import { materialize, planEntry, provisionalEntry, type CopyMode, type EntrySource, type PlannedEntry } from './entries.js';
import { QuiltConflictError, QuiltNotFoundError, QuiltValidationError } from './errors.js';
import { fromPlain, type JsonMap } from './json/values.js';
import { Manifest, checkMessage } from './manifest.js';
import { PackageRevision } from './revision.js';
import { S3Store } from './s3-store.js';
import { parseRegistry, parseRevisionRef, parseS3PrefixUri, validateLogicalKey, validatePackageName } from './validation.js';
import { verifyManifest, type VerifyReport } from './verify.js';

export interface PushOptions {
  /** The commit message (quilt3 writes null when there is none). */
  message?: string | null;
  /** Package-level user metadata; plain JS (integral numbers are ints; use pyFloat(1) for 1.0). */
  userMeta?: unknown;
  /** A workflow object to record in the header (no workflow validation is done). */
  workflow?: unknown;
  /** Skip the check that `latest` is what the caller expects. */
  force?: boolean;
  copy?: CopyMode;
}

export interface CreateOptions extends PushOptions {
  entries: EntrySource[];
}

/** A metadata-only change of an entry that stays as it is. */
export interface EntryMetaChange { logicalKey: string; meta: unknown }

export interface UpdateOptions extends PushOptions {
  /**
   * The top hash the caller read and builds on. The update is refused (QuiltConflictError) when
   * `latest` is no longer that hash, unless `force`. Default: whatever `latest` is now.
   */
  parent?: string;
  /** New or replaced files, or metadata-only changes of existing files. */
  set?: Array<EntrySource | EntryMetaChange>;
  /** Logical keys to drop; a folder ("dir" or "dir/") drops everything below it. */
  remove?: string[];
  /** Package metadata of the new revision; undefined keeps the parent's. */
  userMeta?: unknown;
}

export interface PushResult {
  name: string;
  bucket: string;
  hash: string;
  /** The timestamp pointer written for this revision (Unix seconds). */
  timestamp: string;
  revision: PackageRevision;
  /** The S3 version of the manifest object this push wrote (versioned buckets). */
  manifestVersionId?: string;
}

export interface RevisionPointer {
  timestamp: string;
  hash: string;
  date: Date;
}

export interface PackageDiff extends ManifestDiff {
  name: string;
  from: string;
  to: string;
}

export interface DeleteRevisionResult {
  hash: string;
  /** Pointer names removed ("latest" and/or timestamps). */
  deletedPointers: string[];
  /** The hash `latest` now points to, when it had to move. */
  newLatest?: string;
}

export interface RegistryOptions {
  /** Parallel S3 calls for hashing, uploads and pointer reads (default 16). */
  concurrency?: number;
  /** Keys per S3 list page (default: the server's 1000). */
  listPageSize?: number;
  /** S3 user metadata put on each manifest object this registry writes (not part of the manifest's bytes or hash). */
  manifestMetadata?: Record<string, string>;
}

interface Resolved { hash: string; timestamp?: string }

export class PackageRegistry {
  readonly bucket: string;
  readonly store: S3Store;
  private readonly concurrency: number;
  private readonly manifestMetadata: Record<string, string> | undefined;

  /** `bucket`: a bucket name or "s3://bucket". */
  constructor(client: S3Client, bucket: string, options: RegistryOptions = {}) {
    this.bucket = parseRegistry(bucket);
    this.store = new S3Store(client, { pageSize: options.listPageSize });
    this.concurrency = options.concurrency ?? 16;
    this.manifestMetadata = options.manifestMetadata;
  }

  get uri(): string {
    return `s3://${this.bucket}`;
  }

  // ---- layout ----------------------------------------------------------------------------

  manifestKey(hash: string): string {
    return `.quilt/packages/${hash}`;
  }

  pointerPrefix(name: string): string {
    return `.quilt/named_packages/${name}/`;
  }

  pointerKey(name: string, pointer: string): string {
    return `${this.pointerPrefix(name)}${pointer}`;
  }

  /** Where push puts an entry's data by default. */
  dataKey(name: string, logicalKey: string): string {
    return `${name}/${logicalKey}`;
  }

  // ---- writing ---------------------------------------------------------------------------

  /** A new package (refused when the package exists, unless `force`). */
  async create(name: string, options: CreateOptions): Promise<PushResult> {
    validatePackageName(name);
    if (!Array.isArray(options?.entries)) {
      throw new QuiltValidationError('Invalid package entries: expected the format of a list of {logicalKey, source | content, meta?}, for example [{"logicalKey": "README.md", "content": "# hi"}]');
    }
    const planned = await mapLimit(options.entries, this.concurrency, (e) => planEntry(e, this.store));
    const header = newHeader(options);
    return this.push(name, header, planned, [], options, null);
  }

  /** A new package from every object under an S3 prefix, logical keys relative to the prefix. */
  async createFromPrefix(name: string, prefixUri: string, options: PushOptions = {}): Promise<PushResult> {
    validatePackageName(name);
    const { bucket, prefix } = parseS3PrefixUri(prefixUri);
    const planned: PlannedEntry[] = [];
    for await (const o of this.store.listLatestVersions(bucket, prefix)) {
      if (o.key.endsWith('/')) continue;
      const logicalKey = o.key.slice(prefix.length);
      try {
        validateLogicalKey(logicalKey);
      } catch (e) {
        throw new QuiltValidationError(`Object s3://${bucket}/${o.key} cannot be packaged: ${(e as Error).message}`);
      }
      const location = { bucket, key: o.key, ...(o.versionId ? { versionId: o.versionId } : {}) };
      planned.push({ kind: 's3', logicalKey, meta: new Map(), location, size: o.size });
    }
    if (planned.length === 0) {
      throw new QuiltValidationError(`Invalid S3 URI ${JSON.stringify(prefixUri)}: no objects under it; expected the format "s3://<bucket>/<prefix>/" of a folder with files, for example "s3://quilt-example/raw/2024/"`);
    }
    return this.push(name, newHeader(options), planned, [], options, null);
  }

  /** A new revision: the parent revision plus changes. */
  async update(name: string, options: UpdateOptions = {}): Promise<PushResult> {
    validatePackageName(name);
    const current = await this.latestHash(name);
    if (current === undefined) throw new QuiltNotFoundError(`Package ${name} does not exist in ${this.uri}: create it first`);
    const parentHash = options.parent ?? current;
    if (options.parent !== undefined && !options.force) this.assertLatest(name, current, options.parent);
    const parent = await this.readManifest(parentHash);
    const planned = await this.applyChanges(parent, options);
    const header = derivedHeader(parent.header, options);
    return this.push(name, header, planned, parent.directories, options, parentHash);
  }

  private async applyChanges(parent: Manifest, options: UpdateOptions): Promise<PlannedEntry[]> {
    const byKey = new Map<string, PlannedEntry>(parent.entries.map((e) => [e.logicalKey, { kind: 'existing', logicalKey: e.logicalKey, meta: e.meta, entry: e }]));
    for (const key of options.remove ?? []) removeKey(byKey, key);
    const sources: EntrySource[] = [];
    for (const change of options.set ?? []) {
      if ('source' in change || 'content' in change) { sources.push(change); continue; }
      const existing = byKey.get(validateLogicalKey(change.logicalKey));
      if (!existing || existing.kind !== 'existing') {
        throw new QuiltValidationError(`Cannot change the metadata of ${JSON.stringify(change.logicalKey)}: it is not in the package; expected the format {logicalKey, meta} for an existing file, or add "source"/"content" to add a file`);
      }
      const meta: JsonMap = new Map(existing.meta);
      meta.set('user_meta', fromPlain(change.meta, 'entry metadata'));
      byKey.set(existing.logicalKey, { ...existing, meta });
    }
    for (const p of await mapLimit(sources, this.concurrency, (s) => planEntry(s, this.store))) byKey.set(p.logicalKey, p);
    return [...byKey.values()];
  }

  /** Validates everything, checks `latest`, then writes data, manifest, timestamp pointer and `latest`. */
  private async push(name: string, header: JsonMap, planned: PlannedEntry[], directories: Manifest['directories'],
    options: PushOptions, expected: string | null): Promise<PushResult> {
    const dest = (lk: string) => ({ bucket: this.bucket, key: this.dataKey(name, lk) });
    new Manifest(header, planned.map((p) => provisionalEntry(p, dest(p.logicalKey))), directories).checkRecordSizes();
    if (!options.force) await this.checkLatest(name, expected);

    const materializer = { store: this.store, bucket: this.bucket, copy: options.copy ?? 'auto', destKey: (lk: string) => this.dataKey(name, lk) };
    const entries = await mapLimit(planned, this.concurrency, (p) => materialize(p, materializer));
    const manifest = new Manifest(header, entries, directories);
    const hash = manifest.topHash();

    if (!options.force) await this.checkLatest(name, expected);
    const written = await this.store.put(this.bucket, this.manifestKey(hash), manifest.serialize(), undefined, this.manifestMetadata);
    const timestamp = await this.freeTimestamp(name, hash);
    await this.store.put(this.bucket, this.pointerKey(name, timestamp), hash);
    await this.store.put(this.bucket, this.pointerKey(name, 'latest'), hash);
    return {
      name, bucket: this.bucket, hash, timestamp, revision: new PackageRevision(this.bucket, name, hash, manifest, timestamp),
      ...(written.versionId ? { manifestVersionId: written.versionId } : {}),
    };
  }

  private async checkLatest(name: string, expected: string | null): Promise<void> {
    this.assertLatest(name, await this.latestHash(name), expected);
  }

  private assertLatest(name: string, current: string | undefined, expected: string | null): void {
    if ((current ?? null) === expected) return;
    if (expected === null) {
      throw new QuiltConflictError(`Package ${name} already exists in ${this.uri} (latest ${current}): use update() to add a revision, or pass force: true to overwrite it`);
    }
    throw new QuiltConflictError(`Package ${name} in ${this.uri} moved since revision ${expected} was read: latest is now ${current ?? 'deleted'}; browse it again and reapply the changes, or pass force: true to overwrite`);
  }

  /**
   * The current second, unless a pointer for it already names another revision (two pushes in
   * one second): then the next free second, so every revision keeps its own timestamp pointer.
   */
  private async freeTimestamp(name: string, hash: string): Promise<string> {
    for (;;) {
      const ts = String(Math.floor(Date.now() / 1000));
      const existing = await this.store.getTextIfExists(this.bucket, this.pointerKey(name, ts));
      if (existing === undefined || existing.trim() === hash) return ts;
      await sleep(1000 - (Date.now() % 1000) + 5);
    }
  }

  // ---- reading ---------------------------------------------------------------------------

  /** The hash `latest` points to, or undefined when the package does not exist. */
  async latestHash(name: string): Promise<string | undefined> {
    validatePackageName(name);
    return (await this.store.getTextIfExists(this.bucket, this.pointerKey(name, 'latest')))?.trim();
  }

  async readManifest(hash: string): Promise<Manifest> {
    try {
      return Manifest.parse(await this.store.getText(this.bucket, this.manifestKey(hash)), `manifest ${hash}`);
    } catch (e) {
      if (e instanceof QuiltNotFoundError) throw new QuiltNotFoundError(`Revision ${hash} does not exist in ${this.uri} (no ${this.manifestKey(hash)})`, { cause: e });
      throw e;
    }
  }

  /** Resolves "latest", a timestamp or a top-hash prefix (6-64 hex) to a full hash. */
  async resolve(name: string, ref = 'latest'): Promise<Resolved> {
    validatePackageName(name);
    const r = parseRevisionRef(ref);
    if (r.kind === 'latest') {
      const hash = await this.latestHash(name);
      if (hash === undefined) throw new QuiltNotFoundError(`Package ${name} does not exist in ${this.uri}`);
      return { hash };
    }
    if (r.kind === 'timestamp') {
      const hash = (await this.store.getTextIfExists(this.bucket, this.pointerKey(name, r.timestamp)))?.trim();
      if (hash !== undefined) return { hash, timestamp: r.timestamp };
      if (r.timestamp.length < 6) throw new QuiltNotFoundError(`Package ${name} has no revision with timestamp ${r.timestamp} in ${this.uri}`);
      return { hash: await this.resolveHashPrefix(r.timestamp) };
    }
    return { hash: await this.resolveHashPrefix(r.prefix) };
  }

  private async resolveHashPrefix(prefix: string): Promise<string> {
    if (prefix.length === 64) return prefix;
    const matches: string[] = [];
    for await (const o of this.store.list(this.bucket, this.manifestKey(prefix))) matches.push(o.key.slice(this.manifestKey('').length));
    if (matches.length === 0) throw new QuiltNotFoundError(`No revision in ${this.uri} has a top hash starting with ${prefix}`);
    if (matches.length > 1) {
      throw new QuiltValidationError(`Invalid revision "${prefix}": ${matches.length} top hashes start with it; expected a longer prefix, for example "${(matches[0] as string).slice(0, prefix.length + 4)}"`);
    }
    return matches[0] as string;
  }

  /** One revision: "latest" (default), a timestamp or a top-hash prefix. */
  async browse(name: string, ref = 'latest'): Promise<PackageRevision> {
    const { hash, timestamp } = await this.resolve(name, ref);
    return new PackageRevision(this.bucket, name, hash, await this.readManifest(hash), timestamp);
  }

  /** Every timestamp pointer of the package, newest first. */
  async revisions(name: string): Promise<RevisionPointer[]> {
    const pointers = await this.readPointers(name);
    return pointers
      .filter((p) => /^\d+$/.test(p.pointer))
      .map((p) => ({ timestamp: p.pointer, hash: p.hash, date: new Date(Number(p.pointer) * 1000) }))
      .sort((a, b) => Number(b.timestamp) - Number(a.timestamp));
  }

  /**
   * Every pointer file (timestamps and "latest") with the hash it holds. A pointer deleted between
   * the listing and its read (a revision or the package deleted meanwhile) is no longer one: left out.
   */
  private async readPointers(name: string): Promise<Array<{ pointer: string; hash: string }>> {
    validatePackageName(name);
    const prefix = this.pointerPrefix(name);
    const keys: string[] = [];
    for await (const o of this.store.list(this.bucket, prefix)) keys.push(o.key);
    const read = await mapLimit(keys, this.concurrency, async (key) => {
      const text = await this.store.getTextIfExists(this.bucket, key);
      return text === undefined ? undefined : { pointer: key.slice(prefix.length), hash: text.trim() };
    });
    return read.filter((p): p is { pointer: string; hash: string } => p !== undefined);
  }

  /** Package names ("user/pkg"), optionally only those of one namespace ("user"). */
  async list(options: { namespace?: string } = {}): Promise<string[]> {
    const root = '.quilt/named_packages/';
    let namespaces: string[];
    if (options.namespace !== undefined) {
      validatePackageName(`${options.namespace}/x`);
      namespaces = [`${root}${options.namespace}/`];
    } else {
      namespaces = await this.store.listFolders(this.bucket, root);
    }
    const perNamespace = await mapLimit(namespaces, this.concurrency, (ns) => this.store.listFolders(this.bucket, ns));
    return perNamespace.flat().map((p) => p.slice(root.length, -1));
  }

  /**
   * What changed between two revisions. `to` defaults to latest; `from` defaults to the revision
   * before `to`: the newest timestamp pointer older than `to`'s that names another hash.
   */
  async diff(name: string, options: { from?: string; to?: string } = {}): Promise<PackageDiff> {
    const to = await this.resolve(name, options.to ?? 'latest');
    const from = options.from !== undefined ? await this.resolve(name, options.from) : await this.previousRevision(name, to);
    const [a, b] = await Promise.all([this.readManifest(from.hash), this.readManifest(to.hash)]);
    return { name, from: from.hash, to: to.hash, ...diffManifests(a, b) };
  }

  /** The revision pushed before `rev` (by timestamp pointers). */
  async previousRevision(name: string, rev: Resolved): Promise<Resolved> {
    const all = await this.revisions(name);
    const ts = rev.timestamp ?? all.find((r) => r.hash === rev.hash)?.timestamp;
    if (ts === undefined) throw new QuiltNotFoundError(`Revision ${rev.hash} of ${name} has no timestamp pointer, so it has no previous revision`);
    const prev = all.find((r) => Number(r.timestamp) < Number(ts) && r.hash !== rev.hash);
    if (!prev) throw new QuiltNotFoundError(`Revision ${rev.hash} of ${name} is the first one: there is no previous revision`);
    return { hash: prev.hash, timestamp: prev.timestamp };
  }

  /** Re-hashes every entry from its data and recomputes the top hash. */
  async verify(name: string, ref = 'latest'): Promise<VerifyReport> {
    const { hash } = await this.resolve(name, ref);
    return verifyManifest(await this.readManifest(hash), this.store, { expectedTopHash: hash, concurrency: this.concurrency });
  }

  // ---- deleting --------------------------------------------------------------------------

  /**
   * quilt3's delete_package_version: removes every pointer holding the hash; when `latest` was
   * one of them, it is repointed at the newest remaining timestamp. Manifest and data stay.
   */
  async deleteRevision(name: string, ref: string): Promise<DeleteRevisionResult> {
    const { hash } = await this.resolve(name, ref);
    const pointers = await this.readPointers(name);
    const deleted = pointers.filter((p) => p.hash === hash).map((p) => p.pointer);
    const remaining = pointers.filter((p) => p.hash !== hash);
    if (deleted.length === 0) throw new QuiltNotFoundError(`Package ${name} in ${this.uri} has no revision ${hash}`);
    for (const pointer of deleted) await this.store.delete(this.bucket, this.pointerKey(name, pointer));
    if (!deleted.includes('latest') || remaining.length === 0) return { hash, deletedPointers: deleted };
    const newest = remaining.reduce((a, b) => (b.pointer > a.pointer ? b : a));
    await this.store.put(this.bucket, this.pointerKey(name, 'latest'), newest.hash);
    return { hash, deletedPointers: deleted, newLatest: newest.hash };
  }

  /** quilt3's delete_package: removes every pointer of the package; manifests and data stay. */
  async deletePackage(name: string): Promise<{ deletedPointers: number }> {
    validatePackageName(name);
    const keys: string[] = [];
    for await (const o of this.store.list(this.bucket, this.pointerPrefix(name))) keys.push(o.key);
    await mapLimit(keys, this.concurrency, (k) => this.store.delete(this.bucket, k));
    return { deletedPointers: keys.length };
  }
}

function newHeader(options: PushOptions): JsonMap {
  return Manifest.create({ message: options.message ?? null, userMeta: options.userMeta, workflow: options.workflow, entries: [] }).header;
}

/** The parent's header with quilt3's push changes: message replaced, user_meta if given, workflow as given. */
function derivedHeader(parent: JsonMap, options: UpdateOptions): JsonMap {
  const header: JsonMap = new Map(parent);
  if (options.userMeta !== undefined) header.set('user_meta', fromPlain(options.userMeta, 'package metadata'));
  if (options.workflow !== undefined && options.workflow !== null) header.set('workflow', fromPlain(options.workflow, 'workflow'));
  else header.delete('workflow');
  header.set('message', checkMessage(options.message));
  return header;
}

function removeKey(byKey: Map<string, PlannedEntry>, key: string): void {
  if (byKey.delete(key)) return;
  const folder = `${key.replace(/\/+$/, '')}/`;
  const under = [...byKey.keys()].filter((k) => k.startsWith(folder));
  if (under.length === 0) {
    throw new QuiltValidationError(`Cannot remove ${JSON.stringify(key)}: no such file or folder in the package; expected the format of a logical key of the parent revision, for example "data/a.csv" or "data/"`);
  }
  for (const k of under) byKey.delete(k);
}
