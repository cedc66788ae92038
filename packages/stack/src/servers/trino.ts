/**
 * SQL: Trino 476 (the engine Amazon Athena runs on), a single coordinator-and-worker node on
 * loopback, with one catalog `hive` (Hive connector, file metastore kept in the data folder,
 * tables over the local Ceph RGW through Trino's native S3 file system).
 *
 * Built from Maven Central artifacts only: the slim `io.trino:trino-server-core` tarball (launcher,
 * lib, a few small plugins that are removed) plus the `io.trino:trino-hive` plugin zip unpacked as
 * `plugin/hive`. 476 is the last release published to Maven Central and needs Java 24+ (the
 * stack's Temurin 25 JDK, config.java25Home).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';
import { artifactPath, fetchArtifact, type Artifact } from '../lib/maven.js';
import { httpGet, runChecked, spawnDetached, waitUntil } from '../lib/proc.js';
import { jitFlags } from './opensearch.js';
import { TrinoClient } from '@quilt-e2e/trino-rest';
import { ATHENA_DATA_CATALOGS, TRINO_CATALOG, TRINO_PROBE_SCHEMA, TRINO_SCHEMA, TRINO_USER } from '@quilt-e2e/constants';

/** The catalog and schema the package tables live in, and the user in X-Trino-User (no authentication on loopback). */
export { TRINO_CATALOG, TRINO_SCHEMA, TRINO_USER };

export const TRINO_VERSION = '476';
/**
 * A one-row table over a local file, made by provision(). A constant query (SELECT 1) runs on the
 * coordinator alone; right after start a table scan can still fail with NO_NODES_AVAILABLE until
 * the node has announced its catalogs to itself, so readiness is proven by scanning this table.
 * It lives in its own schema so the suite's schema holds only the suite's tables.
 */
const PROBE_SCHEMA = TRINO_PROBE_SCHEMA;
const PROBE_TABLE = `${TRINO_CATALOG}.${PROBE_SCHEMA}.probe`;

const CORE: Artifact = { groupId: 'io.trino', artifactId: 'trino-server-core', version: TRINO_VERSION, packaging: 'tar.gz' };
const HIVE: Artifact = { groupId: 'io.trino', artifactId: 'trino-hive', version: TRINO_VERSION, packaging: 'zip' };
/** Written last by install(); its presence means the unpacked tree is complete. */
const MARKER = '.quilt-e2e-installed';
const DEFAULT_HEAP = '1G';

function paths(c: StackConfig) {
  const install = join(c.cacheDir, `trino-${TRINO_VERSION}`);
  const data = join(c.dataDir, 'trino');
  const etc = join(data, 'etc');
  return {
    install,
    partial: `${install}.partial`,
    marker: join(install, MARKER),
    launcher: join(install, 'bin', 'launcher'),
    data,
    etc,
    catalog: join(etc, 'catalog'),
    metastore: join(data, 'metastore'),
    /** Below local.location, i.e. local:///probe. */
    probeDir: join(data, 'probe'),
    probeMetadata: join(data, 'metastore', PROBE_SCHEMA, 'probe'),
    serverLog: join(c.logDir, 'trino-server.log'),
    stdout: join(c.logDir, 'trino.out'),
  };
}

/** The JVM heap, from QUILT_E2E_TRINO_HEAP (e.g. 1G, 768M); 1G by default. */
export function trinoHeap(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.QUILT_E2E_TRINO_HEAP;
  if (raw === undefined || raw === '') return DEFAULT_HEAP;
  if (!/^[1-9][0-9]*[mMgG]$/.test(raw)) {
    throw new Error(`QUILT_E2E_TRINO_HEAP=${JSON.stringify(raw)} is not a heap size: use a whole number with M or G, for example QUILT_E2E_TRINO_HEAP=${DEFAULT_HEAP}`);
  }
  return raw.toUpperCase();
}

export function trinoUrl(c: StackConfig): string {
  return `http://127.0.0.1:${c.ports.trino}`;
}

/** A REST client for the stack's Trino, in the suite's catalog and schema. */
export function trinoClient(c: StackConfig, requestTimeoutMs = 30_000): TrinoClient {
  return new TrinoClient({ server: trinoUrl(c), user: TRINO_USER, catalog: TRINO_CATALOG, schema: TRINO_SCHEMA, source: 'quilt-e2e', requestTimeoutMs });
}

function properties(entries: Record<string, string | number | boolean>): string {
  return `${Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** jvm.config for Java 25 (Trino's documented set, minus flags Java 25 rejects). */
function jvmConfig(heap: string): string {
  return [
    '-server',
    `-Xmx${heap}`,
    '-XX:InitialRAMPercentage=1',
    '-XX:G1HeapRegionSize=4M',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:ReservedCodeCacheSize=256M',
    ...jitFlags(),
    '-XX:PerMethodRecompilationCutoff=10000',
    '-XX:PerBytecodeRecompilationCutoff=10000',
    '-Djdk.attach.allowAttachSelf=true',
    '-Djdk.nio.maxCachedBufferSize=2000000',
    '-Dfile.encoding=UTF-8',
    '-XX:+EnableDynamicAgentLoading',
    // Java 24+ warns (and later refuses) without these; Trino's own launcher adds them for 24-26.
    '--sun-misc-unsafe-memory-access=allow',
    '--enable-native-access=ALL-UNNAMED',
    '--add-modules=jdk.incubator.vector',
    '',
  ].join('\n');
}

function writeEtc(c: StackConfig): void {
  const p = paths(c);
  const admin = c.s3Users.admin;
  for (const d of [p.etc, p.catalog, p.metastore, p.probeDir, c.logDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(p.probeDir, 'probe.txt'), 'ok\n');
  writeFileSync(join(p.etc, 'node.properties'), properties({
    'node.environment': 'quilt_e2e',
    'node.id': 'quilt-e2e-1',
    'node.data-dir': p.data,
    // Bind the HTTP server to loopback only, and announce that address to itself (discovery).
    'node.bind-ip': '127.0.0.1',
    'node.internal-address': '127.0.0.1',
  }));
  writeFileSync(join(p.etc, 'jvm.config'), jvmConfig(trinoHeap()));
  writeFileSync(join(p.etc, 'config.properties'), properties({
    coordinator: true,
    'node-scheduler.include-coordinator': true,
    'http-server.http.port': c.ports.trino,
    'discovery.uri': trinoUrl(c),
    'query.max-memory': '1GB',
    // The launcher's foreground mode logs to the console; send the server log to the stack's log folder instead.
    'log.path': p.serverLog,
    'log.enable-console': false,
    'log.max-size': '100MB',
    'log.max-total-size': '300MB',
    // The HTTP request log mostly records the node's own task traffic (~700 KB per test run): off.
    'http-server.log.enabled': false,
  }));
  writeFileSync(join(p.etc, 'log.properties'), properties({ 'io.trino': 'INFO' }));
  const hive = properties({
    'connector.name': 'hive',
    // File metastore in the data folder: survives `down`/`up`, as the Ceph data does, and keeps
    // Trino's bookkeeping out of the buckets the suite lists.
    'hive.metastore': 'file',
    'hive.metastore.catalog.dir': 'local:///metastore',
    'fs.native-local.enabled': true,
    'local.location': p.data,
    'fs.native-s3.enabled': true,
    's3.endpoint': `http://127.0.0.1:${c.ports.s3}`,
    's3.region': c.s3.region,
    's3.path-style-access': true,
    's3.aws-access-key': admin.accessKeyId,
    's3.aws-secret-key': admin.secretAccessKey,
    // Quilt keeps data below nested prefixes (.quilt/named_packages/<user>/<pkg>/<ts>).
    'hive.recursive-directories': true,
    // Writes into external locations (INSERT into tables over existing S3 prefixes).
    'hive.non-managed-table-writes-enabled': true,
  });
  writeFileSync(join(p.catalog, 'hive.properties'), hive);
  // The Athena API's data catalogs (platform/src/athena): the same Hive metastore under the names
  // Athena clients use in SQL — "awsdatacatalog" and the Tabulator catalog "quilt-e2e-tabulator".
  for (const c of Object.values(ATHENA_DATA_CATALOGS)) writeFileSync(join(p.catalog, `${c.trinoCatalog}.properties`), hive);
}

function sha1OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha1');
    createReadStream(path).on('data', (b) => h.update(b)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** Compares a downloaded artifact with the .sha1 file Maven stored beside it (when there is one). */
async function verifySha1(path: string): Promise<void> {
  const sidecar = `${path}.sha1`;
  if (!existsSync(sidecar)) return;
  const expected = readFileSync(sidecar, 'utf8').trim().split(/\s+/)[0]!.toLowerCase();
  const actual = await sha1OfFile(path);
  if (actual !== expected) {
    throw new Error(`${path} is damaged (sha1 ${actual}, expected ${expected}): delete it and run install again`);
  }
}

export const trino: ManagedServer = {
  name: 'trino',
  provisionAfter: ['ceph'],
  version: `${TRINO_VERSION} (Maven Central: trino-server-core + trino-hive; Java 25)`,
  ports: (c) => [c.ports.trino],
  hint: 'Trino 476 needs Java 24+ (set QUILT_E2E_JAVA25_HOME to a JDK 25), a free port 8080 (or QUILT_E2E_TRINO_PORT), the S3 server up first, and about 1.5 GB of free memory (QUILT_E2E_TRINO_HEAP sets the heap).',

  async isInstalled(c) {
    const p = paths(c);
    return existsSync(p.marker) && existsSync(join(p.install, 'plugin', 'hive')) && existsSync(p.launcher);
  },

  async install(c: StackConfig, out: Reporter) {
    const p = paths(c);
    if (await trino.isInstalled(c)) return;
    const core = await fetchArtifact(CORE, '  ');
    const hive = await fetchArtifact(HIVE, '  ');
    for (const a of [core, hive]) {
      out.info(`trino: checking ${a} ...`);
      await verifySha1(a);
    }
    rmSync(p.partial, { recursive: true, force: true });
    mkdirSync(p.partial, { recursive: true });
    out.info(`trino: unpacking ${artifactPath(CORE)} into ${p.install} ...`);
    runChecked('tar', ['-xzf', core, '-C', p.partial, '--strip-components=1', '--no-same-owner'], { timeoutMs: 10 * 60_000 });
    // Only the Hive connector is used: every bundled plugin is loaded at start, so drop them all.
    const pluginDir = join(p.partial, 'plugin');
    const dropped = existsSync(pluginDir) ? readdirSync(pluginDir) : [];
    for (const d of dropped) rmSync(join(pluginDir, d), { recursive: true, force: true });
    out.info(`trino: removed unused plugins ${dropped.join(', ') || '(none)'}`);
    out.info(`trino: unpacking the Hive connector ${artifactPath(HIVE)} into plugin/hive ...`);
    mkdirSync(pluginDir, { recursive: true });
    // The JDK's own `jar` tool unzips, so no `unzip` package is needed on a fresh machine.
    const jar = join(c.java25Home, 'bin', 'jar');
    if (existsSync(jar)) runChecked(jar, ['xf', hive], { cwd: pluginDir, timeoutMs: 10 * 60_000 });
    else runChecked('unzip', ['-q', '-o', hive, '-d', pluginDir], { timeoutMs: 10 * 60_000 });
    const unpacked = join(pluginDir, `trino-hive-${TRINO_VERSION}`);
    if (!existsSync(unpacked)) throw new Error(`the Hive plugin zip did not contain trino-hive-${TRINO_VERSION}/`);
    renameSync(unpacked, join(pluginDir, 'hive'));
    writeFileSync(join(p.partial, MARKER), `trino-server-core ${TRINO_VERSION} + trino-hive ${TRINO_VERSION}, unpacked ${new Date().toISOString()}\n`);
    rmSync(p.install, { recursive: true, force: true });
    renameSync(p.partial, p.install);
    out.info(`trino: ready in ${p.install}`);
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const p = paths(c);
    const java = join(c.java25Home, 'bin', 'java');
    if (!existsSync(java)) {
      throw new Error(`Trino ${TRINO_VERSION} needs Java 24 or newer, and ${java} does not exist: install a JDK 25 (e.g. Temurin 25) and point QUILT_E2E_JAVA25_HOME at it`);
    }
    writeEtc(c);
    // The launcher refuses to start ("already running as N") when its PID file names a live
    // process; after a crash or reboot that PID may belong to something else. The stack only
    // starts Trino when its port is free and its recorded PID is gone, so the file is stale here.
    rmSync(join(p.data, 'var', 'run', 'launcher.pid'), { force: true });
    out.info(`trino: heap ${trinoHeap()}, data ${p.data}, logs ${p.serverLog}`);
    // `launcher run` stays in the foreground and exec()s the JVM in place (bash script -> Go
    // launcher -> java, same PID), so the PID spawned here is the JVM's: stopping it stops Trino.
    const pid = spawnDetached(p.launcher, [
      'run',
      `--etc-dir=${p.etc}`,
      `--data-dir=${p.data}`,
      `--jvm-dir=${c.java25Home}`,
    ], {
      cwd: p.data,
      logFile: p.stdout,
      env: { ...process.env, JAVA_HOME: c.java25Home },
    });
    return [{ name: 'trino', pid }];
  },

  async healthy(c: StackConfig) {
    const info = await httpGet(`${trinoUrl(c)}/v1/info`, 1500);
    if (info.status !== 200) return false;
    if ((JSON.parse(info.body) as { starting?: boolean }).starting !== false) return false;
    const client = new TrinoClient({ server: trinoUrl(c), user: TRINO_USER, source: 'quilt-e2e-health', requestTimeoutMs: 3000 });
    const one = await client.query('SELECT 1', { deadlineMs: 6000 });
    if (one.rows[0]?.[0] !== 1) return false;
    // Once provisioned, also require a real table scan (see PROBE_TABLE); before that, provision() waits for it.
    if (!existsSync(paths(c).probeMetadata)) return true;
    const scan = await client.query(`SELECT v FROM ${PROBE_TABLE}`, { deadlineMs: 6000 });
    return scan.rows.length === 1 && scan.rows[0]?.[0] === 'ok';
  },

  async provision(c: StackConfig, out: Reporter) {
    const p = paths(c);
    const client = trinoClient(c);
    const q = (sql: string) => client.query(sql, { deadlineMs: 30_000 });
    const existing = await q(`SELECT schema_name FROM ${TRINO_CATALOG}.information_schema.schemata WHERE schema_name IN ('${TRINO_SCHEMA}', '${PROBE_SCHEMA}')`);
    const have = new Set(existing.rows.map((r) => r[0]));
    for (const schema of [TRINO_SCHEMA, PROBE_SCHEMA]) {
      if (have.has(schema)) continue;
      await q(`CREATE SCHEMA IF NOT EXISTS ${TRINO_CATALOG}.${schema}`);
      out.info(`trino: created schema ${TRINO_CATALOG}.${schema}`);
    }
    mkdirSync(p.probeDir, { recursive: true });
    writeFileSync(join(p.probeDir, 'probe.txt'), 'ok\n');
    await q(`CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (v varchar) WITH (format = 'TEXTFILE', external_location = 'local:///probe')`);
    // Table scans must be schedulable before the suite starts: three in a row, within 90 s.
    let inARow = 0;
    let last = '';
    const ready = await waitUntil(async () => {
      try {
        const r = await client.query(`SELECT v FROM ${PROBE_TABLE}`, { deadlineMs: 10_000 });
        inARow = r.rows[0]?.[0] === 'ok' ? inARow + 1 : 0;
      } catch (e) {
        inARow = 0;
        last = (e as Error).message.split('\n')[0] ?? '';
      }
      return inARow >= 3;
    }, 90_000, 300);
    if (!ready) throw new Error(`Trino answers but cannot scan a table (${PROBE_TABLE}) after 90 s${last ? `: ${last}` : ''}`);
    // The platform's SQL side: scratch bucket, Athena-style package tables of the test bucket, Tabulator
    // schemas (the platform reads the same environment as this stack's config).
    const { provisionSql } = await import('@quilt-e2e/platform');
    await provisionSql(out);
  },

  logFiles(c: StackConfig) {
    const p = paths(c);
    return [p.serverLog, p.stdout];
  },
};
