/**
 * Entry point of the local Quilt catalog:  node --import tsx stack/catalog/main.ts
 * Configured by the environment (see stack/catalog/config.ts); logs to stdout (the stack sends it
 * to <logDir>/catalog.log). Stops cleanly on SIGTERM/SIGINT: no new requests, the indexer finishes
 * its batch, the durable queue is closed (pending events stay on disk for the next start).
 */
import '../lib/aws-env.js';
import { Authorizer, S3Clients } from './authz.js';
import { loadCatalogConfig } from './config.js';
import { DurableQueue } from './indexer/queue.js';
import { Indexer, type S3EventRecord } from './indexer/indexer.js';
import { ensureNotifications } from './notifications.js';
import { PackageService } from './packages.js';
import { openSearchClient } from './search-index.js';
import { createCatalogServer, type CatalogContext } from './server.js';

const log = (line: string): void => { process.stdout.write(`${new Date().toISOString()} ${line}\n`); };

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

  // The notification set-up needs RGW; keep trying in the background until it works.
  let stopping = false;
  void (async () => {
    let wait = 500;
    while (!stopping) {
      try {
        const setup = await ensureNotifications(config, clients.for(config.indexerUser));
        ctx.notifications = { state: 'ok', topicArn: setup.topicArn, endpoint: setup.endpoint };
        log(`notifications: topic ${setup.topicArn} pushes ${setup.buckets.join(', ')} events to ${setup.endpoint}${setup.removedTopics.length ? `; removed older topics ${setup.removedTopics.join(', ')}` : ''}`);
        // Whatever happened before this topic existed is caught up by comparing S3 with the indexes.
        indexer.requestBackfill();
        return;
      } catch (e) {
        if (ctx.notifications.state === 'pending') indexer.requestBackfill();
        ctx.notifications = { state: 'failed', error: `${(e as Error).name}: ${(e as Error).message}` };
        log(`notifications: set-up failed (${(e as Error).name}: ${(e as Error).message}); retrying in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 10_000);
      }
    }
  })();

  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`catalog: ${signal}, stopping`);
    const hard = setTimeout(() => process.exit(1), 10_000);
    hard.unref();
    server.close();
    server.closeIdleConnections();
    void indexer.stop()
      .then(() => queue.close())
      .then(() => { clients.destroy(); return os.close(); })
      .finally(() => { log('catalog: stopped'); process.exit(0); });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  log(`catalog: could not start: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
