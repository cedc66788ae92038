/**
 * The engine driver's operations: the suite's own package engine (quilt-js's registry on S3), the
 * catalog's URL scheme (quilt-js's URL builders), the registry's GraphQL admin API and real calls
 * for access checks — as the default driver performs them.
 */
import { catalogPackageUrl, catalogRevisionUrl, catalogRevisionsUrl, quiltPlusUri, type PackageRegistry } from '@quilt-e2e/quilt-js';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createS3Client } from '@quilt-e2e/quilt-js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CatalogClient, S3CredentialsAnswer } from '../adapters/catalog.js';
import { checkBucketAccess } from '../domain/access.js';
import type { AccessOperations, AdminOperations, PackageOperations, UserRecord } from './driver.js';
import { QueryFailedError, type QueryEngine } from '../sql/query-engine.js';

/** The fields of a user the admin's look-up reads (Quilt's schema: User). */
export const USER_FIELDS = 'name email isAdmin isActive role { ... on ManagedRole { name } ... on UnmanagedRole { name } } extraRoles { ... on ManagedRole { name } ... on UnmanagedRole { name } }';
export interface RawUser { name: string; email: string; isAdmin: boolean; isActive: boolean; role: { name?: string } | null; extraRoles: Array<{ name?: string }> }
export const userRecordOf = (u: RawUser): UserRecord => ({
  name: u.name, email: u.email, isAdmin: u.isAdmin, isActive: u.isActive, role: u.role?.name ?? null, extraRoles: u.extraRoles.map((r) => r.name ?? '').sort(),
});

/**
 * The engine driver's admin operations: the registry's GraphQL admin API (Quilt's
 * admin.user.create / mutate), each answer's union member checked.
 */
export function engineAdminOperations(admin: CatalogClient): AdminOperations {
  const mutate = async (query: string, variables: Record<string, unknown>, field: string, ok: string): Promise<void> => {
    await admin.expectAnswer(query, variables, field, ok);
  };
  const user = (name: string, action: string): Promise<void> => mutate(`mutation($n: String!) { admin { user { mutate(name: $n) { ${action} { __typename ... on InvalidInput { errors { path message } } ... on OperationError { message } } } } } }`,
    { n: name }, `admin.user.mutate.${action.replace(/\(.*$/, '')}`, /^(delete|resetPassword)\b/.test(action) ? 'Ok' : 'User');
  return {
    createUser: (u) => mutate('mutation($i: UserInput!) { admin { user { create(input: $i) { __typename ... on InvalidInput { errors { path message } } ... on OperationError { message } } } } }',
      { i: { name: u.name, email: u.email, role: u.role, extraRoles: u.extraRoles } }, 'admin.user.create', 'User'),
    setRole: (name, role) => user(name, `setRole(role: ${JSON.stringify(role)})`),
    setActive: (name, active) => user(name, `setActive(active: ${active})`),
    deleteUser: (name) => user(name, 'delete'),
    addRoles: (name, roles) => user(name, `addRoles(roles: ${JSON.stringify(roles)})`),
    removeRoles: (name, roles, fallback) => user(name, `removeRoles(roles: ${JSON.stringify(roles)}${fallback ? `, fallback: ${JSON.stringify(fallback)}` : ''})`),
    setAdmin: (name, isAdmin) => user(name, `setAdmin(admin: ${isAdmin})`),
    setEmail: (name, email) => user(name, `setEmail(email: ${JSON.stringify(email)})`),
    async getUser(name) {
      const r = await admin.graphql<{ admin: { user: { get: RawUser | null } } }>(`query($n: String!) { admin { user { get(name: $n) { ${USER_FIELDS} } } } }`, { n: name });
      if (!r.admin.user.get) throw new Error(`admin.user.get: the registry knows no user ${name}`);
      return userRecordOf(r.admin.user.get);
    },
    async listUsers() {
      const r = await admin.graphql<{ admin: { user: { list: RawUser[] } } }>(`{ admin { user { list { ${USER_FIELDS} } } } }`);
      return r.admin.user.list.map(userRecordOf);
    },
    async listRoles() {
      return (await admin.graphql<{ roles: Array<{ name: string }> }>('{ roles { ... on ManagedRole { name } ... on UnmanagedRole { name } } }')).roles.map((r) => r.name);
    },
    resetPassword: (name) => user(name, 'resetPassword'),
    async setTabulatorOpenQuery(enabled) {
      const r = await admin.graphql<{ admin: { setTabulatorOpenQuery: { tabulatorOpenQuery: boolean } } }>('mutation($e: Boolean!) { admin { setTabulatorOpenQuery(enabled: $e) { tabulatorOpenQuery } } }', { e: enabled });
      if (r.admin.setTabulatorOpenQuery.tabulatorOpenQuery !== enabled) throw new Error(`admin.setTabulatorOpenQuery(${enabled}) answered ${JSON.stringify(r.admin.setTabulatorOpenQuery)}`);
    },
    async tabulatorOpenQuery() {
      return (await admin.graphql<{ admin: { tabulatorOpenQuery: boolean } }>('{ admin { tabulatorOpenQuery } }')).admin.tabulatorOpenQuery;
    },
    async setSsoConfig(text) {
      const r = await admin.graphql<{ admin: { setSsoConfig: { __typename: string; message?: string; errors?: unknown[] } | null } }>(
        'mutation($c: String) { admin { setSsoConfig(config: $c) { __typename ... on InvalidInput { errors { path message } } ... on OperationError { message } } } }', { c: text });
      const a = r.admin.setSsoConfig;
      if (text === null ? a !== null && a.__typename !== 'SsoConfig' : a?.__typename !== 'SsoConfig') throw new Error(`admin.setSsoConfig answered ${JSON.stringify(a)}`);
    },
    async ssoConfig() {
      return (await admin.graphql<{ admin: { ssoConfig: { text: string } | null } }>('{ admin { ssoConfig { text } } }')).admin.ssoConfig?.text ?? null;
    },
  };
}


/** The engine driver's package operations. */
export function enginePackageOperations(registry: PackageRegistry, bucket: string, catalogUrl: string | undefined): PackageOperations {
  return {
    create: (name, options) => registry.create(name, options),
    update: (name, options) => registry.update(name, options),
    createFromPrefix: (name, prefixUri, options) => registry.createFromPrefix(name, prefixUri, options),
    browse: (name, ref) => registry.browse(name, ref),
    diff: (name) => registry.diff(name),
    quiltPlusUri: async (name, hash, path) => quiltPlusUri({ bucket, name, hash, path }),
    deletePackage: (name) => registry.deletePackage(name),
    catalogUrls: async (name, rev) => {
      if (!catalogUrl) throw new Error('this target has no catalog (set QUILT_CATALOG_URL)');
      return [
        catalogPackageUrl(catalogUrl, bucket, name),
        catalogRevisionUrl(catalogUrl, bucket, name, rev.hash),
        catalogRevisionUrl(catalogUrl, bucket, name, rev.timestamp, rev.firstFile),
        catalogRevisionsUrl(catalogUrl, bucket, name),
      ];
    },
  };
}

/**
 * The engine driver's access check (real calls with the persona's S3 client) and permission
 * discovery: the persona's catalog credentials (get_credentials), who STS says they are
 * (GetCallerIdentity), and what they may really do in the bucket.
 */
export function engineAccessOperations(s3: S3Client, catalog: CatalogClient, target: { s3: { endpoint?: string; region: string }; sts?: { endpoint?: string } }): AccessOperations {
  const exchange = (): Promise<S3CredentialsAnswer> => catalog.credentials();
  return {
    buckets: async () => (await catalog.graphql<{ bucketConfigs: Array<{ name: string }> }>('{ bucketConfigs { name } }')).bucketConfigs.map((b) => b.name),
    // What quilt3.config(url) reads: the catalog's /config.json, whose registryUrl the client then talks to.
    pointAt: async (catalogUrl) => ({ catalogUrl, registryUrl: (await catalog.appConfig(catalogUrl)).registryUrl }),
    check: (bucket, options) => checkBucketAccess(s3, bucket, options),
    async discover(bucket, options) {
      const c = await exchange();
      const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
      const sts = new STSClient({ region: target.s3.region, credentials, maxAttempts: 2, ...(target.sts?.endpoint ? { endpoint: target.sts.endpoint } : {}), requestHandler: { requestTimeout: 15_000, connectionTimeout: 5_000 } });
      const own = createS3Client({ ...target.s3, credentials });
      try {
        const who = await sts.send(new GetCallerIdentityCommand({}));
        return { callerArn: who.Arn ?? '', access: await checkBucketAccess(own, bucket, options) };
      } finally {
        sts.destroy();
        own.destroy();
      }
    },
  };
}

/**
 * A query checked without running it: Athena's `EXPLAIN (TYPE VALIDATE) <query>` (engine v3, as
 * Trino) parses and analyses it against the catalog; a failure is the engine's own reason.
 */
export async function validateByExplain(engine: QueryEngine, sql: string): Promise<{ valid: boolean; reason: string }> {
  try {
    await engine.run(`EXPLAIN (TYPE VALIDATE) ${sql}`, { deadlineMs: 60_000 });
    return { valid: true, reason: '' };
  } catch (e) {
    if (e instanceof QueryFailedError) return { valid: false, reason: `${e.errorName}: ${e.engineMessage}` };
    throw e;
  }
}
