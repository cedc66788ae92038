/**
 * Checks AWS Signature Version 4 on a request, as an AWS service does before it reads the body:
 * the credential's access key must be known, the date must be within 15 minutes of the server's
 * clock, and the signature must be the one the known secret gives for this method, path, query,
 * signed headers and body. The algorithm is AWS's published one ("Create a signed AWS API
 * request", docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html);
 * it is written out here because npm has signers but no maintained verifier (and a signer picks
 * its own header set, while a verifier must use exactly the headers the client signed).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigV4Request {
  method: string;
  /** Path and query as sent, e.g. "/" or "/?a=b". */
  url: string;
  /** Header names in lower case; repeated headers joined with ",". */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SigV4Caller {
  accessKeyId: string;
  region: string;
  service: string;
}

/** A refusal with the error code AWS answers for it (HTTP 400 or 403, JSON protocols' __type). */
export class SigV4Error extends Error {
  constructor(readonly code: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'InvalidSignatureException' | 'UnrecognizedClientException' | 'ExpiredTokenException', message: string, readonly status = code === 'MissingAuthenticationTokenException' ? 403 : 400) {
    super(message);
    this.name = code;
  }
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters stay). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query.split('&').filter(Boolean).map((pair) => {
    const i = pair.indexOf('=');
    const k = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, ' '));
    const v = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, ' '));
    return [uriEncode(k), uriEncode(v)] as const;
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalPath(path: string): string {
  // Non-S3 services: each segment URI-encoded once more after decoding (the SDKs' "double encoding").
  return path.split('/').map((seg) => uriEncode(uriEncode(decodeURIComponent(seg)))).join('/') || '/';
}

/** S3: the path URI-encoded once (as sent), each segment normalised to SigV4's encoding. */
function s3CanonicalPath(path: string): string {
  return path.split('/').map((seg) => uriEncode(decodeURIComponent(seg))).join('/') || '/';
}

function headerValue(h: SigV4Request['headers'], name: string): string | undefined {
  const v = h[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : v).trim().replace(/\s+/g, ' ');
}

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Verifies the request's SigV4 Authorization header; returns who signed it. `secretOf` gives the
 * secret of a known access key id (undefined: unknown key). Throws SigV4Error otherwise.
 */
export function verifySigV4(req: SigV4Request, secretOf: (accessKeyId: string) => string | undefined, now = Date.now(), options: { s3?: boolean } = {}): SigV4Caller {
  const auth = headerValue(req.headers, 'authorization');
  if (!auth) throw new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token: the request has no Authorization header; sign it with AWS Signature Version 4 (any AWS SDK does)');
  const m = AUTH.exec(auth);
  if (!m) throw new SigV4Error('IncompleteSignatureException', `Authorization header is not an AWS4-HMAC-SHA256 signature: expected "AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=<a;b>, Signature=<64 hex>", got ${JSON.stringify(auth.slice(0, 80))}`);
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = m as unknown as [string, string, string, string, string, string, string];
  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) throw new SigV4Error('IncompleteSignatureException', 'the request has no X-Amz-Date header of the form yyyymmddThhmmssZ');
  if (!amzDate.startsWith(day)) throw new SigV4Error('InvalidSignatureException', `the credential scope's date ${day} is not the day of X-Amz-Date ${amzDate}`);
  const signedAt = Date.UTC(Number(amzDate.slice(0, 4)), Number(amzDate.slice(4, 6)) - 1, Number(amzDate.slice(6, 8)), Number(amzDate.slice(9, 11)), Number(amzDate.slice(11, 13)), Number(amzDate.slice(13, 15)));
  if (Math.abs(now - signedAt) > 15 * 60_000) {
    throw new SigV4Error('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier or later than 15 minutes from the server's time ${new Date(now).toISOString()}`);
  }
  const secret = secretOf(accessKeyId);
  if (secret === undefined) throw new SigV4Error('UnrecognizedClientException', `The security token included in the request is invalid: access key ${accessKeyId} is not known to this stack`);
  const signed = signedHeaderList.split(';');
  if (!signed.includes('host')) throw new SigV4Error('InvalidSignatureException', 'the signed headers must include "host"');
  const missing = signed.filter((h) => headerValue(req.headers, h) === undefined);
  if (missing.length > 0) throw new SigV4Error('InvalidSignatureException', `signed header(s) ${missing.join(', ')} are not in the request`);
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const payloadHash = headerValue(req.headers, 'x-amz-content-sha256') ?? sha256Hex(req.body);
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(req.body)) {
    throw new SigV4Error('InvalidSignatureException', 'the body is not the one X-Amz-Content-SHA256 names');
  }
  const canonical = [
    req.method.toUpperCase(), options.s3 ? s3CanonicalPath(path) : canonicalPath(path), canonicalQuery(query),
    signed.map((h) => `${h}:${headerValue(req.headers, h)}\n`).join(''), signedHeaderList, payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = hmac(key, toSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SigV4Error('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { accessKeyId, region, service };
}

/** The parameters of a presigned URL's query (X-Amz-*), or undefined when the query signs nothing. */
export function presignedParams(query: string): URLSearchParams | undefined {
  const p = new URLSearchParams(query);
  return p.has('X-Amz-Signature') ? p : undefined;
}

/**
 * Verifies an S3 presigned URL (SigV4 in the query: X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -SignedHeaders, -Signature, and -Security-Token for temporary credentials): the signature over the
 * request as signed (host and path as given in `req`), unexpired. Returns who signed it and their
 * session token, if any. Throws SigV4Error otherwise.
 */
export function verifyPresigned(req: SigV4Request, secretOf: (accessKeyId: string) => string | undefined, now = Date.now()): SigV4Caller & { sessionToken?: string } {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const p = new URLSearchParams(query);
  if (p.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new SigV4Error('IncompleteSignatureException', 'a presigned URL needs X-Amz-Algorithm=AWS4-HMAC-SHA256');
  const cred = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(p.get('X-Amz-Credential') ?? '');
  if (!cred) throw new SigV4Error('IncompleteSignatureException', 'X-Amz-Credential is not <key>/<yyyymmdd>/<region>/<service>/aws4_request');
  const [, accessKeyId, day, region, service] = cred as unknown as [string, string, string, string, string];
  const amzDate = p.get('X-Amz-Date') ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day)) throw new SigV4Error('IncompleteSignatureException', 'X-Amz-Date must be yyyymmddThhmmssZ of the credential\'s day');
  const expires = Number(p.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) throw new SigV4Error('IncompleteSignatureException', 'X-Amz-Expires must be 1 to 604800 seconds');
  const signedAt = Date.UTC(Number(amzDate.slice(0, 4)), Number(amzDate.slice(4, 6)) - 1, Number(amzDate.slice(6, 8)), Number(amzDate.slice(9, 11)), Number(amzDate.slice(11, 13)), Number(amzDate.slice(13, 15)));
  if (now > signedAt + expires * 1000) throw new SigV4Error('InvalidSignatureException', `Request has expired: the presigned URL was good until ${new Date(signedAt + expires * 1000).toISOString()}`);
  const secret = secretOf(accessKeyId);
  if (secret === undefined) throw new SigV4Error('UnrecognizedClientException', `The AWS Access Key Id you provided does not exist in our records: ${accessKeyId} is not known to this stack`);
  const signedHeaderList = p.get('X-Amz-SignedHeaders') ?? '';
  const signed = signedHeaderList.split(';');
  if (!signed.includes('host')) throw new SigV4Error('InvalidSignatureException', 'the signed headers must include "host"');
  const signature = p.get('X-Amz-Signature') ?? '';
  const rest = query.split('&').filter((pair) => pair && !pair.startsWith('X-Amz-Signature=')).join('&');
  const canonical = [
    req.method.toUpperCase(), s3CanonicalPath(path), canonicalQuery(rest),
    signed.map((h) => `${h}:${headerValue(req.headers, h) ?? ''}\n`).join(''), signedHeaderList, 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = hmac(key, toSign);
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SigV4Error('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  const sessionToken = p.get('X-Amz-Security-Token') ?? undefined;
  return { accessKeyId, region, service, ...(sessionToken !== undefined ? { sessionToken } : {}) };
}
