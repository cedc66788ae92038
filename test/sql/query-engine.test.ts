/**
 * The suite's query adapter — AthenaQueryEngine, the one engine of both targets — on the running
 * stack's Athena and Glue API: Athena's lifecycle (start → wait → results), typed columns,
 * truncation, engine errors with line and column, deadlines that cancel the query ON THE SERVER
 * (checked in the Athena API and in Trino's own system.runtime.queries), and the catalog calls
 * through Glue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { QueryError, QueryFailedError, QueryTimeoutError, normalizeTypeName, rowObjects } from '../../support/sql/query-engine.js';
import { athenaValue } from '../../support/sql/athena-engine.js';
import { packageTableNames } from '@quilt-e2e/platform';
import { BUCKET, athenaEngine as engine, requireStack, trino } from './helpers.js';

/** ~10^10 rows: minutes of work, so it is still running when the deadline passes; the marker finds it in Trino. */
const slowSql = (marker: string): string => `/* ${marker} */ SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y)
  CROSS JOIN UNNEST(sequence(1, 100)) c(z) WHERE (x * y + z) % 7 = 3`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What Trino's system.runtime.queries says about the query carrying a marker (state, error code). */
async function trinoState(marker: string): Promise<Array<{ state: string; error_code: string | null }>> {
  return trino.queryObjects<{ state: string; error_code: string | null }>(
    `SELECT state, error_code FROM system.runtime.queries WHERE query LIKE '%${marker} */%' AND query NOT LIKE '%system.runtime%'`, { deadlineMs: 30_000 });
}

async function athenaState(id: string): Promise<string | undefined> {
  return (await engine.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status?.State;
}

/** Trino may take a moment to mark a cancelled query FAILED. */
async function eventuallyCancelledInTrino(marker: string): Promise<void> {
  for (const until = Date.now() + 10_000; ;) {
    const s = await trinoState(marker);
    if (s.length === 1 && s[0]!.state === 'FAILED') { assert.equal(s[0]!.error_code, 'USER_CANCELED'); return; }
    assert.ok(Date.now() < until, `Trino still shows ${JSON.stringify(s)} for ${marker}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('run: typed columns, rows with Trino\'s JSON values, timings, maxRows truncation', { timeout: 60_000 }, async () => {
  await requireStack();
  const r = await engine.run(`SELECT x, CAST(x AS varchar) AS s, x * 1.5e0 AS d, x % 2 = 0 AS even, DATE '2024-01-02' AS day,
      CAST(x AS decimal(10, 2)) AS amount, ARRAY['a', 'b'] AS tags
    FROM UNNEST(sequence(1, 3)) AS t(x) ORDER BY x`);
  assert.deepEqual(r.columns, [
    { name: 'x', type: 'bigint' }, { name: 's', type: 'varchar' }, { name: 'd', type: 'double' }, { name: 'even', type: 'boolean' },
    { name: 'day', type: 'date' }, { name: 'amount', type: 'decimal' }, { name: 'tags', type: 'array' },
  ], 'Athena names only the outer type of an array in a result');
  assert.deepEqual(r.rows[0], [1, '1', 1.5, false, '2024-01-02', '1.00', '[a, b]']);
  assert.equal(r.rowCount, 3);
  assert.equal(r.truncated, false);
  assert.match(r.queryId, UUID);
  assert.ok(r.timings.totalMs >= r.timings.executionMs && r.timings.queuedMs >= 0, JSON.stringify(r.timings));
  assert.deepEqual(rowObjects(r)[2], { x: 3, s: '3', d: 4.5, even: false, day: '2024-01-02', amount: '3.00', tags: '[a, b]' });

  const cut = await engine.run('SELECT x FROM UNNEST(sequence(1, 2500)) AS t(x)', { maxRows: 10, pageSize: 10 });
  assert.equal(cut.rows.length, 10);
  assert.equal(cut.rowCount, 2500, 'the count from GetQueryRuntimeStatistics');
  assert.equal(cut.truncated, true);
});

test('a 10,000-row result comes back whole through GetQueryResults pages, well within 3 s', { timeout: 60_000 }, async () => {
  await requireStack();
  const started = Date.now();
  const r = await engine.run(`SELECT x AS row_id, 'S' || lpad(CAST(x % 48 AS varchar), 3, '0') AS sample_id, x * 0.5e0 AS value
    FROM UNNEST(sequence(1, 10000)) AS t(x) ORDER BY x`, { maxRows: 10_000 });
  const ms = Date.now() - started;
  assert.equal(r.rows.length, 10_000);
  assert.equal(r.rowCount, 10_000);
  assert.equal(r.truncated, false);
  assert.deepEqual(r.rows[9_999], [10_000, 'S016', 5000]);
  assert.ok(ms < 3000, `10,000 rows took ${ms} ms`);
});

test('lifecycle: start returns an id at once, wait, then results (also twice)', { timeout: 60_000 }, async () => {
  await requireStack();
  const id = await engine.start(`SELECT count(*) AS n FROM "${packageTableNames(BUCKET).packages}"`, { database: 'quilt_e2e' });
  assert.match(id, UUID);
  assert.deepEqual(await engine.wait(id, 30_000), { queryId: id, state: 'SUCCEEDED' });
  const a = await engine.results(id);
  const b = await engine.results(id, { maxRows: 1 });
  assert.deepEqual(a.columns, [{ name: 'n', type: 'bigint' }]);
  assert.equal(typeof a.rows[0]![0], 'number');
  assert.deepEqual(a.rows, b.rows);
  await assert.rejects(engine.results('00000000-0000-4000-8000-000000000000'), (e: unknown) => e instanceof QueryError && /was not found/.test(e.message));
});

test('engine errors name the problem and where it is in the SQL', { timeout: 60_000 }, async () => {
  await requireStack();
  const entry = packageTableNames(BUCKET).entry;
  await assert.rejects(engine.run(`SELECT logical_key,\n  no_such_column FROM "${entry}"`), (e: unknown) => {
    assert.ok(e instanceof QueryFailedError, String(e));
    assert.equal(e.errorName, 'COLUMN_NOT_FOUND');
    assert.deepEqual(e.location, { line: 2, column: 3 });
    assert.match(e.message, /at line 2, column 3: COLUMN_NOT_FOUND: line 2:3: Column 'no_such_column' cannot be resolved/);
    assert.match(e.message, /SQL: SELECT logical_key, no_such_column/);
    return true;
  });
  await assert.rejects(engine.run('SELECT * FROM no_such_table_anywhere'), (e: unknown) => e instanceof QueryFailedError && e.errorName === 'TABLE_NOT_FOUND' && /no_such_table_anywhere/.test(e.message));
  await assert.rejects(engine.run('SELEC 1'), (e: unknown) => e instanceof QueryFailedError && e.errorName === 'SYNTAX_ERROR' && e.location?.line === 1);
  await assert.rejects(engine.run("SELECT CAST('abc' AS bigint)"), (e: unknown) => e instanceof QueryFailedError && e.errorName === 'INVALID_CAST_ARGUMENT');
});

test('a query over its deadline times out, is cancelled on the server, and nothing is left running', { timeout: 90_000 }, async () => {
  await requireStack();
  const marker = `deadline-${Date.now()}`;
  const started = Date.now();
  let queryId = '';
  await assert.rejects(engine.run(slowSql(marker), { deadlineMs: 1500 }), (e: unknown) => {
    assert.ok(e instanceof QueryTimeoutError, `expected a timeout, got ${String(e)}`);
    assert.match(e.message, /timeout/);
    assert.match(e.message, /cancelled on the server/);
    assert.match(e.message, /retry with a longer deadline, for example \{ deadlineMs: 10000 \}/);
    assert.equal(e.deadlineMs, 1500);
    assert.equal(e.serverState, 'CANCELLED');
    queryId = e.queryId ?? '';
    return true;
  });
  const took = Date.now() - started;
  assert.ok(took < 8000, `the timeout took ${took} ms to report`);
  assert.equal(await athenaState(queryId), 'CANCELLED');
  await eventuallyCancelledInTrino(marker);
});

test('wait past its deadline and cancel() both stop a started query on the server', { timeout: 90_000 }, async () => {
  await requireStack();
  const m1 = `wait-${Date.now()}`;
  const id = await engine.start(slowSql(m1));
  await assert.rejects(engine.wait(id, 800), (e: unknown) => e instanceof QueryTimeoutError && e.queryId === id);
  assert.equal(await athenaState(id), 'CANCELLED');
  await eventuallyCancelledInTrino(m1);
  await assert.rejects(engine.results(id), (e: unknown) => e instanceof QueryError, 'a cancelled query has no results');

  const m2 = `cancel-${Date.now()}`;
  const other = await engine.start(slowSql(m2));
  await engine.cancel(other);
  assert.equal(await athenaState(other), 'CANCELLED');
  const left = await trinoState(m2);
  assert.ok(left.every((q) => q.state === 'FAILED'), `system.runtime.queries: ${JSON.stringify(left)} (cancelled before or after it reached Trino)`);
  await assert.rejects(engine.wait(other, 5000), (e: unknown) => e instanceof QueryFailedError && e.errorName === 'CANCELLED');
  await engine.cancel(other); // cancelling twice is fine
});

test('catalog calls through Glue: databases, tables and schema (normalized types), with a clear error for a missing table', { timeout: 60_000 }, async () => {
  await requireStack();
  const names = packageTableNames(BUCKET);
  assert.ok((await engine.databases()).includes('quilt_e2e'));
  const tables = await engine.tables('quilt_e2e');
  for (const t of Object.values(names)) assert.ok(tables.includes(t), `${t} is listed (package metadata tables are provisioned)`);
  assert.deepEqual(await engine.schema('quilt_e2e', names.entry), [
    { name: 'top_hash', type: 'varchar' }, { name: 'logical_key', type: 'varchar' }, { name: 'physical_key', type: 'varchar' },
    { name: 'hash_type', type: 'varchar' }, { name: 'hash_value', type: 'varchar' }, { name: 'size', type: 'bigint' },
    { name: 'metadata', type: 'varchar' },
  ]);
  assert.deepEqual(await engine.schema('quilt_e2e', names.manifests), [
    { name: 'logical_key', type: 'varchar' }, { name: 'physical_keys', type: 'array(varchar)' }, { name: 'size', type: 'varchar' },
    { name: 'hash', type: 'row(type varchar, value varchar)' }, { name: 'meta', type: 'varchar' }, { name: 'user_meta', type: 'varchar' },
    { name: 'message', type: 'varchar' }, { name: 'version', type: 'varchar' },
  ]);
  await assert.rejects(engine.schema('quilt_e2e', 'no_such_table'), (e: unknown) => e instanceof QueryError && /table "no_such_table" does not exist in database "quilt_e2e"/.test(e.message));
});

test('type names are normalized the same way for Trino and Athena/Glue spellings', () => {
  const cases: Array<[string, string]> = [
    ['varchar(12)', 'varchar'], ['string', 'varchar'], ['INT', 'integer'], ['float', 'real'], ['binary', 'varbinary'],
    ['decimal(10,2)', 'decimal'], ['timestamp(3)', 'timestamp'], ['timestamp(6) with time zone', 'timestamp with time zone'],
    ['array<string>', 'array(varchar)'], ['map<string,int>', 'map(varchar, integer)'], ['struct<a:int,b:array<string>>', 'row(a integer, b array(varchar))'],
    ['row("type" varchar, "value" varchar(5))', 'row(type varchar, value varchar)'], ['bigint', 'bigint'], ['char(3)', 'char'],
  ];
  for (const [raw, want] of cases) assert.equal(normalizeTypeName(raw), want, raw);
});

test("Athena's result strings become the same values Trino returns", () => {
  assert.equal(athenaValue('42', 'bigint'), 42);
  assert.equal(athenaValue('1.5', 'double'), 1.5);
  assert.equal(athenaValue('NaN', 'double'), 'NaN');
  assert.equal(athenaValue('true', 'boolean'), true);
  assert.equal(athenaValue('2024-01-02', 'date'), '2024-01-02');
  assert.equal(athenaValue('', 'varchar'), '');
  assert.equal(athenaValue(undefined, 'varchar'), null);
});
