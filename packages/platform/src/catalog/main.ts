/**
 * Entry point of the local Quilt catalog:  node --import tsx packages/platform/src/catalog/main.ts
 * Configured by the environment (see config.ts); logs to stdout (the stack sends it
 * to <logDir>/catalog.log).
 *
 * Start: HTTP server, indexer, then the change feed (change-feed.ts: RGW's bucket
 * index log, read through RGW's admin API from where the last run stopped); a canary object proves
 * that changes come through; a backfill compares S3 with the indexes.
 * Stop (SIGTERM/SIGINT): the server closes, the feed stops after its current read, the indexer
 * finishes its batch and the durable queue is closed (pending events stay on disk for the next start).
 */
import { BrowsingSessions } from './browsing.js';
import '../aws-env.js';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Authorizer, S3Clients } from './authz.js';
import { loadCatalogConfig } from './config.js';
import { DurableQueue } from './indexer/queue.js';
import { Indexer, type S3EventRecord } from './indexer/indexer.js';
import { ChangeFeed } from './change-feed.js';
import { AccessCounts } from './access-counts.js';
import { AccessLog } from '../access-log.js';
import { CatalogRoles } from './credentials.js';
import { accessStore } from './access/open.js';
import { removeLegacyNotification } from './legacy-notifications.js';
import { PackageService } from './packages.js';
import { openSearchClient } from './search-index.js';
import type { CatalogContext } from './context.js';
import { createCatalogServer } from './server.js';
import { stackTabulator } from '../sql/tabulator.js';
import { TabulatorRefresher } from '../sql/tabulator-refresher.js';

const log = (line: string): void => { process.stdout.write(`${new Date().toISOString()} ${line}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long the start-up canary may take to come through the change feed. */
const CANARY_MS = 30_000;

/**
 * Proves the change path end to end: writes a canary object under .quilt/ in each served bucket,
 * waits (bounded) until the change feed has handed it to the indexer, then deletes that version. Resolves true when
 * every bucket's canary came through.
 */
async function canary(ctx: CatalogContext, clients: S3Clients, indexer: Indexer, feed: ChangeFeed, timeoutMs: number): Promise<boolean> {
  const s3 = clients.for(ctx.config.indexerUser);
  const results = await Promise.all(ctx.access.servedBuckets.map(async (bucket) => {
    const key = `.quilt/catalog-canary/${randomBytes(6).toString('hex')}`;
    const seen = indexer.expectEvent(bucket, key);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'catalog start-up canary' }));
    feed.poke();
    const ok = await Promise.race([seen.then(() => true), sleep(timeoutMs).then(() => false)]);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: put.VersionId }));
    return ok;
  }));
  return results.every(Boolean);
}

async function main(): Promise<void> {
  const config = loadCatalogConfig();
  const access = accessStore(config);
  const roles = new CatalogRoles(config, access, log);
  // The registry's reads go to the stack's access log, as S3 data events go to CloudTrail on AWS.
  const reads = new AccessLog(config.accessLog, log);
  // Users without RGW keys of their own (made through the admin API) act with their role's credentials.
  const clients = new S3Clients(config, (user) => {
    const role = access.user(user)?.role;
    if (!role) throw new Error(`user ${user} has no role`);
    return roles.forUser(user, role);
  }, reads);
  const os = openSearchClient(config.opensearchUrl);
  const queue = await DurableQueue.open<S3EventRecord>(config.dataDir);
  // The search indexer's reads are not accesses (Quilt's access counts leave its reads out): its own client, not recorded.
  const indexer = new Indexer(queue, new S3Clients(config).for(config.indexerUser), os, access.servedBuckets, log);
  const tabulator = new TabulatorRefresher(stackTabulator, log);
  indexer.onReconciled((bucket, keys) => tabulator.notify(bucket, keys));
  const ctx: CatalogContext = {
    config,
    clients,
    authz: new Authorizer(clients, config.authzCacheMs),
    os,
    indexer,
    tabulator,
    packages: new PackageService(clients),
    browsing: new BrowsingSessions(clients),
    access,
    accessCounts: new AccessCounts(config.accessLog, log),
    roles,
    log,
  };
  const server = createCatalogServer(ctx);
  await server.listen({ port: config.port, host: config.host });
  log(`catalog listening on ${config.url} (buckets ${access.servedBuckets.join(', ')}; ${queue.length} queued event(s) from the last run; data ${config.dataDir})`);
  indexer.start();
  // The roles get_credentials assumes: made (or brought up to date) now, again on first use if this fails.
  ctx.roles.ensureRoles().catch((e: unknown) => log(`credentials: could not make the roles in RGW yet (${(e as Error).message}); get_credentials will try again`));

  let stopping = false;
  const feed = new ChangeFeed(config, access.servedBuckets, indexer, log);
  ctx.feed = feed;
  void (async () => {
    // Stacks made before the change feed had an RGW bucket notification: it must go (see legacy-notifications.ts).
    for (const bucket of access.servedBuckets) {
      await removeLegacyNotification(clients.for(config.indexerUser), bucket, config.topicName)
        .then((removed) => { if (removed) log(`notifications: removed the old bucket notification ${config.topicName} from ${bucket} (the change feed replaces it)`); })
        .catch((e: unknown) => log(`notifications: could not check ${bucket} for an old notification (${(e as Error).message})`));
    }
    feed.start();
    indexer.requestBackfill();
    const started = Date.now();
    while (!stopping) {
      if (await canary(ctx, clients, indexer, feed, CANARY_MS).catch((e: unknown) => { log(`change feed: canary failed (${(e as Error).message})`); return false; })) {
        feed.markDelivering();
        log(`change feed: changes come through (canary after ${Date.now() - started} ms)`);
        return;
      }
      log(`change feed: the canary did not come through within ${CANARY_MS / 1000} s (${feed.state().error ?? 'no error'}); trying again`);
      await sleep(1000);
    }
  })();

  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`catalog: ${signal}, stopping`);
    const hard = setTimeout(() => process.exit(1), 20_000);
    hard.unref();
    void (async () => {
      await server.close();
      await feed.stop();
      await indexer.stop();
      await tabulator.stop();
      await queue.close();
      clients.destroy();
      await reads.close();
      ctx.roles.destroy();
      await os.close();
    })().catch((e: unknown) => log(`catalog: error while stopping: ${(e as Error).message}`))
      .finally(() => { log('catalog: stopped'); process.exit(0); });
  };
  process.on('unhandledRejection', (e: unknown) => log(`error: unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  log(`catalog: could not start: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
