/**
 * The suite through the mcp driver (`-p mcp`: quilt-mcp performs the When-steps), judged against
 * the known defects of the installed quilt-mcp version (support/mcp/known-defects/quilt-mcp-<v>.yml),
 * strictly: a listed scenario must fail with an error matching its `fails_with`; a listed scenario
 * that passes or fails differently, and any unlisted failure, fail the run.
 *
 *   npx tsx scripts/mcp-run.ts [cucumber-js arguments, e.g. features/s3]
 * Reports in reports/mcp/; last line "mcp driver (quilt-mcp <v>): N passed, N failed as recorded, N unexpected".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadStackConfig } from '@quilt-e2e/stack/config.js';
import { installedMcpVersion } from '@quilt-e2e/stack/servers/mcp.js';
import { summarizeRun } from '../support/reporting/run-summary.js';

interface Known { id: string; scenarios?: { name: string; fails_with: string }[] }

const version = process.env.QUILT_E2E_MCP_VERSION ?? installedMcpVersion(loadStackConfig());
if (!version) { console.error('mcp-run: no quilt-mcp installed in the stack: run `npm run stack -- up` (QUILT_E2E_MCP_SPEC picks the version)'); process.exit(2); }
const file = `support/mcp/known-defects/quilt-mcp-${version}.yml`;
const known = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as { defects: Known[] }).defects ?? []) : [];
if (!existsSync(file)) console.log(`mcp-run: no known-defects file ${file}: every failure counts`);
const expected = new Map<string, { id: string; fails_with: string }>();
for (const d of known) for (const s of d.scenarios ?? []) expected.set(s.name, { id: d.id, fails_with: s.fails_with });

const reports = 'reports/mcp';
const run = spawnSync('npx', ['cucumber-js', '-p', 'mcp', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, QUILT_E2E_REPORTS_DIR: reports } });
const ndjson = `${reports}/cucumber-messages.ndjson`;
if (!existsSync(ndjson)) { console.error(`mcp-run: the run wrote no ${ndjson} (cucumber exit ${run.status})`); process.exit(1); }
const summary = summarizeRun(readFileSync(ndjson, 'utf8'));
let passed = 0;
let asRecorded = 0;
const unexpected: string[] = [];
const ran = new Set<string>();
for (const s of summary.scenarios) {
  ran.add(s.name);
  const k = expected.get(s.name);
  if (s.status === 'passed') {
    passed++;
    if (k) unexpected.push(`PASSED but recorded as defect ${k.id}: ${s.name} (${s.uri}:${s.line}) — remove it from ${file} if quilt-mcp is fixed`);
  } else if (s.status === 'failed') {
    if (k && s.errors.some((e) => e.includes(k.fails_with))) asRecorded++;
    else if (k) unexpected.push(`FAILED differently from defect ${k.id}: ${s.name} (${s.uri}:${s.line}): ${s.errors[0]?.split('\n')[0] ?? ''} (recorded: "${k.fails_with}")`);
    else unexpected.push(`FAILED, not a known defect: ${s.name} (${s.uri}:${s.line}): ${s.errors[0]?.split('\n')[0] ?? ''}`);
  }
}
spawnSync('npx', ['tsx', 'scripts/living-docs.ts', '--ndjson', ndjson, '--out', `${reports}/index.html`, '--report', 'cucumber-report.html',
  '--title', `mcp driver (quilt-mcp ${version})`, ...(existsSync(file) ? ['--defects', file] : [])], { stdio: 'inherit' });
for (const line of unexpected) console.log(line);
console.log(`reports: ${process.cwd()}/${reports}/index.html (with "Defects found in quilt-mcp ${version}")`);
console.log(`mcp driver (quilt-mcp ${version}): ${passed} passed, ${asRecorded} failed as recorded, ${unexpected.length} unexpected`);
process.exit(unexpected.length > 0 ? 1 : 0);
