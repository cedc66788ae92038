/** s3://bucket/key[?versionId=...] — parsed strictly, with errors that show the right form. */
export interface S3Location { bucket: string; key: string; versionId?: string }

export class S3UriError extends Error {}

const EXAMPLE = 's3://my-bucket/data/file1.csv';

export function parseS3Uri(uri: string): S3Location {
  if (typeof uri !== 'string' || !uri.startsWith('s3://')) {
    throw new S3UriError(`Invalid S3 URI ${JSON.stringify(uri)}: an S3 URI must start with 's3://' and name a bucket and a key, for example ${EXAMPLE}`);
  }
  const rest = uri.slice(5);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const slash = path.indexOf('/');
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new S3UriError(`Invalid S3 URI ${JSON.stringify(uri)}: ${JSON.stringify(bucket)} is not a bucket name (3–63 lowercase letters, digits, dots or hyphens); the URI must look like this, for example ${EXAMPLE}`);
  }
  if (!key) throw new S3UriError(`Invalid S3 URI ${JSON.stringify(uri)}: it must include a bucket and a key, for example ${EXAMPLE}`);
  let versionId: string | undefined;
  if (q >= 0) {
    const params = new URLSearchParams(rest.slice(q + 1));
    const unknown = [...params.keys()].filter((k) => k !== 'versionId');
    if (unknown.length) throw new S3UriError(`Invalid S3 URI ${JSON.stringify(uri)}: only the query parameter versionId is allowed, for example ${EXAMPLE}?versionId=abc`);
    versionId = params.get('versionId') ?? undefined;
  }
  return { bucket, key, ...(versionId ? { versionId } : {}) };
}

export function formatS3Uri(loc: S3Location): string {
  return `s3://${loc.bucket}/${loc.key}${loc.versionId ? `?versionId=${encodeURIComponent(loc.versionId)}` : ''}`;
}
