/**
 * The local Quilt catalog's HTTP server: fastify on 127.0.0.1, routes declared per module —
 *   routes/service.ts   GET /health, /internal/indexer, /config.json          (no token)
 *   routes/api.ts       GET /api/auth/get_credentials, /api/search            (token)
 *   routes/graphql.ts   POST /graphql                                         (token)
 *   routes/browse.ts    GET /browse/<session>/...                              (a browsing session's files)
 *   routes/previews.ts  GET /api/preview, /api/tabular-preview                (a signed URL: Quilt's preview lambdas)
 * (The pages people see are Quilt's own web catalog app, served by ../catalog-ui/ in front of this.)
 * A token is `Authorization: Bearer <jwt>` or the bare `<jwt>`, as Quilt's registry takes it.
 * Every request gets one access-log line (method, path, status, ms, user) and a deadline
 * (QUILT_E2E_CATALOG_DEADLINE_MS): past it the answer is 503 DeadlineExceeded and the work done for
 * it stops at its next S3 check. Errors are JSON {error, message}.
 */
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AuthError } from './auth.js';
import type { CatalogContext } from './context.js';
import { HttpError, sendError } from './http.js';
import { apiRoutes } from './routes/api.js';
import { graphqlRoutes } from './routes/graphql.js';
import { internalRoutes } from './routes/internal.js';
import { sessionRoutes } from './routes/session.js';
import { userRoutes } from './routes/users.js';
import { browseRoutes } from './routes/browse.js';
import { previewRoutes } from './routes/previews.js';
import './routes/request.js';
import { serviceRoutes } from './routes/service.js';

/** A request slower than this is logged as slow, whatever its status. */
const SLOW_MS = 2000;

/** The catalog's error model for anything a route or fastify itself throws. */
function asHttpError(ctx: CatalogContext, e: unknown, req: FastifyRequest): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof AuthError) return new HttpError(401, e.code, e.message);
  const fe = e as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new HttpError(413, 'PayloadTooLarge', `the request body is larger than ${ctx.config.maxBodyBytes} bytes; at most ${ctx.config.maxBodyBytes} bytes are accepted (QUILT_E2E_CATALOG_MAX_BODY_BYTES)`);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return new HttpError(fe.statusCode, 'BadRequest', fe.message);
  ctx.log(`error: ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
  return new HttpError(500, 'InternalError', `the catalog failed: ${(e as Error).message}`);
}

function answerError(ctx: CatalogContext, e: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const err = asHttpError(ctx, e, req);
  if (reply.sent) return reply;
  if (err.status === 401) reply.header('www-authenticate', 'Bearer');
  return sendError(reply, err);
}

export function createCatalogServer(ctx: CatalogContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    disableRequestLogging: true,
    bodyLimit: ctx.config.maxBodyBytes,
    requestTimeout: ctx.config.deadlineMs + 5_000,
    keepAliveTimeout: 5_000,
    maxParamLength: 8192,
    // A malformed address (a bad %-escape) is the caller's error, in the catalog's own words.
    frameworkErrors: (e, req, reply) => answerError(ctx, new HttpError(400, 'BadRequest', `the address is not valid: ${e.message}`), req, reply),
  });
  app.decorateRequest('user', null);
  app.decorateRequest('deadline', null as unknown as AbortSignal);
  // Every body is kept as bytes; the routes parse what they take (GraphQL: JSON with its own errors).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    const controller = new AbortController();
    req.deadline = controller.signal;
    const timer = setTimeout(() => {
      const e = new HttpError(503, 'DeadlineExceeded', `the catalog did not answer within ${ctx.config.deadlineMs} ms (QUILT_E2E_CATALOG_DEADLINE_MS); the work was stopped — ask for less at once`);
      controller.abort(e);
      answerError(ctx, e, req, reply);
    }, ctx.config.deadlineMs);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
  });
  app.addHook('onResponse', async (req, reply) => {
    const ms = Math.round(reply.elapsedTime);
    // A GraphQL request names its operation (the app names every one): which of them was slow.
    const op = Buffer.isBuffer(req.body) ? /"operationName"\s*:\s*"(\w{1,80})"|(?:query|mutation)\s+(\w{1,80})/.exec(req.body.subarray(0, 2000).toString('utf8')) : null;
    const path = `${req.url.split('?')[0]!.slice(0, 200)}${op ? ` ${op[1] ?? op[2]}` : ''}`;
    ctx.log(`${ms > SLOW_MS ? 'slow' : 'access'}: ${req.method} ${path} ${reply.statusCode} ${ms} ms ${req.user ?? '-'}`);
  });
  // Quilt's web catalog calls the registry from its own origin (as on a real stack): CORS for that origin only.
  const app0 = new URL(ctx.config.webAppUrl);
  void app.register(cors, {
    origin: [app0.origin, `${app0.protocol}//${app0.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${app0.port}`],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    // What a table preview says of itself (as Quilt's lambdas expose it).
    exposedHeaders: ['X-Quilt-Info'],
    maxAge: 600,
  });
  app.setErrorHandler((e, req, reply) => answerError(ctx, e, req, reply));
  app.setNotFoundHandler((req, reply) => answerError(ctx, new HttpError(404, 'NotFound', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`), req, reply));

  serviceRoutes(app, ctx);
  apiRoutes(app, ctx);
  graphqlRoutes(app, ctx);
  internalRoutes(app, ctx);
  sessionRoutes(app, ctx);
  userRoutes(app, ctx);
  browseRoutes(app, ctx);
  previewRoutes(app, ctx);
  return app;
}
