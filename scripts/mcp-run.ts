/**
 * The suite through the mcp driver (`-p mcp`: quilt-mcp performs the When-steps), judged against
 * the known defects of the installed quilt-mcp version (support/mcp/known-defects/quilt-mcp-<v>.yml),
 * strictly: a listed scenario must fail with an error matching its `fails_with`; a listed scenario
 * that passes or fails differently, and any unlisted failure, fail the run.
 *
 *   npx tsx scripts/mcp-run.ts [cucumber-js arguments, e.g. features/s3]
 *   npx tsx scripts/mcp-run.ts --release quilt-mcp==0.20.0 [cucumber-js arguments]
 *   npx tsx scripts/mcp-run.ts --backend quilt3 [--release ...] [cucumber-js arguments]
 * --backend (or QUILT_E2E_MCP_BACKEND) picks quilt-mcp's backend: platform (GraphQL with each
 * persona's JWT, one server over HTTP; the default) or quilt3 (the quilt3 library logged in as each
 * persona, one server per persona over stdio: support/drivers/mcp-quilt3.ts). A quilt3 run is judged
 * against quilt-mcp-<v>-quilt3.yml and reports to reports/mcp-quilt3/ (reports/mcp-<v>-quilt3/).
 * With --release, that quilt-mcp (a requirement, wheel or checkout, as QUILT_E2E_MCP_SPEC takes) is
 * installed into its own cached venv and started beside the stack's on the next port
 * (QUILT_E2E_MCP_PORT + 1), the suite runs against it (its quilt3 backend from the same venv), and
 * it is stopped afterwards.
 * Reports in reports/mcp/ (reports/mcp-<version>/ for a --release); last line
 * "mcp driver (quilt-mcp <v>, <backend>): N passed, N failed as recorded, N unexpected".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  loadStackConfig, installedMcpVersion, mcpClient, mcpUrl, quiltMcpExecutable, startExtraQuiltMcp, type ExtraQuiltMcp, consoleReporter,
} from '@quilt-e2e/stack';
import { loadTarget } from '../support/target.js';
import { mcpBackend } from '../support/drivers/driver.js';
import { closeQuilt3Mcp, quilt3McpClient, quilt3McpSettingOf } from '../support/drivers/mcp-quilt3.js';
import { summarizeRun } from '../support/reporting/run-summary.js';
import { judgeRun, type KnownDefect } from '../support/mcp/judge.js';
import { loadDefects } from '../support/mcp/defect-issues.js';

const args = process.argv.slice(2);
const at = args.indexOf('--release');
const release = at >= 0 ? args.splice(at, 2)[1] : undefined;
if (at >= 0 && !release) { console.error('mcp-run: --release needs what pip installs, for example --release quilt-mcp==0.20.0'); process.exit(2); }
const bt = args.indexOf('--backend');
if (bt >= 0) process.env.QUILT_E2E_MCP_BACKEND = args.splice(bt, 2)[1] ?? '';
let backend: ReturnType<typeof mcpBackend>;
try { backend = mcpBackend(); } catch (e) { console.error(`mcp-run: ${(e as Error).message}`); process.exit(2); }
const quilt3 = backend === 'quilt3';
const stack = loadStackConfig();
let second: ExtraQuiltMcp | undefined;
if (release) {
  // Both backends of the release: its platform server beside the stack's, and its executable for
  // the quilt3 backend's processes (a scenario of spec §5.2 reads through the other backend).
  try { second = await startExtraQuiltMcp(stack, release, consoleReporter('[mcp-run] ')); } catch (e) { console.error(`mcp-run: ${(e as Error).message}`); process.exit(1); }
  process.env.QUILT_E2E_MCP_URL = second.url;
  process.env.QUILT_E2E_MCP_COMMAND = quiltMcpExecutable(stack, second.spec);
  process.env.QUILT_E2E_MCP_VERSION = second.version;
}

const version = process.env.QUILT_E2E_MCP_VERSION ?? installedMcpVersion(stack);
if (!version) { console.error('mcp-run: no quilt-mcp installed in the stack: run `npm run stack -- up` (QUILT_E2E_MCP_SPEC picks the version)'); process.exit(2); }
// QUILT_E2E_MCP_KNOWN_DEFECTS names another file (the project's tests judge a run against a file of their own).
/** The run's name: the release, and its backend when not the platform's (0.22.0, 0.22.0-quilt3). */
const runKey = `${version}${quilt3 ? '-quilt3' : ''}`;
const file = process.env.QUILT_E2E_MCP_KNOWN_DEFECTS ?? `support/mcp/known-defects/quilt-mcp-${runKey}.yml`;
const known: KnownDefect[] = existsSync(file) ? loadDefects(file).defects : [];
if (!existsSync(file)) console.log(`mcp-run: no known-defects file ${file}: every failure counts`);

const reports = process.env.QUILT_E2E_MCP_REPORTS_DIR ?? (release ? `reports/mcp-${runKey}` : `reports/mcp${quilt3 ? '-quilt3' : ''}`);
const mode = quilt3 ? 'quilt3/IAM mode (--deployment legacy, stdio)' : 'platform/JWT mode (--deployment remote, HTTP)';
// The server's own tools/list (asked as the admin persona), for the coverage table of the living docs.
const serverUrl = quilt3 ? `stdio: ${process.env.QUILT_E2E_MCP_COMMAND ?? quiltMcpExecutable(stack)} --deployment legacy` : process.env.QUILT_E2E_MCP_URL ?? mcpUrl(stack);
let toolsFile: string | undefined;
try {
  const target = loadTarget();
  const token = target.personas.admin?.token;
  const client: Client = quilt3 ? await quilt3McpClient('admin', token, quilt3McpSettingOf(target)) : await mcpClient(serverUrl, token, 'quilt-e2e-coverage');
  const listed = await client.listTools();
  if (quilt3) await closeQuilt3Mcp(); else await client.close();
  mkdirSync(reports, { recursive: true });
  toolsFile = `${reports}/mcp-tools.json`;
  writeFileSync(toolsFile, JSON.stringify({ product: `quilt-mcp ${version}`, backend, mode, url: serverUrl, tools: listed.tools.map((t) => ({ name: t.name, description: (t.description ?? '').split('\n')[0]!.slice(0, 200) })) }, null, 2));
} catch (e) {
  console.error(`mcp-run: could not ask ${serverUrl} for tools/list (${(e as Error).message}): the living docs will have no coverage table`);
}
const run = spawnSync('npx', ['cucumber-js', '-p', 'mcp', ...args], { stdio: 'inherit', env: { ...process.env, QUILT_E2E_MCP_BACKEND: backend, QUILT_E2E_REPORTS_DIR: reports } });
if (second) await second.stop();
const ndjson = `${reports}/cucumber-messages.ndjson`;
if (!existsSync(ndjson)) { console.error(`mcp-run: the run wrote no ${ndjson} (cucumber exit ${run.status})`); process.exit(1); }
const summary = summarizeRun(readFileSync(ndjson, 'utf8'));
const { passed, asRecorded, unexpected } = judgeRun(summary.scenarios, known, { file, wholeRun: args.length === 0 });
// Its defects as issue texts ready to file (reports/mcp-defects/), which its page links to.
if (existsSync(file) && !process.env.QUILT_E2E_MCP_KNOWN_DEFECTS) spawnSync('npx', ['tsx', 'scripts/mcp-defects.ts', '--release', runKey], { stdio: 'inherit' });
spawnSync('npx', ['tsx', 'scripts/living-docs.ts', '--ndjson', ndjson, '--out', `${reports}/index.html`, '--report', 'cucumber-report.html',
  '--title', `mcp driver (quilt-mcp ${version}, ${quilt3 ? 'quilt3/IAM' : 'platform/JWT'})`, ...(existsSync(file) ? ['--defects', file] : []), ...(toolsFile ? ['--mcp-tools', toolsFile] : [])], { stdio: 'inherit' });
// The budget: the whole suite through the mcp driver ≤ 2× the default driver's time (both from their ndjson).
const wall = (r: { startedAt?: Date; finishedAt?: Date }): number | undefined => (r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : undefined);
const engineNdjson = 'reports/cucumber-messages.ndjson';
const mcpWall = wall(summary);
const engineRun = existsSync(engineNdjson) ? summarizeRun(readFileSync(engineNdjson, 'utf8')) : undefined;
const engineWall = engineRun && engineRun.scenarios.length === summary.scenarios.length ? wall(engineRun) : undefined;
if (mcpWall !== undefined && engineWall !== undefined && args.length === 0) {
  const ratio = mcpWall / engineWall;
  console.log(`mcp-run: the suite took ${mcpWall.toFixed(0)} s through quilt-mcp ${version} (${backend}), ${engineWall.toFixed(0)} s with the engine (reports/; on a new stack that run also made the once-per-stack fixtures): ${ratio.toFixed(2)}x, budget 2x — ${ratio <= 2 ? 'met' : 'MISSED'}`);
}
for (const line of unexpected) console.log(line);
console.log(`reports: ${process.cwd()}/${reports}/index.html (with "Defects found in quilt-mcp ${version}")`);
const verdict = `mcp driver (quilt-mcp ${version}, ${quilt3 ? 'quilt3/IAM' : 'platform/JWT'}): ${passed} passed, ${asRecorded} failed as recorded, ${unexpected.length} unexpected`;
// The verdict beside the reports, for the living docs' link to this run (scripts/living-docs.ts).
writeFileSync(`${reports}/verdict.json`, JSON.stringify({ version, backend, passed, asRecorded, unexpected }, null, 2));
console.log(verdict);
process.exit(unexpected.length > 0 ? 1 : 0);
