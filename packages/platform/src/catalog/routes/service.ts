/**
 * The catalog's service routes, no token needed:
 *   GET /health            liveness + OpenSearch, S3 and indexer lag (200 / 503)
 *   GET /internal/indexer  indexer, change-feed and Tabulator statistics
 *   GET /internal/authz    the authorizer's questions to RGW: asked, answered from the cache, shared
 *   GET /config.json       the catalog's configuration, with the keys of Quilt's catalog/config.json.tmpl
 */
import type { FastifyInstance } from 'fastify';
import { STACK_NAME } from '@quilt-e2e/constants';
import { ACTIVE_FAULT } from '../../faults.js';
import type { FeedState } from '../change-feed.js';
import type { CatalogContext } from '../context.js';
import { sendJson } from '../http.js';
import { only } from './methods.js';

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

export function serviceRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/health', ['GET'], 'read /health with GET', async (_req, reply) => {
    const h = await health(ctx);
    return sendJson(reply, h.status, h.body);
  });
  only(app, '/internal/indexer', ['GET'], 'read /internal/indexer with GET', async (_req, reply) =>
    sendJson(reply, 200, { ...ctx.indexer.stats(), changes: feedState(ctx), tabulator: ctx.tabulator?.state() ?? null }));
  only(app, '/internal/authz', ['GET'], 'read /internal/authz with GET', async (_req, reply) => sendJson(reply, 200, ctx.authz.stats()));
  only(app, '/config.json', ['GET'], 'read /config.json with GET', async (_req, reply) => sendJson(reply, 200, catalogConfigJson(ctx)));
}
