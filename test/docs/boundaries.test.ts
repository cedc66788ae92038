/**
 * The workspace boundaries (eslint.config.js): the lint rule refuses an import from the suite into
 * the platform or the test kit's second door, from the platform into the suite or the stack, any
 * import in the constants, paths into another package or out of one, and subpaths of a package
 * (only its front door, and @quilt-e2e/test-kit/catalog) — in the suite, the packages' code and
 * tests, test/, scripts/ and bin/; and the real import graph of the tree has no such arrow
 * (scripts/import-graph.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { circles, importGraph } from '../../scripts/import-graph.js';

const eslint = new ESLint();

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}
/** A module that imports `name` from `spec` (statically) and uses it. */
const importing = (spec: string, name = 'x'): string => `import { ${name} } from "${spec}";\nexport const t = ${name};\n`;
/** The same with import() (double quotes keep scripts/import-graph.ts from reading the snippet as this file's import). */
const importingLater = (spec: string): string => `export const t = async (): Promise<unknown> => import("${spec}");\n`;

test('the lint rule refuses each forbidden direction', async () => {
  assert.match((await problems('support/tasks/x.ts', importing('@quilt-e2e/platform/sql/tabulator.js', 'Tabulator')))[0] ?? '', /never imports the platform/);
  assert.match((await problems('packages/platform/src/x.ts', importing('../../../support/target.js', 'loadTarget')))[0] ?? '', /code of the suite/);
  assert.match((await problems('packages/platform/src/x.ts', importing('@quilt-e2e/stack', 'up')))[0] ?? '', /does not import the stack/);
  assert.match((await problems('packages/quilt-js/src/x.ts', importing('@quilt-e2e/platform')))[0] ?? '', /client library/);
  assert.match((await problems('packages/constants/src/x.ts', importing('node:path', 'join')))[0] ?? '', /data only/);
  assert.match((await problems('packages/constants/src/x.ts', 'export function f(): number { return 1; }\n'))[0] ?? '', /data only/);
  assert.match((await problems('world/x.ts', importing('../packages/platform/src/faults.js')))[0] ?? '', /never imports the platform|by its name/);
  assert.match((await problems('packages/env/src/x.ts', importing('@quilt-e2e/stack', 'loadStackConfig')))[0] ?? '', /imports nothing else/);
  assert.match((await problems('packages/stack/src/x.ts', importing('@quilt-e2e/test-kit', 'eventually')))[0] ?? '', /does not import the test kit/);
  assert.deepEqual(await problems('support/tasks/x.ts', importing('@quilt-e2e/stack', 'up')), [], 'the suite may use the stack\'s lifecycle');
  assert.deepEqual(await problems('packages/env/src/x.ts', importing('@quilt-e2e/constants', 'DEFAULT_PORTS')), []);
});

test('the suite never imports the platform nor the test kit\'s second door, also not with import()', async () => {
  assert.match((await problems('support/x.ts', importing('@quilt-e2e/test-kit/catalog', 'startCatalogUnderTest')))[0] ?? '', /never imports @quilt-e2e\/test-kit\/catalog/);
  assert.match((await problems('step_definitions/x.steps.ts', importingLater('@quilt-e2e/platform')))[0] ?? '', /never imports the platform/);
  assert.match((await problems('world/x.ts', importingLater('@quilt-e2e/test-kit/catalog')))[0] ?? '', /never imports the platform/);
  assert.deepEqual(await problems('support/tasks/x.ts', importing('@quilt-e2e/test-kit', 'eventually')), [], 'the suite may use the test kit\'s front door');
});

test('a package is imported through its front door only, everywhere', async () => {
  for (const file of ['support/x.ts', 'packages/stack/src/x.ts', 'packages/platform/test/catalog/x.test.ts', 'test/sql/x.test.ts', 'scripts/x.ts', 'bin/x.mjs']) {
    assert.match((await problems(file, importing('@quilt-e2e/quilt-js/errors.js')))[0] ?? '', /through its front door/, file);
    assert.match((await problems(file, importingLater('@quilt-e2e/stack/servers/mcp.js')))[0] ?? '', /through its front door/, `${file}, import()`);
    assert.deepEqual(await problems(file, importing('@quilt-e2e/quilt-js')), [], file);
  }
  assert.deepEqual(await problems('scripts/x.ts', importing('@quilt-e2e/test-kit/catalog', 'startCatalogUnderTest')), [], 'the documented second door');
  assert.deepEqual(await problems('test/x.test.ts', importing('@quilt-e2e/platform', 'Tabulator')), [], 'the project\'s tests may use the platform');
  assert.deepEqual(await problems('packages/stack/src/x.ts', importingLater('@quilt-e2e/platform')), [], 'the stack loads the platform through its front door');
});

test('no relative path into another package, from the root\'s folders or from a package', async () => {
  assert.match((await problems('scripts/x.ts', importing('../packages/platform/test/catalog/harness.js')))[0] ?? '', /by its name/);
  assert.match((await problems('test/sql/x.ts', importing('../../packages/quilt-js/test/helpers.js')))[0] ?? '', /by its name/);
  assert.match((await problems('bin/x.mjs', importing('../packages/quilt-js/src/cli.ts')))[0] ?? '', /by its name/);
  assert.match((await problems('packages/stack/test/x.test.ts', importing('../../../support/eventually.js')))[0] ?? '', /code of the suite/);
  assert.match((await problems('packages/platform/test/catalog/x.test.ts', importing('../../../../support/eventually.js')))[0] ?? '', /code of the suite/);
  assert.match((await problems('packages/stack/test/x.test.ts', importing('../../quilt-js/test/interop/quilt3-venv.js')))[0] ?? '', /out of its package/);
  assert.match((await problems('packages/test-kit/src/x.ts', importing('../../platform/src/catalog/auth.js')))[0] ?? '', /out of its package/);
  assert.deepEqual(await problems('packages/platform/test/catalog/x.test.ts', importing('../../src/catalog/auth.js')), [], 'a package\'s tests import its own src');
  assert.deepEqual(await problems('packages/quilt-js/test/interop/x.ts', importing('../../src/manifest.js')), [], 'at any depth');
  assert.deepEqual(await problems('scripts/x.ts', importing('../support/target.js')), [], 'the tools use the suite\'s code');
});

test('the test kit\'s front door never imports the platform; its second door does', async () => {
  assert.match((await problems('packages/test-kit/src/x.ts', importing('@quilt-e2e/platform', 'mintToken')))[0] ?? '', /front door never imports the platform/);
  assert.match((await problems('packages/test-kit/src/index.ts', importing('./catalog.js', 'startCatalogUnderTest')))[0] ?? '', /never imports its second door/);
  assert.deepEqual(await problems('packages/test-kit/src/catalog.ts', importing('@quilt-e2e/platform', 'mintToken')), []);
});

test('the import graph of the tree has no forbidden arrow: not between the suite and the platform, no path into or deep import of a package', () => {
  const g = importGraph();
  assert.ok(g.files > 100, `files read: ${g.files}`);
  assert.deepEqual(g.forbidden, [], g.forbidden.join('\n'));
  assert.ok(g.edges.has('suite -> @quilt-e2e/stack'), [...g.edges].join(', '));
  assert.ok(g.edges.has('suite -> @quilt-e2e/test-kit'), [...g.edges].join(', '));
  assert.ok(g.edges.has('scripts/ -> @quilt-e2e/test-kit/catalog'), 'the tools are in the graph');
  assert.ok(!g.edges.has('suite -> @quilt-e2e/platform'));
  assert.ok(!g.edges.has('suite -> @quilt-e2e/test-kit/catalog'));
  assert.ok(!g.edges.has('@quilt-e2e/test-kit -> @quilt-e2e/platform'));
  assert.ok(!g.edges.has('@quilt-e2e/platform -> suite'));
  assert.ok(!g.edges.has('@quilt-e2e/platform -> @quilt-e2e/stack'));
});

test('a circle of imports is found, whatever its length; a tree without one has none', () => {
  assert.deepEqual(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(circles(new Map([['server', ['context']], ['context', []], ['handler', ['context', 'server']]])), []);
  assert.deepEqual(circles(new Map([['x', ['x']]])), [['x', 'x']]);
});
