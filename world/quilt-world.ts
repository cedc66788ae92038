/**
 * The typed World every step runs in: the target's configuration, lazily built clients per
 * persona, a unique folder for this scenario, what the scenario has seen so far, and the ledger
 * of what it created (removed by the After hook, also when the scenario failed).
 */
import { randomBytes } from 'node:crypto';
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type { S3Client } from '@aws-sdk/client-s3';
import { loadTarget, type PersonaRole, type TargetConfig } from '../support/target.js';
import { catalogBucketUrl, createS3Client, PackageRegistry } from '@quilt-e2e/quilt-js';
import { ObjectStore } from '../support/domain/objects.js';
import { ResourceLedger } from './ledger.js';
import { scenarioMemory, type ScenarioMemory } from './memory.js';
import { personaS3Credentials } from '../support/persona-credentials.js';
import { CatalogClient } from '../support/adapters/catalog.js';
import { CatalogApp } from '../support/adapters/catalog-app.js';
import { SearchEngine } from '../support/adapters/search-engine.js';
import type { TrinoClient } from '@quilt-e2e/trino-rest';
import { trinoClient, deadProcesses, explainDead, mcpClient, mcpUrl } from '@quilt-e2e/stack';
import { quilt3McpClient, quilt3McpSettingOf } from '../support/drivers/mcp-quilt3.js';
import { engineTabulatorOperations, McpTabulatorOperations } from '../support/drivers/tabulator.js';
import { engineDashboardOperations, engineDocumentationOperations, McpDashboardOperations, McpDocumentationOperations, type DashboardOperations, type DocumentationOperations } from '../support/drivers/dashboard.js';
import { validateByExplain } from '../support/drivers/engine.js';
import { sqlTarget, type SqlTarget } from '../support/sql/index.js';
import { SCENARIO_MANIFEST_META } from '../support/sweeper.js';
import { driverKind, mcpBackend, mcpServerUrl, type AccessOperations, type McpBackend, type TabulatorOperations, type AdminOperations, type BucketOperations, type DriverKind, type PackageOperations, type SearchOperations, type SqlOperations } from '../support/drivers/driver.js';
import { McpAccessOperations, McpAdminOperations, McpBucketOperations, McpPackageOperations, McpSearchOperations, McpSessions, McpSqlOperations } from '../support/drivers/mcp.js';
import { searchCatalog } from '../support/domain/search.js';
import { engineAccessOperations, engineAdminOperations, enginePackageOperations } from '../support/drivers/engine.js';

/** One id per suite run (shared by parallel workers when the runner sets QUILT_E2E_RUN_ID). */
export const RUN_ID = process.env.QUILT_E2E_RUN_ID ?? `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;

export type { ScenarioMemory } from './memory.js';

export class QuiltWorld extends World {
  readonly target: TargetConfig;
  readonly ledger = new ResourceLedger();
  /** Every key this scenario writes lives below this folder of the test bucket. */
  readonly scenarioPrefix: string;
  /** A short random id of this scenario, for names of things it creates. */
  readonly scenarioId = randomBytes(4).toString('hex');
  /** What the scenario remembers between steps (world/memory.ts): a missing note names the step that leaves it. */
  readonly memory: ScenarioMemory = scenarioMemory();
  private readonly s3Clients = new Map<PersonaRole, S3Client>();
  private engine?: SearchEngine;
  private trino?: TrinoClient;
  private sqlSide?: SqlTarget;

  constructor(options: IWorldOptions) {
    super(options);
    this.target = loadTarget();
    this.scenarioPrefix = `quilt-e2e-runs/${RUN_ID}/${this.scenarioId}/`;
  }

  get bucket(): string { return this.target.bucket; }

  /** The S3 client a persona uses (built on first use). Throws when the target has no credentials for that persona. */
  s3(persona: PersonaRole): S3Client {
    let c = this.s3Clients.get(persona);
    if (!c) {
      const access = this.target.personas[persona];
      if (!access) throw new Error(`the ${this.target.kind} target has no credentials for the ${persona} persona (see README: personas)`);
      const credentials = personaS3Credentials(this.target, persona);
      c = createS3Client({ ...this.target.s3, ...(credentials ? { credentials } : {}) });
      const stack = this.target.stack;
      if (stack) {
        // Every attempt first checks that the stack's processes are alive (a signal-0 per PID): with
        // a dead OSD, RGW accepts requests and never answers, and each would wait for its timeout.
        c.middlewareStack.add((next) => async (args) => {
          const dead = deadProcesses(stack);
          if (dead.length) throw new Error(explainDead(dead));
          return next(args);
        }, { step: 'finalizeRequest', priority: 'low', name: 'quiltE2eStackAlive' });
      }
      this.s3Clients.set(persona, c);
    }
    return c;
  }

  objects(persona: PersonaRole): ObjectStore { return new ObjectStore(this.s3(persona)); }

  /** Who performs the When-steps of the spec's operations (QUILT_E2E_DRIVER: engine or mcp). */
  readonly driver: DriverKind = driverKind({ ...process.env, ...(typeof (this.parameters as { driver?: unknown })?.driver === 'string' ? { QUILT_E2E_DRIVER: (this.parameters as { driver: string }).driver } : {}) });
  /** Which backend of quilt-mcp the mcp driver runs (QUILT_E2E_MCP_BACKEND: platform or quilt3). */
  readonly mcpBackend: McpBackend = mcpBackend({ ...process.env, ...(typeof (this.parameters as { mcpBackend?: unknown })?.mcpBackend === 'string' ? { QUILT_E2E_MCP_BACKEND: (this.parameters as { mcpBackend: string }).mcpBackend } : {}) });
  private readonly mcpSessions = new Map<McpBackend, McpSessions>();

  /**
   * The spec's bucket operations as this run's driver performs them — for When-steps only; Then-steps
   * observe S3 directly through objects().
   */
  bucketOps(persona: PersonaRole): BucketOperations {
    if (this.driver === 'engine') return this.objects(persona);
    const sessions = this.mcp();
    return new McpBucketOperations(() => sessions.client(persona));
  }

  /**
   * The spec's package operations as this run's driver performs them (When-steps only). Through
   * quilt-mcp, what a tool wrote is read back from S3 as the admin sees it; inline file contents are
   * first uploaded with bucket_objects_put below the scenario's folder.
   */
  packageOps(persona: PersonaRole): PackageOperations {
    return this.driver === 'engine' ? enginePackageOperations(this.registry(persona), this.bucket, this.target.catalog?.catalogUrl) : this.mcpPackageOps(persona);
  }

  /** The access check as this run's driver measures it (When-steps only). */
  accessOps(persona: PersonaRole): AccessOperations {
    if (this.driver === 'engine') return engineAccessOperations(this.s3(persona), this.catalog(persona), this.target);
    const sessions = this.mcp();
    return new McpAccessOperations(() => sessions.client(persona));
  }

  /** The admin's user operations as this run's driver performs them, as Dana (When-steps only; Givens use the engine). */
  adminOps(setUp = false): AdminOperations {
    if (this.driver === 'engine' || setUp) return engineAdminOperations(this.catalog('admin'));
    const sessions = this.mcp();
    return new McpAdminOperations(() => sessions.client('admin'));
  }

  /** The spec's search as this run's driver performs it (When-steps only; Then-steps ask the catalog's search API directly). */
  searchOps(persona: PersonaRole): SearchOperations {
    if (this.driver === 'engine') return { search: (req) => searchCatalog(this.catalog(persona), req) };
    const sessions = this.mcp();
    return new McpSearchOperations(() => sessions.client(persona));
  }

  /** The spec's SQL as this run's driver performs it (When-steps only; Then-steps query the target's Athena directly). */
  sqlOps(persona: PersonaRole): SqlOperations {
    if (this.driver === 'engine') {
      const tabulator = this.sql().tabulator;
      return {
        query: (sql, options) => this.sql().engine.run(sql, { deadlineMs: options?.deadlineMs ?? 120_000, ...(options?.maxRows ? { maxRows: options.maxRows } : {}) }),
        validate: (sql) => validateByExplain(this.sql().engine, sql),
        tabulatorCatalog: { databases: () => tabulator.databases(), tables: (db) => tabulator.tables(db), schema: (db, t) => tabulator.schema(db, t) },
      };
    }
    const sessions = this.mcp();
    return new McpSqlOperations(() => sessions.client(persona), () => this.sql().settings.tabulatorCatalog ?? 'quilt-e2e-tabulator');
  }

  /** A Tabulator table's life as this run's driver performs it (When-steps only; Then-steps read the registry and SQL directly). */
  tabulatorOps(persona: PersonaRole): TabulatorOperations {
    if (this.driver === 'engine') return engineTabulatorOperations(this.catalog(persona), this.sql().engine, (t) => this.sql().tabulatorTable(t));
    const sessions = this.mcp();
    return new McpTabulatorOperations(() => sessions.client(persona));
  }

  /** Query results made into a dashboard package (spec §2.3) as this run's driver makes one. */
  dashboardOps(persona: PersonaRole): DashboardOperations {
    if (this.driver === 'engine') return engineDashboardOperations(this.packageOps(persona));
    const sessions = this.mcp();
    return new McpDashboardOperations(() => sessions.client(persona), this.packageOps(persona));
  }

  /** A package documented with a README and a summary of its files, as this run's driver does it. */
  documentationOps(persona: PersonaRole): DocumentationOperations {
    if (this.driver === 'engine') return engineDocumentationOperations(this.packageOps(persona));
    const sessions = this.mcp();
    return new McpDocumentationOperations(() => sessions.client(persona), this.packageOps(persona), this.bucket);
  }

  /** quilt-mcp's package tools as a persona calls them (the mcp driver only), through this run's backend or the other. */
  mcpPackageOps(persona: PersonaRole, backend: McpBackend = this.mcpBackend): McpPackageOperations {
    const sessions = this.mcp(backend);
    const staging = (name: string): string => {
      // Contents uploaded for a package are this scenario's files: removed with it, also when it fails.
      const what = `objects under s3://${this.bucket}/${this.key('.mcp-staging/')}`;
      if (!this.ledger.describe().includes(what)) this.ledger.register(what, async () => { await this.objects('admin').purgePrefix(this.bucket, this.key('.mcp-staging/')); });
      return this.key(`.mcp-staging/${name}/`);
    };
    return new McpPackageOperations(() => sessions.client(persona), this.bucket, this.registry('admin'), staging, this.bucketOps(persona));
  }

  /** The backend of quilt-mcp this run's mcp driver does not write through (spec §5.2 reads through it). */
  otherMcpBackend(): McpBackend {
    if (this.driver !== 'mcp') throw new Error('only the mcp driver has a backend of quilt-mcp of its own (tag the scenario @mcp-both-backends)');
    return this.mcpBackend === 'platform' ? 'quilt3' : 'platform';
  }

  /** The quilt-mcp tools this scenario called (the mcp driver), in order. */
  get mcpCalls(): readonly string[] { return [...this.mcpSessions.values()].flatMap((s) => s.calls); }

  private mcp(backend: McpBackend = this.mcpBackend): McpSessions {
    let sessions = this.mcpSessions.get(backend);
    if (sessions) return sessions;
    const tokenOf = (p: string): string | undefined => this.target.personas[p as PersonaRole]?.token;
    if (backend === 'quilt3') {
      const setting = quilt3McpSettingOf(this.target);
      // The worker's processes, one per persona, kept across scenarios (closed with the run).
      sessions = new McpSessions((p) => quilt3McpClient(p, tokenOf(p), setting), true);
    } else {
      const url = mcpServerUrl(this.target.stack ? mcpUrl(this.target.stack) : undefined);
      sessions = new McpSessions((p) => {
        const token = tokenOf(p);
        return token ? mcpClient(url, token, `quilt-e2e-${p}`) : Promise.reject(new Error(`the mcp driver needs ${p}'s catalog token (a JWT) to act as ${p}`));
      });
    }
    this.mcpSessions.set(backend, sessions);
    return sessions;
  }

  /** The search engine itself (local target only: a real deployment's engine is reached through its catalog). */
  searchEngine(): SearchEngine {
    if (!this.target.stack) throw new Error('direct search-engine access exists only on the local target; scenarios that need it are tagged @local-only');
    this.engine ??= new SearchEngine(`http://127.0.0.1:${this.target.stack.ports.opensearch}`);
    return this.engine;
  }

  /** The package registry (the test bucket) as a persona sees it. */
  registry(persona: PersonaRole): PackageRegistry {
    // The tag lets the sweeper find this scenario's manifests later (see support/tasks/packages.ts: ownPackage).
    return new PackageRegistry(this.s3(persona), this.bucket, { manifestMetadata: { [SCENARIO_MANIFEST_META]: `${RUN_ID}/${this.scenarioId}` } });
  }

  /**
   * The real name of a package named in a feature: its namespace gets this scenario's id, so
   * parallel scenarios never share a package ("test/lifecycle" → "test-1a2b3c4d/lifecycle").
   */
  packageName(featureName: string): string {
    let real = this.memory.packages.get(featureName);
    if (!real) {
      const slash = featureName.indexOf('/');
      real = slash > 0 ? `${featureName.slice(0, slash)}-${this.scenarioId}${featureName.slice(slash)}` : featureName;
      this.memory.packages.set(featureName, real);
    }
    return real;
  }

  /** The catalog/registry API as a persona sees it (with the persona's token). */
  catalog(persona: PersonaRole, token?: string): CatalogClient {
    if (!this.target.catalog) throw new Error(`the ${this.target.kind} target has no catalog configured (set QUILT_CATALOG_URL and QUILT_REGISTRY_URL)`);
    return new CatalogClient(this.target.catalog, token ?? this.target.personas[persona]?.token);
  }

  /** Quilt's web catalog in a real browser, signed in as the persona (its form with a password, else its token). */
  app(persona: PersonaRole): CatalogApp {
    if (!this.target.catalog) throw new Error(`the ${this.target.kind} target has no catalog configured (set QUILT_CATALOG_URL and QUILT_REGISTRY_URL)`);
    const access = this.target.personas[persona];
    const signIn = access?.signIn ?? (access?.token ? { token: access.token } : undefined);
    if (!signIn) throw new Error(`the ${this.target.kind} target gives ${persona} no way to sign in to the catalog: set QUILT_E2E_${persona.toUpperCase()}_PASSWORD (with _USER) or a token (PLATFORM_TEST_JWT_SECRET, QUILT_E2E_${persona.toUpperCase()}_JWT)`);
    return new CatalogApp(this.target.catalog, signIn, { keepWarm: true });
  }

  /** Every persona who can sign in to the catalog gets a page loaded ahead in the test bucket (CatalogApp.prepare), unless they have one. */
  prepareCatalogApps(): void {
    if (!this.target.catalog) return;
    for (const persona of Object.keys(this.target.personas) as PersonaRole[]) {
      const access = this.target.personas[persona];
      if (access?.signIn || access?.token) this.app(persona).prepare(catalogBucketUrl(this.target.catalog.catalogUrl, this.bucket));
    }
  }

  /** SQL as users reach it on this target: the query engine (Trino locally, Athena on AWS) and table names. */
  sql(): SqlTarget {
    this.sqlSide ??= sqlTarget(this.target);
    return this.sqlSide;
  }

  /** The SQL engine itself (local target: the stack's Trino). */
  sqlEngine(): TrinoClient {
    if (!this.target.stack) throw new Error('direct SQL-engine access exists only on the local target; scenarios that need it are tagged @local-only');
    this.trino ??= trinoClient(this.target.stack);
    return this.trino;
  }

  /** The full key of a path given in a feature, relative to this scenario's folder. */
  key(path: string): string { return `${this.scenarioPrefix}${path.replace(/^\/+/, '')}`; }

  /** The s3:// URI of a path given in a feature. */
  uri(path: string): string { return `s3://${this.bucket}/${this.key(path)}`; }

  async dispose(): Promise<void> {
    // Each session map stays: the tools it called are attached after the cleanup (support/hooks.ts runs its After hooks last-defined first).
    for (const s of this.mcpSessions.values()) await s.close();
    for (const c of this.s3Clients.values()) c.destroy();
    this.s3Clients.clear();
    await this.engine?.close();
  }
}

setWorldConstructor(QuiltWorld);
