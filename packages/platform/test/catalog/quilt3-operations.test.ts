/**
 * quilt3's own GraphQL operations against the local registry's live schema: every document the
 * installed quilt3 (PyPI, pinned) sends — its admin API (users, roles, policies, SSO, Tabulator,
 * buckets) and API keys, read from its generated client `quilt3/_graphql_client/client.py` — must
 * validate against the schema the catalog answers by introspection. The operations that do not are
 * named below with the reason; a new quilt3 asking for something the registry lacks, or a gap that
 * got filled, fails this test until the list is brought up to date.
 *
 *   node --import tsx --test packages/platform/test/catalog/quilt3-operations.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildClientSchema, getIntrospectionQuery, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { ensureQuilt3, QUILT3_VERSION } from '@quilt-e2e/test-kit';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

/** quilt3 operations the local registry does not serve yet, and why. */
const NOT_SERVED: Record<string, string> = {};

/** Reads every gql("...") document of quilt3's generated client with Python's own parser, by method name. */
const EXTRACT = `
import ast, json, quilt3._graphql_client.client as c
tree = ast.parse(open(c.__file__, encoding="utf-8").read())
ops = {}
for fn in ast.walk(tree):
    if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gql" and node.args:
                ops[fn.name] = ast.literal_eval(node.args[0])
print(json.dumps(ops))
`;

let cat: CatalogUnderTest;
let schema: GraphQLSchema;
let operations: Record<string, string>;

before(async () => {
  const python = await ensureQuilt3();
  const r = spawnSync(python, ['-c', EXTRACT], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `could not read quilt3's operations: ${r.stderr}`);
  operations = JSON.parse(r.stdout) as Record<string, string>;
  cat = await startCatalogUnderTest();
  const answer = await cat.post('admin', { query: getIntrospectionQuery() });
  assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 500));
  schema = buildClientSchema((answer.body as { data: IntrospectionQuery }).data);
});
after(async () => { await cat?.teardown(); });

test(`every GraphQL operation of quilt3 ${QUILT3_VERSION} validates against the registry's live schema, but those named as not served`, () => {
  const names = Object.keys(operations);
  assert.ok(names.length >= 40, `quilt3's client has ${names.length} operations; its admin and API-key modules have more than 40`);
  const failing: Record<string, string> = {};
  for (const [method, document] of Object.entries(operations)) {
    const errors = validate(schema, parse(document));
    if (errors.length) failing[(/(?:query|mutation)\s+(\w+)/.exec(document)?.[1]) ?? method] = errors.map((e) => e.message).join(' | ');
  }
  const unexpected = Object.entries(failing).filter(([op]) => !(op in NOT_SERVED));
  assert.deepEqual(unexpected, [], 'quilt3 operations the registry should answer but does not validate');
  const filled = Object.keys(NOT_SERVED).filter((op) => !(op in failing));
  assert.deepEqual(filled, [], 'operations named as not served now validate: take them off NOT_SERVED');
  process.stdout.write(`# ${names.length - Object.keys(failing).length} of ${names.length} quilt3 operations validate; not served: ${Object.keys(failing).join(', ') || 'none'}\n`);
});
