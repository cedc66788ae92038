/** The known defects of each quilt-mcp release export as issue texts ready to file, and a defect missing a field is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { issueText, issueTitle, parseDefects } from '../../support/mcp/defect-issues.js';

const DIR = 'support/mcp/known-defects';

test('every known-defects file gives one issue text per defect, with its call, answer, expectation, evidence and scenarios', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
  assert.ok(files.length >= 2, 'the releases CI pins have their defects files');
  for (const f of files) {
    const { version, defects } = parseDefects(readFileSync(`${DIR}/${f}`, 'utf8'), f);
    assert.equal(f, `quilt-mcp-${version}.yml`, `${f} names its release`);
    assert.equal(new Set(defects.map((d) => d.id)).size, defects.length, `${f}: ids are unique (one file per issue)`);
    for (const d of defects) {
      const text = issueText(d, version);
      assert.ok(text.startsWith(`# ${issueTitle(d, version)}\n`));
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
