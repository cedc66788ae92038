/**
 * `npx quilt-e2e doctor`: what a target gives the suite, checked against the target itself —
 * every endpoint, every persona (who it is, what it may do), the Athena work group and its output
 * location, the package views' database, the Tabulator catalog, the tokens — printed as a table
 * of what works, what is missing and the exact variable to set.
 *
 * Severity: a check that FAILS (something configured does not work: wrong keys, an endpoint that
 * does not answer) or a MISSING required setting stops a run; a missing optional one only makes
 * the scenarios that need it skip or fail naming the variable. On the quilt target the suite runs
 * the doctor once at start (support/hooks.ts) and stops early with the table when it says stop.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { personaS3Credentials } from './persona-credentials.js';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { GetDatabaseCommand, GetTableCommand } from '@aws-sdk/client-glue';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { ConfigurationError, loadTarget, type PersonaRole, type TargetConfig } from './target.js';
import { CatalogClient } from './adapters/catalog.js';
import { packageTableNames, sqlTarget } from './sql/targets.js';
import { AthenaQueryEngine } from './sql/athena-engine.js';

export type CheckStatus = 'ok' | 'missing' | 'fail' | 'warn';

export interface Check {
  area: string;
  what: string;
  status: CheckStatus;
  detail: string;
  /** The variable(s) that fix it, when one does. */
  variable?: string;
  /** A missing required setting stops a run; a missing optional one does not. */
  required?: boolean;
}

export interface DoctorReport { target: string; checks: Check[]; stop: boolean }

const TIMEOUT_MS = 15_000;
const msg = (e: unknown): string => {
  const err = e as { name?: string; message?: string; Code?: string };
  return `${err.Code ?? err.name ?? 'Error'}: ${(err.message ?? String(e)).split('\n')[0]!.slice(0, 200)}`;
};
async function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS); })]);
  } finally {
    clearTimeout(timer);
  }
}

const ROLE_VAR: Record<PersonaRole, string> = { admin: 'QUILT_E2E_ADMIN', reader: 'QUILT_E2E_READER', outsider: 'QUILT_E2E_OUTSIDER' };
const EXPECT: Record<PersonaRole, { read: boolean; write: boolean }> = {
  admin: { read: true, write: true }, reader: { read: true, write: false }, outsider: { read: false, write: false },
};

/** What one persona may do in the test bucket, asked of S3 with its own keys. */
async function personaS3(t: TargetConfig, role: PersonaRole): Promise<Check> {
  const access = t.personas[role];
  const variable = role === 'admin' ? `${ROLE_VAR[role]}_ACCESS_KEY_ID and ${ROLE_VAR[role]}_SECRET_ACCESS_KEY (or the AWS default chain)` : `${ROLE_VAR[role]}_JWT or PLATFORM_TEST_JWT_SECRET (its S3 rights come from get_credentials), or ${ROLE_VAR[role]}_ACCESS_KEY_ID and _SECRET_ACCESS_KEY`;
  if (!access) return { area: 'persona', what: `${role}: S3 keys`, status: 'missing', detail: 'no keys: its scenarios are skipped', variable, required: role === 'admin' };
  const credentials = personaS3Credentials(t, role);
  const s3 = createS3Client({ ...t.s3, ...(credentials ? { credentials } : {}) });
  try {
    let read = false;
    let write = false;
    let why = '';
    try { await bounded(s3.send(new ListObjectsV2Command({ Bucket: t.bucket, MaxKeys: 1 }))); read = true; } catch (e) { why = msg(e); if (!/AccessDenied|Forbidden|403/.test(why)) throw e; }
    const key = `quilt-e2e-runs/doctor/${role}-${randomBytes(4).toString('hex')}`;
    try {
      const put = await bounded(s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: 'quilt-e2e doctor probe' })));
      write = true;
      await s3.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key, ...(put.VersionId ? { VersionId: put.VersionId } : {}) }));
    } catch (e) { if (!/AccessDenied|Forbidden|403/.test(msg(e))) throw e; }
    const want = EXPECT[role];
    const how = access.credentials ? 'its own keys' : typeof credentials === 'function' ? "its role's credentials from get_credentials" : 'the AWS default chain';
    const said = `${read ? 'may' : 'may not'} list, ${write ? 'may' : 'may not'} write s3://${t.bucket} (${how})`;
    if (read === want.read && write === want.write) return { area: 'persona', what: `${role}: S3 access`, status: 'ok', detail: said };
    return {
      area: 'persona', what: `${role}: S3 access`, status: 'fail', variable,
      detail: `${said}; the ${role} persona must ${want.read ? '' : 'not '}list and ${want.write ? '' : 'not '}write it${why ? ` (${why})` : ''}`,
    };
  } catch (e) {
    return { area: 'persona', what: `${role}: S3 access`, status: 'fail', detail: `S3 did not answer as expected: ${msg(e)}`, variable: `${variable}, AWS_ENDPOINT_URL_S3, AWS_REGION` };
  } finally {
    s3.destroy();
  }
}

async function personaCatalog(t: TargetConfig, role: PersonaRole): Promise<Check> {
  const token = t.personas[role]?.token;
  const variable = `PLATFORM_TEST_JWT_SECRET (+ _ISSUER, _AUDIENCE, QUILT_E2E_${role.toUpperCase()}_USER) or QUILT_E2E_${role.toUpperCase()}_JWT`;
  if (!t.catalog) return { area: 'persona', what: `${role}: catalog token`, status: 'missing', detail: 'no catalog configured', variable: 'QUILT_CATALOG_URL and QUILT_REGISTRY_URL' };
  if (!token) return { area: 'persona', what: `${role}: catalog token`, status: 'missing', detail: 'no token: scenarios that use the catalog as this persona are skipped', variable };
  try {
    const r = await bounded(new CatalogClient(t.catalog, token).graphql<{ bucketConfigs: { name: string }[] }>('{ bucketConfigs { name } }'));
    const names = r.bucketConfigs.map((b) => b.name);
    const sees = names.includes(t.bucket);
    const ok = role === 'outsider' ? !sees : sees;
    return {
      area: 'persona', what: `${role}: catalog token`, status: ok ? 'ok' : 'fail',
      detail: `accepted; bucketConfigs ${sees ? 'lists' : 'does not list'} ${t.bucket}${ok ? '' : ` (the ${role} persona must ${role === 'outsider' ? 'not ' : ''}see it)`}`,
      ...(ok ? {} : { variable }),
    };
  } catch (e) {
    return { area: 'persona', what: `${role}: catalog token`, status: 'fail', detail: `the registry refused or did not answer: ${msg(e)}`, variable };
  }
}

async function minting(t: TargetConfig): Promise<Check> {
  if (!t.minting) {
    return { area: 'tokens', what: 'expired/forged tokens', status: 'missing', detail: 'the suite cannot mint tokens: the expired- and forged-token scenarios are skipped', variable: 'PLATFORM_TEST_JWT_SECRET (+ PLATFORM_TEST_JWT_ISSUER, PLATFORM_TEST_JWT_AUDIENCE)' };
  }
  return { area: 'tokens', what: 'expired/forged tokens', status: 'ok', detail: `minted with the shared secret for ${Object.values(t.minting.users).join(', ')}` };
}

async function catalogEndpoint(t: TargetConfig): Promise<Check> {
  if (!t.catalog) return { area: 'endpoint', what: 'catalog / registry', status: 'missing', detail: 'no catalog: @catalog and @search scenarios are skipped', variable: 'QUILT_CATALOG_URL and QUILT_REGISTRY_URL' };
  try {
    const r = await bounded(fetch(`${t.catalog.registryUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }));
    return { area: 'endpoint', what: 'catalog / registry', status: 'ok', detail: `${t.catalog.registryUrl}/graphql answers HTTP ${r.status}` };
  } catch (e) {
    return { area: 'endpoint', what: 'catalog / registry', status: 'fail', detail: `${t.catalog.registryUrl} does not answer: ${msg(e)}`, variable: 'QUILT_REGISTRY_URL' };
  }
}

/** The web catalog answers its /config.json (a Quilt catalog app's own configuration) and Chromium is there to read its pages. */
async function webCatalog(t: TargetConfig, env: NodeJS.ProcessEnv): Promise<Check[]> {
  if (!t.catalog) return [];
  const out: Check[] = [];
  try {
    const r = await bounded(fetch(`${t.catalog.catalogUrl}/config.json`));
    const config = await r.json().catch(() => ({})) as { registryUrl?: unknown; mode?: unknown };
    out.push(r.status === 200 && typeof config.registryUrl === 'string'
      ? { area: 'endpoint', what: 'web catalog', status: 'ok', detail: `${t.catalog.catalogUrl} (mode ${String(config.mode)}, its registry ${config.registryUrl})` }
      : { area: 'endpoint', what: 'web catalog', status: 'fail', detail: `${t.catalog.catalogUrl}/config.json answered HTTP ${r.status} without a registryUrl: not a Quilt catalog app`, variable: 'QUILT_CATALOG_URL' });
  } catch (e) {
    out.push({ area: 'endpoint', what: 'web catalog', status: 'fail', detail: `${t.catalog.catalogUrl} does not answer: ${msg(e)}`, variable: 'QUILT_CATALOG_URL' });
  }
  const chromium = env.QUILT_E2E_CHROMIUM ?? '/usr/bin/chromium';
  out.push(existsSync(chromium)
    ? { area: 'endpoint', what: 'browser for the catalog checks', status: 'ok', detail: chromium }
    : { area: 'endpoint', what: 'browser for the catalog checks', status: 'fail', detail: `no Chromium at ${chromium}: the @browser checks cannot run (apt-get install chromium)`, variable: 'QUILT_E2E_CHROMIUM' });
  return out;
}

async function sqlChecks(t: TargetConfig, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const out: Check[] = [];
  let sql;
  try {
    sql = sqlTarget(t, env);
  } catch (e) {
    return [{ area: 'sql', what: 'Athena', status: 'fail', detail: msg(e) }];
  }
  const s = sql.settings;
  const engine = sql.engine as AthenaQueryEngine;
  try {
    const wg = await bounded(engine.athena.send(new GetWorkGroupCommand({ WorkGroup: s.workGroup })));
    const loc = wg.WorkGroup?.Configuration?.ResultConfiguration?.OutputLocation ?? s.outputLocation;
    out.push(loc
      ? { area: 'sql', what: `Athena work group ${s.workGroup}`, status: 'ok', detail: `results to ${loc}${s.athenaEndpoint ? ` (endpoint ${s.athenaEndpoint})` : ''}` }
      : { area: 'sql', what: `Athena work group ${s.workGroup}`, status: 'missing', detail: 'the work group has no output location', variable: 'QUILT_E2E_ATHENA_OUTPUT (s3://bucket/prefix/)' });
    const r = await bounded(engine.run('SELECT 1', { deadlineMs: TIMEOUT_MS }));
    out.push({ area: 'sql', what: 'a query', status: r.rows[0]?.[0] === 1 ? 'ok' : 'fail', detail: `SELECT 1 → ${JSON.stringify(r.rows)} in ${r.timings.totalMs} ms` });
  } catch (e) {
    out.push({ area: 'sql', what: `Athena work group ${s.workGroup}`, status: 'fail', detail: msg(e), variable: 'ATHENA_WORKGROUP, AWS_ENDPOINT_URL_ATHENA, AWS_REGION, QUILT_E2E_ADMIN_ACCESS_KEY_ID/_SECRET_ACCESS_KEY' });
  }
  if (!s.database) {
    out.push({ area: 'sql', what: 'package views database', status: 'missing', detail: 'the SQL scenarios over package metadata fail', variable: 'QUILT_E2E_ATHENA_DATABASE (the stack\'s UserAthenaDatabaseName)' });
  } else {
    try {
      await bounded(engine.glue.send(new GetDatabaseCommand({ Name: s.database })));
      const entry = packageTableNames(t.bucket).entry;
      await bounded(engine.glue.send(new GetTableCommand({ DatabaseName: s.database, Name: entry })));
      out.push({ area: 'sql', what: 'package views database', status: 'ok', detail: `Glue database ${s.database} has ${entry}${s.glueEndpoint ? ` (endpoint ${s.glueEndpoint})` : ''}` });
    } catch (e) {
      out.push({ area: 'sql', what: 'package views database', status: 'fail', detail: `${s.database}: ${msg(e)}`, variable: 'QUILT_E2E_ATHENA_DATABASE, AWS_ENDPOINT_URL_GLUE' });
    }
  }
  if (!s.tabulatorCatalog) {
    out.push({ area: 'sql', what: 'Tabulator catalog', status: 'missing', detail: 'the Tabulator scenarios fail', variable: 'QUILT_E2E_TABULATOR_CATALOG (e.g. quilt-mystack-tabulator)' });
  } else {
    try {
      const dbs = await bounded(sql.tabulator.databases());
      out.push(dbs.includes(t.bucket)
        ? { area: 'sql', what: 'Tabulator catalog', status: 'ok', detail: `${s.tabulatorCatalog} has the database ${t.bucket}` }
        : { area: 'sql', what: 'Tabulator catalog', status: 'warn', detail: `${s.tabulatorCatalog} answers but has no database ${t.bucket} yet (it appears with the bucket's first Tabulator table)` });
    } catch (e) {
      out.push({ area: 'sql', what: 'Tabulator catalog', status: 'fail', detail: `${s.tabulatorCatalog}: ${msg(e)}`, variable: 'QUILT_E2E_TABULATOR_CATALOG' });
    }
  }
  if (t.kind !== 'local' && !env.QUILT_E2E_LARGE_TABLE) {
    out.push({ area: 'sql', what: 'large table (10,000 rows)', status: 'missing', detail: 'the SQL performance scenario fails', variable: 'QUILT_E2E_LARGE_TABLE (an Athena table of ≥ 10,000 rows)' });
  }
  return out;
}

/** The Quilt MCP server the mcp driver uses: QUILT_E2E_MCP_URL on the quilt target (the stack's own locally). */
async function mcpServer(t: TargetConfig, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const wanted = (env.QUILT_E2E_DRIVER ?? '').toLowerCase() === 'mcp';
  const url = env.QUILT_E2E_MCP_URL ?? (t.stack ? `http://127.0.0.1:${t.stack.ports.mcp}/mcp` : undefined);
  if (!url) {
    return wanted ? [{ area: 'mcp', what: 'quilt-mcp server', status: 'missing', required: true, detail: 'the mcp driver needs a running quilt-mcp (streamable HTTP, platform/JWT mode)', variable: 'QUILT_E2E_MCP_URL (e.g. http://127.0.0.1:8765/mcp)' }] : [];
  }
  if (!wanted && !env.QUILT_E2E_MCP_URL) return [];
  try {
    const { mcpClient } = await import('@quilt-e2e/stack');
    const client = await Promise.race([mcpClient(url, t.personas.admin?.token, 'quilt-e2e-doctor'), new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS))]);
    const tools = (await client.listTools()).tools.map((x) => x.name);
    await client.close();
    const pkg = ['package_create', 'package_browse', 'package_update', 'package_diff', 'package_delete'].filter((x) => !tools.includes(x));
    return [{ area: 'mcp', what: 'quilt-mcp server', status: pkg.length ? 'warn' : 'ok', detail: `${url}: tools/list answers ${tools.length} tools as Dana${pkg.length ? `; not registered: ${pkg.join(', ')} (the package scenarios fail through it)` : ''}`, variable: 'QUILT_E2E_MCP_URL' }];
  } catch (e) {
    return [{ area: 'mcp', what: 'quilt-mcp server', status: 'fail', detail: `${url}: ${msg(e)}`, variable: 'QUILT_E2E_MCP_URL' }];
  }
}

/** quilt-mcp's quilt3 backend (QUILT_E2E_MCP_BACKEND=quilt3): Dana's process starts, quilt3 logs in, and tools/list answers. */
async function mcpQuilt3(t: TargetConfig, env: NodeJS.ProcessEnv): Promise<Check[]> {
  if ((env.QUILT_E2E_MCP_BACKEND ?? '').toLowerCase() !== 'quilt3' && !env.QUILT_E2E_MCP_COMMAND) return [];
  const what = "quilt-mcp's quilt3 backend";
  const variable = 'QUILT_E2E_MCP_COMMAND (the quilt-mcp of a venv with quilt3), QUILT_CATALOG_URL, QUILT_REGISTRY_URL';
  const { closeQuilt3Mcp, quilt3McpClient, quilt3McpSettingOf } = await import('./drivers/mcp-quilt3.js');
  try {
    const setting = quilt3McpSettingOf(t, env);
    const client = await quilt3McpClient('admin', t.personas.admin?.token, setting);
    const tools = (await client.listTools(undefined, { timeout: TIMEOUT_MS })).tools.length;
    return [{ area: 'mcp', what, status: 'ok', detail: `${setting.command} --deployment legacy: quilt3 logged in as Dana at ${setting.catalogUrl}; tools/list answers ${tools} tools`, variable }];
  } catch (e) {
    return [{ area: 'mcp', what, status: 'fail', detail: msg(e), variable }];
  } finally {
    await closeQuilt3Mcp();
  }
}

export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  let t: TargetConfig;
  try {
    t = loadTarget(env);
  } catch (e) {
    const variable = e instanceof ConfigurationError ? /^([A-Z0-9_]+)/.exec(e.message)?.[1] : undefined;
    return { target: env.QUILT_E2E_TARGET ?? 'local', stop: true, checks: [{ area: 'target', what: 'configuration', status: 'missing', required: true, detail: (e as Error).message, ...(variable ? { variable } : {}) }] };
  }
  const roles: PersonaRole[] = ['admin', 'reader', 'outsider'];
  const groups = await Promise.all([
    Promise.resolve([{ area: 'target', what: 'bucket', status: 'ok' as const, detail: `s3://${t.bucket}${t.s3.endpoint ? ` at ${t.s3.endpoint} (path-style)` : ' on AWS S3'}, region ${t.s3.region}` }]),
    Promise.all(roles.map((r) => personaS3(t, r))),
    catalogEndpoint(t).then((c) => [c]),
    webCatalog(t, env),
    Promise.all(roles.map((r) => personaCatalog(t, r))),
    minting(t).then((c) => [c]),
    sqlChecks(t, env),
    mcpServer(t, env),
    mcpQuilt3(t, env),
  ]);
  const checks = groups.flat();
  return { target: t.kind, checks, stop: checks.some((c) => c.status === 'fail' || (c.status === 'missing' && c.required)) };
}

export function formatDoctor(r: DoctorReport): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok', missing: 'MISSING', fail: 'FAIL', warn: 'warn' };
  const rows = r.checks.map((c) => [mark[c.status], `${c.area}: ${c.what}`, c.detail, c.status === 'ok' ? '' : c.variable ?? '']);
  const head = ['status', 'check', 'detail', 'set'];
  const width = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((x) => x[i]!.length))));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(width[i]!))).join('  ').trimEnd();
  const verdict = r.stop
    ? 'verdict: STOP — a check failed or a required setting is missing; fix the rows marked FAIL or MISSING (required) and run `npx quilt-e2e doctor` again'
    : `verdict: ready${r.checks.some((c) => c.status === 'missing') ? ' (rows marked MISSING make their scenarios skip or fail, naming the variable)' : ''}`;
  return [`quilt-e2e doctor — target: ${r.target}`, line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line), verdict].join('\n');
}

export const DOCTOR_USAGE = `Usage: quilt-e2e doctor [--json]

Checks what the target (QUILT_E2E_TARGET and its variables, README "Targets") gives the suite:
every endpoint, each persona's S3 access and token, token minting, the Athena work group, a query,
the package views' Glue database, the Tabulator catalog and quilt-mcp; prints a table of what
works, what is missing and the variable to set.

Options:
  --json       print the report as JSON instead of the table
  -h, --help   print this text and exit

Exit codes: 0 ready, 1 a check failed or a required setting is missing, 2 a bad argument.`;

/** What the arguments after `quilt-e2e doctor` ask for. */
export type DoctorArgs = { kind: 'run'; json: boolean } | { kind: 'help' } | { kind: 'bad'; argument: string };

export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  let json = false;
  for (const a of argv) {
    if (a === '--help' || a === '-h') return { kind: 'help' };
    if (a === '--json') json = true;
    else return { kind: 'bad', argument: a };
  }
  return { kind: 'run', json };
}

/** `quilt-e2e doctor ...` (bin/quilt-e2e.mjs): the exit code; nothing is checked for --help or a bad argument. */
export async function doctorCli(
  argv: readonly string[], env: NodeJS.ProcessEnv = process.env,
  io: { out(text: string): void; err(text: string): void } = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> {
  const args = parseDoctorArgs(argv);
  if (args.kind === 'help') { io.out(`${DOCTOR_USAGE}\n`); return 0; }
  if (args.kind === 'bad') { io.err(`quilt-e2e doctor: unknown argument ${JSON.stringify(args.argument)}\n\n${DOCTOR_USAGE}\n`); return 2; }
  const report = await runDoctor(env);
  io.out(`${args.json ? JSON.stringify(report, null, 2) : formatDoctor(report)}\n`);
  return report.stop ? 1 : 0;
}
