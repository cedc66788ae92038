/**
 * Entry point of the local Quilt catalog:  node --import tsx stack/catalog/main.ts
 * Configured by the environment (see stack/catalog/config.ts); logs to stdout (the stack sends it
 * to <logDir>/catalog.log).
 *
 * Start: HTTP server, indexer, then the RGW notifications (stack/catalog/notifications.ts): the
 * topic of the previous run is re-attached when it still delivers (proved with a canary object),
 * otherwise a fresh topic is made; then a backfill compares S3 with the indexes.
 * Stop (SIGTERM/SIGINT): the bucket notifications are removed first, events still in flight are
 * accepted for a moment, then the server closes, the indexer finishes its batch and the durable
 * queue is closed (pending events stay on disk for the next start).
 */
import '../lib/aws-env.js';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Authorizer, S3Clients } from './authz.js';
import { loadCatalogConfig } from './config.js';
import { DurableQueue } from './indexer/queue.js';
import { Indexer, type S3EventRecord } from './indexer/indexer.js';
import { ensureNotifications, removeNotifications, topicExists } from './notifications.js';
import { PackageService } from './packages.js';
import { openSearchClient } from './search-index.js';
import { createCatalogServer, type CatalogContext } from './server.js';

const log = (line: string): void => { process.stdout.write(`${new Date().toISOString()} ${line}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long a re-attached topic gets to prove it still delivers before a fresh one is made. */
const REUSED_TOPIC_CANARY_MS = 8_000;
/** RGW picks a new topic's queue up at its next scan (~30 s): room for that. */
const FRESH_TOPIC_CANARY_MS = 120_000;

/**
 * Proves the event path end to end: writes a canary object under .quilt/ in each served bucket,
 * waits (bounded) until RGW has pushed its event, then deletes that version. Resolves true when
 * every bucket's canary came through.
 */
async function canary(ctx: CatalogContext, clients: S3Clients, indexer: Indexer, timeoutMs: number): Promise<boolean> {
  const s3 = clients.for(ctx.config.indexerUser);
  const results = await Promise.all(ctx.config.buckets.map(async (bucket) => {
    const key = `.quilt/catalog-canary/${randomBytes(6).toString('hex')}`;
    const seen = indexer.expectEvent(bucket, key);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'catalog start-up canary' }));
    const ok = await Promise.race([seen.then(() => true), sleep(timeoutMs).then(() => false)]);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: put.VersionId }));
    return ok;
  }));
  return results.every(Boolean);
}

async function main(): Promise<void> {
  const config = loadCatalogConfig();
  const clients = new S3Clients(config);
  const os = openSearchClient(config.opensearchUrl);
  const queue = await DurableQueue.open<S3EventRecord>(config.dataDir);
  const indexer = new Indexer(queue, clients.for(config.indexerUser), os, config.buckets, log);
  const ctx: CatalogContext = {
    config,
    clients,
    authz: new Authorizer(clients, config.authzCacheMs),
    os,
    indexer,
    packages: new PackageService(clients),
    log,
    notifications: { state: 'pending' },
  };
  const server = createCatalogServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host }, () => resolve());
  });
  log(`catalog listening on ${config.url} (buckets ${config.buckets.join(', ')}; ${queue.length} queued event(s) from the last run; data ${config.dataDir})`);
  indexer.start();

  // The topic id of the last run that delivered, so that a restart can re-attach it at once.
  mkdirSync(config.dataDir, { recursive: true });
  const topicFile = join(config.dataDir, 'topic-id');
  const previousId = (() => { try { return readFileSync(topicFile, 'utf8').trim(); } catch { return ''; } })();

  let stopping = false;
  const s3 = clients.for(config.indexerUser);
  void (async () => {
    let wait = 500;
    let reuse = /^[0-9a-f]{8}$/.test(previousId) ? previousId : '';
    while (!stopping) {
      try {
        if (reuse && !await topicExists(config, reuse)) reuse = '';
        const started = Date.now();
        const setup = reuse ? await ensureNotifications(config, s3, reuse, true) : await ensureNotifications(config, s3);
        ctx.notifications = { state: 'ok', topicArn: setup.topicArn, endpoint: setup.endpoint };
        log(`notifications: ${reuse ? 're-attached' : 'created'} topic ${setup.topicArn} for ${setup.buckets.join(', ')} -> ${setup.endpoint}${setup.removedTopics.length ? `; removed older topics ${setup.removedTopics.join(', ')}` : ''}`);
        // Whatever happened while no notification was attached is caught up by comparing S3 with the indexes.
        indexer.requestBackfill();
        if (await canary(ctx, clients, indexer, reuse ? REUSED_TOPIC_CANARY_MS : FRESH_TOPIC_CANARY_MS)) {
          ctx.notifications = { ...ctx.notifications, delivering: true, firstDeliveryMs: Date.now() - started };
          writeFileSync(topicFile, setup.topicName.slice(config.topicName.length + 1));
          log(`notifications: RGW delivers events (canary after ${Date.now() - started} ms)`);
          return;
        }
        if (reuse) {
          log(`notifications: topic ${setup.topicName} does not deliver any more (RGW stalls a topic whose endpoint was down); switching to a fresh one`);
          reuse = '';
          continue;
        }
        throw new Error(`RGW delivered no canary event through the new topic ${setup.topicName} within ${FRESH_TOPIC_CANARY_MS / 1000} s`);
      } catch (e) {
        if (ctx.notifications.state === 'pending') indexer.requestBackfill();
        ctx.notifications = { ...ctx.notifications, state: 'failed', delivering: false, error: `${(e as Error).name}: ${(e as Error).message}` };
        log(`notifications: set-up failed (${(e as Error).name}: ${(e as Error).message}); retrying in ${wait} ms`);
        reuse = '';
        await sleep(wait);
        wait = Math.min(wait * 2, 10_000);
      }
    }
  })();

  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`catalog: ${signal}, stopping`);
    const hard = setTimeout(() => process.exit(1), 20_000);
    hard.unref();
    void (async () => {
      // Unhook from RGW first: while the catalog is stopped nothing piles up in an RGW queue (a
      // full queue would fail S3 writes) and the buckets carry no ObjectRemoved notification
      // (multi-delete crash). The topic is kept for the next start; events still in flight are
      // accepted until they stop coming, so that RGW's push to it never fails.
      if (ctx.notifications.state === 'ok') {
        try {
          await Promise.race([removeNotifications(config, s3, true), sleep(8000).then(() => { throw new Error('RGW did not answer within 8 s'); })]);
          const until = Date.now() + 5000;
          while (Date.now() < until) {
            const age = indexer.stats().lastEventAgeMs;
            if (age === null || age > 1000) break;
            await sleep(200);
          }
          log('notifications: removed from the buckets (the topic is kept for the next start)');
        } catch (e) {
          log(`notifications: could not remove them (${(e as Error).message}); the next start replaces them`);
        }
      }
      server.close();
      server.closeIdleConnections();
      await indexer.stop();
      await queue.close();
      clients.destroy();
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
