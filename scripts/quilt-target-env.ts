/**
 * The quilt target's variables for the running embedded stack — what an operator of a real Quilt
 * deployment would set, with the local stack's endpoints and keys — so that CI can rehearse the
 * quilt target end to end through those variables alone (scripts/rehearse-quilt-target.ts).
 *
 *   npx tsx scripts/quilt-target-env.ts            # prints export lines
 *   eval "$(npx tsx scripts/quilt-target-env.ts)" && QUILT_E2E_TARGET=quilt npx cucumber-js
 */
import { pathToFileURL } from 'node:url';
import {
  ATHENA_DATA_CATALOGS, ATHENA_WORKGROUPS, DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET, TRINO_SCHEMA,
} from '@quilt-e2e/constants';
import { loadStackConfig, type StackConfig } from '@quilt-e2e/stack';
import { LARGE_TABLE_NAME } from '../support/sql/fixtures.js';

/** Only documented variables (README "Targets"); nothing of the stack's own QUILT_E2E_HOME, ports or config. */
export function quiltTargetEnv(c: StackConfig = loadStackConfig(), env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const url = `http://127.0.0.1:${c.ports.catalog}`;
  const sql = `http://127.0.0.1:${c.ports.athena}`;
  const u = c.s3Users;
  return {
    QUILT_E2E_TARGET: 'quilt',
    QUILT_TEST_BUCKET: c.s3.testBucket,
    // Quilt's web catalog app and the registry behind it; no passwords: the browser gets each persona's token.
    QUILT_CATALOG_URL: `http://127.0.0.1:${c.ports.catalogUi}`,
    QUILT_REGISTRY_URL: url,
    // The stack's S3 is not AWS: the browser's requests to S3's AWS hosts (download links) go to its S3 proxy.
    QUILT_E2E_BROWSER_S3_PROXY: `http://127.0.0.1:${c.ports.catalogUi}/__s3proxy`,
    AWS_REGION: c.s3.region,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${c.ports.s3Front}`,
    AWS_ENDPOINT_URL_ATHENA: sql,
    AWS_ENDPOINT_URL_GLUE: sql,
    AWS_ENDPOINT_URL_STS: sql,
    QUILT_E2E_ADMIN_ACCESS_KEY_ID: u.admin.accessKeyId,
    QUILT_E2E_ADMIN_SECRET_ACCESS_KEY: u.admin.secretAccessKey,
    // No S3 keys for Rita and Otto: as on a real deployment, their rights come from get_credentials (their role's).
    QUILT_E2E_ADMIN_USER: u.admin.uid,
    QUILT_E2E_READER_USER: u.reader.uid,
    QUILT_E2E_OUTSIDER_USER: u.outsider.uid,
    PLATFORM_TEST_JWT_SECRET: env.QUILT_E2E_JWT_SECRET ?? DEFAULT_JWT_SECRET,
    PLATFORM_TEST_JWT_ISSUER: env.QUILT_E2E_JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
    PLATFORM_TEST_JWT_AUDIENCE: env.QUILT_E2E_JWT_AUDIENCE ?? DEFAULT_JWT_AUDIENCE,
    ATHENA_WORKGROUP: ATHENA_WORKGROUPS[0],
    QUILT_E2E_ATHENA_DATABASE: TRINO_SCHEMA,
    QUILT_E2E_TABULATOR_CATALOG: ATHENA_DATA_CATALOGS.tabulator.name,
    // Made by the local pass's fixture (the rehearsal script makes sure it exists, as an operator would).
    QUILT_E2E_LARGE_TABLE: `"${ATHENA_DATA_CATALOGS.glue.name}"."${TRINO_SCHEMA}"."${LARGE_TABLE_NAME}"`,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [k, v] of Object.entries(quiltTargetEnv())) process.stdout.write(`export ${k}='${v.replace(/'/g, `'\\''`)}'\n`);
}
