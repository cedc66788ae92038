/**
 * Input validation with messages that say what was wrong, the expected format and an example.
 * Every check runs before anything is written to a registry.
 */
import { QuiltValidationError } from './errors.js';
import { parseQuery, pythonUnquote, splitUrl, type S3Location } from './physical-key.js';

/** quilt3's `^[\w-]+/[\w-]+$` with Python's Unicode `\w` (letters, numbers, underscore). */
const PACKAGE_NAME_RE = /^[\p{L}\p{N}_-]+\/[\p{L}\p{N}_-]+$/u;
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const HEX_PREFIX_RE = /^[0-9a-f]{6,64}$/;

const PACKAGE_NAME_FORMAT = 'expected the format "<namespace>/<name>": two parts made of letters, digits, "_" or "-", joined by a single "/", for example "analytics/sales-2024"';
const S3_URI_FORMAT = 'expected the format "s3://<bucket>/<key>" with an optional "?versionId=<id>" (URL-encode "%", "#" and "?" in keys), for example "s3://quilt-example/data/file.csv?versionId=abc123"';
const S3_PREFIX_FORMAT = 'expected the format "s3://<bucket>/<prefix>/", for example "s3://quilt-example/raw/2024/"';
const LOGICAL_KEY_FORMAT = 'expected the format of a relative path: segments joined by "/", none of them empty, "." or "..", not ending in "/", for example "data/2024/sales.csv"';
const BUCKET_FORMAT = 'expected the format of an S3 bucket name (3-63 lowercase letters, digits, "." or "-") or "s3://<bucket>", for example "quilt-example"';
const HASH_FORMAT = 'expected "latest", a revision timestamp (Unix seconds, e.g. "1700000000") or 6 to 64 lowercase hex characters of a top hash, for example "5779f54a"';

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function validatePackageName(name: unknown): string {
  if (typeof name !== 'string' || !PACKAGE_NAME_RE.test(name)) {
    throw new QuiltValidationError(`Invalid package name ${show(name)}: ${PACKAGE_NAME_FORMAT}`);
  }
  return name;
}

/** A file's logical key inside a package (quilt3 `validate_key` plus "must be a file"). */
export function validateLogicalKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new QuiltValidationError(`Invalid logical key ${show(key)}: a logical key cannot be empty; ${LOGICAL_KEY_FORMAT}`);
  }
  if (key.endsWith('/')) {
    throw new QuiltValidationError(`Invalid logical key ${show(key)}: a file's logical key cannot end in "/"; ${LOGICAL_KEY_FORMAT}`);
  }
  const bad = key.split('/').find((seg) => seg === '' || seg === '.' || seg === '..');
  if (bad !== undefined) {
    const what = bad === '' ? 'an empty segment ("//" or a leading "/")' : `a "${bad}" segment`;
    throw new QuiltValidationError(`Invalid logical key ${show(key)}: it contains ${what}; ${LOGICAL_KEY_FORMAT}`);
  }
  return key;
}

export function validateBucketName(bucket: unknown): string {
  if (typeof bucket !== 'string' || !BUCKET_RE.test(bucket) || bucket.includes('..')) {
    throw new QuiltValidationError(`Invalid S3 bucket name ${show(bucket)}: ${BUCKET_FORMAT}`);
  }
  return bucket;
}

/** A registry: "bucket", "s3://bucket" or "s3://bucket/" (no path, as quilt3 requires). */
export function parseRegistry(registry: unknown): string {
  if (typeof registry !== 'string') throw new QuiltValidationError(`Invalid registry ${show(registry)}: ${BUCKET_FORMAT}`);
  if (!/^s3:\/\//i.test(registry)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(registry) || registry.includes('/')) {
      throw new QuiltValidationError(`Invalid registry ${show(registry)}: a registry must be an S3 bucket URI starting with "s3://" (or a bare bucket name); ${BUCKET_FORMAT}`);
    }
    return validateBucketName(registry);
  }
  const m = /^s3:\/\/([^/?#]*)\/?$/i.exec(registry);
  if (!m) {
    throw new QuiltValidationError(`Invalid registry ${show(registry)}: a registry is a whole bucket, without a path or query; ${BUCKET_FORMAT}`);
  }
  return validateBucketName(m[1]);
}

function invalidUri(uri: unknown, why: string, format = S3_URI_FORMAT): QuiltValidationError {
  return new QuiltValidationError(`Invalid S3 URI ${show(uri)}: ${why}; ${format}`);
}

/** Parses a user-given S3 object URI like quilt3's `PhysicalKey.from_url` (the key is URL-decoded). */
export function parseS3Uri(uri: unknown): S3Location {
  const loc = parseS3UriParts(uri, S3_URI_FORMAT);
  if (loc.key === '' || loc.key.endsWith('/')) throw invalidUri(uri, 'it names a folder, not an object');
  return loc;
}

/** Parses an S3 prefix URI (a folder); the result's key is '' or ends in "/". */
export function parseS3PrefixUri(uri: unknown): { bucket: string; prefix: string } {
  const loc = parseS3UriParts(uri, S3_PREFIX_FORMAT);
  if (loc.versionId !== undefined) throw invalidUri(uri, 'a folder cannot have a versionId', S3_PREFIX_FORMAT);
  const prefix = loc.key === '' || loc.key.endsWith('/') ? loc.key : `${loc.key}/`;
  return { bucket: loc.bucket, prefix };
}

function parseS3UriParts(uri: unknown, format: string): S3Location {
  if (typeof uri !== 'string') throw invalidUri(uri, 'it is not a string', format);
  if (uri.trim() !== uri) throw invalidUri(uri, 'it has leading or trailing whitespace', format);
  const parts = splitUrl(uri);
  if (!parts || parts.scheme !== 's3') throw invalidUri(uri, 'it does not start with "s3://"', format);
  if (!parts.netloc) throw invalidUri(uri, 'the bucket is missing', format);
  if (!BUCKET_RE.test(parts.netloc)) throw invalidUri(uri, `"${parts.netloc}" is not a valid bucket name`, format);
  if (uri.includes('#')) throw invalidUri(uri, 'it contains "#" (write it as %23 in a key)', format);
  const query = parseQuery(parts.query);
  const versionId = query.get('versionId');
  query.delete('versionId');
  if (query.size > 0) throw invalidUri(uri, `only "versionId" may follow "?", not ${[...query.keys()].map(show).join(', ')}`, format);
  if (versionId !== undefined && versionId.length > 1) throw invalidUri(uri, 'it has more than one versionId', format);
  const key = pythonUnquote(parts.path).replace(/^\//, '');
  return { bucket: parts.netloc, key, ...(versionId?.[0] === undefined ? {} : { versionId: versionId[0] }) };
}

export type RevisionRef =
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: string }
  | { kind: 'hash'; prefix: string };

/**
 * "latest", a timestamp pointer (digits) or a top-hash prefix (6-64 hex). An all-digit string of
 * 6+ characters may be either; it is returned as a timestamp and the registry falls back to a hash.
 */
export function parseRevisionRef(ref: unknown): RevisionRef {
  if (ref === undefined || ref === 'latest') return { kind: 'latest' };
  if (typeof ref !== 'string') throw new QuiltValidationError(`Invalid revision ${show(ref)}: ${HASH_FORMAT}`);
  if (/^\d{1,12}$/.test(ref)) return { kind: 'timestamp', timestamp: ref };
  if (HEX_PREFIX_RE.test(ref)) return { kind: 'hash', prefix: ref };
  throw new QuiltValidationError(`Invalid revision ${show(ref)}: ${HASH_FORMAT}`);
}

/** A full 64-character top hash. */
export function validateTopHash(hash: unknown): string {
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new QuiltValidationError(`Invalid top hash ${show(hash)}: expected the format of 64 lowercase hex characters, for example "5779f54a78585089375696890b00e5edc426f5f60370c0b732a2211c01af79f8"`);
  }
  return hash;
}
