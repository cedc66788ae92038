/**
 * scripts/mcp-run.ts, judged for real: the content-retrieval feature runs through the stack's
 * quilt-mcp (the mcp driver, the official MCP client, each persona's JWT), and the run is judged
 * against a known-defects file — the project's own for that release, and files of this test's own
 * that record a passing scenario as a defect, a failing one with another text, or a scenario that
 * does not exist. Also the living docs it writes: the defects section and the tools/list coverage.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadStackConfig, installedMcpVersion } from '@quilt-e2e/stack';
import { parse } from 'yaml';
import { summarizeRun, type ScenarioResult } from '../../support/reporting/run-summary.js';
import { judgeRun } from '../../support/mcp/judge.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'quilt-e2e-mcp-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const version = installedMcpVersion(loadStackConfig());
const FEATURE = 'features/s3/content-retrieval.feature';
const LISTING = "Listing a folder shows every file with its size, and each file's details agree";
const SHARING = 'A shared link serves exactly the stored bytes to anyone over plain HTTP';

function mcpRun(name: string, defects?: string): { status: number; out: string; reports: string } {
  const reports = join(dir, name);
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', QUILT_E2E_MCP_REPORTS_DIR: reports };
  if (defects) { const f = join(dir, `${name}.yml`); writeFileSync(f, defects); env.QUILT_E2E_MCP_KNOWN_DEFECTS = f; }
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/mcp-run.ts', FEATURE], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, out: `${r.stdout}\n${r.stderr}`, reports };
}
const verdict = (out: string): string => /^mcp driver \(quilt-mcp [^)]*\): .*$/m.exec(out)?.[0] ?? `(no verdict line in:\n${out.slice(-2000)})`;

test('with the release\'s own known defects, the recorded scenario fails as recorded and the run passes; the page shows the defects and the tools called', { timeout: 300_000 }, () => {
  assert.ok(version, 'the stack has a quilt-mcp installed (npm run stack -- up)');
  const r = mcpRun('own');
  assert.equal(r.status, 0, r.out.slice(-3000));
  assert.match(verdict(r.out), /: \d+ passed, 1 failed as recorded, 0 unexpected$/);
  const page = readFileSync(join(r.reports, 'index.html'), 'utf8');
  assert.match(page, new RegExp(`Defects found in quilt-mcp ${version!.replace(/\./g, '\\.')}`));
  assert.match(page, /Tools of quilt-mcp [0-9.]+ exercised: \d+ of \d+/);
  const row = /<tr><td><code>bucket_objects_list<\/code><\/td><td class="num">(\d+)<\/td>/.exec(page);
  assert.ok(row && Number(row[1]) > 0, 'bucket_objects_list was called by at least one scenario');
  assert.match(page, /<tr><td><code>catalog_url<\/code><\/td><td class="num">0<\/td><td class="small"><span class="muted">not exercised — not driven yet|<td class="small"><span class="error">not exercised, and no reason/, 'a tool no scenario of the feature called shows 0, not exercised (with its reason, when one is recorded)');
});

const RECORD = ['    tool_call: t', '    answered: a', '    expected: e', '    evidence: v'];

test('a passing scenario recorded as a defect and a failure recorded with another text fail the run; in a whole run, so does a recorded scenario that did not run', { timeout: 300_000 }, () => {
  const yml = [
    `version: ${version}`, 'defects:',
    // Each defect with the fields every record has (a run refuses a file without them).
    '  - id: made-up-pass', ...RECORD, '    scenarios:', `      - name: "${SHARING}"`, '        fails_with: "anything"',
    '  - id: made-up-text', ...RECORD, '    scenarios:', `      - name: "${LISTING}"`, '        fails_with: "a text this failure does not contain"',
    '  - id: made-up-name', ...RECORD, '    scenarios:', '      - name: "No scenario has this name"', '        fails_with: "x"',
  ].join('\n');
  const r = mcpRun('strict', yml);
  assert.equal(r.status, 1, r.out.slice(-3000));
  assert.match(r.out, new RegExp(`PASSED but recorded as defect made-up-pass: ${SHARING}`));
  assert.match(r.out, /FAILED differently from defect made-up-text: Listing a folder/);
  // A subset of the features was run: a recorded scenario that did not run is not judged then.
  assert.doesNotMatch(r.out, /NOT RUN but recorded/);
  assert.match(verdict(r.out), /: \d+ passed, 0 failed as recorded, 2 unexpected$/);
  // The same run judged as if it had been the whole suite: the record of a missing scenario is stale.
  const summary = summarizeRun(readFileSync(join(r.reports, 'cucumber-messages.ndjson'), 'utf8'));
  const whole = judgeRun(summary.scenarios, parse(yml).defects, { file: 'strict.yml', wholeRun: true });
  assert.ok(whole.unexpected.some((u) => u.startsWith('NOT RUN but recorded as defect made-up-name')), whole.unexpected.join('\n'));
  assert.equal(whole.unexpected.length, 3);
});

test('a scenario recorded under two defects (an earlier step\'s masks a later one\'s) counts as recorded when it fails with either text, and not otherwise', () => {
  const ran = (errors: string[]) => [{ ...summaryScenario, errors }];
  const defects = [{ id: 'first', scenarios: [{ name: 'S', fails_with: 'text of the first' }] }, { id: 'later', scenarios: [{ name: 'S', fails_with: 'text of the later' }] }];
  assert.equal(judgeRun(ran(['AssertionError: text of the later']), defects, { file: 'x.yml', wholeRun: true }).asRecorded, 1);
  assert.equal(judgeRun(ran(['AssertionError: text of the first']), defects, { file: 'x.yml', wholeRun: true }).asRecorded, 1);
  const other = judgeRun(ran(['AssertionError: something else']), defects, { file: 'x.yml', wholeRun: true });
  assert.deepEqual([other.asRecorded, other.unexpected.length], [0, 1]);
  assert.match(other.unexpected[0]!, /FAILED differently from defect first or later/);
});

const summaryScenario: ScenarioResult = { name: 'S', uri: 'features/x.feature', tags: [], status: 'failed', ms: 1, stepStatuses: ['FAILED'], pickleId: 'p', astNodeIds: ['a'], line: 3, attempts: 1, measurements: [], measurementProblems: [], errors: [], mcpTools: [] };
