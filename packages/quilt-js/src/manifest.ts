/**
 * The package manifest (JSONL): a header line, optional directory-metadata lines, then one line
 * per file in walk order. Reading is lossless; writing and the top hash follow quilt3 byte for byte
 * (`Package._dump`, `Package._calculate_top_hash`).
 */
import { createHash } from 'node:crypto';
import type { EntryHash } from './checksum.js';
import { QuiltManifestError, QuiltValidationError } from './errors.js';
import { parseJson } from './json/parse.js';
import { MANIFEST_LINE_STYLE, TOP_HASH_STYLE, compareCodePoints, pythonDumps } from './json/python-dumps.js';
import { JsonNumber, fromPlain, isTruthy, toPlain, type JsonMap, type JsonValue, type PlainJson } from './json/values.js';
import { validateLogicalKey } from './validation.js';

/** quilt3's default limit on one manifest line (QUILT_MANIFEST_MAX_RECORD_SIZE). */
export const MANIFEST_MAX_RECORD_SIZE = 1_000_000;

export interface ManifestEntry {
  logicalKey: string;
  /** The physical key as written in the manifest, e.g. `s3://bucket/a%20b.csv?versionId=...`. */
  physicalKey: string;
  size: number;
  hash: EntryHash;
  /** The entry's whole `meta` object: `{}` or `{"user_meta": ...}` (plus e.g. `format`). */
  meta: JsonMap;
}

/** A directory-metadata line (`{"logical_key": "dir/", "meta": ...}`); not part of the top hash. */
export interface DirectoryMeta { logicalKey: string; meta: JsonValue }

export interface NewManifest {
  message?: string | null;
  /** Package-level user metadata (plain JS or lossless JSON); omitted from the header when undefined. */
  userMeta?: unknown;
  workflow?: unknown;
  entries: ManifestEntry[];
  directories?: DirectoryMeta[];
}

/** Orders logical keys like quilt3's walk: segment by segment, by code point ("a/b" before "a.txt"). */
export function compareLogicalKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 0x2f) return -1;
    if (y === 0x2f) return 1;
    return compareCodePoints(a.slice(i, i + 2), b.slice(i, i + 2));
  }
  return a.length - b.length;
}

/** Builds an entry's meta object: `{}` or `{"user_meta": ...}`. */
export function entryMeta(userMeta: unknown): JsonMap {
  const meta: JsonMap = new Map();
  if (userMeta !== undefined) meta.set('user_meta', fromPlain(userMeta, 'entry metadata'));
  return meta;
}

export class Manifest {
  readonly header: JsonMap;
  readonly directories: readonly DirectoryMeta[];
  private readonly sorted: readonly ManifestEntry[];
  private byKey: Map<string, ManifestEntry> | undefined;
  private cachedTopHash: string | undefined;

  /** Entries may come in any order; they are kept in walk order. Duplicates are rejected. */
  constructor(header: JsonMap, entries: readonly ManifestEntry[], directories: readonly DirectoryMeta[] = []) {
    this.header = header;
    this.sorted = [...entries].sort((a, b) => compareLogicalKeys(a.logicalKey, b.logicalKey));
    this.directories = [...directories].sort((a, b) => compareLogicalKeys(a.logicalKey, b.logicalKey));
    checkTree(this.sorted);
  }

  /** A new package's manifest, with the header keys in the order quilt3 writes them. */
  static create(spec: NewManifest): Manifest {
    const header: JsonMap = new Map([['version', 'v0']]);
    if (spec.userMeta !== undefined) header.set('user_meta', fromPlain(spec.userMeta, 'package metadata'));
    if (spec.workflow !== undefined && spec.workflow !== null) header.set('workflow', fromPlain(spec.workflow, 'workflow'));
    header.set('message', checkMessage(spec.message));
    return new Manifest(header, spec.entries, spec.directories ?? []);
  }

  /** Reads JSONL text (as quilt3's `Package._load` does). */
  static parse(text: string, where = 'manifest'): Manifest {
    const lines = text.split('\n');
    let n = 0;
    let header: JsonMap | undefined;
    const entries: ManifestEntry[] = [];
    const directories: DirectoryMeta[] = [];
    for (const raw of lines) {
      n++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      const record = parseJson(line, `${where}, line ${n}`);
      if (!(record instanceof Map)) throw new QuiltManifestError(`Invalid ${where}, line ${n}: expected a JSON object`);
      if (header === undefined) {
        header = record;
        header.delete('top_hash');
        continue;
      }
      const item = readRecord(record, `${where}, line ${n}`);
      if ('physicalKey' in item) entries.push(item);
      else directories.push(item);
    }
    if (header === undefined) throw new QuiltManifestError(`Invalid ${where}: it is empty; expected a header line such as {"version": "v0", "message": null}`);
    return new Manifest(header, entries, directories);
  }

  get message(): string | null {
    const m = this.header.get('message');
    return typeof m === 'string' ? m : null;
  }

  /** Package-level user metadata as plain JS (undefined when the header has none). */
  get userMeta(): PlainJson | undefined {
    const m = this.header.get('user_meta');
    return m === undefined ? undefined : toPlain(m);
  }

  /** Package-level user metadata exactly as the manifest holds it (numbers keep their text: 1.0, -0.0, 12345678901234567890). */
  get rawUserMeta(): JsonValue | undefined {
    return this.header.get('user_meta');
  }

  get workflow(): PlainJson | undefined {
    const w = this.header.get('workflow');
    return w === undefined ? undefined : toPlain(w);
  }

  /** File entries in walk order. */
  get entries(): readonly ManifestEntry[] {
    return this.sorted;
  }

  get totalBytes(): number {
    return this.sorted.reduce((sum, e) => sum + e.size, 0);
  }

  entry(logicalKey: string): ManifestEntry | undefined {
    this.byKey ??= new Map(this.sorted.map((e) => [e.logicalKey, e]));
    return this.byKey.get(logicalKey);
  }

  /** The JSONL text quilt3 would write for this package. */
  serialize(): string {
    const lines = [dumpRecord(this.header, undefined)];
    for (const d of this.directories) {
      if (isTruthy(d.meta)) lines.push(dumpRecord(new Map<string, JsonValue>([['logical_key', d.logicalKey], ['meta', d.meta]]), d.logicalKey));
    }
    for (const e of this.sorted) lines.push(dumpRecord(entryRecord(e), e.logicalKey));
    return `${lines.join('\n')}\n`;
  }

  /** quilt3's top hash: sha256 over the canonical header and each entry's {hash, logical_key, meta, size}. */
  topHash(): string {
    if (this.cachedTopHash !== undefined) return this.cachedTopHash;
    const h = createHash('sha256');
    h.update(pythonDumps(this.header, TOP_HASH_STYLE), 'utf8');
    for (const e of this.sorted) {
      const part: JsonMap = new Map<string, JsonValue>([
        ['hash', hashMap(e.hash)],
        ['logical_key', e.logicalKey],
        ['meta', e.meta],
        ['size', new JsonNumber(String(e.size))],
      ]);
      h.update(pythonDumps(part, TOP_HASH_STYLE), 'utf8');
    }
    this.cachedTopHash = h.digest('hex');
    return this.cachedTopHash;
  }

  /** Checks every record fits quilt3's size limit; throws a validation error naming the record. */
  checkRecordSizes(): void {
    this.serialize();
  }
}

/** A commit message: a string, or null when there is none. */
export function checkMessage(message: unknown): string | null {
  if (message === undefined || message === null) return null;
  if (typeof message !== 'string') {
    throw new QuiltValidationError(`Invalid commit message ${String(message)}: expected the format of a string or null, for example "Add March data"`);
  }
  return message;
}

function checkTree(sorted: readonly ManifestEntry[]): void {
  for (let i = 1; i < sorted.length; i++) {
    const prev = (sorted[i - 1] as ManifestEntry).logicalKey;
    const cur = (sorted[i] as ManifestEntry).logicalKey;
    if (prev === cur) throw new QuiltValidationError(`Duplicate logical key ${JSON.stringify(cur)}: each logical key may appear once in a package`);
    if (cur.startsWith(`${prev}/`)) {
      throw new QuiltValidationError(`Logical key ${JSON.stringify(cur)} puts a file under ${JSON.stringify(prev)}, which is itself a file: a path cannot be both a file and a folder`);
    }
  }
}

function hashMap(hash: EntryHash): JsonMap {
  return new Map<string, JsonValue>([['type', hash.type], ['value', hash.value]]);
}

function entryRecord(e: ManifestEntry): JsonMap {
  return new Map<string, JsonValue>([
    ['logical_key', e.logicalKey],
    ['physical_keys', [e.physicalKey]],
    ['size', new JsonNumber(String(e.size))],
    ['hash', hashMap(e.hash)],
    ['meta', e.meta],
  ]);
}

function dumpRecord(record: JsonMap, logicalKey: string | undefined): string {
  const text = pythonDumps(record, MANIFEST_LINE_STYLE);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MANIFEST_MAX_RECORD_SIZE) {
    const what = logicalKey === undefined ? 'the package metadata' : `the entry ${JSON.stringify(logicalKey)}`;
    throw new QuiltValidationError(`The manifest record of ${what} is ${bytes} bytes: expected at most ${MANIFEST_MAX_RECORD_SIZE} bytes (keep metadata under 1 MB per package and per entry), for example move large metadata into a file of the package`);
  }
  return text;
}

function readRecord(record: JsonMap, where: string): ManifestEntry | DirectoryMeta {
  const logicalKey = record.get('logical_key');
  if (typeof logicalKey !== 'string') throw new QuiltManifestError(`Invalid ${where}: "logical_key" must be a string`);
  const pks = record.get('physical_keys');
  if (!isTruthy(pks)) {
    if (!record.has('meta')) throw new QuiltManifestError(`Invalid ${where}: a directory line needs "meta"`);
    return { logicalKey, meta: record.get('meta') as JsonValue };
  }
  const physicalKey = Array.isArray(pks) ? pks[0] : undefined;
  if (typeof physicalKey !== 'string') throw new QuiltManifestError(`Invalid ${where}: "physical_keys" must be a list of URL strings`);
  try {
    validateLogicalKey(logicalKey);
  } catch (e) {
    throw new QuiltManifestError(`Invalid ${where}: ${(e as Error).message}`);
  }
  return { logicalKey, physicalKey, size: readSize(record.get('size'), where), hash: readHash(record.get('hash'), where), meta: readMeta(record.get('meta'), where) };
}

function readSize(size: JsonValue | undefined, where: string): number {
  if (!(size instanceof JsonNumber) || !size.isInteger || size.toNumber() < 0 || !Number.isSafeInteger(size.toNumber())) {
    throw new QuiltManifestError(`Invalid ${where}: "size" must be a whole number of bytes`);
  }
  return size.toNumber();
}

function readHash(hash: JsonValue | undefined, where: string): EntryHash {
  if (!(hash instanceof Map)) throw new QuiltManifestError(`Invalid ${where}: "hash" must be an object like {"type": "sha2-256-chunked", "value": "..."}`);
  const type = hash.get('type');
  const value = hash.get('value');
  if (typeof type !== 'string' || typeof value !== 'string') {
    throw new QuiltManifestError(`Invalid ${where}: "hash" needs string "type" and "value"`);
  }
  return { type, value };
}

function readMeta(meta: JsonValue | undefined, where: string): JsonMap {
  if (meta === undefined) throw new QuiltManifestError(`Invalid ${where}: an entry needs "meta"`);
  if (!isTruthy(meta)) return new Map();
  if (!(meta instanceof Map)) throw new QuiltManifestError(`Invalid ${where}: "meta" must be an object`);
  return meta;
}
