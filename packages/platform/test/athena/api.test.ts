/**
 * The local Athena and Glue APIs (src/athena) against real clients written by others: the AWS
 * SDK for JavaScript (client-athena, client-glue, its SigV4 signer), boto3 and PyAthena — on the
 * running stack (the athena server on its port, Trino and RGW behind it). Expected values come
 * from the SQL itself, from Trino's own query list and from the result CSV read back from S3.
 *   node --import tsx --test packages/platform/test/athena/api.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import {
  AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, GetWorkGroupCommand, ListDataCatalogsCommand, ListDatabasesCommand,
  StartQueryExecutionCommand, StopQueryExecutionCommand, type GetQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import { GetDatabasesCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../src/catalog/rgw-admin.js';
import { parse } from 'csv-parse/sync';
import { ATHENA_DATA_CATALOGS, ATHENA_WORKGROUPS, TRINO_SCHEMA, TRINO_USER } from '@quilt-e2e/constants';
import { TrinoClient } from '@quilt-e2e/trino-rest';
import { loadPlatformEnv, platformS3Client } from '../../src/platform-env.js';

const env = loadPlatformEnv();
const endpoint = `http://127.0.0.1:${env.ports.athena}`;
const WG = ATHENA_WORKGROUPS[0];
const keys = (role: 'admin' | 'reader' | 'outsider', secret?: string) => ({ accessKeyId: env.users[role].accessKeyId, secretAccessKey: secret ?? env.users[role].secretAccessKey });
const athenaFor = (credentials: { accessKeyId: string; secretAccessKey: string }, at = endpoint): AthenaClient => new AthenaClient({ region: env.region, endpoint: at, credentials, maxAttempts: 1 });
const athena = athenaFor(keys('reader'));
const glue = new GlueClient({ region: env.region, endpoint, credentials: keys('reader'), maxAttempts: 1 });
const trino = new TrinoClient({ server: `http://127.0.0.1:${env.ports.trino}`, user: TRINO_USER });
const s3 = platformS3Client(env);

async function start(sql: string, o: { client?: AthenaClient; database?: string; catalog?: string } = {}): Promise<string> {
  const r = await (o.client ?? athena).send(new StartQueryExecutionCommand({
    QueryString: sql, WorkGroup: WG, QueryExecutionContext: { Catalog: o.catalog ?? 'AwsDataCatalog', Database: o.database ?? TRINO_SCHEMA },
  }));
  return r.QueryExecutionId!;
}

async function finished(id: string, client = athena, deadlineMs = 60_000): Promise<GetQueryExecutionCommandOutput> {
  for (const until = Date.now() + deadlineMs; ;) {
    const r = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    if (!['QUEUED', 'RUNNING'].includes(r.QueryExecution!.Status!.State!)) return r;
    assert.ok(Date.now() < until, `query ${id} still ${r.QueryExecution!.Status!.State} after ${deadlineMs} ms`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

const rejectsWith = async (p: Promise<unknown>, name: string, message: RegExp): Promise<void> => {
  await assert.rejects(p, (e: Error) => { assert.equal(e.name, name, e.message); assert.match(e.message, message); return true; });
};

before(async () => {
  const health = await fetch(`${endpoint}/health`).catch(() => undefined);
  assert.ok(health?.ok, `the athena server is not answering on ${endpoint}: start the stack with \`npm run stack -- up\``);
});
after(() => { athena.destroy(); glue.destroy(); s3.destroy(); });

describe('queries through @aws-sdk/client-athena', () => {
  test('a SELECT: Athena\'s column metadata, the header row first, values as Athena prints them, NULL without a value, the CSV in S3', async () => {
    const id = await start("SELECT 1 AS n, 'x' AS s, 2e0 AS d, 1e10 AS big, ARRAY['a', 'b'] AS arr, CAST(NULL AS varchar) AS nul, '' AS empty, true AS b, CAST(1.5 AS decimal(5, 2)) AS dec");
    const ex = await finished(id);
    assert.equal(ex.QueryExecution!.Status!.State, 'SUCCEEDED', ex.QueryExecution!.Status!.StateChangeReason);
    assert.equal(ex.QueryExecution!.StatementType, 'DML');
    assert.equal(ex.QueryExecution!.WorkGroup, WG);
    const loc = ex.QueryExecution!.ResultConfiguration!.OutputLocation!;
    assert.equal(loc, `s3://quilt-e2e-athena-results/${WG}/${id}.csv`);
    const r = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
    const info = r.ResultSet!.ResultSetMetadata!.ColumnInfo!;
    assert.deepEqual(info.map((c) => [c.Name, c.Type]), [['n', 'integer'], ['s', 'varchar'], ['d', 'double'], ['big', 'double'], ['arr', 'array'], ['nul', 'varchar'], ['empty', 'varchar'], ['b', 'boolean'], ['dec', 'decimal']]);
    assert.deepEqual([info[8]!.Precision, info[8]!.Scale], [5, 2]);
    const rows = r.ResultSet!.Rows!.map((row) => row.Data!.map((d) => d.VarCharValue));
    assert.deepEqual(rows, [
      ['n', 's', 'd', 'big', 'arr', 'nul', 'empty', 'b', 'dec'],
      ['1', 'x', '2.0', '1.0E10', '[a, b]', undefined, '', 'true', '1.50'],
    ]);
    const obj = await s3.send(new GetObjectCommand({ Bucket: 'quilt-e2e-athena-results', Key: `${WG}/${id}.csv` }));
    const text = await obj.Body!.transformToString();
    assert.equal(text.split('\n')[1], '"1","x","2.0","1.0E10","[a, b]",,"","true","1.50"', 'every value quoted, NULL an empty unquoted field');
    const csv = parse(text, { cast: (v, ctx) => (v === '' && !ctx.quoting ? undefined : v) }) as (string | undefined)[][];
    assert.deepEqual(csv, rows);
  });

  test('pages: MaxResults up to 1,000 with NextToken; more than 1,000, or a token of another query, refused with the reason', async () => {
    const id = await start('SELECT x FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x');
    assert.equal((await finished(id)).QueryExecution!.Status!.State, 'SUCCEEDED');
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: token }));
      pages++;
      for (const row of r.ResultSet!.Rows!) seen.push(row.Data![0]!.VarCharValue!);
      token = r.NextToken;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['x', ...Array.from({ length: 2500 }, (_, i) => String(i + 1))], 'the header row once, then every row in order');
    await rejectsWith(athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1001 })), 'InvalidRequestException', /'maxResults'|MaxResults.*less than or equal to 1000/i);
    const other = await start('SELECT 1');
    await finished(other);
    const first = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 10 }));
    await rejectsWith(athena.send(new GetQueryResultsCommand({ QueryExecutionId: other, NextToken: first.NextToken })), 'InvalidRequestException', new RegExp(`NextToken belongs to another query execution \\(${id}\\)`));
    await rejectsWith(athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: 'garbage!' })), 'InvalidRequestException', /not a token this API gave out/);
  });

  test('failures: unknown database and table, a syntax error — FAILED with Athena\'s reason and error category; no results to fetch', async () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['SELECT * FROM no_such_table_here', TRINO_SCHEMA, /^TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog\.quilt_e2e\.no_such_table_here' does not exist/],
      ['SELECT * FROM t', 'no_such_database', /^SCHEMA_NOT_FOUND: .*Schema 'no_such_database' does not exist/],
      ['SELEC 1', TRINO_SCHEMA, /^SYNTAX_ERROR: line 1:1: mismatched input 'SELEC'/],
    ];
    for (const [sql, database, reason] of cases) {
      const id = await start(sql, { ...(database ? { database } : {}) });
      const s = (await finished(id)).QueryExecution!.Status!;
      assert.equal(s.State, 'FAILED', sql);
      assert.match(s.StateChangeReason!, reason);
      assert.deepEqual([s.AthenaError!.ErrorCategory, s.AthenaError!.ErrorType, s.AthenaError!.Retryable], [2, 1000, false], `${sql}: a user error`);
      await rejectsWith(athena.send(new GetQueryResultsCommand({ QueryExecutionId: id })), 'InvalidRequestException', /Query did not succeed \(state FAILED\)/);
    }
    await rejectsWith(athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'no-such-wg' })), 'InvalidRequestException', /WorkGroup no-such-wg is not found: this stack has/);
    await rejectsWith(athena.send(new GetQueryExecutionCommand({ QueryExecutionId: '00000000-0000-4000-8000-000000000000' })), 'InvalidRequestException', /QueryExecution 00000000-0000-4000-8000-000000000000 was not found/);
  });

  test('StopQueryExecution cancels the query in Trino (its own query list says USER_CANCELED)', async () => {
    const marker = `stop-${Date.now()}`;
    const id = await start(`/* ${marker} */ SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y) CROSS JOIN UNNEST(sequence(1, 1000)) c(z) WHERE (x * y + z) % 7919 = 13`);
    await new Promise((r) => setTimeout(r, 500));
    await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    assert.equal((await finished(id)).QueryExecution!.Status!.State, 'CANCELLED');
    for (const until = Date.now() + 10_000; ;) {
      const r = await trino.queryObjects<{ state: string; error_code: string | null }>(`SELECT state, error_code FROM system.runtime.queries WHERE query LIKE '%${marker} */%' AND query NOT LIKE '%system.runtime%'`);
      if (r.length === 1 && r[0]!.state === 'FAILED') { assert.equal(r[0]!.error_code, 'USER_CANCELED'); break; }
      assert.ok(Date.now() < until, `Trino still shows ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  });

  test('a query over the server\'s timeout FAILS with "Query timeout" (error type 210) and is cancelled in Trino', async () => {
    const port = await freePort();
    const child = spawnServer(port, { QUILT_E2E_ATHENA_QUERY_TIMEOUT_MS: '1500' });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, child);
      const client = athenaFor(keys('reader'), `http://127.0.0.1:${port}`);
      const marker = `timeout-${Date.now()}`;
      const id = await start(`/* ${marker} */ SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y) CROSS JOIN UNNEST(sequence(1, 1000)) c(z) WHERE (x * y + z) % 7919 = 13`, { client });
      const s = (await finished(id, client)).QueryExecution!.Status!;
      assert.equal(s.State, 'FAILED');
      assert.match(s.StateChangeReason!, /^Query timeout: the query ran longer than 2 s/);
      assert.equal(s.AthenaError!.ErrorType, 210);
      const r = await trino.queryObjects<{ state: string }>(`SELECT state FROM system.runtime.queries WHERE query LIKE '%${marker} */%' AND query NOT LIKE '%system.runtime%'`);
      assert.deepEqual(r.map((x) => x.state), ['FAILED'], 'not running in Trino any more');
      client.destroy();
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('who may call: SigV4 with the stack\'s keys, checked', () => {
  test('a wrong secret, an unknown key, no signature, a changed body, an old date: refused with AWS\'s error codes', async () => {
    await rejectsWith(athenaFor(keys('reader', 'wrong-secret')).send(new GetWorkGroupCommand({ WorkGroup: WG })), 'InvalidSignatureException', /signature we calculated does not match/);
    await rejectsWith(athenaFor({ accessKeyId: 'AKIANOTKNOWNHERE0000', secretAccessKey: 'x' }).send(new GetWorkGroupCommand({ WorkGroup: WG })), 'UnrecognizedClientException', /security token included in the request is invalid/);
    const unsigned = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonAthena.ListWorkGroups' }, body: '{}' });
    assert.equal(unsigned.status, 403);
    assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
    // Signed by the AWS SDK's own signer, then sent with another body / with a 20-minute-old date.
    const signer = new SignatureV4({ service: 'athena', region: env.region, credentials: keys('reader'), sha256: Sha256 });
    const request = (body: string) => ({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: env.ports.athena, path: '/', query: {},
      headers: { host: `127.0.0.1:${env.ports.athena}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonAthena.GetWorkGroup' }, body });
    const send = async (signed: { headers: Record<string, string> }, body: string) => {
      const r = await fetch(endpoint, { method: 'POST', headers: signed.headers, body });
      return { status: r.status, body: (await r.json()) as { __type?: string; Message?: string; WorkGroup?: { Name: string } } };
    };
    const good = await signer.sign(request(JSON.stringify({ WorkGroup: WG })));
    assert.equal((await send(good, JSON.stringify({ WorkGroup: WG }))).body.WorkGroup?.Name, WG, 'the SDK signer\'s request is accepted');
    const tampered = await send(good, JSON.stringify({ WorkGroup: 'primary' }));
    assert.equal(tampered.body.__type, 'InvalidSignatureException');
    const old = await signer.sign(request('{"WorkGroup":"primary"}'), { signingDate: new Date(Date.now() - 20 * 60_000) });
    const stale = await send(old, '{"WorkGroup":"primary"}');
    assert.equal(stale.body.__type, 'InvalidSignatureException');
    assert.match(stale.body.Message!, /Signature expired/);
  });

  test('a user RGW does not let read any served bucket gets AccessDeniedException; the reader may query', async () => {
    await rejectsWith(athenaFor(keys('outsider')).send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: WG })), 'AccessDeniedException', /quilt-e2e-outsider is not authorized to perform: athena:StartQueryExecution/);
    const id = await start('SELECT 1');
    assert.equal((await finished(id)).QueryExecution!.Status!.State, 'SUCCEEDED');
  });
});

describe('catalogs, databases and tables', () => {
  test('work groups with their output location; the Glue catalog and Quilt\'s Tabulator catalog', async () => {
    const wg = await athena.send(new GetWorkGroupCommand({ WorkGroup: WG }));
    assert.equal(wg.WorkGroup!.Configuration!.ResultConfiguration!.OutputLocation, `s3://quilt-e2e-athena-results/${WG}/`);
    const cats = await athena.send(new ListDataCatalogsCommand({}));
    assert.deepEqual(cats.DataCatalogsSummary!.map((c) => [c.CatalogName, c.Type]), [[ATHENA_DATA_CATALOGS.glue.name, 'GLUE'], [ATHENA_DATA_CATALOGS.tabulator.name, 'LAMBDA']]);
    const glueDbs = await athena.send(new ListDatabasesCommand({ CatalogName: 'AwsDataCatalog' }));
    assert.ok(glueDbs.DatabaseList!.some((d) => d.Name === TRINO_SCHEMA));
    assert.ok(!glueDbs.DatabaseList!.some((d) => d.Name === env.testBucket), 'a bucket is a Tabulator database, not a Glue one');
    await rejectsWith(athena.send(new ListDatabasesCommand({ CatalogName: 'NoSuchCatalog' })), 'InvalidRequestException', /data catalog "NoSuchCatalog" does not exist/);
  });

  test('Glue: databases, a package view with Hive column types, EntityNotFoundException naming what is missing', async () => {
    const dbs = await glue.send(new GetDatabasesCommand({}));
    assert.ok(dbs.DatabaseList!.some((d) => d.Name === TRINO_SCHEMA));
    const t = await glue.send(new GetTableCommand({ DatabaseName: TRINO_SCHEMA, Name: `${env.testBucket}_package_entry` }));
    assert.equal(t.Table!.TableType, 'VIRTUAL_VIEW');
    assert.deepEqual(t.Table!.StorageDescriptor!.Columns!.map((c) => `${c.Name}:${c.Type}`),
      ['top_hash:string', 'logical_key:string', 'physical_key:string', 'hash_type:string', 'hash_value:string', 'size:bigint', 'metadata:string']);
    const m = await glue.send(new GetTableCommand({ DatabaseName: TRINO_SCHEMA, Name: `${env.testBucket}_manifests` }));
    assert.equal(m.Table!.TableType, 'EXTERNAL_TABLE');
    assert.equal(m.Table!.StorageDescriptor!.Location, `s3://${env.testBucket}/.quilt/packages/`);
    assert.ok(m.Table!.StorageDescriptor!.Columns!.some((c) => c.Name === 'hash' && c.Type === 'struct<type:string,value:string>'), JSON.stringify(m.Table!.StorageDescriptor!.Columns));
    await rejectsWith(glue.send(new GetTableCommand({ DatabaseName: TRINO_SCHEMA, Name: 'nope' })), 'EntityNotFoundException', /Table nope not found in database quilt_e2e/);
    await rejectsWith(glue.send(new GetTableCommand({ DatabaseName: 'nodb', Name: 'nope' })), 'EntityNotFoundException', /Database nodb not found/);
  });
});

describe('clients written in Python', () => {
  test('boto3 (AWS_ENDPOINT_URL_ATHENA / _GLUE) and PyAthena\'s DB-API cursor reach the local API', { timeout: 120_000 }, () => {
    const python = join(process.env.QUILT_E2E_HOME ?? join(homedir(), '.cache', 'quilt-e2e'), 'venv-quilt3-8.0.0', 'bin', 'python');
    assert.ok(existsSync(python), `no quilt3 venv at ${python}: run \`npx tsx packages/test-kit/src/quilt3-venv.ts --ensure\` (scripts/setup.sh does)`);
    const script = `
import json, boto3
from pyathena import connect
glue = boto3.client("glue")
cols = [c["Name"] for c in glue.get_table(DatabaseName="${TRINO_SCHEMA}", Name="${env.testBucket}_package_tag")["Table"]["StorageDescriptor"]["Columns"]]
cur = connect(work_group="${WG}", schema_name="${TRINO_SCHEMA}").cursor()
cur.execute("SELECT x, CAST(x AS varchar) AS s, x / 2e0 AS h FROM UNNEST(sequence(1, 1500)) AS t(x) ORDER BY x")
rows = cur.fetchall()
desc = [(d[0], d[1]) for d in cur.description]
print(json.dumps({"cols": cols, "n": len(rows), "first": list(rows[0]), "last": list(rows[-1]), "desc": desc, "state": cur.state}))
`;
    const r = spawnSync(python, ['-c', script], {
      encoding: 'utf8', timeout: 90_000,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: env.region, AWS_DEFAULT_REGION: env.region,
        AWS_ACCESS_KEY_ID: env.users.reader.accessKeyId, AWS_SECRET_ACCESS_KEY: env.users.reader.secretAccessKey,
        AWS_ENDPOINT_URL_ATHENA: endpoint, AWS_ENDPOINT_URL_GLUE: endpoint,
      },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { cols: string[]; n: number; first: unknown[]; last: unknown[]; desc: [string, string][]; state: string };
    assert.deepEqual(out.cols, ['pkg_name', 'tag_name', 'top_hash']);
    assert.equal(out.state, 'SUCCEEDED');
    assert.equal(out.n, 1500, 'PyAthena paged through GetQueryResults (1,000 rows a page)');
    assert.deepEqual(out.first, [1, '1', 0.5]);
    assert.deepEqual(out.last, [1500, '1500', 750]);
    assert.deepEqual(out.desc, [['x', 'bigint'], ['s', 'varchar'], ['h', 'double']]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const a = srv.address(); srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port')))); });
  });
}

function spawnServer(port: number, extra: Record<string, string>): ChildProcess {
  const main = new URL('../../src/athena/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, QUILT_E2E_ATHENA_PORT: String(port), ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  child.on('exit', (code) => { if (code) process.stderr.write(`athena test server exited ${code}: ${err}\n`); });
  return child;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (const until = Date.now() + 20_000; ;) {
    if (child.exitCode !== null) throw new Error(`the test server exited ${child.exitCode}`);
    if ((await fetch(`${url}/health`).catch(() => undefined))?.ok) return;
    assert.ok(Date.now() < until, `${url} not healthy within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
