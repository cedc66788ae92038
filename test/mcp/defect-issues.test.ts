/** The known defects of each quilt-mcp release export as issue texts ready to file, and a defect missing a field is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueText, issueTitle, loadDefects, parseDefects, runKeyOf } from '../../support/mcp/defect-issues.js';

const DIR = 'support/mcp/known-defects';

test('every known-defects file gives one issue text per defect, with its call, answer, expectation, evidence and scenarios', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
  assert.ok(files.length >= 2, 'the releases CI pins have their defects files');
  for (const f of files) {
    const { version, backend, defects } = loadDefects(`${DIR}/${f}`);
    assert.equal(f, `quilt-mcp-${version}${backend === 'quilt3' ? '-quilt3' : ''}.yml`, `${f} names its release and backend`);
    assert.ok(defects.length > 0, `${f} has defects`);
    assert.equal(new Set(defects.map((d) => d.id)).size, defects.length, `${f}: ids are unique (one file per issue)`);
    for (const d of defects) {
      const text = issueText(d, version, backend);
      assert.ok(text.startsWith(`# ${issueTitle(d, version, backend)}\n`));
      assert.ok(text.includes(backend === 'quilt3' ? '--deployment legacy' : '--deployment remote'), `${d.id}: the text names the mode`);
      for (const part of [d.tool_call, d.answered, d.expected, d.evidence]) assert.ok(text.includes(part.trim().replace(/\s*\n\s*/g, ' ')), `${d.id}: the text holds ${part.slice(0, 40)}`);
      for (const s of d.scenarios ?? []) assert.ok(text.includes(s.name), `${d.id}: the text names the scenario ${s.name}`);
    }
  }
});

test('a defect without its evidence is refused, naming the defect and the field', () => {
  const text = 'version: 9.9.9\ndefects:\n  - id: no-evidence\n    tool_call: x\n    answered: y\n    expected: z\n';
  assert.throws(() => parseDefects(text, 'f.yml'), /f\.yml: defect 1 \(no-evidence\) has no "evidence"/);
  assert.throws(() => parseDefects('defects: []', 'g.yml'), /g\.yml: expected "version: <x\.y\.z>"/);
});

test('a defects file that extends another has its defects, its own replacing those of the same id; a wrong base is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'defects-'));
  try {
    const entry = (id: string, answered: string): string => `  - id: ${id}\n    tool_call: t\n    answered: ${answered}\n    expected: e\n    evidence: v\n`;
    writeFileSync(join(dir, 'quilt-mcp-1.0.0.yml'), `version: 1.0.0\ndefects:\n${entry('a', 'one')}${entry('b', 'two')}`);
    writeFileSync(join(dir, 'quilt-mcp-1.0.0-quilt3.yml'), `version: 1.0.0\nbackend: quilt3\nextends: quilt-mcp-1.0.0.yml\ndefects:\n${entry('b', 'other')}${entry('c', 'three')}`);
    const d = loadDefects(join(dir, 'quilt-mcp-1.0.0-quilt3.yml'));
    assert.deepEqual(d.defects.map((x) => `${x.id}:${x.answered}`), ['a:one', 'b:other', 'c:three']);
    assert.equal(runKeyOf(join(dir, 'quilt-mcp-1.0.0-quilt3.yml')), '1.0.0-quilt3');
    writeFileSync(join(dir, 'quilt-mcp-1.0.0-x.yml'), `version: 1.0.0\nextends: quilt-mcp-1.0.0.yml\nexcludes:\n  - id: a\n    why: the other backend's code\ndefects: []\n`);
    assert.deepEqual(loadDefects(join(dir, 'quilt-mcp-1.0.0-x.yml')).defects.map((x) => x.id), ['b']);
    writeFileSync(join(dir, 'quilt-mcp-1.0.0-y.yml'), `version: 1.0.0\nextends: quilt-mcp-1.0.0.yml\nexcludes:\n  - id: zzz\n    why: w\ndefects: []\n`);
    assert.throws(() => loadDefects(join(dir, 'quilt-mcp-1.0.0-y.yml')), /excludes "zzz", which quilt-mcp-1\.0\.0\.yml does not record/);
    writeFileSync(join(dir, 'quilt-mcp-2.0.0-quilt3.yml'), 'version: 2.0.0\nbackend: quilt3\nextends: quilt-mcp-1.0.0.yml\ndefects: []\n');
    assert.throws(() => loadDefects(join(dir, 'quilt-mcp-2.0.0-quilt3.yml')), /a file of quilt-mcp 1\.0\.0, not 2\.0\.0/);
    writeFileSync(join(dir, 'quilt-mcp-3.0.0.yml'), 'version: 3.0.0\nbackend: iam\ndefects: []\n');
    assert.throws(() => loadDefects(join(dir, 'quilt-mcp-3.0.0.yml')), /backend "iam" is not one of quilt-mcp's/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
