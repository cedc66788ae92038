/**
 * Verification: every entry's hash recomputed from its bytes (S3 or local disk), and the top hash
 * recomputed from the manifest.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CHUNKED_SHA256, LEGACY_SHA256, chunkedSha256OfStream, legacySha256OfStream } from './checksum.js';
import { mapLimit } from './concurrency.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { parsePhysicalKey } from './physical-key.js';
import type { S3Store } from './s3-store.js';

export interface EntryCheck {
  logicalKey: string;
  physicalKey: string;
  expected: string;
  /** Recomputed value; absent when the data could not be read or hashed. */
  actual?: string;
  ok: boolean;
  /** Why the entry could not be checked or does not match. */
  problem?: string;
}

export interface VerifyReport {
  /** The hash the manifest is stored under (or was expected to have), when known. */
  expectedTopHash?: string;
  actualTopHash: string;
  topHashOk: boolean;
  entries: EntryCheck[];
  /** Entries that did not verify. */
  failures: EntryCheck[];
  ok: boolean;
}

export interface VerifyOptions {
  expectedTopHash?: string;
  concurrency?: number;
}

export async function verifyManifest(manifest: Manifest, store: S3Store | undefined, options: VerifyOptions = {}): Promise<VerifyReport> {
  const entries = await mapLimit(manifest.entries, options.concurrency ?? 8, (e) => checkEntry(e, store));
  const actualTopHash = manifest.topHash();
  const topHashOk = options.expectedTopHash === undefined || options.expectedTopHash === actualTopHash;
  const failures = entries.filter((e) => !e.ok);
  return {
    ...(options.expectedTopHash === undefined ? {} : { expectedTopHash: options.expectedTopHash }),
    actualTopHash, topHashOk, entries, failures, ok: topHashOk && failures.length === 0,
  };
}

async function checkEntry(e: ManifestEntry, store: S3Store | undefined): Promise<EntryCheck> {
  const base = { logicalKey: e.logicalKey, physicalKey: e.physicalKey, expected: e.hash.value };
  if (e.hash.type !== CHUNKED_SHA256 && e.hash.type !== LEGACY_SHA256) {
    return { ...base, ok: false, problem: `hash type ${e.hash.type} cannot be verified here (supported: ${CHUNKED_SHA256}, ${LEGACY_SHA256})` };
  }
  try {
    const { size, actual } = await rehash(e, store);
    if (size !== e.size) return { ...base, ok: false, problem: `size is ${size} bytes, the manifest says ${e.size}` };
    return actual === e.hash.value ? { ...base, actual, ok: true } : { ...base, actual, ok: false, problem: 'hash mismatch' };
  } catch (err) {
    return { ...base, ok: false, problem: (err as Error).message };
  }
}

async function rehash(e: ManifestEntry, store: S3Store | undefined): Promise<{ size: number; actual: string }> {
  const pk = parsePhysicalKey(e.physicalKey, `entry ${JSON.stringify(e.logicalKey)}`);
  if (pk.scheme === 'file') {
    const { size } = await stat(pk.path);
    if (size !== e.size) return { size, actual: '' };
    const stream = createReadStream(pk.path, { highWaterMark: 1024 * 1024 });
    const actual = e.hash.type === CHUNKED_SHA256 ? await chunkedSha256OfStream(stream, size) : await legacySha256OfStream(stream);
    return { size, actual };
  }
  if (!store) throw new Error('an S3 client is needed to read this entry');
  const { size } = await store.head(pk);
  if (size !== e.size) return { size, actual: '' };
  const actual = e.hash.type === CHUNKED_SHA256 ? await store.chunkedSha256(pk, size) : await store.legacySha256(pk);
  return { size, actual };
}
