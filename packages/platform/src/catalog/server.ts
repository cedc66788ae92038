/**
 * The local Quilt catalog: one node:http server on 127.0.0.1 with
 *   GET  /health                       liveness + OpenSearch, S3 and indexer lag (200 / 503)
 *   GET  /internal/indexer             indexer and change-feed statistics
 *   GET  /config.json                  the catalog's configuration, with the keys of Quilt's (no token needed)
 *   GET  /api/auth/get_credentials     the token user's S3 credentials (registry shape)
 *   GET  /api/search                   search API over OpenSearch (raw response)
 *   POST /graphql                      Quilt's GraphQL subset (graphql-js)
 *   GET  /b/<bucket>/...               server-rendered catalog pages
 * Every endpoint except /health, /config.json, /internal/* and the pages needs a bearer token (401 otherwise).
 */
import type { BrowsingSessions } from './browsing.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@opensearch-project/opensearch';
import { AuthError, bearerToken, verifyToken } from './auth.js';
import { Authorizer, S3Clients } from './authz.js';
import type { CatalogConfig } from './config.js';
import type { ChangeFeed, FeedState } from './change-feed.js';
import { handleGraphql } from './graphql/handler.js';
import { HttpError, sendError, sendHtml, sendJson } from './http.js';
import type { Indexer } from './indexer/indexer.js';
import type { TabulatorRefresher } from '../sql/tabulator-refresher.js';
import { ACTIVE_FAULT, faultIs } from '../faults.js';
import { PackageService } from './packages.js';
import { handlePage, errorPage } from './pages.js';
import { search } from './search-api.js';
import { STACK_NAME } from '@quilt-e2e/constants';

export interface CatalogContext {
  config: CatalogConfig;
  clients: S3Clients;
  authz: Authorizer;
  os: Client;
  indexer: Indexer;
  /** Keeps Tabulator's views fresh as packages change (absent in tests that run no Tabulator). */
  tabulator?: TabulatorRefresher;
  packages: PackageService;
  /** Browsing sessions (browsingSessionCreate, GET /browse/...). */
  browsing: BrowsingSessions;
  log: (line: string) => void;
  /** The change feed (RGW's bucket index log); set once the catalog has started it. */
  feed?: ChangeFeed;
}

export async function authenticate(ctx: CatalogContext, req: IncomingMessage): Promise<string> {
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) throw new AuthError('MissingToken', 'this endpoint needs "Authorization: Bearer <token>" (a JWT signed by this catalog)');
  return (await verifyToken(token, { ...ctx.config.jwt, knownUsers: new Set(Object.keys(ctx.config.users)) })).user;
}

async function probe(url: string, timeoutMs: number): Promise<{ ok: boolean; status?: string; error?: string }> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await r.text();
    if (r.status !== 200) return { ok: false, error: `HTTP ${r.status}` };
    try {
      const s = (JSON.parse(text) as { status?: string }).status;
      if (s !== undefined) return { ok: s === 'green' || s === 'yellow', status: s };
    } catch { /* not JSON */ }
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error).message };
  }
}

const feedState = (ctx: CatalogContext): FeedState | { state: 'pending' } => ctx.feed?.state() ?? { state: 'pending' };

export async function health(ctx: CatalogContext): Promise<{ status: number; body: Record<string, unknown> }> {
  const [os, s3] = await Promise.all([probe(`${ctx.config.opensearchUrl}/_cluster/health`, 1500), probe(`${ctx.config.s3Endpoint}/`, 1500)]);
  const ix = ctx.indexer.stats();
  const ok = os.ok && s3.ok;
  return {
    status: ok ? 200 : 503,
    body: {
      ok,
      /** A fault mode this catalog runs with (faults.ts), or null. */
      fault: ACTIVE_FAULT ?? null,
      opensearch: { url: ctx.config.opensearchUrl, ...os },
      s3: { endpoint: ctx.config.s3Endpoint, ...s3 },
      changes: feedState(ctx),
      indexer: {
        queueLength: ix.queueLength + ix.backfillPending,
        lastEventAgeMs: ix.lastEventAgeMs,
        oldestPendingAgeMs: ix.oldestPendingAgeMs,
        p50LagMs: ix.lagMs.p50,
        p95LagMs: ix.lagMs.p95,
        retrying: ix.retrying,
        backfill: ix.backfill.state,
      },
    },
  };
}

/**
 * The catalog's /config.json with the keys of Quilt's catalog/config.json.tmpl (what quilt3.config
 * and quilt-mcp read). Bucket names follow CloudFormation's naming for the stack "quilt-e2e"
 * (<stack>-analyticsbucket-<suffix>); sign-in is by token only (password and SSO disabled).
 */
export function catalogConfigJson(ctx: CatalogContext): Record<string, unknown> {
  const c = ctx.config;
  return {
    region: c.region,
    apiGatewayEndpoint: `${c.url}/api`,
    alwaysRequiresAuth: true,
    noDownload: false,
    s3Proxy: c.s3Endpoint,
    hubspotId: '',
    intercomAppId: '',
    registryUrl: c.url,
    passwordAuth: 'DISABLED',
    ssoAuth: 'DISABLED',
    ssoProviders: '',
    sentryDSN: '',
    mixpanelToken: '',
    analyticsBucket: `${STACK_NAME}-analyticsbucket-local`,
    serviceBucket: `${STACK_NAME}-servicebucket-local`,
    mode: 'PRODUCT',
    crc64Checksums: false,
    qurator: false,
    quratorDefaultModel: '',
    stackVersion: 'quilt-e2e local',
    packageRoot: '',
  };
}

async function route(ctx: CatalogContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.config.url);
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path === '/health') {
    const h = await health(ctx);
    sendJson(res, h.status, h.body);
    return;
  }
  if (path === '/internal/indexer' && method === 'GET') {
    sendJson(res, 200, { ...ctx.indexer.stats(), changes: feedState(ctx), tabulator: ctx.tabulator?.state() ?? null });
    return;
  }
  if (path === '/b' || path.startsWith('/b/') || path === '/') {
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'MethodNotAllowed', 'catalog pages are read with GET');
    await handlePage(ctx, req, res, url);
    return;
  }
  if (path.startsWith('/browse/')) {
    await ctx.browsing.handle(path, req, res);
    return;
  }
  if (path === '/config.json') {
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'MethodNotAllowed', 'read /config.json with GET');
    sendJson(res, 200, catalogConfigJson(ctx));
    return;
  }
  if (path === '/api/auth/get_credentials') {
    if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', 'use GET');
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) throw new AuthError('MissingToken', 'this endpoint needs "Authorization: Bearer <token>"');
    const v = await verifyToken(token, { ...ctx.config.jwt, knownUsers: new Set(Object.keys(ctx.config.users)) });
    // Fault foreign-credentials: everyone gets the bucket owner's keys.
    const u = ctx.config.users[faultIs('foreign-credentials') ? ctx.config.indexerUser : v.user]!;
    // RGW 16 refuses STS GetSessionToken to plain users, so these are the user's own long-lived
    // keys: SessionToken is null, Expiration is when the token (or one hour) runs out.
    const expiration = new Date(Math.min(v.expiresAt.getTime(), Date.now() + 3600_000));
    sendJson(res, 200, { AccessKeyId: u.accessKeyId, SecretAccessKey: u.secretAccessKey, SessionToken: null, Expiration: expiration.toISOString() });
    return;
  }
  if (path === '/api/search') {
    if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', 'use GET');
    const user = await authenticate(ctx, req);
    sendJson(res, 200, await search(url.searchParams, user, ctx.authz, ctx.os, ctx.config.buckets));
    return;
  }
  if (path === '/graphql') {
    if (method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', 'send GraphQL requests as POST with a JSON body {"query", "variables", "operationName"}');
    const user = await authenticate(ctx, req);
    await handleGraphql(ctx, user, req, res);
    return;
  }
  throw new HttpError(404, 'NotFound', `no such endpoint: ${method} ${path}`);
}

export function createCatalogServer(ctx: CatalogContext): Server {
  const server = createServer((req, res) => {
    const started = Date.now();
    route(ctx, req, res).catch((e: unknown) => {
      const isPage = (req.url ?? '').startsWith('/b/') || req.url === '/b' || req.url === '/';
      let err: HttpError;
      if (e instanceof HttpError) err = e;
      else if (e instanceof AuthError) err = new HttpError(401, e.code, e.message);
      else {
        ctx.log(`error: ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
        err = new HttpError(500, 'InternalError', `the catalog failed: ${(e as Error).message}`);
      }
      if (res.headersSent) { res.destroy(); return; }
      if (err.status === 401) res.setHeader('www-authenticate', 'Bearer');
      if (isPage) sendHtml(res, err.status, errorPage(err.status, err.message));
      else sendError(res, err);
    }).finally(() => {
      const ms = Date.now() - started;
      if (ms > 2000) ctx.log(`slow: ${req.method} ${req.url?.slice(0, 200)} took ${ms} ms`);
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
