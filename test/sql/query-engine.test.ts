/**
 * The query adapter on the running Trino: Athena's lifecycle (start → wait → results), typed
 * columns, truncation, engine errors with line and column, deadlines that cancel the query ON THE
 * SERVER (checked with Trino's own query info and system.runtime.queries), and the catalog calls.
 * The Athena implementation cannot run here (no AWS); its pure parts are tested at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError, QueryFailedError, QueryTimeoutError, normalizeTypeName, rowObjects } from '../../support/sql/query-engine.js';
import { athenaValue } from '../../support/sql/athena-engine.js';
import { packageTableNames } from '@quilt-e2e/platform/sql/metadata-tables.js';
import { BUCKET, engine, requireStack, trino } from './helpers.js';

/** ~10^10 rows: minutes of work, so it is still running when the deadline passes. */
const SLOW_SQL = `SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y)
  CROSS JOIN UNNEST(sequence(1, 100)) c(z) WHERE (x * y + z) % 7 = 3`;

/** What system.runtime.queries says about a query id (state, error code). */
async function runtimeState(queryId: string): Promise<{ state: string; error_code: string | null } | undefined> {
  const r = await trino.queryObjects<{ state: string; error_code: string | null }>(
    `SELECT state, error_code FROM system.runtime.queries WHERE query_id = '${queryId}'`, { deadlineMs: 30_000 });
  return r[0];
}

test('run: typed columns, rows as Trino encodes them, timings, maxRows truncation', { timeout: 60_000 }, async () => {
  await requireStack();
  const r = await engine.run(`SELECT x, CAST(x AS varchar) AS s, x * 1.5e0 AS d, x % 2 = 0 AS even, DATE '2024-01-02' AS day,
      CAST(x AS decimal(10, 2)) AS amount, ARRAY['a', 'b'] AS tags
    FROM UNNEST(sequence(1, 3)) AS t(x) ORDER BY x`);
  assert.deepEqual(r.columns, [
    { name: 'x', type: 'bigint' }, { name: 's', type: 'varchar' }, { name: 'd', type: 'double' }, { name: 'even', type: 'boolean' },
    { name: 'day', type: 'date' }, { name: 'amount', type: 'decimal' }, { name: 'tags', type: 'array(varchar)' },
  ]);
  assert.deepEqual(r.rows[0], [1, '1', 1.5, false, '2024-01-02', '1.00', ['a', 'b']]);
  assert.equal(r.rowCount, 3);
  assert.equal(r.truncated, false);
  assert.match(r.queryId, /^\d{8}_\d{6}_\d{5}_\w+$/);
  assert.ok(r.timings.totalMs >= r.timings.executionMs && r.timings.queuedMs >= 0, JSON.stringify(r.timings));
  assert.deepEqual(rowObjects(r)[2], { x: 3, s: '3', d: 4.5, even: false, day: '2024-01-02', amount: '3.00', tags: ['a', 'b'] });

  const cut = await engine.run('SELECT x FROM UNNEST(sequence(1, 50)) AS t(x)', { maxRows: 10 });
  assert.equal(cut.rows.length, 10);
  assert.equal(cut.rowCount, 50);
  assert.equal(cut.truncated, true);
});

test('a 10,000-row result comes back whole, well within 3 s', { timeout: 60_000 }, async () => {
  await requireStack();
  const started = Date.now();
  const r = await engine.run(`SELECT x AS row_id, 'S' || lpad(CAST(x % 48 AS varchar), 3, '0') AS sample_id, x * 0.5e0 AS value
    FROM UNNEST(sequence(1, 10000)) AS t(x)`, { maxRows: 10_000 });
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
  assert.match(id, /^\d{8}_\d{6}_\d{5}_\w+$/);
  assert.deepEqual(await engine.wait(id, 30_000), { queryId: id, state: 'SUCCEEDED' });
  const a = await engine.results(id);
  const b = await engine.results(id, { maxRows: 1 });
  assert.deepEqual(a.columns, [{ name: 'n', type: 'bigint' }]);
  assert.equal(typeof a.rows[0]![0], 'number');
  assert.deepEqual(a.rows, b.rows);
  await assert.rejects(engine.results('20200101_000000_00000_nope0'), (e: unknown) => e instanceof QueryError && /not started by this engine/.test(e.message));
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
  const started = Date.now();
  let queryId = '';
  await assert.rejects(engine.run(SLOW_SQL, { deadlineMs: 1500 }), (e: unknown) => {
    assert.ok(e instanceof QueryTimeoutError, `expected a timeout, got ${String(e)}`);
    assert.match(e.message, /timeout/);
    assert.match(e.message, /cancelled on the server/);
    assert.match(e.message, /retry with a longer deadline, for example \{ deadlineMs: 10000 \}/);
    assert.equal(e.deadlineMs, 1500);
    assert.equal(e.serverState, 'FAILED / USER_CANCELED');
    queryId = e.queryId ?? '';
    return true;
  });
  const took = Date.now() - started;
  assert.ok(took < 8000, `the timeout took ${took} ms to report`);
  assert.deepEqual(await runtimeState(queryId), { state: 'FAILED', error_code: 'USER_CANCELED' });
  const running = await trino.queryObjects<{ n: number }>(`SELECT count(*) AS n FROM system.runtime.queries
    WHERE state IN ('QUEUED', 'WAITING_FOR_RESOURCES', 'DISPATCHING', 'PLANNING', 'STARTING', 'RUNNING', 'FINISHING') AND query = '${SLOW_SQL.replace(/'/g, "''")}'`);
  assert.deepEqual(running, [{ n: 0 }], 'no slow query is still running');
});

test('wait past its deadline and cancel() both stop a started query on the server', { timeout: 90_000 }, async () => {
  await requireStack();
  const id = await engine.start(SLOW_SQL);
  await assert.rejects(engine.wait(id, 800), (e: unknown) => e instanceof QueryTimeoutError && e.queryId === id);
  assert.equal((await runtimeState(id))?.state, 'FAILED');
  await assert.rejects(engine.results(id), (e: unknown) => e instanceof QueryError, 'a cancelled query has no results');

  const other = await engine.start(SLOW_SQL);
  await engine.cancel(other);
  // Cancelled at once, a query may be dropped before it is dispatched: then the server forgets it.
  assert.ok(['FAILED / USER_CANCELED', 'GONE'].includes(await engine.serverState(other) ?? ''), 'the server stopped it');
  const left = await runtimeState(other);
  assert.ok(left === undefined || left.state === 'FAILED', `system.runtime.queries: ${JSON.stringify(left)}`);
  await assert.rejects(engine.wait(other, 5000), (e: unknown) => e instanceof QueryError && /cancelled/.test(e.message));
  await engine.cancel(other); // cancelling twice is fine
});

test('catalog calls: databases, tables and schema (normalized types), with a clear error for a missing table', { timeout: 60_000 }, async () => {
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
