/**
 * The workspace boundaries (eslint.config.js): the lint rule refuses an import from the suite into
 * the platform, from the platform into the suite or the stack, and any import in the constants;
 * and the real import graph of the tree has no such arrow (scripts/import-graph.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { importGraph } from '../../scripts/import-graph.js';

const eslint = new ESLint();

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

test('the lint rule refuses each forbidden direction', async () => {
  assert.match((await problems('support/tasks/x.ts', "import { Tabulator } from '@quilt-e2e/platform/sql/tabulator.js';\nexport const t = Tabulator;\n"))[0] ?? '', /never imports the platform/);
  assert.match((await problems('packages/platform/src/x.ts', "import { loadTarget } from '../../../support/target.js';\nexport const t = loadTarget;\n"))[0] ?? '', /code of the suite/);
  assert.match((await problems('packages/platform/src/x.ts', "import { up } from '@quilt-e2e/stack/stack.js';\nexport const t = up;\n"))[0] ?? '', /does not import the stack/);
  assert.match((await problems('packages/quilt-js/src/x.ts', "import { x } from '@quilt-e2e/platform/faults.js';\nexport const t = x;\n"))[0] ?? '', /client library/);
  assert.match((await problems('packages/constants/src/x.ts', "import { join } from 'node:path';\nexport const t = join;\n"))[0] ?? '', /data only/);
  assert.match((await problems('packages/constants/src/x.ts', 'export function f(): number { return 1; }\n'))[0] ?? '', /data only/);
  assert.match((await problems('world/x.ts', "import { x } from '../packages/platform/src/faults.js';\nexport const t = x;\n"))[0] ?? '', /never imports the platform|by its name/);
  assert.deepEqual(await problems('support/tasks/x.ts', "import { up } from '@quilt-e2e/stack/stack.js';\nexport const t = up;\n"), [], 'the suite may use the stack\'s lifecycle');
});

test('the import graph of the tree has no arrow between the suite and the platform', () => {
  const g = importGraph();
  assert.ok(g.files > 100, `files read: ${g.files}`);
  assert.deepEqual(g.forbidden, [], g.forbidden.join('\n'));
  assert.ok(g.edges.has('suite -> @quilt-e2e/stack'), [...g.edges].join(', '));
  assert.ok(!g.edges.has('suite -> @quilt-e2e/platform'));
  assert.ok(!g.edges.has('@quilt-e2e/platform -> suite'));
  assert.ok(!g.edges.has('@quilt-e2e/platform -> @quilt-e2e/stack'));
});
