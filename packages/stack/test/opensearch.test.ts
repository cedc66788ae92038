/**
 * The stack's OpenSearch answers real queries, and it has the modules Quilt's indexes need.
 * Runs against the running server (npm run stack -- up opensearch); port from loadStackConfig().
 *
 *   node --import tsx --test packages/stack/test/opensearch.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@opensearch-project/opensearch';
import { loadStackConfig } from '../src/config.js';
import { opensearch } from '../src/servers/opensearch.js';

const config = loadStackConfig();
const node = `http://${config.host}:${config.ports.opensearch}`;
const client = new Client({ node, requestTimeout: 30_000 });
const run = `${process.pid}-${Date.now()}`;
const created: string[] = [];

interface Hit { _id: string; _source: Record<string, unknown> }

async function createIndex(index: string, body: Record<string, unknown>): Promise<void> {
  const res = await client.indices.create({ index, body });
  assert.equal(res.body.acknowledged, true, `creating ${index} was not acknowledged`);
  created.push(index);
}

async function search(index: string, body: Record<string, unknown>): Promise<{ total: number; ids: string[]; hits: Hit[]; aggregations: Record<string, unknown> | undefined }> {
  const res = await client.search({ index, body });
  const hits = res.body.hits.hits as unknown as Hit[];
  const total = res.body.hits.total;
  return {
    total: typeof total === 'number' ? total : (total?.value ?? -1),
    ids: hits.map((h) => h._id).sort(),
    hits,
    aggregations: res.body.aggregations as Record<string, unknown> | undefined,
  };
}

before(async () => {
  const up = await opensearch.healthy(config);
  assert.ok(up, `OpenSearch is not answering on ${node}: start it with \`npm run stack -- up opensearch\` (logs: ${opensearch.logFiles(config).join(', ')})`);
});

after(async () => {
  if (created.length > 0) await client.indices.delete({ index: created.join(','), ignore_unavailable: true }).catch(() => undefined);
  await client.close();
});

test(`OpenSearch ${opensearch.version} answers a full-text query over documents it has just indexed`, async () => {
  const info = await client.info();
  assert.equal(info.body.version.distribution, 'opensearch');
  assert.equal(info.body.version.number, opensearch.version);

  const index = `quilt-e2e-test-objects-${run}`;
  await createIndex(index, {
    mappings: {
      properties: {
        key: { type: 'keyword' },
        ext: { type: 'keyword' },
        size: { type: 'long' },
        content: { type: 'text', analyzer: 'english' },
      },
    },
  });
  const docs = [
    { key: 'reports/q1.parquet', ext: '.parquet', size: 2048, content: 'Quarterly revenue tables for the first quarter' },
    { key: 'reports/q2.parquet', ext: '.parquet', size: 4096, content: 'Revenue by region, second quarter' },
    { key: 'notes/README.md', ext: '.md', size: 120, content: 'How the sequencing runs were calibrated' },
  ];
  const bulk = await client.bulk({
    refresh: 'true',
    body: docs.flatMap((d) => [{ index: { _index: index, _id: d.key } }, d]),
  });
  assert.equal(bulk.body.errors, false, `bulk indexing reported errors: ${JSON.stringify(bulk.body.items).slice(0, 500)}`);

  // Stemming (english analyzer): "revenues" finds "revenue"; "quarters" finds "quarter".
  const text = await search(index, { query: { match: { content: 'revenues' } } });
  assert.equal(text.total, 2);
  assert.deepEqual(text.ids, ['reports/q1.parquet', 'reports/q2.parquet']);

  const both = await search(index, {
    query: { bool: { must: [{ match: { content: 'quarters' } }], filter: [{ range: { size: { gte: 3000 } } }] } },
  });
  assert.deepEqual(both.ids, ['reports/q2.parquet']);
  assert.equal(both.hits[0]?._source.key, 'reports/q2.parquet');

  const none = await search(index, { query: { match: { content: 'genome' } } });
  assert.equal(none.total, 0);

  const agg = await search(index, { size: 0, aggs: { exts: { terms: { field: 'ext' } }, bytes: { sum: { field: 'size' } } } });
  const buckets = (agg.aggregations?.exts as { buckets: { key: string; doc_count: number }[] }).buckets;
  assert.deepEqual(buckets.map((b) => [b.key, b.doc_count]), [['.parquet', 2], ['.md', 1]]);
  assert.equal((agg.aggregations?.bytes as { value: number }).value, 2048 + 4096 + 120);
});

test('a parent/child join mapping (as in <bucket>_packages) is accepted and has_child / has_parent work', async () => {
  const index = `quilt-e2e-test-${run}_packages`;
  await createIndex(index, {
    mappings: {
      properties: {
        join_field: { type: 'join', relations: { package: 'entry' } },
        handle: { type: 'keyword' },
        logical_key: { type: 'keyword' },
      },
    },
  });
  const mapping = await client.indices.getMapping({ index });
  const props = (mapping.body[index]?.mappings as { properties: Record<string, { type: string; relations?: unknown }> }).properties;
  assert.equal(props.join_field?.type, 'join');
  assert.deepEqual(props.join_field?.relations, { package: 'entry' });

  const bulk = await client.bulk({
    refresh: 'true',
    body: [
      { index: { _index: index, _id: 'pkg-a' } }, { handle: 'team/alpha', join_field: 'package' },
      { index: { _index: index, _id: 'pkg-b' } }, { handle: 'team/beta', join_field: 'package' },
      { index: { _index: index, _id: 'entry-a1', routing: 'pkg-a' } }, { logical_key: 'data/one.csv', join_field: { name: 'entry', parent: 'pkg-a' } },
      { index: { _index: index, _id: 'entry-b1', routing: 'pkg-b' } }, { logical_key: 'data/two.csv', join_field: { name: 'entry', parent: 'pkg-b' } },
    ],
  });
  assert.equal(bulk.body.errors, false, `bulk indexing reported errors: ${JSON.stringify(bulk.body.items).slice(0, 500)}`);

  const parents = await search(index, { query: { has_child: { type: 'entry', query: { term: { logical_key: 'data/one.csv' } } } } });
  assert.deepEqual(parents.ids, ['pkg-a']);

  const children = await search(index, { query: { has_parent: { parent_type: 'package', query: { term: { handle: 'team/beta' } } } } });
  assert.deepEqual(children.ids, ['entry-b1']);

  const byParent = await search(index, { query: { parent_id: { type: 'entry', id: 'pkg-a' } } });
  assert.deepEqual(byParent.ids, ['entry-a1']);
});

test('an index created without settings gets 0 replicas, so the one-node cluster stays green', async () => {
  const index = `quilt-e2e-test-defaults-${run}`;
  await createIndex(index, {});
  const settings = await client.indices.getSettings({ index });
  const indexSettings = (settings.body[index]?.settings as { index: { number_of_replicas: string } }).index;
  assert.equal(indexSettings.number_of_replicas, '0');
  const health = await client.cluster.health({ index, wait_for_status: 'green', timeout: '10s' });
  assert.equal(health.body.status, 'green');
});
