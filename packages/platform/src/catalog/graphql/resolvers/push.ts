/**
 * Pushing revisions (Quilt's schema): packageConstruct (a revision from S3 objects named entry by
 * entry) and packagePromote (a revision of another package copied to <name>/<logical key>). Both
 * share the push parameters' checks (bucket, name, userMeta, workflow) and the push itself
 * (push-params.ts); this module holds what is their own: the entries.
 */
import {
  CHUNKED_SHA256, LEGACY_SHA256, mapLimit, parseS3Uri, QuiltError, QuiltNotFoundError, QuiltServiceError, QuiltValidationError, S3Store,
  toPlain, validateBucketName, validateLogicalKey, validatePackageName, validateTopHash, type PackageRevision,
} from '@quilt-e2e/quilt-js';
import { invalidInput, isRecord, requireRead, writeFailure, type Args, type GqlContext, type InputErrorShape } from './common.js';
import { InputErrors, pushRevision, type PushParams } from './push-params.js';

interface ConstructEntry { logicalKey: string; physicalKey: string; hash?: { type: string; value: string } | null; size?: number | null; meta?: unknown }

/** How many objects are checked at once against the sizes and hashes an input claims. */
const CHECK_CONCURRENCY = 8;

/** The entry's user metadata from the input: a whole meta object {user_meta, ...} or the user metadata itself. */
function entryUserMeta(meta: unknown): unknown {
  if (meta === undefined || meta === null) return undefined;
  if (isRecord(meta) && 'user_meta' in meta && Object.keys(meta).every((k) => k === 'user_meta' || k === 'format')) return meta.user_meta;
  return meta;
}

/** The entries' own checks: unique valid logical keys, S3 URIs, sizes, hash types, meta objects. */
function checkEntries(entries: ConstructEntry[], errors: InputErrors): void {
  if (entries.length > 10_000) errors.add({ path: 'src.entries', name: 'ValidationError', message: `a package built here may have at most 10000 entries; got ${entries.length}` });
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const at = `src.entries[${i}]`;
    errors.check(`${at}.logicalKey`, () => {
      validateLogicalKey(e.logicalKey);
      if (seen.has(e.logicalKey)) throw new QuiltValidationError(`Duplicate logical key ${JSON.stringify(e.logicalKey)}: each logical key may appear once in a package`);
      seen.add(e.logicalKey);
    });
    errors.check(`${at}.physicalKey`, () => parseS3Uri(e.physicalKey));
    if (e.size !== undefined && e.size !== null && (!Number.isSafeInteger(e.size) || e.size < 0)) errors.add({ path: `${at}.size`, name: 'ValidationError', message: `size must be a whole number of bytes; got ${e.size}` });
    if (e.hash && ![CHUNKED_SHA256, LEGACY_SHA256].includes(e.hash.type)) errors.add({ path: `${at}.hash.type`, name: 'ValidationError', message: `hash type must be ${CHUNKED_SHA256} or ${LEGACY_SHA256}; got ${JSON.stringify(e.hash.type)}` });
    if (e.meta !== undefined && e.meta !== null && !isRecord(e.meta)) errors.add({ path: `${at}.meta`, name: 'ValidationError', message: 'meta must be a JSON object' });
  });
}

/** The given sizes and hashes must match the objects (checked before anything is written). */
async function checkObjects(g: GqlContext, entries: ConstructEntry[]): Promise<InputErrorShape[]> {
  const store = new S3Store(g.ctx.clients.for(g.user));
  const problems = await mapLimit(entries, CHECK_CONCURRENCY, async (e, i): Promise<InputErrorShape | undefined> => {
    g.deadline.throwIfAborted();
    try {
      const loc = parseS3Uri(e.physicalKey);
      const info = await store.head(loc);
      if (e.size !== undefined && e.size !== null && e.size !== info.size) {
        return { path: `src.entries[${i}].size`, name: 'ValidationError', message: `${e.physicalKey} has ${info.size} bytes, not ${e.size}` };
      }
      if (e.hash) {
        const where = { ...loc, ...(loc.versionId === undefined && info.versionId ? { versionId: info.versionId } : {}) };
        const actual = e.hash.type === LEGACY_SHA256 ? await store.legacySha256(where) : await store.chunkedSha256(where, info.size);
        if (actual !== e.hash.value) return { path: `src.entries[${i}].hash`, name: 'ChecksumMismatch', message: `${e.physicalKey} has ${e.hash.type} ${actual}, not ${e.hash.value}` };
      }
      return undefined;
    } catch (err) {
      if (err instanceof QuiltNotFoundError) return { path: `src.entries[${i}].physicalKey`, name: 'NotFound', message: err.message };
      if (err instanceof QuiltError && !(err instanceof QuiltServiceError)) return { path: `src.entries[${i}].physicalKey`, name: err.name, message: err.message };
      throw err;
    }
  });
  return problems.filter((p): p is InputErrorShape => p !== undefined);
}

async function packageConstruct(g: GqlContext, a: Args) {
  const params = a.params as PushParams;
  const entries = ((a.src as { entries: ConstructEntry[] }).entries);
  const errors = new InputErrors();
  // A bucket that is not a bucket name (an https:// URL, s3://...) is bad input, not a permission question.
  errors.check('params.bucket', () => validateBucketName(params.bucket));
  if (errors.any()) return errors.refusal();
  await requireRead(g, params.bucket);
  errors.checkParams(params);
  checkEntries(entries, errors);
  if (errors.any()) return errors.refusal();
  return pushRevision(g, params, entries.map((e) => ({
    logicalKey: e.logicalKey, source: e.physicalKey, ...(entryUserMeta(e.meta) !== undefined ? { meta: entryUserMeta(e.meta) } : {}),
  })), {
    verify: async () => {
      const problems = await checkObjects(g, entries);
      return problems.length ? invalidInput(problems) : undefined;
    },
  });
}

/**
 * packagePromote (Quilt's schema): a revision of a package (src: bucket, name, hash) pushed as a
 * new revision of params.name in params.bucket with every file COPIED to <name>/<logical key>
 * there (quilt3's push with copy of all entries); message, userMeta and workflow from params.
 * destPrefix (another destination folder) is not served here: refused as InvalidInput.
 */
async function packagePromote(g: GqlContext, a: Args) {
  const params = a.params as PushParams;
  const src = a.src as { bucket: string; name: string; hash: string };
  const errors = new InputErrors();
  errors.check('params.bucket', () => validateBucketName(params.bucket));
  errors.check('src.bucket', () => validateBucketName(src.bucket));
  if (errors.any()) return errors.refusal();
  await requireRead(g, params.bucket);
  await requireRead(g, src.bucket);
  errors.checkParams(params);
  errors.check('src.name', () => validatePackageName(src.name));
  errors.check('src.hash', () => validateTopHash(src.hash));
  if (a.destPrefix !== undefined && a.destPrefix !== null) {
    errors.add({ path: 'destPrefix', name: 'ValidationError', message: 'the local catalog copies a promoted package to <package name>/<logical key> only: leave destPrefix out (null)' });
  }
  if (errors.any()) return errors.refusal();

  let source: PackageRevision;
  try {
    source = await g.ctx.packages.registry(g.user, src.bucket).browse(src.name, src.hash);
  } catch (e) {
    if (e instanceof QuiltNotFoundError) return invalidInput([{ path: 'src', name: 'NotFound', message: `no revision ${src.hash} of ${src.name} in s3://${src.bucket}: ${e.message}` }]);
    return writeFailure(e);
  }
  return pushRevision(g, params, source.entries.map((e) => {
    const meta = e.meta.get('user_meta');
    return { logicalKey: e.logicalKey, source: e.physicalKey, ...(meta !== undefined ? { meta: toPlain(meta) } : {}) };
  }), { copy: 'all' });
}

export const pushResolvers = {
  packageConstruct: (a: Args, g: GqlContext) => packageConstruct(g, a),
  packagePromote: (a: Args, g: GqlContext) => packagePromote(g, a),
};
