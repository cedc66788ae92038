/**
 * The Quilt MCP server (quilt-mcp, Apache-2.0, from PyPI) — the spec's own system under test —
 * installed into a cached virtualenv and started in its platform/JWT mode (`--deployment remote`)
 * over streamable HTTP on 127.0.0.1:<ports.mcp>/mcp, pointed at the local catalog, RGW and the
 * local Athena/Glue API, with no AWS keys of its own: each request's `Authorization: Bearer <JWT>`
 * is the persona, which quilt-mcp exchanges at the catalog's /api/auth/get_credentials.
 *
 *   QUILT_E2E_MCP_SPEC   what pip installs (default quilt-mcp==0.22.0, the newest release):
 *                        another version, a wheel file or a local checkout (the quilt-mcp team's branch)
 *   QUILT_E2E_MCP_PORT   the loopback port (default 8765)
 * Healthy when an MCP `initialize` and `tools/list` answer (the official MCP SDK's client).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ATHENA_WORKGROUPS, DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET } from '@quilt-e2e/constants';
import type { StackConfig } from '../config.js';
import { spawnDetached, stopPid, waitUntil } from '../lib/proc.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';

export const DEFAULT_MCP_SPEC = 'quilt-mcp==0.22.0';
/** pip constraints (every dependency pinned) per tested quilt-mcp release. */
const CONSTRAINTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'mcp-constraints');

/** What pip installs: a requirement (quilt-mcp==X), or a wheel / checkout path made absolute. */
export function mcpSpec(env: NodeJS.ProcessEnv = process.env): string {
  const raw = (env.QUILT_E2E_MCP_SPEC ?? '').trim() || DEFAULT_MCP_SPEC;
  if (/^quilt-mcp(\s*(==|>=|~=)\s*[0-9][0-9A-Za-z.+-]*)?$/.test(raw)) return raw.replace(/\s+/g, '');
  const path = isAbsolute(raw) ? raw : resolve(raw);
  if (!existsSync(path)) {
    throw new Error(`QUILT_E2E_MCP_SPEC=${JSON.stringify(raw)} is neither a quilt-mcp requirement nor an existing path: use for example QUILT_E2E_MCP_SPEC=quilt-mcp==0.20.0, a wheel (./dist/quilt_mcp-0.23.0-py3-none-any.whl) or a checkout of quiltdata/quilt-mcp-server`);
  }
  return path;
}

const venvOf = (c: StackConfig, spec: string): string => join(c.home, `venv-mcp-${spec.startsWith('/') ? `path-${createHash('sha1').update(spec).digest('hex').slice(0, 10)}` : spec.replace(/[^A-Za-z0-9.]+/g, '-')}`);
const logFile = (c: StackConfig): string => join(c.logDir, 'mcp.log');
const stamp = (venv: string): string => join(venv, '.quilt-e2e-spec');

/** The quilt-mcp executable of a release's venv (its quilt3/IAM mode runs it per user over stdio). */
export function quiltMcpExecutable(c: StackConfig, spec = mcpSpec()): string {
  return join(venvOf(c, spec), 'bin', 'quilt-mcp');
}

/** The installed quilt-mcp version, from the venv's metadata. */
export function installedMcpVersion(c: StackConfig, spec = mcpSpec()): string | undefined {
  const venv = venvOf(c, spec);
  if (!existsSync(stamp(venv))) return undefined;
  return readFileSync(stamp(venv), 'utf8').split('\n')[1]?.trim() || undefined;
}

function runPip(cmd: string, args: string[], out: Reporter, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let lines = 0;
    const onData = (d: Buffer): void => {
      log += d.toString();
      // Progress: pip's "Collecting x" / "Installing collected packages" lines, one in ten.
      for (const l of d.toString().split('\n')) if (/^(Collecting|Installing collected|Successfully installed)/.test(l) && (lines++ % 10 === 0 || !l.startsWith('Collecting'))) out.info(`mcp: ${l.slice(0, 160)}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${what} failed (exit ${code}):\n${log.slice(-3000)}`))));
  });
}

export function mcpUrl(c: StackConfig): string {
  return `http://127.0.0.1:${c.ports.mcp}/mcp`;
}

/** The official MCP client on the stack's quilt-mcp, optionally as a persona (its catalog JWT). */
export async function mcpClient(url: string, token?: string, name = 'quilt-e2e'): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {});
  const client = new Client({ name, version: '0.1.0' });
  await client.connect(transport);
  return client;
}

export const mcp: ManagedServer = {
  name: 'mcp',
  startAfter: ['ceph', 's3-front', 'catalog', 'catalog-ui', 'athena'],
  get version() {
    try { return `${mcpSpec()} (PyPI; platform/JWT mode, streamable HTTP)`; } catch (e) { return `invalid QUILT_E2E_MCP_SPEC: ${(e as Error).message}`; }
  },
  ports: (c) => [c.ports.mcp],
  hint: 'quilt-mcp comes from PyPI into a venv (pip needs the package registry); see logs/mcp.log; QUILT_E2E_MCP_SPEC chooses the version, QUILT_E2E_MCP_PORT the port.',

  async isInstalled(c) {
    return isInstalled(c, mcpSpec());
  },

  async install(c, out) {
    await installQuiltMcp(c, mcpSpec(), out);
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    return [startQuiltMcp(c, mcpSpec(), c.ports.mcp, logFile(c), out)];
  },

  async healthy(c: StackConfig) {
    return quiltMcpHealthy(c, mcpUrl(c));
  },

  logFiles(c: StackConfig) {
    return [logFile(c)];
  },
};

const isInstalled = (c: StackConfig, spec: string): boolean => {
  const venv = venvOf(c, spec);
  return existsSync(join(venv, 'bin', 'quilt-mcp')) && existsSync(stamp(venv)) && readFileSync(stamp(venv), 'utf8').split('\n')[0] === spec;
};

/** Installs a quilt-mcp (a requirement, wheel or checkout) into its own cached venv, once. */
export async function installQuiltMcp(c: StackConfig, spec: string, out: Reporter): Promise<void> {
  const venv = venvOf(c, spec);
  if (isInstalled(c, spec)) return;
  const started = Date.now();
  out.info(`mcp: installing ${spec} from PyPI into ${venv} (about a minute, once per version) ...`);
  mkdirSync(c.home, { recursive: true });
  if (!existsSync(join(venv, 'bin', 'python'))) await runPip('python3', ['-m', 'venv', venv], out, 'creating the venv');
  // A released version installs with every dependency pinned as tested here (mcp-constraints/),
  // when the project has its constraints; a wheel or checkout resolves its own.
  const pinned = /^quilt-mcp==(.+)$/.exec(spec);
  const constraints = pinned ? join(CONSTRAINTS_DIR, `quilt-mcp-${pinned[1]}.txt`) : undefined;
  const withConstraints = constraints && existsSync(constraints) ? ['-c', constraints] : [];
  if (pinned && withConstraints.length === 0) out.info(`mcp: no pinned dependencies for ${spec} in ${CONSTRAINTS_DIR}: pip resolves them (write them there with pip freeze once tested)`);
  await runPip(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', ...withConstraints, spec], out, `pip install ${spec}`);
  const version = await new Promise<string>((res) => {
    const p = spawn(join(venv, 'bin', 'python'), ['-c', 'import importlib.metadata as m; print(m.version("quilt-mcp"))']);
    let o = '';
    p.stdout.on('data', (d: Buffer) => { o += d.toString(); });
    p.on('close', () => res(o.trim()));
  });
  writeFileSync(stamp(venv), `${spec}\n${version}\n`);
  out.info(`mcp: quilt-mcp ${version} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Starts an installed quilt-mcp on a loopback port in platform/JWT mode (the stack's server, or a
 * second release beside it: scripts/mcp-run.ts --release). Returns its process.
 */
export function startQuiltMcp(c: StackConfig, spec: string, port: number, log: string, out: Reporter): StartedProcess {
  const venv = venvOf(c, spec);
  const home = join(c.dataDir, port === c.ports.mcp ? 'mcp-home' : `mcp-home-${port}`);
  mkdirSync(join(home, '.aws'), { recursive: true });
  // boto3 against RGW: path-style addressing, checksums only when required (RGW 16 answers 411 to streaming trailers).
  writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = ${c.s3.region}\ns3 =\n    addressing_style = path\n`);
  const catalog = `http://127.0.0.1:${c.ports.catalog}`;
  const sql = `http://127.0.0.1:${c.ports.athena}`;
  // No AWS keys of its own: every request's JWT decides who it is.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: home, LANG: process.env.LANG ?? 'C.UTF-8',
    FASTMCP_HOST: '127.0.0.1', FASTMCP_PORT: String(port),
    QUILT_DEPLOYMENT: 'remote', QUILT_CATALOG_URL: `http://127.0.0.1:${c.ports.catalogUi}`, QUILT_REGISTRY_URL: catalog,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_REGION: c.s3.region, AWS_DEFAULT_REGION: c.s3.region,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${c.ports.s3Front}`, AWS_ENDPOINT_URL_ATHENA: sql, AWS_ENDPOINT_URL_GLUE: sql, AWS_ENDPOINT_URL_STS: sql,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required', AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    AWS_EC2_METADATA_DISABLED: 'true', QUILT_DISABLE_USAGE_METRICS: 'true', ATHENA_WORKGROUP: ATHENA_WORKGROUPS[0],
  };
  const pid = spawnDetached(join(venv, 'bin', 'quilt-mcp'), ['--deployment', 'remote', '--skip-banner'], { cwd: home, env, logFile: log });
  out.info(`mcp: started ${installedMcpVersion(c, spec) ?? spec} (pid ${pid}) on http://127.0.0.1:${port}/mcp, log ${log}`);
  return { name: 'quilt-mcp (python)', pid };
}

/** Healthy when an MCP initialize and tools/list answer, asked with a minted reader JWT. */
export async function quiltMcpHealthy(c: StackConfig, url: string): Promise<boolean> {
  // Loaded when first needed, as trino.ts loads provisionSql: importing the stack loads no platform code.
  const { mintToken } = await import('@quilt-e2e/platform');
  let client: Client | undefined;
  try {
    // quilt-mcp in platform mode answers nothing without a JWT: the health probe is the reader's,
    // minted with the catalog's secret (as the stack's catalog verifies it).
    const token = await mintToken(c.s3Users.reader.uid, {
      secret: process.env.QUILT_E2E_JWT_SECRET ?? DEFAULT_JWT_SECRET, issuer: process.env.QUILT_E2E_JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
      audience: process.env.QUILT_E2E_JWT_AUDIENCE ?? DEFAULT_JWT_AUDIENCE, expiresInSeconds: 120,
    });
    client = await Promise.race([mcpClient(url, token, 'quilt-e2e-health'), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000))]);
    const tools = await client.listTools(undefined, { timeout: 3000 });
    return tools.tools.length > 0;
  } catch {
    return false;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** A quilt-mcp release running beside the stack's for a while (scripts/mcp-run.ts --release, scripts/bench-mcp.ts --release). */
export interface ExtraQuiltMcp { spec: string; version: string; url: string; log: string; stop(): Promise<void> }

/**
 * Installs (once, cached) and starts another quilt-mcp on the port after the stack's, and waits
 * until it answers initialize + tools/list (60 s). The caller stops it.
 */
export async function startExtraQuiltMcp(c: StackConfig, requested: string, out: Reporter): Promise<ExtraQuiltMcp> {
  const spec = mcpSpec({ QUILT_E2E_MCP_SPEC: requested });
  await installQuiltMcp(c, spec, out);
  const port = c.ports.mcp + 1;
  const url = `http://127.0.0.1:${port}/mcp`;
  const log = join(c.logDir, `mcp-${port}.log`);
  const p = startQuiltMcp(c, spec, port, log, out);
  const stop = async (): Promise<void> => { await stopPid(p.pid, 5000); };
  if (!(await waitUntil(() => quiltMcpHealthy(c, url), 60_000, 500))) {
    await stop();
    throw new Error(`${spec} did not answer initialize + tools/list on ${url} within 60 s: see ${log}`);
  }
  return { spec, version: installedMcpVersion(c, spec) ?? spec, url, log, stop };
}
