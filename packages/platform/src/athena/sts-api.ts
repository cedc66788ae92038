/**
 * STS on the stack's AWS API port, as AWS's STS speaks it (the Query protocol: a form-encoded POST,
 * an XML answer). RGW 16 has STS AssumeRole but no GetCallerIdentity, which AWS clients ask first
 * to learn who they are (quilt-mcp's discover_permissions does). This answers GetCallerIdentity
 * for a request signed (SigV4, service "sts") by a key the stack knows — an RGW user's, or
 * temporary credentials the catalog handed out, with the session ARN RGW's STS gave them — and
 * passes every other action to RGW's STS unchanged (its signature stays valid: nothing signed
 * changes).
 */
import { request as httpRequest } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SigV4Error } from './sigv4.js';

/** Who an access key belongs to, as GetCallerIdentity names it. */
export interface StsIdentity { arn: string; userId: string; account: string }

export interface StsOptions {
  /** The identity of a verified caller's access key (after its secret, session token and expiry were checked). */
  identityOf(accessKeyId: string): StsIdentity;
  /** RGW, whose STS answers every other action. */
  upstream: string;
  /** Deadline of an exchange with RGW (ms). */
  upstreamTimeoutMs: number;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** STS's XML error, with the codes STS uses for the same faults. */
export function stsError(reply: FastifyReply, requestId: string, status: number, code: string, message: string): FastifyReply {
  const stsCode = ({ UnrecognizedClientException: 'InvalidClientTokenId', InvalidSignatureException: 'SignatureDoesNotMatch', ExpiredTokenException: 'ExpiredToken', MissingAuthenticationTokenException: 'MissingAuthenticationToken' } as Record<string, string>)[code] ?? code;
  return reply.code(status).header('content-type', 'text/xml').send(
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${stsCode}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

export function getCallerIdentityXml(who: StsIdentity, requestId: string): string {
  return '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
    + `<Arn>${xmlEscape(who.arn)}</Arn><UserId>${xmlEscape(who.userId)}</UserId><Account>${xmlEscape(who.account)}</Account>`
    + `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
}

/** True for a request in STS's Query protocol (no X-Amz-Target; a form body). */
export function isStsRequest(req: FastifyRequest): boolean {
  return req.headers['x-amz-target'] === undefined && /^application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''));
}

/**
 * Answers an STS request. `verify` checks the signature and the temporary credentials' token and
 * expiry (throwing SigV4Error) and returns the access key id.
 */
export async function handleSts(req: FastifyRequest, reply: FastifyReply, body: Buffer, o: StsOptions, verify: (service: string) => string): Promise<unknown> {
  const action = new URLSearchParams(body.toString('utf8')).get('Action');
  if (action !== 'GetCallerIdentity') return relay(req, reply, body, o);
  try {
    const accessKeyId = verify('sts');
    return reply.header('content-type', 'text/xml').send(getCallerIdentityXml(o.identityOf(accessKeyId), req.id));
  } catch (e) {
    if (e instanceof SigV4Error) return stsError(reply, req.id, e.code === 'ExpiredTokenException' ? 400 : 403, e.code, e.message);
    throw e;
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer']);

/** Passes an STS request to RGW byte for byte and answers what RGW answered. */
function relay(req: FastifyRequest, reply: FastifyReply, body: Buffer, o: StsOptions): Promise<unknown> {
  const upstream = new URL(o.upstream);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  headers['content-length'] = String(body.length);
  return new Promise((resolve) => {
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, timeout: o.upstreamTimeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(reply.code(res.statusCode ?? 502).header('content-type', res.headers['content-type'] ?? 'text/xml').send(Buffer.concat(chunks))));
      res.on('error', (e) => resolve(stsError(reply, req.id, 502, 'ServiceUnavailable', `RGW's STS broke off its answer: ${e.message}`)));
    });
    up.on('timeout', () => up.destroy(new Error(`no answer within ${o.upstreamTimeoutMs} ms`)));
    up.on('error', (e) => resolve(stsError(reply, req.id, 503, 'ServiceUnavailable', `RGW's STS at ${o.upstream} did not answer: ${e.message}`)));
    up.end(body);
  });
}
