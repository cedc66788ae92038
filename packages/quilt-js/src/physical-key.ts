/**
 * Physical keys as quilt3 writes them in manifests: `s3://<bucket>/` + Python `quote(key, safe='/')`
 * + optional `?versionId=` + Python `urlencode`; local files as `file://` + quoted absolute path.
 * Reading reverses it like Python's `urlparse` + `unquote` + `parse_qs`.
 */
import { QuiltManifestError } from './errors.js';

export interface S3Location { bucket: string; key: string; versionId?: string }
export type PhysicalKey =
  | ({ scheme: 's3' } & S3Location)
  | { scheme: 'file'; path: string };

/** Python `urllib.parse.quote(s, safe=safe)`: only A-Z a-z 0-9 _ . - ~ and `safe` stay as they are. */
export function pythonQuote(s: string, safe = '/'): string {
  const encoded = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return safe.includes('/') ? encoded.replace(/%2F/g, '/') : encoded;
}

/** Python `quote_plus(s, safe='')` as `urlencode` uses it. */
function pythonQuotePlus(s: string): string {
  return pythonQuote(s, '').replace(/%20/g, '+');
}

/** Python `unquote`: %XX runs decode as UTF-8, invalid bytes become U+FFFD, never throws. */
export function pythonUnquote(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

export function formatS3Url(loc: S3Location): string {
  const base = `s3://${loc.bucket}${pythonQuote(`/${loc.key}`)}`;
  return loc.versionId === undefined ? base : `${base}?versionId=${pythonQuotePlus(loc.versionId)}`;
}

export function formatPhysicalKey(pk: PhysicalKey): string {
  return pk.scheme === 's3' ? formatS3Url(pk) : `file://${pythonQuote(pk.path)}`;
}

/** Splits a URL like Python's `urlparse` (scheme lowercased, fragment dropped). */
export function splitUrl(url: string): { scheme: string; netloc: string; path: string; query: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(url);
  if (!m) return undefined;
  return { scheme: (m[1] as string).toLowerCase(), netloc: m[2] ?? '', path: m[3] ?? '', query: m[4] ?? '' };
}

/** Python `parse_qs` (blank values dropped). */
export function parseQuery(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of query.split(/[&;]/)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = pythonUnquote((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const v = eq < 0 ? '' : pythonUnquote(part.slice(eq + 1).replace(/\+/g, ' '));
    if (v === '') continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

/** Reads a physical key from a manifest; `where` names the record in errors. */
export function parsePhysicalKey(url: string, where: string): PhysicalKey {
  const parts = splitUrl(url);
  if (parts?.scheme === 's3' && parts.netloc) {
    const query = parseQuery(parts.query);
    const versionId = query.get('versionId')?.[0];
    query.delete('versionId');
    if (query.size > 0) throw new QuiltManifestError(`Unexpected query string in physical key ${JSON.stringify(url)} of ${where}: only ?versionId= is allowed`);
    return { scheme: 's3', bucket: parts.netloc, key: pythonUnquote(parts.path).slice(1), ...(versionId === undefined ? {} : { versionId }) };
  }
  if (parts?.scheme === 'file' && (parts.netloc === '' || parts.netloc === 'localhost') && parts.path.startsWith('/')) {
    return { scheme: 'file', path: pythonUnquote(parts.path) };
  }
  throw new QuiltManifestError(`Unsupported physical key ${JSON.stringify(url)} in ${where}: expected the format "s3://<bucket>/<key>[?versionId=<id>]" or "file:///<path>"`);
}
