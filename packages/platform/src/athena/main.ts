/**
 * Entry point of the local Athena and Glue APIs:  node --import tsx packages/platform/src/athena/main.ts
 * Configured by the platform's environment (platform-env.ts) and:
 *   QUILT_E2E_ATHENA_PORT               the loopback port (default 8090)
 *   QUILT_E2E_ATHENA_QUERY_TIMEOUT_MS   a query running longer is cancelled in Trino and FAILED (default 30 min, as Athena's DML limit)
 *   QUILT_E2E_CATALOG_BUCKETS           the served buckets (as the catalog; default the test bucket)
 * Logs (fastify's access log and the service's lines) go to stdout; the stack sends them to
 * <logDir>/athena.log.
 */
import '../aws-env.js';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ATHENA_DATA_CATALOGS, ATHENA_RESULTS_BUCKET, ATHENA_WORKGROUPS, TABULATOR_INTERNAL_SCHEMA, TRINO_PROBE_SCHEMA, TRINO_USER } from '@quilt-e2e/constants';
import { Authorizer, rgwClient, S3Clients } from '../catalog/authz.js';
import { loadCatalogConfig } from '../catalog/config.js';
import { IssuedCredentialsStore } from '../sts/issued.js';
import { loadPlatformEnv, platformS3Client } from '../platform-env.js';
import { Executions, type WorkGroup } from './executions.js';
import { Metadata } from './metadata.js';
import { stackTabulator } from '../sql/tabulator.js';
import { createApiServer } from './server.js';

function timeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.QUILT_E2E_ATHENA_QUERY_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 30 * 60_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100) throw new Error(`QUILT_E2E_ATHENA_QUERY_TIMEOUT_MS=${JSON.stringify(raw)} is not a timeout: use whole milliseconds, at least 100, for example 1800000`);
  return n;
}

async function main(): Promise<void> {
  const env = loadPlatformEnv();
  const catalogConfig = loadCatalogConfig();
  const log = (line: string): void => { process.stdout.write(`${new Date().toISOString()} ${line}\n`); };
  const s3 = platformS3Client(env);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: ATHENA_RESULTS_BUCKET }));
    log(`created the results bucket s3://${ATHENA_RESULTS_BUCKET}`);
  } catch (e) {
    if ((e as Error).name !== 'BucketAlreadyOwnedByYou' && (e as Error).name !== 'BucketAlreadyExists') throw e;
  }
  const startedAt = Date.now();
  const trinoUrl = `http://127.0.0.1:${env.ports.trino}`;
  const catalogs = [
    { ...ATHENA_DATA_CATALOGS.glue, kind: 'glue' as const, description: 'The Glue Data Catalog: the package tables of every bucket (Hive metastore of the stack)' },
    { ...ATHENA_DATA_CATALOGS.tabulator, kind: 'tabulator' as const, description: 'Quilt Tabulator: a database per bucket, a table per Tabulator config' },
  ];
  // Quilt's Tabulator reads the packages when a query runs: a query naming a Tabulator table
  // first brings its view up to date (about 0.1 s when nothing changed; see sql/tabulator.ts).
  const tabulatorCatalog = ATHENA_DATA_CATALOGS.tabulator.name.toLowerCase();
  const executions = new Executions({
    trinoUrl, trinoUser: TRINO_USER, s3, log, queryTimeoutMs: timeoutMs(process.env),
    trinoCatalogs: Object.fromEntries(catalogs.map((c) => [c.name.toLowerCase(), c.trinoCatalog])),
    async beforeRun(e) {
      const inTabulator = e.catalog.toLowerCase() === tabulatorCatalog;
      if (inTabulator || e.sql.toLowerCase().includes(`"${tabulatorCatalog}"`)) await stackTabulator().refreshForQuery(e.sql, inTabulator ? e.database : undefined);
    },
  });
  const metadata = new Metadata(trinoUrl, TRINO_USER, catalogs, catalogConfig.buckets, [TABULATOR_INTERNAL_SCHEMA, TRINO_PROBE_SCHEMA]);
  const workGroups: WorkGroup[] = ATHENA_WORKGROUPS.map((name) => ({
    name, outputLocation: `s3://${ATHENA_RESULTS_BUCKET}/${name}/`, createdAt: startedAt,
    description: name === 'primary' ? 'The default work group' : "Quilt's user work group of this stack",
  }));
  const users = Object.values(catalogConfig.users);
  // Temporary credentials from the catalog's get_credentials (STS in RGW), as AWS's services learn them from IAM.
  const issued = new IssuedCredentialsStore(catalogConfig.credentials.issuedDir);
  const temporaryAccess = new Map<string, { may: boolean; at: number }>();
  const authorizer = new Authorizer(new S3Clients(catalogConfig), catalogConfig.authzCacheMs);
  const app = createApiServer({
    athena: { executions, metadata, workGroups, startedAt },
    glue: { metadata, startedAt },
    sts: { upstream: catalogConfig.s3Endpoint, upstreamTimeoutMs: 15_000 },
    users: {
      byAccessKey: (k) => {
        const u = users.find((x) => x.accessKeyId === k);
        if (u) return u;
        const t = issued.lookup(k);
        return t && { uid: t.user, secretAccessKey: t.secretAccessKey, sessionToken: t.sessionToken, expiration: t.expiration };
      },
      identityOf: (k) => {
        const u = users.find((x) => x.accessKeyId === k);
        // RGW's ARNs have an empty account (no tenant): arn:aws:iam:::user/<uid>, as the catalog's trust policies name users.
        if (u) return { arn: `arn:aws:iam:::user/${u.uid}`, userId: u.uid, account: '' };
        const t = issued.lookup(k)!;
        const arn = t.arn ?? `arn:aws:sts:::assumed-role/${t.role}/${t.user}`;
        const [, roleName, session] = /assumed-role\/([^/]+)\/(.+)$/.exec(arn) ?? [];
        return { arn, userId: t.assumedRoleId ?? `${roleName ?? t.role}:${session ?? t.user}`, account: '' };
      },
      async mayQuery(caller) {
        // Temporary credentials (a role's, from get_credentials) are asked of RGW as themselves: may this role
        // read a served bucket? The answer is reused like the authorizer's (a client polls GetQueryExecution).
        if (caller.sessionToken !== undefined) {
          const hit = temporaryAccess.get(caller.accessKeyId);
          if (hit && Date.now() - hit.at < catalogConfig.authzCacheMs) return hit.may;
          const s3 = rgwClient(catalogConfig.s3Endpoint, catalogConfig.region, { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey, sessionToken: caller.sessionToken });
          try {
            let may = false;
            for (const b of catalogConfig.buckets) if (await s3.send(new ListObjectsV2Command({ Bucket: b, MaxKeys: 1 })).then(() => true, () => false)) { may = true; break; }
            if (temporaryAccess.size > 10_000) temporaryAccess.clear();
            temporaryAccess.set(caller.accessKeyId, { may, at: Date.now() });
            return may;
          } finally {
            s3.destroy();
          }
        }
        for (const b of catalogConfig.buckets) if (await authorizer.access(caller.uid, b) === 'allowed') return true;
        return false;
      },
    },
  });
  const stop = async (signal: string): Promise<void> => {
    log(`${signal}: stopping (running queries are cancelled in Trino)`);
    await executions.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await app.listen({ host: '127.0.0.1', port: env.ports.athena });
  log(`Athena (AmazonAthena.*) and Glue (AWSGlue.*) on http://127.0.0.1:${env.ports.athena}; catalogs ${catalogs.map((c) => c.name).join(', ')}; work groups ${ATHENA_WORKGROUPS.join(', ')}; Trino ${trinoUrl}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`athena: could not start: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
