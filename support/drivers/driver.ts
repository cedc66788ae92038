/**
 * Who performs the When-steps of the spec's operations (the driver), from QUILT_E2E_DRIVER:
 *   engine (default)  the suite's own engine: the AWS SDK on S3, quilt-js, the catalog's APIs;
 *   mcp               the real Quilt MCP server (support/drivers/mcp.ts), as an AI agent uses it.
 * Then-steps never go through a driver: they observe the services directly.
 *
 * The bucket operations (list, info, text, fetch, link, put), the package operations (create, update,
 * browse, diff, delete, create from a folder), the searches of the search workflows and the SQL
 * queries of the SQL workflows go through the driver; the other When-steps use the
 * engine on either driver (see README "The Quilt MCP server").
 *
 * A scenario the mcp driver cannot say at all carries one of DRIVER_CANNOT's tags and is reported
 * as skipped with that reason (support/hooks.ts).
 */
import type { CreateOptions, PackageDiff, PackageRevision, PushOptions, PushResult, EntrySource } from '@quilt-e2e/quilt-js';
import type { AccessReport, PermissionDiscovery } from '../domain/access.js';
import type { Listing, ObjectBytes, ObjectInfo, ObjectLink, ObjectText, PutItem, PutResult } from '../domain/objects.js';
import type { SearchAnswer, SearchRequest } from '../domain/search.js';
import type { QueryColumn, QueryResult } from '../sql/query-engine.js';

export type DriverKind = 'engine' | 'mcp';

export function driverKind(env: NodeJS.ProcessEnv = process.env): DriverKind {
  const raw = (env.QUILT_E2E_DRIVER ?? 'engine').toLowerCase();
  if (raw === 'engine' || raw === 'mcp') return raw;
  throw new Error(`QUILT_E2E_DRIVER=${JSON.stringify(env.QUILT_E2E_DRIVER)} is not a driver: use "engine" (the suite's own, the default) or "mcp" (the Quilt MCP server performs the When-steps)`);
}

/**
 * Which of quilt-mcp's two backends the mcp driver runs (QUILT_E2E_MCP_BACKEND, or the profile's
 * world parameter `mcpBackend`): the spec's TEST_BACKEND_MODE.
 *   platform (default)  `--deployment remote`: the catalog's GraphQL with each persona's JWT, one server over HTTP;
 *   quilt3              `--deployment legacy`: the quilt3 library with each persona's IAM credentials
 *                       (quilt3 logged in to the catalog), one server per persona over stdio.
 */
export type McpBackend = 'platform' | 'quilt3';

export function mcpBackend(env: NodeJS.ProcessEnv = process.env): McpBackend {
  const raw = (env.QUILT_E2E_MCP_BACKEND ?? 'platform').toLowerCase();
  if (raw === 'platform' || raw === 'quilt3') return raw;
  throw new Error(`QUILT_E2E_MCP_BACKEND=${JSON.stringify(env.QUILT_E2E_MCP_BACKEND)} is not a backend of quilt-mcp: use "platform" (GraphQL with a JWT, the default) or "quilt3" (the quilt3 library with IAM credentials)`);
}

/** Where the quilt3 mode finds quilt-mcp: QUILT_E2E_MCP_COMMAND, else the stack's installed release. */
export function mcpCommand(stackCommand: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const command = env.QUILT_E2E_MCP_COMMAND ?? stackCommand;
  if (!command) throw new Error('quilt-mcp\'s quilt3 mode on the quilt target needs QUILT_E2E_MCP_COMMAND: the quilt-mcp executable of a venv (pip install quilt-mcp==0.22.0), for example QUILT_E2E_MCP_COMMAND=/opt/quilt-mcp/bin/quilt-mcp');
  return command;
}

/** The spec's bucket operations (backend.bucket_objects_list, bucket_object_info, ...), as a driver performs them. */
export interface BucketOperations {
  list(bucket: string, prefix: string, maxKeys?: number, continuationToken?: string): Promise<Listing>;
  info(uri: string): Promise<ObjectInfo>;
  text(uri: string, maxBytes?: number): Promise<ObjectText>;
  /** The file's first bytes as bytes (binary intact); backend.bucket_object_fetch. */
  fetch(uri: string, maxBytes?: number): Promise<ObjectBytes>;
  link(uri: string, expirationSeconds?: number): Promise<ObjectLink>;
  put(bucket: string, items: PutItem[]): Promise<PutResult[]>;
}

/** Where the mcp driver finds quilt-mcp: the stack's server, or QUILT_E2E_MCP_URL on the quilt target. */
export function mcpServerUrl(stackUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = env.QUILT_E2E_MCP_URL ?? stackUrl;
  if (!url) throw new Error('the mcp driver on the quilt target needs QUILT_E2E_MCP_URL: the running quilt-mcp server\'s streamable-HTTP endpoint, for example QUILT_E2E_MCP_URL=http://127.0.0.1:8765/mcp');
  return url;
}

/** The spec's package operations (backend.package_create, package_update, package_browse, ...), as a driver performs them. */
export interface PackageOperations {
  create(name: string, options: CreateOptions): Promise<PushResult>;
  /** Adds or replaces files (logical key = the file name) on top of the latest revision. */
  update(name: string, options: PushOptions & { set: EntrySource[] }): Promise<PushResult>;
  /** Every object below an s3:// folder, logical keys relative to it. */
  createFromPrefix(name: string, prefixUri: string, options?: PushOptions): Promise<PushResult>;
  browse(name: string, ref?: string): Promise<PackageRevision>;
  /**
   * The previous revision against the latest. `known` are the two top hashes the caller itself
   * made (as an agent remembers what its tools answered); the engine finds them from the pointers.
   */
  diff(name: string, known?: { from?: string; to?: string }): Promise<PackageDiff>;
  deletePackage(name: string): Promise<unknown>;
  /**
   * The catalog URLs of a revision a reader is given to open (backend.catalog_url): the engine
   * builds the package, revision (by hash and by timestamp, with a file) and revisions pages; through
   * quilt-mcp, catalog_url gives the package page and a file's page (it has no revision argument).
   */
  catalogUrls(name: string, revision: { hash: string; timestamp: string; firstFile: string }): Promise<string[]>;
  /** The Quilt+ URI of a file of a revision (quilt+s3://<bucket>#package=<name>@<hash>&path=<path>; quilt-mcp's catalog_uri). */
  quiltPlusUri(name: string, hash: string, path: string): Promise<string>;
}

/**
 * Tags of scenarios a driver cannot perform at all, with the reason the report gives. A scenario
 * carrying one is skipped on that driver (never counted as passed) and listed in the README.
 */
export const DRIVER_CANNOT: Record<DriverKind, Record<string, string>> = {
  engine: {
    '@mcp-both-backends': "its subject is quilt-mcp's two backends reading each other's packages (spec §5.2): the mcp driver's runs perform it, one per backend and release, with this run's backend writing and the other reading",
    '@mcp-search-helpers': "its subject is quilt-mcp's own search helpers (search_suggest, search_explain), which answer from quilt-mcp's query parser without asking the catalog: the engine, like the catalog, has no such thing; the mcp driver's runs perform it",
  },
  mcp: {
    '@mcp-cannot-name-files': "quilt-mcp's package_create names each file by its file name (flatten) or by its whole S3 key, and has no logical-key argument: a file cannot be given a name of its own or a place in a folder of the package through it",
    '@mcp-cannot-claim-hash': "quilt-mcp's package_create takes no hash for a file: a claimed (wrong) hash cannot be sent through it",
    '@engine-steps-only': "its When-steps are none of the spec's operations a driver performs (a deadline or a retry kept by the client itself, a person in Quilt's web catalog, a server answering): the mcp driver's runs would only repeat the engine's run of it",
    '@mcp-admin-tools-not-driven': "quilt-mcp has no tool for what this scenario's When-steps do (roles, policies, API keys, a user's own role switch, the local stack's controls): they would go through the suite's own engine, so this scenario would not test quilt-mcp",
  },
};

/**
 * The admin's user operations (quilt-mcp's admin_user_* tools; the registry's admin.user mutations),
 * as a driver performs them with the admin persona's identity. A refusal or a bad answer throws.
 */
export interface AdminOperations {
  createUser(user: { name: string; email: string; role: string; extraRoles: string[] }): Promise<void>;
  setRole(name: string, role: string): Promise<void>;
  setActive(name: string, active: boolean): Promise<void>;
  deleteUser(name: string): Promise<void>;
  addRoles(name: string, roles: string[]): Promise<void>;
  /** `fallback`: the role made active when the active one is among those removed. */
  removeRoles(name: string, roles: string[], fallback?: string): Promise<void>;
  setAdmin(name: string, admin: boolean): Promise<void>;
  setEmail(name: string, email: string): Promise<void>;
  /** A user as the admin looks them up (admin.user.get; quilt-mcp's admin_user_get). */
  getUser(name: string): Promise<UserRecord>;
  /** Every user of the stack, as the admin lists them (admin.user.list; quilt-mcp's admin://users resource). */
  listUsers(): Promise<UserRecord[]>;
  /** Every role's name (roles; quilt-mcp's admin://roles resource). */
  listRoles(): Promise<string[]>;
  /** Sends the user a link to set a new password (admin.user.mutate.resetPassword; admin_user_reset_password). */
  resetPassword(name: string): Promise<void>;
  /** Tabulator's open query switch (admin.setTabulatorOpenQuery; admin_tabulator_open_query_set), and as read (admin://config/tabulator). */
  setTabulatorOpenQuery(enabled: boolean): Promise<void>;
  tabulatorOpenQuery(): Promise<boolean>;
  /** The SSO config's YAML text, null to remove it (admin.setSsoConfig; admin_sso_config_set/_remove), and as read (admin://config/sso). */
  setSsoConfig(text: string | null): Promise<void>;
  ssoConfig(): Promise<string | null>;
}

/** What an admin's look-up shows of a user. */
export interface UserRecord { name: string; email: string; isAdmin: boolean; isActive: boolean; role: string | null; extraRoles: string[] }

/** The spec's access check (backend.check_bucket_access): what the caller may do in a bucket, as a driver measures it. */
export interface AccessOperations {
  check(bucket: string, options: { sampleKey?: string; probePrefix?: string }): Promise<AccessReport>;
  /** Permission discovery (discover_permissions): who the caller's catalog credentials are, and what they may do in the bucket. */
  discover(bucket: string, options: { sampleKey?: string; probePrefix?: string }): Promise<PermissionDiscovery>;
  /** The buckets the catalog shows the caller (the registry's bucketConfigs; quilt-mcp's bucket_list). */
  buckets(): Promise<string[]>;
  /**
   * Points the caller's client at a catalog (quilt3.config, which reads the catalog's /config.json;
   * quilt-mcp's catalog_configure), and answers what the client then says of the catalog it is
   * connected to (quilt-mcp's auth://catalog/info resource).
   */
  pointAt(catalogUrl: string): Promise<{ catalogUrl: string; registryUrl: string }>;
}

/** The spec's search (backend.search_catalog), as a driver performs it. */
export interface SearchOperations {
  search(request: SearchRequest): Promise<SearchAnswer>;
  /** Completions of a partly typed search (quilt-mcp's search_suggest): each suggestion's text and, where it says, the file type it is for. */
  suggest?(partial: string): Promise<Array<{ text: string; fileType?: string }>>;
  /** How a search would run (quilt-mcp's search_explain). */
  explain?(query: string): Promise<SearchExplanation>;
}

export interface SearchExplanation { kind: string; keywords: string[]; fileTypes: string[]; backends: string[]; reasons: Record<string, string> }

/** The spec's SQL (backend.athena_query_execute), as a driver performs it. */
export interface SqlOperations {
  query(sql: string, options?: { maxRows?: number; deadlineMs?: number }): Promise<QueryResult>;
  /** Whether the query is sound, checked without running it (quilt-mcp's athena_query_validate; the engine: Athena's EXPLAIN (TYPE VALIDATE)); the reason when not. */
  validate(sql: string): Promise<{ valid: boolean; reason: string }>;
  /** The Tabulator catalog as a reader browses it (tabulator_list_buckets, athena_tables_list, athena_table_schema). */
  tabulatorCatalog: { databases(): Promise<string[]>; tables(database: string): Promise<string[]>; schema(database: string, table: string): Promise<QueryColumn[]> };
}

/** A Tabulator table as its creator describes it (quilt-mcp's tabulator_table_create takes the same parts). */
export interface TabulatorTableSpec {
  bucket: string;
  table: string;
  columns: { name: string; type: string }[];
  /** Regular expressions over package names and logical keys (Quilt's source.package_name, source.logical_key). */
  packagePattern: string;
  logicalKeyPattern: string;
  format: 'csv';
  header: boolean;
}

/**
 * A Tabulator table's life (spec §1.4's lifecycle): created, listed, queried within its bucket,
 * renamed and deleted — quilt-mcp's tabulator_* tools, or the registry's GraphQL and the target's SQL.
 */
export interface TabulatorOperations {
  create(spec: TabulatorTableSpec): Promise<void>;
  list(bucket: string): Promise<string[]>;
  /** The given columns of every row of the table, queried in the bucket's Tabulator database. */
  query(bucket: string, table: string, columns: string[]): Promise<QueryResult>;
  /** The same, queried in the Tabulator catalog with the bucket's database named (quilt-mcp's tabulator_query_execute). */
  queryInCatalog(bucket: string, table: string, columns: string[]): Promise<QueryResult>;
  rename(bucket: string, table: string, newName: string): Promise<void>;
  delete(bucket: string, table: string): Promise<void>;
}
