/** The compatibility matrix: each cell as the run went (passed, failed as recorded, unexpected, skipped with its reason, not run), grouped by the spec's sections, with quilt-mcp's tools. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadToolNotes } from '../../support/mcp/tool-notes.js';
import { cellOf, renderCompatibility, type MatrixColumn } from '../../support/reporting/compatibility.js';
import { specSectionOf } from '../../support/reporting/spec-sections.js';
import type { ScenarioResult } from '../../support/reporting/run-summary.js';

const scenario = (name: string, uri: string, status: ScenarioResult['status'], more: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name, uri, status, tags: [], ms: 1000, stepStatuses: [], pickleId: name, astNodeIds: [], line: 1, attempts: 1, measurements: [], measurementProblems: [], errors: [], mcpTools: [], ...more,
});

const lifecycle = 'features/registry/package-lifecycle.feature';
const browse = 'A package can be browsed';
const mcp: MatrixColumn = {
  label: 'quilt-mcp 9.9.9', scenarios: [
    scenario(browse, lifecycle, 'failed', { errors: ["hash of file1.csv: expected 'unknown' to equal 'abc'"], mcpTools: ['package_browse'] }),
    scenario('Other', lifecycle, 'failed', { errors: ['something else broke'] }),
    scenario('Admin', 'features/admin/buckets.feature', 'skipped', { skipReason: 'the mcp driver cannot perform this scenario' }),
  ],
  defects: [{ id: 'browse-hash-unknown', scenarios: [{ name: browse, fails_with: "expected 'unknown'" }] }],
  defectHref: (id) => `mcp-defects/quilt-mcp-9.9.9/${id}.md`,
  tools: ['package_browse', 'bucket_list'],
};
const engine: MatrixColumn = { label: 'engine', scenarios: [scenario(browse, lifecycle, 'passed'), scenario('Other', lifecycle, 'passed')] };

test('a cell is what the run recorded: a failure foreseen by a known defect, any other failure, a skip with its reason, or nothing', () => {
  assert.deepEqual(cellOf(engine, lifecycle, browse), { kind: 'passed' });
  assert.deepEqual(cellOf(mcp, lifecycle, browse), { kind: 'as recorded', defect: 'browse-hash-unknown' });
  assert.deepEqual(cellOf(mcp, lifecycle, 'Other'), { kind: 'unexpected', error: 'something else broke' });
  assert.deepEqual(cellOf({ ...mcp, defects: [] }, lifecycle, browse), { kind: 'unexpected', error: "hash of file1.csv: expected 'unknown' to equal 'abc'" });
  assert.deepEqual(cellOf(mcp, 'features/admin/buckets.feature', 'Admin'), { kind: 'skipped', reason: 'the mcp driver cannot perform this scenario' });
  assert.deepEqual(cellOf(engine, 'features/admin/buckets.feature', 'Admin'), { kind: 'not run' });
});

test('the page groups scenarios by spec section, counts each column, links defects, and lists the tools called and not called', () => {
  assert.equal(specSectionOf(lifecycle), '§1.1 Package lifecycle');
  assert.equal(specSectionOf('features/workflows/query-and-chart.feature'), '§2.3 Data analysis');
  const html = renderCompatibility([engine, mcp]);
  assert.ok(html.indexOf('§1.1 Package lifecycle') < html.indexOf('Access model (goal 5)'), 'sections in the spec\'s order');
  assert.match(html, /<td>2 passed, 0 as recorded, <b>0 unexpected<\/b>, 0 skipped<\/td><td>0 passed, 1 as recorded, <b>1 unexpected<\/b>, 1 skipped<\/td>/);
  assert.match(html, /failed as recorded: <a href="mcp-defects\/quilt-mcp-9\.9\.9\/browse-hash-unknown\.md">browse-hash-unknown<\/a>/);
  assert.match(html, /<code>package_browse<\/code><\/th><td class="none">—<\/td><td class="ok">called by 1 scenario<\/td>/);
  assert.match(html, /<code>bucket_list<\/code><\/th><td class="none">—<\/td><td class="bad">not called, no reason recorded<\/td>/, 'a tool neither called nor explained stands out');
  const explained = renderCompatibility([engine, mcp], 'm', { bucket_list: 'not driven yet (no scenario lists buckets)' });
  assert.match(explained, /<code>bucket_list<\/code><\/th><td class="none">—<\/td><td class="skip" title="not driven yet \(no scenario lists buckets\)">not called: not driven yet<\/td>/);
});

test('the project\'s tool notes give a reason for each tool, and a note without one is refused', () => {
  const notes = loadToolNotes();
  assert.ok('search_docs_quilt_bio' in notes, 'the tool that needs the internet is explained');
  for (const [tool, why] of Object.entries(notes)) assert.match(why, /^(cannot apply here|not driven yet|not reached)/, `${tool}: says which kind of reason`);
  const dir = mkdtempSync(join(tmpdir(), 'notes-'));
  try {
    writeFileSync(join(dir, 'n.yml'), 'tools:\n  bucket_list: ""\n');
    assert.throws(() => loadToolNotes(join(dir, 'n.yml')), /bucket_list has no reason/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
