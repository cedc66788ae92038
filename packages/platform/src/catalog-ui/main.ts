/**
 * Quilt's web catalog app as a process of the stack (packages/stack/src/servers/catalog-ui.ts):
 *   QUILT_E2E_CATALOG_UI_BUNDLE  the unpacked bundle (the folder holding index.html); required
 *   QUILT_E2E_CATALOG_UI_PORT (3001), QUILT_E2E_CATALOG_PORT (the registry, 3000),
 *   QUILT_E2E_S3_FRONT_PORT (the stack's S3, 7481).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadPorts } from '@quilt-e2e/env';
import { loadCatalogConfig } from '../catalog/config.js';
import { IssuedCredentialsStore } from '../sts/issued.js';
import { createCatalogUi } from './server.js';
import { stackCredentials } from './s3-proxy.js';

const log = (line: string): void => { process.stderr.write(`${new Date().toISOString()} ${line}\n`); };
const bundleDir = process.env.QUILT_E2E_CATALOG_UI_BUNDLE ?? '';
if (!existsSync(join(bundleDir, 'index.html'))) {
  throw new Error(`QUILT_E2E_CATALOG_UI_BUNDLE=${JSON.stringify(bundleDir)} is not the catalog app's bundle (no index.html there): run \`npm run stack -- install catalog-ui\``);
}
const ports = loadPorts(process.env);
const catalog = loadCatalogConfig();
const app = await createCatalogUi({
  bundleDir,
  registryUrl: `http://127.0.0.1:${ports.catalog}`,
  s3: {
    upstream: `http://127.0.0.1:${ports.s3Front}`,
    credentialsOf: stackCredentials(Object.values(catalog.users), new IssuedCredentialsStore(catalog.credentials.issuedDir)),
    maxBodyBytes: 256 * 1024 * 1024,
    upstreamTimeoutMs: 120_000,
    log,
  },
  log,
});
await app.listen({ host: '127.0.0.1', port: ports.catalogUi });
log(`catalog-ui: Quilt's catalog app on http://127.0.0.1:${ports.catalogUi} (bundle ${bundleDir}); registry http://127.0.0.1:${ports.catalog}, S3 http://127.0.0.1:${ports.s3Front}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { void app.close().finally(() => process.exit(0)); });
