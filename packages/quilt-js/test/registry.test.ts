/**
 * Registry operations against the running Ceph RGW (versioned bucket), nothing mocked.
 */
import assert from 'node:assert/strict';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, test } from 'node:test';
import { QuiltConflictError, QuiltNotFoundError, QuiltValidationError } from '../src/errors.js';
import { pyFloat } from '../src/json/values.js';
import { Manifest } from '../src/manifest.js';
import { parsePhysicalKey } from '../src/physical-key.js';
import { BUCKET, client, keysUnder, scratch, type Scratch } from './helpers.js';

async function assertNothingWritten(s: Scratch): Promise<void> {
  assert.deepEqual(await keysUnder(s.store, `.quilt/named_packages/${s.ns}/`), []);
  assert.deepEqual(await keysUnder(s.store, `${s.ns}/`), []);
}

describe('create and browse', () => {
  test('from content, a local file and an S3 object: data, manifest, pointers as quilt3 writes them', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('first');
    const local = await s.file('local.csv', 'a,b\n1,2\n');
    const remote = await s.object('raw/remote.txt', 'remote bytes');
    const result = await s.registry.create(name, {
      message: `first ${s.id}`,
      userMeta: { owner: 'unit', score: pyFloat(1), ratio: 0.25, tags: ['é', '😀'] },
      entries: [
        { logicalKey: 'README.md', content: '# hi\n', meta: { k: 'é' } },
        { logicalKey: 'data/local.csv', source: local },
        { logicalKey: 'data/remote.txt', source: remote },
      ],
    });

    // pointers: latest and the timestamp hold the bare hash, no newline
    assert.equal(await s.store.getText(BUCKET, `.quilt/named_packages/${name}/latest`), result.hash);
    assert.equal(await s.store.getText(BUCKET, `.quilt/named_packages/${name}/${result.timestamp}`), result.hash);
    assert.ok(Math.abs(Number(result.timestamp) - Date.now() / 1000) < 60);

    // the manifest is stored under its own top hash, byte for byte what we serialize
    const text = await s.store.getText(BUCKET, `.quilt/packages/${result.hash}`);
    assert.equal(text, result.revision.manifest.serialize());
    assert.equal(Manifest.parse(text).topHash(), result.hash);
    assert.match(text.split('\n')[0] as string, /^\{"version": "v0", "user_meta": \{"owner": "unit", "score": 1.0, "ratio": 0.25, "tags": \["é", "😀"\]\}, "message": "first [0-9a-f]+"\}$/);

    // data: uploads land at <user>/<pkg>/<logical_key> with a versionId; same-bucket S3 objects stay in place
    const rev = await s.registry.browse(name);
    const readme = rev.location('README.md');
    assert.ok(readme.scheme === 's3' && readme.key === `${name}/README.md` && readme.versionId);
    assert.equal(Buffer.from(await s.store.getBytes(readme)).toString(), '# hi\n');
    const remoteLoc = rev.location('data/remote.txt');
    assert.ok(remoteLoc.scheme === 's3' && remoteLoc.key === `${s.prefix}raw/remote.txt` && remoteLoc.versionId);

    assert.equal(rev.hash, result.hash);
    assert.equal(rev.message, `first ${s.id}`);
    assert.deepEqual(rev.userMeta, { owner: 'unit', score: 1, ratio: 0.25, tags: ['é', '😀'] });
    assert.deepEqual(rev.logicalKeys, ['README.md', 'data/local.csv', 'data/remote.txt']);
    assert.deepEqual(rev.fileUserMeta('README.md'), { k: 'é' });
    assert.equal(rev.fileUserMeta('data/local.csv'), undefined);
    assert.equal(rev.file('data/local.csv').size, 8);
    assert.equal(rev.node('data').size, 8 + 12);
    assert.equal(rev.tree().size, 5 + 8 + 12);
    assert.equal(rev.totalEntries, 3);

    // by timestamp and by hash prefix
    assert.equal((await s.registry.browse(name, result.timestamp)).hash, result.hash);
    assert.equal((await s.registry.browse(name, result.hash.slice(0, 10))).hash, result.hash);
    assert.equal((await s.registry.verify(name)).ok, true);
  });

  test('copy: "all" copies same-bucket S3 objects to the default location', async (t) => {
    const s = await scratch(t);
    const src = await s.object('src/x.bin', 'xyz');
    const { revision } = await s.registry.create(s.pkg('copied'), { copy: 'all', message: s.id, entries: [{ logicalKey: 'x.bin', source: src }] });
    const loc = revision.location('x.bin');
    assert.ok(loc.scheme === 's3' && loc.key === `${s.ns}/copied/x.bin` && loc.versionId);
    assert.equal(Buffer.from(await s.store.getBytes(loc)).toString(), 'xyz');
  });

  test('a deep tree and many folders browse with sizes', async (t) => {
    const s = await scratch(t);
    const deep = `${Array.from({ length: 60 }, (_, i) => `level${i}`).join('/')}/leaf.txt`;
    const entries = [{ logicalKey: deep, content: 'deep' }, ...Array.from({ length: 30 }, (_, i) => ({ logicalKey: `f${i % 3}/g${i}.txt`, content: `${i}` }))];
    const { hash } = await s.registry.create(s.pkg('deep'), { message: s.id, entries });
    const rev = await s.registry.browse(s.pkg('deep'), hash);
    assert.equal(rev.node(deep).size, 4);
    assert.equal(rev.node('level0/level1/').files, 1);
    assert.equal(rev.node('f1').files, 10);
    assert.equal(rev.totalEntries, 31);
  });
});

describe('validation writes nothing', () => {
  test('bad name, key, source, URI, missing object or oversized metadata', async (t) => {
    const s = await scratch(t);
    const ok = { logicalKey: 'a.txt', content: 'a' };
    const cases: Array<[string, () => Promise<unknown>, new (...a: never[]) => Error]> = [
      ['bad name', () => s.registry.create(`${s.ns}/bad name`, { entries: [ok] }), QuiltValidationError],
      ['bad key', () => s.registry.create(s.pkg('p'), { entries: [ok, { logicalKey: 'a/../b', content: 'x' }] }), QuiltValidationError],
      ['duplicate key', () => s.registry.create(s.pkg('p'), { entries: [ok, ok] }), QuiltValidationError],
      ['missing file', () => s.registry.create(s.pkg('p'), { entries: [ok, { logicalKey: 'b', source: `${s.dir}/nope.csv` }] }), QuiltValidationError],
      ['bad URI', () => s.registry.create(s.pkg('p'), { entries: [ok, { logicalKey: 'b', source: 's3://quilt-e2e' }] }), QuiltValidationError],
      ['missing object', () => s.registry.create(s.pkg('p'), { entries: [ok, { logicalKey: 'b', source: `s3://${BUCKET}/${s.prefix}none` }] }), QuiltNotFoundError],
      ['huge metadata', () => s.registry.create(s.pkg('p'), { entries: [ok], userMeta: { blob: 'x'.repeat(1_000_100) } }), QuiltValidationError],
      ['bad metadata', () => s.registry.create(s.pkg('p'), { entries: [ok], userMeta: { when: new Date() } }), QuiltValidationError],
      ['bad message', () => s.registry.create(s.pkg('p'), { entries: [ok], message: 42 as unknown as string }), QuiltValidationError],
      ['empty prefix', () => s.registry.createFromPrefix(s.pkg('p'), `s3://${BUCKET}/${s.prefix}empty/`), QuiltValidationError],
    ];
    for (const [what, run, cls] of cases) {
      await assert.rejects(run, cls, what);
      await assertNothingWritten(s);
    }
  });
});

describe('create from an S3 prefix', () => {
  test('pages through every object, keys relative to the prefix, folder markers skipped', async (t) => {
    const s = await scratch(t, { listPageSize: 2 });
    for (const k of ['a.txt', 'sub/b.txt', 'sub/deeper/c.txt', 'd e.txt', 'z.txt']) await s.object(`in/${k}`, k);
    await s.object('in/sub/', '');
    await s.object('other/x.txt', 'not included');
    const { revision } = await s.registry.createFromPrefix(s.pkg('prefixed'), `s3://${BUCKET}/${s.prefix}in`, { message: s.id });
    assert.deepEqual(revision.logicalKeys, ['a.txt', 'd e.txt', 'sub/b.txt', 'sub/deeper/c.txt', 'z.txt']);
    const loc = revision.location('sub/b.txt');
    assert.ok(loc.scheme === 's3' && loc.key === `${s.prefix}in/sub/b.txt` && loc.versionId);
    assert.equal((await s.registry.verify(s.pkg('prefixed'))).ok, true);
  });
});

describe('update, conflicts and revisions', () => {
  test('adds, replaces, removes and re-tags; refuses when latest moved unless forced', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('evolving');
    const v1 = await s.registry.create(name, { message: `v1 ${s.id}`, userMeta: { v: 1 }, entries: [
      { logicalKey: 'keep.txt', content: 'keep' }, { logicalKey: 'change.txt', content: 'old' },
      { logicalKey: 'drop/a.txt', content: 'a' }, { logicalKey: 'drop/b.txt', content: 'b' },
    ] });
    await assert.rejects(() => s.registry.create(name, { entries: [{ logicalKey: 'x', content: 'x' }] }), QuiltConflictError);

    const v2 = await s.registry.update(name, {
      parent: v1.hash, message: `v2 ${s.id}`,
      set: [{ logicalKey: 'change.txt', content: 'new' }, { logicalKey: 'keep.txt', meta: { note: 'kept' } }, { logicalKey: 'added.txt', content: 'added' }],
      remove: ['drop/'],
    });
    assert.notEqual(v2.timestamp, v1.timestamp);
    const rev2 = v2.revision;
    assert.deepEqual(rev2.logicalKeys, ['added.txt', 'change.txt', 'keep.txt']);
    assert.deepEqual(rev2.userMeta, { v: 1 });
    assert.deepEqual(rev2.fileUserMeta('keep.txt'), { note: 'kept' });
    assert.equal(rev2.file('keep.txt').physicalKey, v1.revision.file('keep.txt').physicalKey);

    // a writer that still holds v1 is refused, and nothing changes
    await assert.rejects(() => s.registry.update(name, { parent: v1.hash, message: 'stale' }), QuiltConflictError);
    assert.equal(await s.registry.latestHash(name), v2.hash);
    // unless forced
    const v3 = await s.registry.update(name, { parent: v1.hash, force: true, message: `v3 ${s.id}`, userMeta: { v: 3 } });
    assert.deepEqual(v3.revision.logicalKeys, v1.revision.logicalKeys);
    assert.equal(await s.registry.latestHash(name), v3.hash);

    const revs = await s.registry.revisions(name);
    assert.deepEqual(revs.map((r) => r.hash), [v3.hash, v2.hash, v1.hash]);

    // diff: latest against the revision really pushed before it; an explicit pair; the first has no previous
    const d = await s.registry.diff(name);
    assert.equal(d.from, v2.hash);
    assert.equal(d.to, v3.hash);
    assert.deepEqual(d, { name, from: v2.hash, to: v3.hash, added: ['drop/a.txt', 'drop/b.txt'], modified: ['change.txt', 'keep.txt'], deleted: ['added.txt'] });
    const d12 = await s.registry.diff(name, { to: v2.timestamp });
    assert.equal(d12.from, v1.hash);
    assert.deepEqual(await s.registry.diff(name, { from: v1.hash.slice(0, 8), to: v2.hash }), d12);
    await assert.rejects(() => s.registry.diff(name, { to: v1.timestamp }), QuiltNotFoundError);
  });

  test('diff skips a re-push of the same revision to find the previous one', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('repush');
    const a = await s.registry.create(name, { message: `a ${s.id}`, entries: [{ logicalKey: 'x', content: '1' }] });
    const b = await s.registry.update(name, { message: `b ${s.id}`, set: [{ logicalKey: 'x', content: '2' }] });
    const b2 = await s.registry.update(name, { message: `b ${s.id}`, set: [{ logicalKey: 'x', content: '2' }] });
    assert.equal(b2.hash, b.hash);
    const d = await s.registry.diff(name);
    assert.equal(d.from, a.hash);
    assert.deepEqual(d.modified, ['x']);
  });
});

describe('deleting', () => {
  test('deleteRevision removes its pointers and repoints latest; deletePackage removes all pointers only', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('doomed');
    const v1 = await s.registry.create(name, { message: `1 ${s.id}`, entries: [{ logicalKey: 'a', content: '1' }] });
    const v2 = await s.registry.update(name, { message: `2 ${s.id}` });
    const v3 = await s.registry.update(name, { message: `3 ${s.id}` });

    const del = await s.registry.deleteRevision(name, v3.hash.slice(0, 12));
    assert.deepEqual([...del.deletedPointers].sort(), [v3.timestamp, 'latest'].sort());
    assert.equal(del.newLatest, v2.hash);
    assert.equal(await s.store.getText(BUCKET, `.quilt/named_packages/${name}/latest`), v2.hash);
    // the manifest stays, as in quilt3
    assert.ok(await s.store.getTextIfExists(BUCKET, `.quilt/packages/${v3.hash}`));

    const mid = await s.registry.deleteRevision(name, v1.timestamp);
    assert.deepEqual(mid.deletedPointers, [v1.timestamp]);
    assert.equal(mid.newLatest, undefined);
    await assert.rejects(() => s.registry.deleteRevision(name, v1.hash), QuiltNotFoundError);
    assert.deepEqual((await s.registry.revisions(name)).map((r) => r.hash), [v2.hash]);

    assert.deepEqual(await s.registry.list({ namespace: s.ns }), [name]);
    assert.deepEqual(await s.registry.deletePackage(name), { deletedPointers: 2 });
    assert.deepEqual(await s.registry.list({ namespace: s.ns }), []);
    assert.ok(await s.store.getTextIfExists(BUCKET, `.quilt/packages/${v2.hash}`));
    await assert.rejects(() => s.registry.browse(name), QuiltNotFoundError);
  });

  test('list spans namespaces and packages', async (t) => {
    const s = await scratch(t);
    for (const p of ['b', 'a', 'c-1']) await s.registry.create(s.pkg(p), { message: `${p} ${s.id}`, entries: [{ logicalKey: 'f', content: p }] });
    assert.deepEqual(await s.registry.list({ namespace: s.ns }), [s.pkg('a'), s.pkg('b'), s.pkg('c-1')]);
    const all = await s.registry.list();
    assert.ok([s.pkg('a'), s.pkg('b'), s.pkg('c-1')].every((n) => all.includes(n)));
  });
});

describe('verify', () => {
  test('reports an entry whose data version is gone', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('fragile');
    const { revision } = await s.registry.create(name, { message: s.id, entries: [{ logicalKey: 'ok.txt', content: 'fine' }, { logicalKey: 'lost.txt', content: 'gone soon' }] });
    const lost = parsePhysicalKey(revision.file('lost.txt').physicalKey, 'test');
    assert.ok(lost.scheme === 's3');
    await client.send(new DeleteObjectCommand({ Bucket: lost.bucket, Key: lost.key, VersionId: lost.versionId }));
    const report = await s.registry.verify(name);
    assert.equal(report.ok, false);
    assert.equal(report.topHashOk, true);
    assert.deepEqual(report.failures.map((f) => f.logicalKey), ['lost.txt']);
  });

  test('unknown packages and revisions are QuiltNotFoundError', async (t) => {
    const s = await scratch(t);
    await assert.rejects(() => s.registry.browse(s.pkg('missing')), QuiltNotFoundError);
    await assert.rejects(() => s.registry.browse(s.pkg('missing'), 'ffffff0000'), QuiltNotFoundError);
    await assert.rejects(() => s.registry.update(s.pkg('missing'), {}), QuiltNotFoundError);
    await assert.rejects(() => s.registry.browse(s.pkg('missing'), 'not-a-ref'), QuiltValidationError);
  });
});
