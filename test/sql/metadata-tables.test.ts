/**
 * The package metadata tables over the registry's own S3 layout, against the package engine:
 * row for row the same revisions, tags, manifests and entries after pushes, an update, a deleted
 * revision and a deleted package — each visible on the very next query (no waiting, no cache).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPlain, type JsonValue } from '@quilt-e2e/quilt-js';
import { ensurePackageMetadataTables, packageTableNames } from '@quilt-e2e/platform';
import { literal } from '@quilt-e2e/trino-rest';
import { BUCKET, engine, sortRows, sqlScratch, trino, trinoTimestamp, type SqlScratch } from './helpers.js';

const names = packageTableNames(BUCKET);

/** What the package engine says, in the shape of the four views. */
async function fromEngine(s: SqlScratch, packages: string[], hashes: string[]) {
  const revision: unknown[][] = [];
  const tag: unknown[][] = [];
  for (const p of packages) {
    const latest = await s.registry.latestHash(p);
    if (latest === undefined) continue;
    tag.push([p, 'latest', latest]);
    for (const r of await s.registry.revisions(p)) revision.push([p, trinoTimestamp(r.date), r.hash]);
  }
  const manifest: unknown[][] = [];
  const entry: unknown[][] = [];
  for (const h of hashes) {
    const m = await s.registry.readManifest(h);
    manifest.push([h, m.message, m.userMeta ?? null]);
    for (const e of m.entries) {
      const um = e.meta.get('user_meta');
      entry.push([h, e.logicalKey, e.physicalKey, e.hash.type, e.hash.value, e.size, um === undefined ? null : toPlain(um as JsonValue)]);
    }
  }
  return { revision: sortRows(revision), tag: sortRows(tag), manifest: sortRows(manifest), entry: sortRows(entry) };
}

/** What the SQL views say (JSON metadata parsed, so both sides compare as values). */
async function fromSql(s: SqlScratch, hashes: string[]) {
  const like = literal(`${s.ns}/%`);
  const inHashes = hashes.length ? hashes.map(literal).join(', ') : "''";
  const json = (v: unknown) => (v === null ? null : JSON.parse(String(v)) as unknown);
  const q = async (sql: string) => (await engine.run(sql, { database: 'quilt_e2e', deadlineMs: 60_000 })).rows;
  const [revision, tag, manifest, entry] = await Promise.all([
    q(`SELECT pkg_name, CAST("timestamp" AS varchar), top_hash FROM "${names.revision}" WHERE pkg_name LIKE ${like}`),
    q(`SELECT pkg_name, tag_name, top_hash FROM "${names.tag}" WHERE pkg_name LIKE ${like}`),
    q(`SELECT top_hash, message, metadata FROM "${names.manifest}" WHERE top_hash IN (${inHashes})`),
    q(`SELECT top_hash, logical_key, physical_key, hash_type, hash_value, size, metadata FROM "${names.entry}" WHERE top_hash IN (${inHashes})`),
  ]);
  return {
    revision: sortRows(revision),
    tag: sortRows(tag),
    manifest: sortRows(manifest.map(([h, msg, meta]) => [h, msg, json(meta)])),
    entry: sortRows(entry.map((r) => [...r.slice(0, 6), json(r[6])])),
  };
}

async function assertSame(s: SqlScratch, packages: string[], hashes: string[], when: string): Promise<void> {
  const [want, got] = await Promise.all([fromEngine(s, packages, hashes), fromSql(s, hashes)]);
  for (const view of ['revision', 'tag', 'manifest', 'entry'] as const) {
    assert.deepEqual(got[view], want[view], `${when}: "${BUCKET}_package_${view}" differs from the registry`);
  }
}

test('package metadata tables equal the registry row for row after pushes, an update and deletes', { timeout: 240_000 }, async (t) => {
  const s = await sqlScratch(t);
  await ensurePackageMetadataTables(trino, BUCKET);
  const a = s.pkg('alpha');
  const b = s.pkg('beta');
  const hashes: string[] = [];

  const a1 = await s.registry.create(a, {
    message: `first ${s.id}`,
    userMeta: { team: 'e2e', ratio: 0.5, big: 1e16, nested: { list: [1, 2.5, 'é'] } },
    entries: [
      { logicalKey: 'data/samples.csv', content: 'sample_id,reads\nS1,10\n', meta: { kind: 'table', rows: 1 } },
      { logicalKey: 'README.md', content: `# alpha ${s.id}\n` },
      { logicalKey: 'data/a b/ü.txt', content: 'unicode and spaces in keys' },
    ],
  });
  const b1 = await s.registry.create(b, { message: null, entries: [{ logicalKey: 'x.json', content: `{"id": "${s.id}"}` }] });
  hashes.push(a1.hash, b1.hash);
  await assertSame(s, [a, b], hashes, 'after two pushes');

  const a2 = await s.registry.update(a, {
    message: `second ${s.id}`,
    userMeta: { team: 'e2e', version: 2 },
    set: [{ logicalKey: 'data/samples.csv', content: 'sample_id,reads\nS1,10\nS2,20\n' }, { logicalKey: 'data/more.csv', content: 'x\n1\n' }],
    remove: ['README.md'],
  });
  hashes.push(a2.hash);
  const revisions = await engine.run(`SELECT top_hash FROM "${names.revision}" WHERE pkg_name = ${literal(a)} ORDER BY "timestamp"`, { database: 'quilt_e2e' });
  assert.deepEqual(revisions.rows, [[a1.hash], [a2.hash]], 'the update is visible on the next query');
  await assertSame(s, [a, b], hashes, 'after an update');

  await s.registry.deleteRevision(a, a2.hash);
  await assertSame(s, [a, b], hashes, 'after deleting the latest revision (latest moves back)');
  const latest = await engine.run(`SELECT top_hash FROM "${names.tag}" WHERE pkg_name = ${literal(a)} AND tag_name = 'latest'`, { database: 'quilt_e2e' });
  assert.deepEqual(latest.rows, [[a1.hash]]);

  await s.registry.deletePackage(b);
  await assertSame(s, [a, b], hashes, 'after deleting a package (its manifest stays, as in quilt3)');
  const gone = await engine.run(`SELECT count(*) FROM "${names.revision}" WHERE pkg_name = ${literal(b)}`, { database: 'quilt_e2e' });
  assert.deepEqual(gone.rows, [[0]]);
});

test('ensurePackageMetadataTables is idempotent and the base tables are external (drop keeps S3 data)', { timeout: 120_000 }, async (t) => {
  const s = await sqlScratch(t);
  const again = await ensurePackageMetadataTables(trino, BUCKET);
  assert.deepEqual(again.created, [], 'nothing to create the second time');
  // A throw-away copy of the tables for a prefix-only "bucket view": drop it and check the objects survive.
  const pushed = await s.registry.create(s.pkg('keep'), { message: s.id, entries: [{ logicalKey: 'k.txt', content: s.id }] });
  const schema = `unitsql_${s.id}`;
  await trino.query(`CREATE SCHEMA hive."${schema}"`);
  try {
    const made = await ensurePackageMetadataTables(trino, BUCKET, { schema });
    assert.equal(made.created.length, 6);
    const r = await engine.run(`SELECT count(*) FROM "${names.entry}" WHERE top_hash = ${literal(pushed.hash)}`, { database: schema });
    assert.deepEqual(r.rows, [[1]]);
    await trino.query(`DROP TABLE hive."${schema}"."${names.manifests}"`).catch(() => undefined);
  } finally {
    for (const v of ['revision', 'tag', 'manifest', 'entry'] as const) await trino.query(`DROP VIEW IF EXISTS hive."${schema}"."${names[v]}"`);
    for (const tb of [names.packages, names.manifests]) await trino.query(`DROP TABLE IF EXISTS hive."${schema}"."${tb}"`);
    await trino.query(`DROP SCHEMA IF EXISTS hive."${schema}"`);
  }
  assert.equal((await s.registry.browse(s.pkg('keep'))).hash, pushed.hash, 'the manifest and pointers are still in S3 after DROP TABLE');
});
