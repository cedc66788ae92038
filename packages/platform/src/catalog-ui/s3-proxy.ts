/**
 * The catalog app's S3 proxy, as Quilt's s3-proxy is for AWS: the app signs each S3 request
 * (AWS SDK v2, SigV4) for S3's own host with the credentials get_credentials gave its user, then
 * sends it to `<s3Proxy>/<region>/<bucket>/<key>`. Quilt's nginx passes it to
 * `<bucket>.s3.<region>.amazonaws.com`, where the signature is valid. Here the proxy checks the
 * signature itself — against the hosts the app may have signed for, with the secret of the key
 * (temporary credentials the catalog issued, their session token and expiry included, or a stack
 * user's keys) — and sends the same request to the stack's S3 (the S3 front) signed anew with the
 * same credentials, so RGW judges it as the user's own. Presigned URLs (the app's download links,
 * signed in their query) are checked the same way, their expiry included. Anything not signed by a known key is
 * refused as S3 refuses it (403, S3's XML error), and nothing reaches S3.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SignatureV4 } from '@smithy/signature-v4';
import { presignedParams, SigV4Error, verifyPresigned, verifySigV4 } from '../athena/sigv4.js';
import { Sha256 } from '../catalog/rgw-admin.js';
import type { IssuedCredentialsStore } from '../sts/issued.js';

export interface ProxyCredentials { secretAccessKey: string; sessionToken?: string; expiration?: string }

export interface S3ProxyOptions {
  /** The stack's S3 endpoint the requests go to, e.g. the S3 front http://127.0.0.1:7481. */
  upstream: string;
  /** The secret (and session token, expiry) of an access key the stack knows, or undefined. */
  credentialsOf(accessKeyId: string): ProxyCredentials | undefined;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  log: (line: string) => void;
}

/**
 * The keys the stack knows: its users' own, and the temporary credentials get_credentials issued
 * (with their session token and expiry).
 */
export function stackCredentials(users: Array<{ accessKeyId: string; secretAccessKey: string }>, issued: IssuedCredentialsStore): S3ProxyOptions['credentialsOf'] {
  return (k) => {
    const u = users.find((x) => x.accessKeyId === k);
    if (u) return { secretAccessKey: u.secretAccessKey };
    const t = issued.lookup(k);
    return t && { secretAccessKey: t.secretAccessKey, sessionToken: t.sessionToken, expiration: t.expiration };
  };
}

/** Request headers passed on to S3 (and signed anew); the rest (cookies, the browser's own) stay here. */
const PASSED = /^(content-type|content-md5|content-encoding|content-disposition|content-language|cache-control|expires|range|if-match|if-none-match|if-modified-since|if-unmodified-since|x-amz-(?!date$|security-token$|content-sha256$)[a-z0-9-]+)$/;
/** Answer headers passed back to the app. */
const ANSWERED = /^(content-type|content-length|content-range|content-encoding|content-disposition|content-language|cache-control|expires|etag|last-modified|accept-ranges|x-amz-[a-z0-9-]+)$/;

/** The hosts and paths the app may have signed a request to <region>/<bucket><path> for (virtual-hosted and path style, regional and global). */
function signedForms(region: string, bucket: string, path: string): Array<{ host: string; path: string }> {
  return [
    { host: `${bucket}.s3.${region}.amazonaws.com`, path },
    { host: `${bucket}.s3.amazonaws.com`, path },
    { host: `s3.${region}.amazonaws.com`, path: `/${bucket}${path}` },
    { host: 's3.amazonaws.com', path: `/${bucket}${path}` },
  ];
}

/** A request the app signed for S3's AWS hosts, as it reached the stack: `<region>/<bucket><path><query>` of its URL. */
export interface SignedS3Request {
  method: string;
  region: string;
  bucket: string;
  /** The key's path, from its leading slash ("/" for the bucket). */
  path: string;
  /** "" or "?<query>" as sent (a presigned URL's signature included). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What S3 (or the check of the signature) answered. */
export interface S3Answer { status: number; headers: Record<string, string>; body: Buffer }

const xmlAnswer = (status: number, code: string, message: string): S3Answer => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error>`),
});

/**
 * Checks the signature of a request signed for S3's AWS hosts (its Authorization header, or a
 * presigned URL's query) and, when a key the stack knows signed it, sends the same request to the
 * stack's S3 signed anew with the same credentials. Answers S3's answer, or S3's refusal.
 */
export async function relaySignedS3(r: SignedS3Request, o: S3ProxyOptions): Promise<S3Answer> {
  const { region, bucket, path, query, body } = r;
  // Which access key signed it (in its Authorization header, or a presigned URL's query), for which of S3's hosts.
  const presigned = presignedParams(query.slice(1)) !== undefined;
  let accessKeyId: string | undefined;
  let tokenGiven = r.headers['x-amz-security-token'] as string | undefined;
  let lastError: SigV4Error | undefined;
  for (const form of signedForms(region, bucket, path)) {
    const asSigned = { method: r.method, url: `${form.path}${query}`, headers: { ...r.headers, host: form.host }, body };
    try {
      if (presigned) {
        const who = verifyPresigned(asSigned, (k) => o.credentialsOf(k)?.secretAccessKey);
        accessKeyId = who.accessKeyId;
        tokenGiven = who.sessionToken;
      } else {
        accessKeyId = verifySigV4(asSigned, (k) => o.credentialsOf(k)?.secretAccessKey, Date.now(), { s3: true }).accessKeyId;
      }
      break;
    } catch (e) {
      if (!(e instanceof SigV4Error)) throw e;
      lastError = e;
      if (e.code !== 'InvalidSignatureException' || !/does not match/.test(e.message)) break;
    }
  }
  if (!accessKeyId) {
    const code = lastError?.code === 'UnrecognizedClientException' ? 'InvalidAccessKeyId' : lastError?.code === 'MissingAuthenticationTokenException' ? 'AccessDenied' : /expired/.test(lastError?.message ?? '') ? 'AccessDenied' : 'SignatureDoesNotMatch';
    return xmlAnswer(403, code, lastError?.message ?? 'the request is not signed');
  }
  const creds = o.credentialsOf(accessKeyId)!;
  if (creds.sessionToken !== undefined) {
    if (tokenGiven !== creds.sessionToken) return xmlAnswer(403, 'InvalidToken', 'the session token of these temporary credentials is missing or not theirs');
    if (Date.parse(creds.expiration ?? '') <= Date.now()) return xmlAnswer(400, 'ExpiredToken', 'The provided token has expired: the app gets new credentials from get_credentials');
  }

  // The same request to the stack's S3, signed anew with the same credentials.
  const upstream = new URL(o.upstream);
  const headers: Record<string, string> = { host: upstream.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && PASSED.test(k)) headers[k] = Array.isArray(v) ? v.join(',') : v;
  // A presigned URL's own parameters stay here; the rest of its query (e.g. versionId) goes on.
  const forwarded = presigned ? query.slice(1).split('&').filter((pair) => pair && !/^X-Amz-/i.test(pair)).join('&') : query.slice(1);
  const queryParams: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(forwarded)) {
    const had = queryParams[k];
    queryParams[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const signer = new SignatureV4({
    service: 's3', region, sha256: Sha256, uriEscapePath: false, applyChecksum: false,
    credentials: { accessKeyId, secretAccessKey: creds.secretAccessKey, ...(creds.sessionToken !== undefined ? { sessionToken: creds.sessionToken } : {}) },
  });
  const signed = await signer.sign({
    method: r.method, protocol: upstream.protocol, hostname: upstream.hostname, port: Number(upstream.port), path: `/${bucket}${path}`, query: queryParams, headers,
    ...(body.length ? { body } : {}),
  });
  let answer: Response;
  try {
    answer = await fetch(`${o.upstream}/${bucket}${path}${forwarded ? `?${forwarded}` : ''}`, {
      method: r.method, headers: signed.headers, ...(body.length || r.method === 'PUT' || r.method === 'POST' ? { body } : {}),
      signal: AbortSignal.timeout(o.upstreamTimeoutMs),
    });
  } catch (e) {
    o.log(`s3 proxy: ${r.method} ${bucket}${path}: ${(e as Error).message}`);
    return xmlAnswer(502, 'BadGateway', `the stack's S3 at ${o.upstream} did not answer: ${(e as Error).message}`);
  }
  const answered: Record<string, string> = {};
  answer.headers.forEach((v, k) => { if (ANSWERED.test(k)) answered[k] = v; });
  return { status: answer.status, headers: answered, body: r.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await answer.arrayBuffer()) };
}

/** `{region, bucket, path, query}` of a URL of one of S3's AWS hosts (virtual-hosted or path style), or undefined. */
export function awsS3Location(url: string): { region: string; bucket: string; path: string; query: string } | undefined {
  let u: URL;
  try { u = new URL(url); } catch { return undefined; }
  if (u.protocol !== 'https:' || u.username || u.password) return undefined;
  const virtual = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
  if (virtual) return { region: virtual[2] ?? 'us-east-1', bucket: virtual[1]!, path: u.pathname, query: u.search };
  const pathStyle = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
  const m = pathStyle && /^\/([^/]+)(\/.*)?$/.exec(u.pathname);
  if (m) return { region: pathStyle[1] ?? 'us-east-1', bucket: m[1]!, path: m[2] ?? '/', query: u.search };
  return undefined;
}

export const s3ProxyRoute: FastifyPluginAsync<S3ProxyOptions> = async (app, o) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.maxBodyBytes }, (_req, body, done) => done(null, body));

  app.route({
    method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    url: '/*',
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = req.url.slice(req.url.indexOf('/__s3proxy') + '/__s3proxy'.length);
      const q = raw.indexOf('?');
      const pathPart = q < 0 ? raw : raw.slice(0, q);
      const m = /^\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathPart);
      const answer = m
        ? await relaySignedS3({
          method: req.method, region: m[1]!, bucket: m[2]!, path: m[3] ?? '/', query: q < 0 ? '' : raw.slice(q),
          headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        }, o)
        : xmlAnswer(400, 'InvalidURI', `the S3 proxy takes /<region>/<bucket>/<key>; got ${pathPart.slice(0, 100)}`);
      reply.code(answer.status).headers(answer.headers);
      return reply.send(req.method === 'HEAD' ? undefined : answer.body);
    },
  });
};
