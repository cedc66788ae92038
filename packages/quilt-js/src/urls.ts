/**
 * Catalog page URLs and Quilt+ URIs, built as the Quilt catalog builds them
 * (`catalog/app/constants/routes.ts`, `utils/PackageUri.ts`): paths are encoded segment by segment
 * with encodeURIComponent, query strings with Node's querystring (as the catalog's mkSearch).
 */
import { stringify as stringifyQuery } from 'node:querystring';
import { QuiltValidationError } from './errors.js';
import { validateBucketName, validatePackageName } from './validation.js';

/** The catalog's `encode`: every "/"-separated segment through encodeURIComponent. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function search(params: Record<string, string | undefined>): string {
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const qs = stringifyQuery(defined);
  return qs ? `?${qs}` : '';
}

function base(catalogUrl: string): string {
  if (!/^https?:\/\/[^/]+/.test(catalogUrl)) {
    throw new QuiltValidationError(`Invalid catalog URL ${JSON.stringify(catalogUrl)}: expected the format "http(s)://<host>[:port]", for example "http://127.0.0.1:3000"`);
  }
  return catalogUrl.replace(/\/+$/, '');
}

export function catalogBucketUrl(catalogUrl: string, bucket: string): string {
  return `${base(catalogUrl)}/b/${validateBucketName(bucket)}`;
}

/** A file (`key` without trailing "/") or folder (`key` ending in "/", or '') page. */
export function catalogObjectUrl(catalogUrl: string, bucket: string, key: string, versionId?: string): string {
  return `${catalogBucketUrl(catalogUrl, bucket)}/tree/${encodePath(key)}${search({ version: versionId })}`;
}

export function catalogPackagesUrl(catalogUrl: string, bucket: string): string {
  return `${catalogBucketUrl(catalogUrl, bucket)}/packages/`;
}

export function catalogPackageUrl(catalogUrl: string, bucket: string, name: string): string {
  return `${catalogBucketUrl(catalogUrl, bucket)}/packages/${validatePackageName(name)}`;
}

/**
 * A revision's tree page. Like the catalog, the latest revision without a path is the package page.
 * `revision` is "latest", a top hash or a timestamp.
 */
export function catalogRevisionUrl(catalogUrl: string, bucket: string, name: string, revision = 'latest', path = ''): string {
  if (!path && revision === 'latest') return catalogPackageUrl(catalogUrl, bucket, name);
  return `${catalogPackageUrl(catalogUrl, bucket, name)}/tree/${revision}/${encodePath(path)}`;
}

export function catalogRevisionsUrl(catalogUrl: string, bucket: string, name: string): string {
  return `${catalogPackageUrl(catalogUrl, bucket, name)}/revisions`;
}

export function catalogCompareUrl(catalogUrl: string, bucket: string, name: string, baseHash: string, otherHash?: string): string {
  const tail = otherHash ? `${baseHash}/${otherHash}/` : `${baseHash}/`;
  return `${catalogPackageUrl(catalogUrl, bucket, name)}/compare/${tail}`;
}

export interface QuiltPlusUri {
  bucket: string;
  name: string;
  hash?: string;
  tag?: string;
  path?: string;
  catalog?: string;
}

/** `quilt+s3://<bucket>#package=<name>[@hash|:tag][&path=<p>][&catalog=<host>]`. */
export function quiltPlusUri(uri: QuiltPlusUri): string {
  validateBucketName(uri.bucket);
  validatePackageName(uri.name);
  if (uri.hash && uri.tag) {
    throw new QuiltValidationError(`Invalid Quilt+ URI parts: both hash ${uri.hash} and tag ${uri.tag} given; expected the format "quilt+s3://<bucket>#package=<name>@<hash>" or "...#package=<name>:<tag>", for example "quilt+s3://quilt-example#package=team/data:latest"`);
  }
  const spec = uri.name + (uri.hash ? `@${uri.hash}` : uri.tag ? `:${uri.tag}` : '');
  const path = uri.path ? `&path=${encodeURIComponent(uri.path)}` : '';
  const catalog = uri.catalog ? `&catalog=${encodeURIComponent(uri.catalog)}` : '';
  return `quilt+s3://${uri.bucket}#package=${spec}${path}${catalog}`;
}

/** Parses a Quilt+ URI (the inverse of quiltPlusUri). */
export function parseQuiltPlusUri(text: string): QuiltPlusUri {
  const fail = (why: string) => new QuiltValidationError(`Invalid Quilt+ URI ${JSON.stringify(text)}: ${why}; expected the format "quilt+s3://<bucket>#package=<user>/<pkg>[@<hash>|:<tag>][&path=<path>]", for example "quilt+s3://quilt-example#package=team/data@5779f54a&path=README.md"`);
  const m = /^quilt\+s3:\/\/([^/#?]+)\/?#(.*)$/.exec(text);
  if (!m) throw fail('it does not start with "quilt+s3://<bucket>#"');
  const params = new Map<string, string>();
  for (const part of (m[2] as string).split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq);
    if (params.has(k)) throw fail(`"${k}=" is given more than once`);
    params.set(k, decodeURIComponent(part.slice(eq + 1)));
  }
  const spec = params.get('package');
  if (!spec) throw fail('the "package=" part is missing');
  if (spec.includes('@') && spec.includes(':')) throw fail('"package=" may contain either "@" or ":"');
  const [name, hash] = spec.split('@') as [string, string | undefined];
  const [plainName, tag] = name.split(':') as [string, string | undefined];
  const out: QuiltPlusUri = { bucket: m[1] as string, name: validatePackageName(plainName) };
  if (hash) out.hash = hash;
  if (tag) out.tag = tag;
  const path = params.get('path');
  if (path) out.path = path;
  const catalog = params.get('catalog');
  if (catalog) out.catalog = catalog;
  return out;
}
