/**
 * OpenSearch 2.19 for the embedded stack: one node, on Java 17, from Maven Central jars.
 *
 * - install(): Maven resolves stack/opensearch/pom.xml (the server, its module plugins and
 *   log4j-core) into <cacheDir>/opensearch-<version>/lib, then javac compiles the small launcher
 *   stack/opensearch/QuiltE2eOpenSearch.java (a subclass of org.opensearch.node.Node) next to it.
 * - start(): writes <dataDir>/opensearch/config/opensearch.yml (loopback only, single-node,
 *   no disk watermarks, 0 replicas by default) and runs the launcher detached, logging to
 *   <logDir>/opensearch.log.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackConfig } from '../config.js';
import { httpGet, runChecked, spawnDetached } from '../lib/proc.js';
import { copyDependencies } from '../lib/maven.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

/** Must equal <opensearch.version> in stack/opensearch/pom.xml (checked by install()). */
export const OPENSEARCH_VERSION = '2.19.6';

const LAUNCHER_CLASS = 'QuiltE2eOpenSearch';
const DEFAULT_HEAP = '512m';
const PREFIX = 'opensearch: ';

/** stack/opensearch: the pom, the launcher source and the log4j2 configuration. */
const assetsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'opensearch');
const pomFile = join(assetsDir, 'pom.xml');
const launcherSource = join(assetsDir, `${LAUNCHER_CLASS}.java`);
const log4jTemplate = join(assetsDir, 'log4j2.properties');

interface Layout {
  /** <cacheDir>/opensearch-<version> */
  installDir: string;
  libDir: string;
  classesDir: string;
  /** Written last by install(): what was installed, from which inputs. */
  manifest: string;
  /** path.home of the node: config/, data/, modules/, plugins/. */
  home: string;
  configDir: string;
  dataPath: string;
  logFile: string;
}

interface InstallManifest {
  version: string;
  /** sha256 of pom.xml + launcher source: a change to either means reinstall. */
  inputs: string;
  jars: string[];
}

function layout(config: StackConfig): Layout {
  const installDir = join(config.cacheDir, `opensearch-${OPENSEARCH_VERSION}`);
  const home = join(config.dataDir, 'opensearch');
  return {
    installDir,
    libDir: join(installDir, 'lib'),
    classesDir: join(installDir, 'launcher'),
    manifest: join(installDir, 'installed.json'),
    home,
    configDir: join(home, 'config'),
    dataPath: join(home, 'data'),
    logFile: join(config.logDir, 'opensearch.log'),
  };
}

function inputsHash(): string {
  const h = createHash('sha256');
  h.update(readFileSync(pomFile));
  h.update(readFileSync(launcherSource));
  return h.digest('hex');
}

function javaBin(config: StackConfig, tool: 'java' | 'javac'): string {
  const bin = join(config.java17Home, 'bin', tool);
  if (!existsSync(bin)) {
    throw new Error(`OpenSearch ${OPENSEARCH_VERSION} needs a Java 17 JDK, but ${bin} does not exist: ` +
      'install it (apt-get install -y openjdk-17-jdk-headless) or point QUILT_E2E_JAVA17_HOME at one');
  }
  return bin;
}

/**
 * QUILT_E2E_JIT=c1 (default) compiles with the client compiler only: on 2 cores the JVMs start in
 * about half the time (C2 compiler threads compete with start-up for the CPU), and the suite's
 * small searches and queries do not need C2's peak speed. QUILT_E2E_JIT=full uses both compilers.
 */
export function jitFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env.QUILT_E2E_JIT ?? 'c1';
  if (v === 'c1') return ['-XX:TieredStopAtLevel=1'];
  if (v === 'full') return [];
  throw new Error(`QUILT_E2E_JIT=${JSON.stringify(v)} is not a JIT mode: use c1 (quick start, the default) or full (C1 and C2)`);
}

/** QUILT_E2E_OPENSEARCH_HEAP, e.g. 512m or 1g; used for both -Xms and -Xmx. */
export function opensearchHeap(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.QUILT_E2E_OPENSEARCH_HEAP;
  if (raw === undefined || raw === '') return DEFAULT_HEAP;
  if (!/^[1-9][0-9]*[mMgG]$/.test(raw)) {
    throw new Error(`QUILT_E2E_OPENSEARCH_HEAP=${JSON.stringify(raw)} is not a heap size: use a whole number of megabytes or gigabytes, for example 512m or 1g`);
  }
  return raw.toLowerCase();
}

function readManifest(l: Layout): InstallManifest | undefined {
  try {
    return JSON.parse(readFileSync(l.manifest, 'utf8')) as InstallManifest;
  } catch {
    return undefined;
  }
}

function installedFor(l: Layout): boolean {
  const m = readManifest(l);
  if (!m || m.version !== OPENSEARCH_VERSION || m.jars.length === 0) return false;
  if (m.inputs !== inputsHash()) return false;
  if (!existsSync(join(l.classesDir, `${LAUNCHER_CLASS}.class`))) return false;
  return m.jars.every((jar) => existsSync(join(l.libDir, jar)));
}

function checkPomVersion(): void {
  const pom = readFileSync(pomFile, 'utf8');
  const found = /<opensearch\.version>([^<]+)<\/opensearch\.version>/.exec(pom)?.[1];
  if (found !== OPENSEARCH_VERSION) {
    throw new Error(`${pomFile} pins OpenSearch ${found ?? '(nothing)'} but stack/servers/opensearch.ts pins ${OPENSEARCH_VERSION}: make them equal`);
  }
}

function yaml(config: StackConfig, l: Layout): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    '# Written by stack/servers/opensearch.ts at every start; edits here are lost.',
    'cluster.name: quilt-e2e',
    'node.name: quilt-e2e-1',
    `path.data: ${q(l.dataPath)}`,
    `path.logs: ${q(config.logDir)}`,
    `network.host: ${config.host}`,
    `http.port: ${config.ports.opensearch}`,
    `transport.port: ${config.ports.opensearchTransport}`,
    'discovery.type: single-node',
    // A nearly full disk would otherwise turn every index read-only.
    'cluster.routing.allocation.disk.threshold_enabled: false',
    // One node can hold no replica: indexes made without number_of_replicas are green, not yellow.
    'cluster.default_number_of_replicas: 0',
    '',
  ].join('\n');
}

async function putJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: await res.text() };
}

export const opensearch: ManagedServer = {
  name: 'opensearch',
  version: OPENSEARCH_VERSION,
  ports: (config: StackConfig) => [config.ports.opensearch, config.ports.opensearchTransport],
  hint: 'OpenSearch needs a Java 17 JDK (QUILT_E2E_JAVA17_HOME) and free ports (QUILT_E2E_OPENSEARCH_PORT, QUILT_E2E_OPENSEARCH_TRANSPORT_PORT); the reason for a failed start is in the last lines of logs/opensearch.log.',

  async isInstalled(config: StackConfig): Promise<boolean> {
    return installedFor(layout(config));
  },

  async install(config: StackConfig, out: Reporter): Promise<void> {
    const l = layout(config);
    if (installedFor(l)) {
      out.info(`${PREFIX}OpenSearch ${OPENSEARCH_VERSION} already installed in ${l.installDir}`);
      return;
    }
    checkPomVersion();
    const javac = javaBin(config, 'javac');
    const started = Date.now();
    out.info(`${PREFIX}installing OpenSearch ${OPENSEARCH_VERSION} into ${l.installDir}`);
    rmSync(l.manifest, { force: true });
    mkdirSync(l.installDir, { recursive: true });

    // 1. Jars: into a fresh folder, so a changed pom leaves no stale jar behind.
    const libTmp = `${l.libDir}.partial`;
    rmSync(libTmp, { recursive: true, force: true });
    mkdirSync(libTmp, { recursive: true });
    const ticker = setInterval(() => {
      out.info(`${PREFIX}  ... still resolving with Maven (${Math.round((Date.now() - started) / 1000)} s)`);
    }, 10_000);
    try {
      await copyDependencies(pomFile, libTmp, PREFIX);
    } finally {
      clearInterval(ticker);
    }
    const jars = readdirSync(libTmp).filter((f) => f.endsWith('.jar')).sort();
    const expected = [`opensearch-${OPENSEARCH_VERSION}.jar`, `parent-join-client-${OPENSEARCH_VERSION}.jar`, `transport-netty4-client-${OPENSEARCH_VERSION}.jar`];
    const missing = expected.filter((j) => !jars.includes(j));
    if (missing.length > 0) throw new Error(`Maven finished but ${libTmp} lacks ${missing.join(', ')}`);
    rmSync(l.libDir, { recursive: true, force: true });
    renameSync(libTmp, l.libDir);
    out.info(`${PREFIX}${jars.length} jars in ${l.libDir}`);

    // 2. Launcher.
    const classesTmp = `${l.classesDir}.partial`;
    rmSync(classesTmp, { recursive: true, force: true });
    mkdirSync(classesTmp, { recursive: true });
    out.info(`${PREFIX}compiling ${launcherSource}`);
    runChecked(javac, ['--release', '17', '-encoding', 'UTF-8', '-cp', join(l.libDir, '*'), '-d', classesTmp, launcherSource], { timeoutMs: 120_000 });
    rmSync(l.classesDir, { recursive: true, force: true });
    renameSync(classesTmp, l.classesDir);

    const manifest: InstallManifest = { version: OPENSEARCH_VERSION, inputs: inputsHash(), jars };
    writeFileSync(l.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    out.info(`${PREFIX}installed OpenSearch ${OPENSEARCH_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },

  async start(config: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const l = layout(config);
    if (!installedFor(l)) throw new Error(`OpenSearch ${OPENSEARCH_VERSION} is not installed in ${l.installDir}: run install first`);
    const java = javaBin(config, 'java');
    const heap = opensearchHeap();

    for (const dir of [l.configDir, l.dataPath, join(l.home, 'modules'), join(l.home, 'plugins'), join(l.home, 'tmp'), config.logDir]) {
      mkdirSync(dir, { recursive: true });
    }
    writeFileSync(join(l.configDir, 'opensearch.yml'), yaml(config, l));
    copyFileSync(log4jTemplate, join(l.configDir, 'log4j2.properties'));

    const args = [
      `-Xms${heap}`, `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:-OmitStackTraceInFastThrow',
      ...jitFlags(),
      // Without Bootstrap there is no handler that halts the node on OutOfMemoryError: let the JVM
      // exit, so the stack sees the process die instead of a half-broken node.
      '-XX:+ExitOnOutOfMemoryError',
      '-Dfile.encoding=UTF-8',
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${join(l.home, 'tmp')}`,
      '-Djna.nosys=true',
      // The node closes itself from the launcher's shutdown hook; log4j must still be up then.
      '-Dlog4j.shutdownHookEnabled=false',
      '-Dlog4j2.disable.jmx=true',
      '-Dio.netty.noUnsafe=true',
      '-Dio.netty.noKeySetOptimization=true',
      '-Dio.netty.recycler.maxCapacityPerThread=0',
      '-cp', `${l.classesDir}:${join(l.libDir, '*')}`,
      LAUNCHER_CLASS, l.home,
    ];
    appendFileSync(l.logFile, `\n==== ${new Date().toISOString()} starting OpenSearch ${OPENSEARCH_VERSION} (heap ${heap}) on ${config.host}:${config.ports.opensearch}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, JAVA_HOME: config.java17Home };
    delete env.JAVA_TOOL_OPTIONS;
    delete env._JAVA_OPTIONS;
    const pid = spawnDetached(java, args, { cwd: l.home, env, logFile: l.logFile });
    out.info(`${PREFIX}started OpenSearch ${OPENSEARCH_VERSION} (pid ${pid}, heap ${heap}), log ${l.logFile}`);
    return [{ name: 'opensearch (java)', pid }];
  },

  async healthy(config: StackConfig): Promise<boolean> {
    try {
      const r = await httpGet(`http://${config.host}:${config.ports.opensearch}/_cluster/health`, 1500);
      if (r.status !== 200) return false;
      const status = (JSON.parse(r.body) as { status?: string }).status;
      return status === 'green' || status === 'yellow';
    } catch {
      return false;
    }
  },

  async provision(config: StackConfig, out: Reporter): Promise<void> {
    // opensearch.yml already sets cluster.default_number_of_replicas: 0; persisting it as a
    // cluster setting too keeps it if someone starts the data folder with another yml.
    // A node just started may hold the write back while it recovers its indexes (seen: over 10 s on
    // 2 busy cores at a stack's start): the write is idempotent, so it is tried again until a deadline.
    const url = `http://${config.host}:${config.ports.opensearch}/_cluster/settings`;
    const deadline = Date.now() + 90_000;
    for (let attempt = 1; ; attempt += 1) {
      const r = await putJson(url, { persistent: { 'cluster.default_number_of_replicas': 0 } }, 20_000)
        .catch((e: unknown) => ({ status: 0, body: (e as Error).message }));
      if (r.status === 200) break;
      if (Date.now() > deadline || (r.status >= 400 && r.status < 500)) {
        throw new Error(`setting cluster.default_number_of_replicas failed after ${attempt} attempts over 90 s: ${r.status ? `HTTP ${r.status} ` : ''}${r.body.slice(0, 500)}`);
      }
      out.info(`${PREFIX}setting cluster.default_number_of_replicas: ${r.status ? `HTTP ${r.status}` : r.body}; trying again`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    out.info(`${PREFIX}indexes default to 0 replicas (cluster.default_number_of_replicas)`);
  },

  logFiles(config: StackConfig): string[] {
    return [layout(config).logFile];
  },
};
