/**
 * quilt-mcp in its quilt3/IAM mode (`--deployment legacy`): the quilt3 library with the user's own
 * AWS credentials, over stdio — one server process per persona, as each person runs it on their
 * machine. A persona's process gets what a user sets up once:
 *   1. `quilt3.config(<catalog URL>)` — quilt3 reads the catalog's /config.json (registry, region);
 *   2. `quilt3.session.login_with_token(<code>)` — the code the catalog's /code page shows
 *      (GET <registry>/api/code with the persona's token), exchanged by quilt3 at /api/token;
 *      quilt3 then takes the persona's temporary S3 credentials from /api/auth/get_credentials and
 *      renews them itself;
 * both run by the python beside the quilt-mcp executable (quilt3 is its dependency), in a home of
 * the persona's own, with the target's endpoints (AWS_ENDPOINT_URL_*) and no AWS keys.
 *
 * The processes live as long as the worker (started on a persona's first call, ~3 s each), closed
 * by closeQuilt3Mcp() at the end of the run. Every call has a timeout (the MCP client's).
 *
 *   QUILT_E2E_MCP_COMMAND  the quilt-mcp executable (default: the local stack's, of QUILT_E2E_MCP_SPEC)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { quiltMcpExecutable } from '@quilt-e2e/stack';
import { sqlSettings } from '../sql/targets.js';
import type { TargetConfig } from '../target.js';
import { mcpCommand } from './driver.js';

/** What a persona's quilt3-mode server needs to know of the target. */
export interface Quilt3McpSetting {
  /** The quilt-mcp executable of a venv (its python beside it has quilt3). */
  command: string;
  /** The catalog's URL (quilt3.config reads <url>/config.json) and the registry's (GET /api/code). */
  catalogUrl: string;
  registryUrl: string;
  region: string;
  /** The AWS endpoints other than AWS's own (undefined: AWS's). */
  endpoints: { s3?: string; athena?: string; glue?: string; sts?: string };
  /** Athena's work group quilt-mcp's SQL tools use. */
  workGroup: string;
}

/** The quilt3 mode's setting on a target: its catalog, region and endpoints; the stack's quilt-mcp or QUILT_E2E_MCP_COMMAND. */
export function quilt3McpSettingOf(target: TargetConfig, env: NodeJS.ProcessEnv = process.env): Quilt3McpSetting {
  const catalog = target.catalog;
  if (!catalog) throw new Error('quilt-mcp\'s quilt3 mode logs each persona in to the catalog: the target names none (QUILT_CATALOG_URL, QUILT_REGISTRY_URL)');
  const sql = sqlSettings(target, env);
  return {
    command: mcpCommand(target.stack ? quiltMcpExecutable(target.stack) : undefined, env), catalogUrl: catalog.catalogUrl, registryUrl: catalog.registryUrl,
    region: target.s3.region, workGroup: sql.workGroup,
    endpoints: { s3: target.s3.endpoint, athena: sql.athenaEndpoint, glue: sql.glueEndpoint, sts: target.sts?.endpoint },
  };
}

const SETUP_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 60_000;

interface Running { client: Client; home: string; stderr: () => string }
const running = new Map<string, Promise<Running>>();

/** The environment of a persona's process: its home, the target's region and endpoints, no keys. */
function environment(s: Quilt3McpSetting, home: string): Record<string, string> {
  const e = s.endpoints;
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: process.env.LANG ?? 'C.UTF-8',
    XDG_DATA_HOME: join(home, '.local', 'share'), XDG_CONFIG_HOME: join(home, '.config'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_REGION: s.region, AWS_DEFAULT_REGION: s.region, ATHENA_WORKGROUP: s.workGroup,
    ...(e.s3 ? { AWS_ENDPOINT_URL_S3: e.s3 } : {}), ...(e.athena ? { AWS_ENDPOINT_URL_ATHENA: e.athena } : {}),
    ...(e.glue ? { AWS_ENDPOINT_URL_GLUE: e.glue } : {}), ...(e.sts ? { AWS_ENDPOINT_URL_STS: e.sts } : {}),
    // botocore's defaults for S3 services other than AWS's; the same on AWS.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required', AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    AWS_EC2_METADATA_DISABLED: 'true', QUILT_DISABLE_USAGE_METRICS: 'true',
  };
}

/** The quilt3 login code of the persona: what the catalog's /code page shows a signed-in user. */
async function loginCode(registryUrl: string, token: string): Promise<string> {
  const r = await fetch(`${registryUrl}/api/code`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
  const body = await r.text();
  if (!r.ok) throw new Error(`GET ${registryUrl}/api/code (the code \`quilt3 login\` takes) answered ${r.status}: ${body.slice(0, 300)}`);
  const code = (JSON.parse(body) as { code?: unknown }).code;
  if (typeof code !== 'string') throw new Error(`GET ${registryUrl}/api/code answered no code: ${body.slice(0, 300)}`);
  return code;
}

async function start(persona: string, token: string, s: Quilt3McpSetting): Promise<Running> {
  if (!existsSync(s.command)) throw new Error(`QUILT_E2E_MCP_COMMAND=${s.command} does not exist: name the quilt-mcp executable of a venv (its python must have quilt3), for example ~/.cache/quilt-e2e/venv-mcp-quilt-mcp-0.22.0/bin/quilt-mcp`);
  const home = mkdtempSync(join(tmpdir(), `quilt-e2e-mcp-quilt3-${persona}-`));
  mkdirSync(join(home, '.aws'), { recursive: true });
  // S3 services other than AWS's want path-style addresses; harmless on AWS.
  writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = ${s.region}\ns3 =\n    addressing_style = path\n`);
  const env = environment(s, home);
  const script = 'import sys, quilt3, quilt3.session as q\nquilt3.config(sys.argv[1])\nq.login_with_token(sys.argv[2])\nprint(quilt3.logged_in())';
  // Not spawnSync: the worker's other work (a page loading ahead, the heartbeat) goes on meanwhile.
  await promisify(execFile)(join(dirname(s.command), 'python'), ['-c', script, s.catalogUrl, await loginCode(s.registryUrl, token)], { env, encoding: 'utf8', timeout: SETUP_TIMEOUT_MS })
    .catch((e: Error & { code?: unknown; stderr?: string }) => {
      throw new Error(`quilt3 config + login of ${persona} (for quilt-mcp's quilt3 mode) failed (${typeof e.code === 'number' ? `exit ${e.code}` : e.message.split('\n')[0]}): ${(e.stderr ?? '').slice(-800)}`);
    });
  const transport = new StdioClientTransport({ command: s.command, args: ['--deployment', 'legacy', '--skip-banner'], env, cwd: home, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000); });
  const client = new Client({ name: `quilt-e2e-${persona}`, version: '0.1.0' });
  try {
    await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
  } catch (e) {
    throw new Error(`quilt-mcp --deployment legacy (${s.command}) as ${persona} did not start: ${(e as Error).message}\n${stderr.slice(-1500)}`);
  }
  return { client, home, stderr: () => stderr };
}

/**
 * The persona's quilt3-mode quilt-mcp (started on first use, kept for the worker's run). A failed
 * start is not kept: the next call tries again.
 */
export function quilt3McpClient(persona: string, token: string | undefined, s: Quilt3McpSetting): Promise<Client> {
  if (!token) return Promise.reject(new Error(`quilt-mcp's quilt3 mode logs ${persona} in with a code of the catalog, which needs ${persona}'s catalog token (a JWT)`));
  let r = running.get(persona);
  if (!r) {
    r = start(persona, token, s);
    running.set(persona, r);
    r.catch(() => running.delete(persona));
  }
  return r.then((x) => x.client);
}

/** Ends every persona's process and removes its home. */
export async function closeQuilt3Mcp(): Promise<void> {
  const all = [...running.values()];
  running.clear();
  for (const r of all) {
    const x = await r.catch(() => undefined);
    if (!x) continue;
    await x.client.close().catch(() => undefined);
    rmSync(x.home, { recursive: true, force: true });
  }
}
