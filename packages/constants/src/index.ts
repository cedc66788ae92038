/**
 * The names and numbers both sides of the project need — the acceptance suite and the local
 * Quilt platform it tests — and nothing else: data only, no imports, no functions (the lint rule
 * in eslint.config.js keeps it so). Each value can be overridden by the environment variable
 * named beside it; home and ports are read by @quilt-e2e/env (for the stack's config,
 * packages/stack/src/config.ts, and the platform's, packages/platform/src/platform-env.ts), the
 * rest by those two modules and the catalog's (packages/platform/src/catalog/config.ts).
 * Every key here is for a loopback-only stack: anyone who can read this repository knows them.
 */

/** Loopback ports of the embedded stack's servers (env: QUILT_E2E_<NAME>_PORT). */
export const DEFAULT_PORTS = {
  /** Ceph RADOS Gateway (S3 API) — QUILT_E2E_S3_PORT */
  s3: 7480,
  /** Ceph monitor (msgr2) — QUILT_E2E_CEPH_MON_PORT */
  cephMon: 3300,
  /** OpenSearch HTTP — QUILT_E2E_OPENSEARCH_PORT */
  opensearch: 9200,
  /** OpenSearch transport — QUILT_E2E_OPENSEARCH_TRANSPORT_PORT */
  opensearchTransport: 9300,
  /** Trino coordinator HTTP — QUILT_E2E_TRINO_PORT */
  trino: 8080,
  /** The local Quilt catalog — QUILT_E2E_CATALOG_PORT */
  catalog: 3000,
  /** The local Athena and Glue APIs (AWS JSON 1.1, one endpoint for both) — QUILT_E2E_ATHENA_PORT */
  athena: 8090,
  /** The Quilt MCP server (quilt-mcp, streamable HTTP at /mcp) — QUILT_E2E_MCP_PORT */
  mcp: 8765,
  /** RGW with S3's flexible checksums (the S3 front) — QUILT_E2E_S3_FRONT_PORT */
  s3Front: 7481,
  /** Quilt's own web catalog app (the PyPI bundle), its registry and S3 proxies — QUILT_E2E_CATALOG_UI_PORT */
  catalogUi: 3001,
} as const;

/** The environment variable that overrides each port. */
export const PORT_VARIABLES = {
  s3: 'QUILT_E2E_S3_PORT',
  cephMon: 'QUILT_E2E_CEPH_MON_PORT',
  opensearch: 'QUILT_E2E_OPENSEARCH_PORT',
  opensearchTransport: 'QUILT_E2E_OPENSEARCH_TRANSPORT_PORT',
  trino: 'QUILT_E2E_TRINO_PORT',
  catalog: 'QUILT_E2E_CATALOG_PORT',
  athena: 'QUILT_E2E_ATHENA_PORT',
  mcp: 'QUILT_E2E_MCP_PORT',
  s3Front: 'QUILT_E2E_S3_FRONT_PORT',
  catalogUi: 'QUILT_E2E_CATALOG_UI_PORT',
} as const;

export const LOOPBACK = '127.0.0.1';
export const REGION = 'us-east-1';
/** The bucket the suite tests against on the local stack (QUILT_E2E_LOCAL_BUCKET). */
export const DEFAULT_TEST_BUCKET = 'quilt-e2e';
/** The personas' passwords for signing in to the local stack's web catalog (loopback only; set through the admin's reset link at `up`). */
export const LOCAL_PASSWORDS = {
  admin: 'dana-signs-in-locally',
  reader: 'rita-signs-in-locally',
  outsider: 'otto-signs-in-locally',
} as const;

/** Quilt's web catalog app as the local stack serves it: the built bundle inside this PyPI wheel. */
export const CATALOG_UI_WHEEL = { name: 'quilt3-local', version: '2.0.0' } as const;
/** Where the stack keeps downloads, data and logs, below the user's home (QUILT_E2E_HOME). */
export const DEFAULT_HOME_PARTS = ['.cache', 'quilt-e2e'] as const;
/** Folders below the stack's home. */
export const HOME_LAYOUT = { dist: 'dist', data: 'data', logs: 'logs' } as const;

/** RGW users behind the suite's personas. */
export const S3_USERS = {
  admin: { uid: 'quilt-e2e-admin', accessKeyId: 'QUILTE2EADMINKEY0001', secretAccessKey: 'quilt-e2e-admin-secret-key-local-only-0001' },
  reader: { uid: 'quilt-e2e-reader', accessKeyId: 'QUILTE2EREADERKEY001', secretAccessKey: 'quilt-e2e-reader-secret-key-local-only-001' },
  outsider: { uid: 'quilt-e2e-outsider', accessKeyId: 'QUILTE2EOUTSIDERKEY1', secretAccessKey: 'quilt-e2e-outsider-secret-key-local-only-1' },
} as const;

/**
 * The managed roles of the local catalog, with Quilt's names, and the permission each grants on
 * every bucket the catalog serves (null: none). Each is a real IAM role in RGW; get_credentials
 * answers STS AssumeRole credentials of the user's role.
 */
export const MANAGED_ROLES = {
  ReadWriteQuiltBucket: 'READ_WRITE',
  ReadQuiltBucket: 'READ',
  NoQuiltBucket: null,
} as const;

/** The role each persona's user has (Dana reads and writes, Rita reads, Otto has no role on the test bucket). */
export const PERSONA_ROLES = { admin: 'ReadWriteQuiltBucket', reader: 'ReadQuiltBucket', outsider: 'NoQuiltBucket' } as const;

/** The local catalog's own RGW service user (not a persona): reads the bucket index log. */
export const CATALOG_SERVICE_USER = { uid: 'quilt-e2e-catalog', accessKeyId: 'QUILTE2ECATALOGKEY01', secretAccessKey: 'quilt-e2e-catalog-secret-key-local-only-01' } as const;

/**
 * The local catalog's token settings when QUILT_E2E_JWT_SECRET / _ISSUER / _AUDIENCE are not set:
 * the catalog verifies tokens with them, the suite mints tokens with its own JWT library.
 */
export const DEFAULT_JWT_SECRET = 'quilt-e2e-local-catalog-jwt-secret-not-for-production';
export const DEFAULT_JWT_ISSUER = 'quilt-e2e-catalog';
export const DEFAULT_JWT_AUDIENCE = 'quilt-e2e';

/** Trino on the local stack: the Hive catalog, the schema of the package tables and the user queries run as. */
export const TRINO_CATALOG = 'hive';
export const TRINO_SCHEMA = 'quilt_e2e';
export const TRINO_USER = 'quilt-e2e';
/** The bucket Tabulator copies pinned file versions into (QUILT_E2E_SCRATCH_BUCKET). */
export const DEFAULT_SCRATCH_BUCKET = 'quilt-e2e-scratch';

/**
 * Where the local stack keeps its canaries' results (the acceptance suite's canary scenarios write
 * one object per canary under canaries/; the catalog answers them as Quilt's admin status).
 */
export const STATUS_BUCKET = 'quilt-e2e-status';
/** The Trino schema holding Tabulator's internal tables. */
export const TABULATOR_INTERNAL_SCHEMA = 'quilt_e2e_tabulator';
/** The Trino schema the stack's readiness probe scans (not a database for Athena clients). */
export const TRINO_PROBE_SCHEMA = 'quilt_e2e_stack';


/**
 * The local stack's name, as a Quilt stack's CloudFormation name: Quilt derives the Tabulator data
 * catalog ("<stack>-tabulator") and the user work group ("QuiltUserAthena-<stack>-NonManagedRoleWorkgroup") from it.
 */
export const STACK_NAME = 'quilt-e2e';
/** Athena data catalogs of the local Athena API, and the Trino catalogs behind them (same Hive metastore). */
export const ATHENA_DATA_CATALOGS = {
  /** Glue's catalog: the package tables' database. */
  glue: { name: 'AwsDataCatalog', trinoCatalog: 'awsdatacatalog' },
  /** Quilt's Tabulator catalog: one database per bucket, one table per Tabulator table. */
  tabulator: { name: 'quilt-e2e-tabulator', trinoCatalog: 'quilt-e2e-tabulator' },
} as const;
/** Athena work groups of the local Athena API (the first is Quilt's user work group). */
export const ATHENA_WORKGROUPS = ['QuiltUserAthena-quilt-e2e-NonManagedRoleWorkgroup', 'primary'] as const;
/** The bucket the local Athena API writes query results into (s3://<bucket>/<work group>/<query id>.csv). */
export const ATHENA_RESULTS_BUCKET = 'quilt-e2e-athena-results';
