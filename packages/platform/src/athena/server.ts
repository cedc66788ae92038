/**
 * The local Athena and Glue APIs on one loopback port, speaking AWS JSON 1.1: POST / with
 * `X-Amz-Target: AmazonAthena.<Operation>` or `AWSGlue.<Operation>`, a JSON body, and an AWS
 * Signature V4 of one of the stack's RGW users (the same keys the personas use for S3). A caller
 * may use the APIs when RGW lets their keys read one of the served buckets (asked with their own
 * keys, as the catalog does); others get AccessDeniedException. Errors are `{"__type", "Message"}`
 * with x-amzn-ErrorType, as AWS sends them. The same port speaks STS (sts-api.ts): GetCallerIdentity
 * answered here, every other action passed to RGW's STS. Access logs: fastify's, one JSON line per request.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { athenaOperations, unknownOperation, type AthenaContext } from './athena-api.js';
import { AwsError } from './errors.js';
import { glueOperations, type GlueContext } from './glue-api.js';
import { SigV4Error, verifySigV4 } from './sigv4.js';
import { handleSts, isStsRequest, type StsOptions } from './sts-api.js';

export interface ApiUsers {
  /**
   * The RGW uid of an access key id, with its secret; temporary credentials (STS, from the catalog's
   * get_credentials) also carry their session token and expiry.
   */
  byAccessKey(accessKeyId: string): { uid: string; secretAccessKey: string; sessionToken?: string; expiration?: string } | undefined;
  /** Who an access key (already verified) belongs to, as STS GetCallerIdentity names it. */
  identityOf: StsOptions['identityOf'];
  /** True when the user may use the SQL APIs (reads one of the served buckets). */
  mayQuery(caller: ApiCaller): Promise<boolean>;
}

/** Who signed a request: the RGW user, and the temporary credentials they signed with, if any. */
export interface ApiCaller { uid: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export interface ApiServerOptions {
  athena: AthenaContext; glue: GlueContext; users: ApiUsers;
  /** RGW, whose STS answers every STS action but GetCallerIdentity. */
  sts: { upstream: string; upstreamTimeoutMs: number };
  maxBodyBytes?: number; logger?: boolean;
}

const SERVICES = { AmazonAthena: 'athena', AWSGlue: 'glue' } as const;

export function createApiServer(o: ApiServerOptions): FastifyInstance {
  const app = Fastify({
    logger: o.logger === false ? false : { level: 'info' },
    bodyLimit: o.maxBodyBytes ?? 1024 * 1024,
    // Request ids as AWS returns them (x-amzn-RequestId).
    genReqId: () => crypto.randomUUID(),
  });
  // Every body is kept as bytes: the signature covers them exactly.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const fail = (reply: import('fastify').FastifyReply, e: AwsError | SigV4Error): unknown => {
    const code = e instanceof AwsError ? e.code : e.code;
    const extra = e instanceof AwsError ? e.extra : {};
    return reply.code(e.status).header('x-amzn-ErrorType', code).header('content-type', 'application/x-amz-json-1.1')
      .send(JSON.stringify({ __type: code, Message: e.message, message: e.message, ...extra }));
  };

  app.get('/health', async () => ({ ok: true, service: 'athena+glue' }));

  /** Checks the request's signature (for `service`), and a temporary key's session token and expiry; returns who signed. */
  const verifyCaller = (req: import('fastify').FastifyRequest, body: Buffer, service: string, prefix: string): ApiCaller => {
    const caller0 = verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, (k) => o.users.byAccessKey(k)?.secretAccessKey);
    if (caller0.service !== service) throw new SigV4Error('InvalidSignatureException', `the request is signed for service "${caller0.service}" but ${prefix} is "${service}": sign it for ${service}`);
    const known = o.users.byAccessKey(caller0.accessKeyId)!;
    if (known.sessionToken !== undefined) {
      if (req.headers['x-amz-security-token'] !== known.sessionToken) throw new SigV4Error('UnrecognizedClientException', 'The security token included in the request is invalid: temporary credentials need their session token in X-Amz-Security-Token');
      if (Date.parse(known.expiration ?? '') <= Date.now()) throw new SigV4Error('ExpiredTokenException', `The security token included in the request is expired (at ${known.expiration}): get new credentials from the catalog's /api/auth/get_credentials`);
    }
    return { uid: known.uid, accessKeyId: caller0.accessKeyId, secretAccessKey: known.secretAccessKey, ...(known.sessionToken !== undefined ? { sessionToken: known.sessionToken } : {}) };
  };

  app.post('/', async (req, reply) => {
    reply.header('x-amzn-RequestId', req.id);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (isStsRequest(req)) {
      return handleSts(req, reply, body, { ...o.sts, identityOf: o.users.identityOf }, (service) => verifyCaller(req, body, service, 'STS').accessKeyId);
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, op] = target.split('.', 2) as [string, string | undefined];
    const service = SERVICES[prefix as keyof typeof SERVICES];
    if (!service || !op) {
      return fail(reply, new AwsError('UnknownOperationException', `X-Amz-Target ${JSON.stringify(target)} names no operation: use "AmazonAthena.<Operation>" or "AWSGlue.<Operation>" (AWS JSON 1.1), or send STS's Query protocol (a form body with Action=GetCallerIdentity)`));
    }
    let uid: string;
    let caller: ApiCaller;
    try {
      caller = verifyCaller(req, body, service, prefix);
      uid = caller.uid;
    } catch (e) {
      if (e instanceof SigV4Error) return fail(reply, e);
      throw e;
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the body is not a JSON object');
      input = parsed as Record<string, unknown>;
    } catch (e) {
      return fail(reply, new AwsError('SerializationException', `the request body is not a JSON object: ${(e as Error).message}`));
    }
    try {
      const known = service === 'athena' ? athenaOperations : glueOperations;
      const handler = known[op];
      if (!handler) throw unknownOperation(prefix, op, Object.keys(known));
      if (!(await o.users.mayQuery(caller))) {
        throw new AwsError('AccessDeniedException', `User: arn:aws:iam::000000000000:user/${uid} is not authorized to perform: ${service}:${op} because it may not read any bucket this stack serves`);
      }
      const out = service === 'athena'
        ? await (handler as (typeof athenaOperations)[string])(o.athena, input, uid)
        : await (handler as (typeof glueOperations)[string])(o.glue, input);
      return reply.header('content-type', 'application/x-amz-json-1.1').send(JSON.stringify(out));
    } catch (e) {
      if (e instanceof AwsError) return fail(reply, e);
      req.log.error({ err: e }, `${target} failed`);
      return fail(reply, new AwsError('InternalServerException', `${target} failed on the local stack: ${(e as Error).message}`));
    }
  });
  return app;
}
