/**
 * Packages through the local catalog, end to end on the real stack: packageConstruct writes with
 * the caller's own S3 keys through the package engine; the revision is then visible through
 * GraphQL, the search index `<bucket>_packages` (fed by the change feed) and the catalog pages,
 * and disappears from all three after packageRevisionDelete. Also tabulator table configs and pages.
 *
 *   node --import tsx --test packages/platform/test/catalog/packages.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { gql } from 'graphql-request';
import { chunkedSha256OfBytes } from '@quilt-e2e/quilt-js';
import { eventually } from '@quilt-e2e/test-kit';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
const run = randomBytes(4).toString('hex');
const name = `cattest/pkg-${run}`;
const files = {
  'README.md': Buffer.from(`# Package ${run}\n<b>bold & "quoted"</b>\n`),
  'data/table.csv': Buffer.from('id,value\n1,alpha\n2,beta\n'),
};
let hash = '';

const CONSTRUCT = gql`
  mutation Construct($params: PackagePushParams!, $src: PackageConstructSource!) {
    packageConstruct(params: $params, src: $src) {
      __typename
      ... on PackagePushSuccess { package { bucket name } revision { hash message userMeta totalEntries totalBytes } }
      ... on InvalidInput { errors { path message name } }
      ... on OperationError { message name }
    }
  }`;

const REVISION = gql`
  query Revision($bucket: String!, $name: String!, $ref: String!) {
    package(bucket: $bucket, name: $name) {
      bucket name modified
      revisions { total page { hash modified message } }
      revision(hashOrTag: $ref) {
        hash modified message metadata userMeta totalEntries totalBytes
        dir(path: "") { path size children { __typename ... on PackageFile { path size } ... on PackageDir { path size } } }
        sub: dir(path: "data/") { path size children { __typename ... on PackageFile { path size physicalKey } } }
        file(path: "README.md") { path size physicalKey metadata }
        contentsFlatMap
      }
    }
  }`;

const DELETE = gql`
  mutation Delete($bucket: String!, $name: String!, $hash: String!) {
    packageRevisionDelete(bucket: $bucket, name: $name, hash: $hash) { __typename ... on OperationError { name message } }
  }`;

type Construct = { packageConstruct: { __typename: string; revision?: { hash: string; message: string; userMeta: unknown; totalEntries: number; totalBytes: number }; errors?: Array<{ path: string; message: string; name: string }>; message?: string; name?: string } };

function constructVars(pkg: string, overrides: Partial<{ hashOf: (lk: string) => string; logicalKey: string }> = {}) {
  return {
    params: { bucket: cat.bucket, name: pkg, message: `first revision of ${run}`, userMeta: { team: 'catalog', run, nested: { n: 1 } } },
    src: {
      entries: Object.entries(files).map(([lk, bytes], i) => ({
        logicalKey: i === 0 && overrides.logicalKey ? overrides.logicalKey : lk,
        physicalKey: `s3://${cat.bucket}/src/${run}/${lk}`,
        hash: { type: 'sha2-256-chunked', value: overrides.hashOf ? overrides.hashOf(lk) : chunkedSha256OfBytes(bytes) },
        size: bytes.length,
        meta: { source: 'test', index: i },
      })),
    },
  };
}

async function manifestKeys(): Promise<string[]> {
  const r = await cat.s3('admin').send(new ListObjectsV2Command({ Bucket: cat.bucket, Prefix: '.quilt/' }));
  return (r.Contents ?? []).map((o) => o.Key ?? '').sort();
}

async function searchPackagesIndex(query: string): Promise<Array<{ _id: string; _source: Record<string, unknown> }>> {
  const r = await cat.get(`/api/search?index=${cat.bucket}_packages&action=freeform&size=100&body=${encodeURIComponent(JSON.stringify(query ? { query: JSON.parse(query) } : {}))}`, 'reader');
  assert.equal(r.status, 200, r.text.slice(0, 300));
  return (r.body as { hits: { hits: Array<{ _id: string; _source: Record<string, unknown> }> } }).hits.hits;
}

before(async () => {
  cat = await startCatalogUnderTest();
  for (const [lk, bytes] of Object.entries(files)) {
    await cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: `src/${run}/${lk}`, Body: bytes }));
  }
});
after(async () => { await cat?.teardown(); });

describe('packageConstruct refuses, without writing anything', () => {
  test('invalid input: a bad package name, a bad logical key, a wrong hash -> InvalidInput naming each path', async () => {
    const before = await manifestKeys();
    const r1 = await cat.gql('admin').request<Construct>(CONSTRUCT, constructVars('not a package name', { logicalKey: '../escape' }));
    assert.equal(r1.packageConstruct.__typename, 'InvalidInput');
    const paths = r1.packageConstruct.errors!.map((e) => e.path).sort();
    assert.deepEqual(paths, ['params.name', 'src.entries[0].logicalKey']);
    const r2 = await cat.gql('admin').request<Construct>(CONSTRUCT, constructVars(name, { hashOf: () => chunkedSha256OfBytes(Buffer.from('other bytes')) }));
    assert.equal(r2.packageConstruct.__typename, 'InvalidInput');
    assert.ok(r2.packageConstruct.errors!.every((e) => e.name === 'ChecksumMismatch'), JSON.stringify(r2.packageConstruct.errors));
    assert.deepEqual(await manifestKeys(), before, 'nothing may be written for invalid input');
  });

  test('the reader may read the bucket but not publish: RGW refuses the write -> OperationError AccessDenied', async () => {
    const before = await manifestKeys();
    const r = await cat.gql('reader').request<Construct>(CONSTRUCT, constructVars(name));
    assert.equal(r.packageConstruct.__typename, 'OperationError');
    assert.equal(r.packageConstruct.name, 'AccessDenied');
    assert.deepEqual(await manifestKeys(), before);
  });

  test('the outsider may not even read the bucket -> HTTP 403', async () => {
    const r = await cat.post('outsider', { query: CONSTRUCT, variables: constructVars(name) });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.error, 'Forbidden');
  });
});

describe('a package pushed with packageConstruct', () => {
  test('is written by the admin and read back through GraphQL package.revision', async () => {
    const r = await cat.gql('admin').request<Construct>(CONSTRUCT, constructVars(name));
    assert.equal(r.packageConstruct.__typename, 'PackagePushSuccess', JSON.stringify(r.packageConstruct));
    hash = r.packageConstruct.revision!.hash;
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(r.packageConstruct.revision!.totalEntries, 2);

    const q = await cat.gql('reader').request<{ package: Record<string, unknown> & { revision: Record<string, unknown>; revisions: { total: number; page: Array<{ hash: string }> } } }>(REVISION, { bucket: cat.bucket, name, ref: 'latest' });
    const rev = q.package.revision;
    assert.equal(rev.hash, hash);
    assert.equal(rev.message, `first revision of ${run}`);
    assert.deepEqual(rev.userMeta, { team: 'catalog', run, nested: { n: 1 } });
    assert.equal((rev.metadata as { version: string }).version, 'v0');
    assert.equal(rev.totalEntries, 2);
    assert.equal(rev.totalBytes, files['README.md'].length + files['data/table.csv'].length);
    assert.deepEqual((rev.dir as { children: Array<{ path: string }> }).children.map((c) => c.path), ['README.md', 'data/'], 'walk order: code points, "R" before "d"');
    assert.deepEqual((rev.sub as { children: Array<{ path: string; size: number }> }).children.map((c) => [c.path, c.size]), [['data/table.csv', files['data/table.csv'].length]]);
    const file = rev.file as { physicalKey: string; metadata: { user_meta: unknown } };
    assert.match(file.physicalKey, new RegExp(`^s3://${cat.bucket}/src/${run}/README\\.md\\?versionId=`));
    assert.deepEqual(file.metadata, { user_meta: { source: 'test', index: 0 } });
    assert.deepEqual(Object.keys(rev.contentsFlatMap as object).sort(), ['README.md', 'data/table.csv']);
    assert.equal(q.package.revisions.total, 1);
    assert.equal(q.package.revisions.page[0]!.hash, hash);

    const byPrefix = await cat.gql('reader').request<{ package: { revision: { hash: string } | null } }>(REVISION, { bucket: cat.bucket, name, ref: hash.slice(0, 10) });
    assert.equal(byPrefix.package.revision?.hash, hash);
    const list = await cat.gql('reader').request<{ packages: { total: number; page: Array<{ name: string }> } }>(gql`query($b: String!, $f: String) { packages(bucket: $b, filter: $f) { total page { name } } }`, { b: cat.bucket, f: run });
    assert.deepEqual(list.packages.page.map((p) => p.name), [name]);
  });

  test('is found in the search index <bucket>_packages: manifest, entries and pointers', async () => {
    await eventually(async () => {
      const ptrs = await searchPackagesIndex(JSON.stringify({ term: { ptr_name: name } }));
      assert.deepEqual(ptrs.map((h) => h._source.ptr_tag).sort().at(-1), 'latest', `pointer docs: ${JSON.stringify(ptrs.map((h) => h._source))}`);
      assert.equal(ptrs.length, 2, 'a timestamp pointer and latest');
      const m = await searchPackagesIndex(JSON.stringify({ ids: { values: [`mnfst:${hash}`] } }));
      assert.equal(m.length, 1);
      assert.equal(m[0]!._source.mnfst_message, `first revision of ${run}`);
      assert.deepEqual(m[0]!._source.mnfst_stats, { total_bytes: files['README.md'].length + files['data/table.csv'].length, total_files: 2 });
      const entries = await searchPackagesIndex(JSON.stringify({ parent_id: { type: 'entry', id: `mnfst:${hash}` } }));
      assert.deepEqual(entries.map((e) => e._source.entry_lk).sort(), ['README.md', 'data/table.csv']);
    }, { timeoutMs: 20_000, intervalMs: 150, what: `package ${name} in ${cat.bucket}_packages` });
    const viaQuery = await cat.get(`/api/search?index=${cat.bucket}_packages&action=search&query=${encodeURIComponent(`pkg-${run}`)}`, 'reader');
    assert.equal(viaQuery.status, 200);
    assert.ok((viaQuery.body as { hits: { hits: Array<{ _source: { ptr_name?: string } }> } }).hits.hits.some((h) => h._source.ptr_name === name), 'the query_string search finds the pointers by name');
    const sp = await cat.gql('reader').request<{ searchPackages: { __typename: string; total: number; firstPage: { hits: Array<{ name: string; hash: string; pointer: string; comment: string; totalEntriesCount: number }> } } }>(
      gql`query($s: String) { searchPackages(searchString: $s, latestOnly: true) { __typename ... on PackagesSearchResultSet { total firstPage { hits { name hash pointer comment totalEntriesCount } } } } }`, { s: 'table.csv' });
    assert.equal(sp.searchPackages.__typename, 'PackagesSearchResultSet');
    const hit = sp.searchPackages.firstPage.hits.find((h) => h.name === name);
    assert.ok(hit, `searchPackages("table.csv") found ${JSON.stringify(sp.searchPackages)}`);
    assert.deepEqual([hit.hash, hit.pointer, hit.comment, hit.totalEntriesCount], [hash, 'latest', `first revision of ${run}`, 2]);
  });

  test('packageRevisionDelete: the reader is refused; the admin deletes it from GraphQL and search', async () => {
    const denied = await cat.gql('reader').request<{ packageRevisionDelete: { __typename: string; name?: string } }>(DELETE, { bucket: cat.bucket, name, hash });
    assert.equal(denied.packageRevisionDelete.__typename, 'OperationError');
    assert.equal(denied.packageRevisionDelete.name, 'AccessDenied');
    const ok = await cat.gql('admin').request<{ packageRevisionDelete: { __typename: string } }>(DELETE, { bucket: cat.bucket, name, hash });
    assert.equal(ok.packageRevisionDelete.__typename, 'PackageRevisionDeleteSuccess');

    const q = await cat.gql('reader').request<{ package: unknown }>(REVISION, { bucket: cat.bucket, name, ref: 'latest' });
    assert.equal(q.package, null);
    await eventually(async () => {
      const ptrs = await searchPackagesIndex(JSON.stringify({ term: { ptr_name: name } }));
      assert.equal(ptrs.length, 0, `pointer docs left: ${JSON.stringify(ptrs.map((h) => h._source))}`);
    }, { timeoutMs: 20_000, intervalMs: 150, what: 'pointer docs removed' });
    const sp = await cat.gql('reader').request<{ searchPackages: { total: number } }>(
      gql`query($s: String) { searchPackages(searchString: $s) { ... on PackagesSearchResultSet { total } ... on EmptySearchResultSet { _ } } }`, { s: `pkg-${run}` });
    assert.equal(sp.searchPackages.total, 0);
    const again = await cat.gql('admin').request<{ packageRevisionDelete: { __typename: string; name?: string } }>(DELETE, { bucket: cat.bucket, name, hash });
    assert.equal(again.packageRevisionDelete.__typename, 'OperationError');
    assert.equal(again.packageRevisionDelete.name, 'NotFound');
  });
});

describe('GraphQL reads', () => {
  test('bucketConfigs lists the bucket for the reader and nothing for the outsider; package() on an unreadable bucket is 403', async () => {
    const q = '{ bucketConfigs { name } }';
    assert.deepEqual((await cat.post('reader', { query: q })).body.data, { bucketConfigs: [{ name: cat.bucket }] });
    assert.deepEqual((await cat.post('outsider', { query: q })).body.data, { bucketConfigs: [] });
    const r = await cat.post('outsider', { query: `{ package(bucket: "${cat.bucket}", name: "a/b") { name } }` });
    assert.equal(r.status, 403);
    const missing = await cat.post('reader', { query: `{ package(bucket: "${cat.bucket}", name: "cattest/does-not-exist") { name } }` });
    assert.deepEqual(missing.body.data, { package: null });
    const noBucket = await cat.post('reader', { query: `{ package(bucket: "quilt-e2e-no-such-${run}", name: "a/b") { name } }` });
    assert.equal(noBucket.status, 200);
    assert.equal((noBucket.body.errors as Array<{ extensions: { code: string } }>)[0]!.extensions.code, 'NoSuchBucket');
  });

  test('searchObjects finds objects by content with filters', async () => {
    await cat.searchUntil(`alpha`, (h) => h.some((x) => x._source.key === `src/${run}/data/table.csv`), 'table.csv indexed');
    const r = await cat.gql('reader').request<{ searchObjects: { __typename: string; total: number; firstPage: { hits: Array<{ key: string; bucket: string; size: number; deleted: boolean }> } } }>(
      gql`query($b: [String!]) { searchObjects(buckets: $b, searchString: "alpha", filter: { ext: { terms: [".csv"] } }) { __typename ... on ObjectsSearchResultSet { total firstPage(size: 10) { hits { key bucket size deleted } } } } }`, { b: [cat.bucket] });
    assert.equal(r.searchObjects.__typename, 'ObjectsSearchResultSet');
    assert.deepEqual(r.searchObjects.firstPage.hits.map((h) => [h.key, h.bucket, h.size, h.deleted]), [[`src/${run}/data/table.csv`, cat.bucket, files['data/table.csv'].length, false]]);
  });
});

describe('tabulator tables', () => {
  const SET = gql`
    mutation Set($b: String!, $t: String!, $c: String) {
      bucketSetTabulatorTable(bucketName: $b, tableName: $t, config: $c) {
        __typename
        ... on BucketConfig { name tabulatorTables { name config } }
        ... on InvalidInput { errors { path message } }
        ... on OperationError { name message }
      }
    }`;
  type SetResult = { bucketSetTabulatorTable: { __typename: string; tabulatorTables?: Array<{ name: string; config: string }>; errors?: Array<{ path: string; message: string }>; name?: string } };
  const yaml = `schema:\n  - name: id\n    type: INT\nsource:\n  type: quilt-packages\n  package_name: ^cattest/(?<pkg>.*)$\n  logical_key: (?<file>.*)\\.csv$\nparser:\n  format: csv\n`;

  test('a valid YAML config is stored in the bucket and listed; invalid YAML is refused; the reader may not set one; null removes it', async () => {
    const table = `t_${run}`;
    const ok = await cat.gql('admin').request<SetResult>(SET, { b: cat.bucket, t: table, c: yaml });
    assert.equal(ok.bucketSetTabulatorTable.__typename, 'BucketConfig');
    assert.deepEqual(ok.bucketSetTabulatorTable.tabulatorTables, [{ name: table, config: yaml }]);
    const listed = await cat.post('reader', { query: `{ bucketConfig(name: "${cat.bucket}") { name tabulatorTables { name config } } }` });
    assert.deepEqual(listed.body.data, { bucketConfig: { name: cat.bucket, tabulatorTables: [{ name: table, config: yaml }] } });
    const stored = await cat.s3('admin').send(new ListObjectsV2Command({ Bucket: cat.bucket, Prefix: '.quilt/tabulator/' }));
    assert.deepEqual((stored.Contents ?? []).map((o) => o.Key), [`.quilt/tabulator/${table}.yml`]);

    const bad = await cat.gql('admin').request<SetResult>(SET, { b: cat.bucket, t: table, c: 'schema: [unclosed' });
    assert.equal(bad.bucketSetTabulatorTable.__typename, 'InvalidInput');
    const missing = await cat.gql('admin').request<SetResult>(SET, { b: cat.bucket, t: table, c: 'schema: []\n' });
    // Every problem is listed, each with its place in the YAML.
    const problems = missing.bucketSetTabulatorTable.errors!.map((e) => `${e.path}: ${e.message}`).join('\n');
    assert.match(problems, /"source" is missing/);
    assert.match(problems, /"parser" is missing/);
    assert.match(problems, /line \d+, column \d+/);
    const badName = await cat.gql('admin').request<SetResult>(SET, { b: cat.bucket, t: 'Bad Name', c: yaml });
    assert.equal(badName.bucketSetTabulatorTable.errors![0]!.path, 'tableName');
    const reader = await cat.gql('reader').request<SetResult>(SET, { b: cat.bucket, t: table, c: yaml });
    assert.equal(reader.bucketSetTabulatorTable.name, 'AccessDenied');

    const removed = await cat.gql('admin').request<SetResult>(SET, { b: cat.bucket, t: table, c: null });
    assert.deepEqual(removed.bucketSetTabulatorTable.tabulatorTables, []);
  });
});

describe("workflow in packageConstruct means what it means in Quilt's pkgpush", () => {
  const WORKFLOW_REVISION = gql`
    query W($bucket: String!, $name: String!) { package(bucket: $bucket, name: $name) { revision(hashOrTag: "latest") { workflow { config id } } } }`;
  const CONFIG_KEY = '.quilt/workflows/config.yml';
  const push = async (pkg: string, workflow: string | null | undefined) => {
    const v = constructVars(pkg);
    const params = { ...v.params, message: `workflow ${String(workflow)} ${run}`, ...(workflow !== undefined ? { workflow } : {}) };
    return (await cat.gql('admin').request<Construct>(CONSTRUCT, { params, src: v.src })).packageConstruct;
  };
  const workflowOf = async (pkg: string) => (await cat.gql('admin').request<{ package: { revision: { workflow: { config: string; id: string | null } | null } } }>(WORKFLOW_REVISION, { bucket: cat.bucket, name: pkg })).package.revision.workflow;
  const refused = (r: Construct['packageConstruct'], message: RegExp): void => {
    assert.equal(r.__typename, 'InvalidInput', JSON.stringify(r));
    assert.equal(r.errors![0]!.path, 'params.workflow');
    assert.match(r.errors![0]!.message, message);
  };

  test('no workflows config: omitted or null pushes without one; a workflow or "" is refused', async () => {
    const pkg = `cattest/wf-none-${run}`;
    assert.equal((await push(pkg, undefined)).__typename, 'PackagePushSuccess');
    assert.equal(await workflowOf(pkg), null);
    assert.equal((await push(pkg, null)).__typename, 'PackagePushSuccess');
    refused(await push(pkg, 'alpha'), /^'alpha' workflow is specified, but no workflows config exist/);
    refused(await push(pkg, ''), /^None workflow is specified, but no workflows config exist/);
  });

  test('with a config: omitted means the default workflow, a name that workflow, "" none (only when not required)', async () => {
    const pkg = `cattest/wf-config-${run}`;
    const s3 = cat.s3('admin');
    try {
      await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: CONFIG_KEY, Body: 'version: "1"\ndefault_workflow: alpha\nworkflows:\n  alpha:\n    name: Alpha\n  beta:\n    name: Beta\n' }));
      assert.equal((await push(pkg, undefined)).__typename, 'PackagePushSuccess');
      assert.equal((await workflowOf(pkg))?.id, 'alpha', 'omitted: the bucket\'s default_workflow');
      assert.equal((await push(pkg, null)).__typename, 'PackagePushSuccess');
      assert.equal((await workflowOf(pkg))?.id, 'alpha', 'null: the same as omitted');
      assert.equal((await push(pkg, 'beta')).__typename, 'PackagePushSuccess');
      assert.equal((await workflowOf(pkg))?.id, 'beta');
      refused(await push(pkg, 'gamma'), /^There is no 'gamma' workflow in config/);
      refused(await push(pkg, ''), /^Workflow required, but none specified/);
      await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: CONFIG_KEY, Body: 'version: "1"\nis_workflow_required: false\nworkflows:\n  alpha:\n    name: Alpha\n' }));
      assert.equal((await push(pkg, '')).__typename, 'PackagePushSuccess');
      assert.equal(await workflowOf(pkg), null, '"" with is_workflow_required: false: no workflow');
      assert.equal((await push(pkg, undefined)).__typename, 'PackagePushSuccess', 'no default and not required: none');
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: CONFIG_KEY }));
    }
  });
});

// Last: the promoted copies hold the same bytes as the files above, which the content searches would also find.
describe('packagePromote and browsing sessions, as quilt-mcp and the catalog use them', () => {
  const source = `cattest/promote-src-${run}`;
  const promoted = `cattest/promoted-${run}`;
  let srcHash = '';
  const PROMOTE = gql`
    mutation Promote($params: PackagePushParams!, $src: PackagePromoteSource!, $destPrefix: String) {
      packagePromote(params: $params, src: $src, destPrefix: $destPrefix) {
        __typename
        ... on PackagePushSuccess { revision { hash message userMeta contentsFlatMap } }
        ... on InvalidInput { errors { path message name } }
        ... on OperationError { message name }
      }
    }`;
  const SESSION = gql`
    mutation Session($scope: String!, $ttl: Int!) {
      browsingSessionCreate(scope: $scope, ttl: $ttl) {
        __typename
        ... on BrowsingSession { id expires }
        ... on InvalidInput { errors { path message name } }
        ... on OperationError { message name }
      }
    }`;
  type Promote = { packagePromote: { __typename: string; revision?: { hash: string; message: string; userMeta: unknown; contentsFlatMap: Record<string, { physicalKey: string; size: number }> }; errors?: Array<{ path: string; message: string }>; name?: string } };
  type Session = { browsingSessionCreate: { __typename: string; id?: string; expires?: string; errors?: Array<{ path: string; message: string }> } };
  const browse = (id: string, path: string) => fetch(`${cat.url}/browse/${id}/${path}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });

  before(async () => {
    const r = await cat.gql('admin').request<Construct>(CONSTRUCT, constructVars(source));
    assert.equal(r.packageConstruct.__typename, 'PackagePushSuccess', JSON.stringify(r.packageConstruct));
    srcHash = r.packageConstruct.revision!.hash;
  });

  test('browsingSessionCreate: the reader gets a session; /browse/<id>/<logical key> redirects to the bytes; a bad scope, a missing path, a disposed session are refused', async () => {
    const s = await cat.gql('reader').request<Session>(SESSION, { scope: `quilt+s3://${cat.bucket}#package=${source}@${srcHash}`, ttl: 60 });
    assert.equal(s.browsingSessionCreate.__typename, 'BrowsingSession', JSON.stringify(s.browsingSessionCreate));
    const id = s.browsingSessionCreate.id!;
    const left = Date.parse(s.browsingSessionCreate.expires!) - Date.now();
    assert.ok(left > 50_000 && left <= 60_000, `expires in ${left} ms`);
    const r = await browse(id, 'data/table.csv');
    assert.equal(r.status, 302);
    const bytes = Buffer.from(await (await fetch(r.headers.get('location')!)).arrayBuffer());
    assert.deepEqual(bytes, files['data/table.csv'], 'the redirect serves the file of that revision');
    assert.equal((await browse(id, 'no/such.csv')).status, 404);
    assert.equal((await browse('not-a-session', 'data/table.csv')).status, 404);

    const bad = await cat.gql('reader').request<Session>(SESSION, { scope: `s3://${cat.bucket}/${source}`, ttl: 60 });
    assert.equal(bad.browsingSessionCreate.__typename, 'InvalidInput');
    assert.equal(bad.browsingSessionCreate.errors![0]!.path, 'scope');
    assert.match(bad.browsingSessionCreate.errors![0]!.message, /quilt\+s3:\/\/my-bucket#package=team\/dataset@/);
    const gone = await cat.gql('reader').request<Session>(SESSION, { scope: `quilt+s3://${cat.bucket}#package=${source}@${'0'.repeat(64)}`, ttl: 60 });
    assert.equal(gone.browsingSessionCreate.__typename, 'InvalidInput', 'a revision that does not exist');
    const outsider = await cat.post('outsider', { query: SESSION, variables: { scope: `quilt+s3://${cat.bucket}#package=${source}@${srcHash}`, ttl: 60 } });
    assert.equal(outsider.status, 403, JSON.stringify(outsider.body));

    const d = await cat.gql('reader').request<{ browsingSessionDispose: { __typename: string } }>(gql`mutation($id: ID!) { browsingSessionDispose(id: $id) { __typename } }`, { id });
    assert.equal(d.browsingSessionDispose.__typename, 'Ok');
    assert.equal((await browse(id, 'data/table.csv')).status, 404, 'a disposed session opens nothing');
  });

  test('packagePromote copies every file to <name>/<logical key> and pushes the revision; the reader is refused; destPrefix is refused', async () => {
    const vars = { params: { bucket: cat.bucket, name: promoted, message: 'promoted', userMeta: { promoted: true } }, src: { bucket: cat.bucket, name: source, hash: srcHash } };
    const denied = await cat.gql('reader').request<Promote>(PROMOTE, vars);
    assert.equal(denied.packagePromote.__typename, 'OperationError');
    assert.equal(denied.packagePromote.name, 'AccessDenied');
    const withPrefix = await cat.gql('admin').request<Promote>(PROMOTE, { ...vars, destPrefix: 'elsewhere/' });
    assert.equal(withPrefix.packagePromote.__typename, 'InvalidInput');
    assert.equal(withPrefix.packagePromote.errors![0]!.path, 'destPrefix');

    const r = await cat.gql('admin').request<Promote>(PROMOTE, vars);
    assert.equal(r.packagePromote.__typename, 'PackagePushSuccess', JSON.stringify(r.packagePromote));
    const rev = r.packagePromote.revision!;
    assert.equal(rev.message, 'promoted');
    assert.deepEqual(rev.userMeta, { promoted: true });
    for (const [lk, bytes] of Object.entries(files)) {
      const e = rev.contentsFlatMap[lk]!;
      assert.match(e.physicalKey, new RegExp(`^s3://${cat.bucket}/${promoted}/${lk.replace('.', '\\.')}\\?versionId=`), `${lk} copied under the package name`);
      const obj = await cat.s3('admin').send(new GetObjectCommand({ Bucket: cat.bucket, Key: `${promoted}/${lk}` }));
      assert.deepEqual(Buffer.from(await obj.Body!.transformToByteArray()), bytes, `${lk}: the copy holds the same bytes`);
    }
  });
});

describe('a manifest rewritten by a later push of the same content', () => {
  test('is read anew: each package shows the physical keys it was pushed with, not those of the earlier push', async () => {
    // The top hash does not cover physical keys: quilt3 rewrites .quilt/packages/<hash> on every push.
    const vars = (pkg: string, dir: string) => ({
      params: { bucket: cat.bucket, name: pkg, message: `same content ${run}` },
      src: { entries: Object.entries(files).map(([lk, bytes]) => ({ logicalKey: lk, physicalKey: `s3://${cat.bucket}/${dir}/${lk}`, hash: { type: 'sha2-256-chunked', value: chunkedSha256OfBytes(bytes) }, size: bytes.length })) },
    });
    for (const [lk, bytes] of Object.entries(files)) await cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: `src/${run}-again/${lk}`, Body: bytes }));
    const readme = async (pkg: string): Promise<string> => (await cat.gql('reader').request<{ package: { revision: { file: { physicalKey: string } } } }>(REVISION, { bucket: cat.bucket, name: pkg, ref: 'latest' })).package.revision.file.physicalKey;
    const a = await cat.gql('admin').request<Construct>(CONSTRUCT, vars(`cattest/same-a-${run}`, `src/${run}`));
    assert.equal(a.packageConstruct.__typename, 'PackagePushSuccess', JSON.stringify(a.packageConstruct));
    assert.match(await readme(`cattest/same-a-${run}`), new RegExp(`/src/${run}/README\\.md\\?versionId=`));
    const b = await cat.gql('admin').request<Construct>(CONSTRUCT, vars(`cattest/same-b-${run}`, `src/${run}-again`));
    assert.equal(b.packageConstruct.revision?.hash, a.packageConstruct.revision?.hash, 'the same content, the same top hash');
    assert.match(await readme(`cattest/same-b-${run}`), new RegExp(`/src/${run}-again/README\\.md\\?versionId=`), 'the rewritten manifest, not the cached earlier one');
  });
});
