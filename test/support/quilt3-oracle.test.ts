// The quilt3 oracle (support/oracles/quilt3.ts) against the real RGW of the embedded stack, no
// mocks: quilt3 itself builds two revisions of a package from objects boto3 put (quilt3's own push
// needs ChecksumSHA256 in PutObject answers, which RGW does not send), plus a tampered manifest;
// the oracle must read them back exactly, tell not-found from other errors, refuse the tampered
// revision, survive a crash and a timeout, never keep Node alive — and the figures are printed.
// Nothing of packages/quilt-js is used. Everything written lives under the namespace unit<8 hex>
// (the sweeper's project-test namespace) and the manifests it names; all versions are deleted after.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTarget } from '../../support/target.js';
import { ensureQuilt3 } from '@quilt-e2e/test-kit';
import { Quilt3Oracle, Quilt3OracleError, closeQuilt3Oracles, quilt3Oracle } from '../../support/oracles/quilt3.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const target = loadTarget({ ...process.env, QUILT_E2E_TARGET: 'local' });
const admin = target.personas.admin!.credentials!;
const registry = `s3://${target.bucket}`;
const ns = `unit${randomBytes(4).toString('hex')}`;
const name = `${ns}/oracle`;
const tamperedName = `${ns}/tampered`;

// Written in sorted-key order, as Python's json.dumps(sort_keys=True) writes them back.
const META_V1 = `{"revision": 1, "run": "${ns}"}`;
const META_V2 = `{"big": 1e+16, "float_one": 1.0, "huge_int": 12345678901234567890, "neg_zero": -0.0, "nested": {"list": [1, 2.5, null, true], "z": {"a": 0.1}}, "run": "${ns}", "small": 1e-05, "text": "日本語 é 😀 \\"quoted\\""}`;
const ENTRY_META = '{"scale": 0.5, "tags": ["é", 1.0], "unit": "µm"}';
const FILES: Record<string, Buffer> = {
  'a.txt': Buffer.from('alpha'),
  'dir/b.csv': Buffer.from('x,y\n1,2\n'),
  'empty.dat': Buffer.alloc(0),
  '日本/データ.txt': Buffer.from('日本語のテキスト\n'),
  'big/random.bin': randomBytes(1024 * 1024 + 17),
};
const V1_KEYS = ['a.txt', 'dir/b.csv'];

/** quilt3's sha2-256-chunked of a file under 8 MiB (one part): base64(sha256(sha256(data))); of an empty file: base64(sha256("")). */
function chunkedSha256(data: Buffer): string {
  const once = createHash('sha256').update(data).digest();
  return (data.length === 0 ? once : createHash('sha256').update(once).digest()).toString('base64');
}

/** Builds the fixture with quilt3 and boto3, or deletes it (every version). Prints one JSON line. */
const FIXTURE_PY = String.raw`
import base64, hashlib, json, os, sys, time
import boto3, quilt3
cmd, registry, ns = sys.argv[1:4]
bucket = registry[len("s3://"):]
s3 = boto3.client("s3")
if cmd == "build":
    files = {k: base64.b64decode(v) for k, v in json.loads(sys.stdin.read()).items()}  # 1 MiB: too big for a variable
    v1_keys = json.loads(os.environ["FIXTURE_V1_KEYS"])
    for lk, data in files.items():
        s3.put_object(Bucket=bucket, Key=f"{ns}/data/{lk}", Body=data)
    name = f"{ns}/oracle"
    p1 = quilt3.Package()
    for lk in v1_keys:
        p1.set(lk, f"{registry}/{ns}/data/{lk}")
    p1.set_meta(json.loads(os.environ["FIXTURE_META_V1"]))
    rev1 = p1.build(name, registry=registry, message="first revision")
    time.sleep(1.2)  # quilt3 names revision pointers by the second
    p2 = quilt3.Package()
    for lk in files:
        p2.set(lk, f"{registry}/{ns}/data/{lk}")
    p2["dir/b.csv"].set_meta(json.loads(os.environ["FIXTURE_ENTRY_META"]))
    p2.set_meta(json.loads(os.environ["FIXTURE_META_V2"]))
    rev2 = p2.build(name, registry=registry, message="second revision \u2014 \u00e9")
    # A manifest that does not hold what its name says: revision 2 with one size changed, stored under another hash.
    lines = s3.get_object(Bucket=bucket, Key=f".quilt/packages/{rev2}")["Body"].read().decode().splitlines()
    tampered = []
    for line in lines:
        obj = json.loads(line)
        if obj.get("logical_key") == "a.txt":
            obj["size"] += 1
        tampered.append(json.dumps(obj, ensure_ascii=False))
    fake = hashlib.sha256(("tampered " + ns).encode()).hexdigest()
    s3.put_object(Bucket=bucket, Key=f".quilt/packages/{fake}", Body=("\n".join(tampered) + "\n").encode())
    for pointer in (str(int(time.time())), "latest"):
        s3.put_object(Bucket=bucket, Key=f".quilt/named_packages/{ns}/tampered/{pointer}", Body=fake.encode())
    print(json.dumps({"rev1": rev1, "rev2": rev2, "fake": fake}))
elif cmd == "clean":
    hashes = json.loads(os.environ.get("FIXTURE_HASHES", "[]"))
    deleted = 0
    for prefix in [f"{ns}/", f".quilt/named_packages/{ns}/"] + [f".quilt/packages/{h}" for h in hashes]:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
            for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                if v["Key"] == prefix or prefix.endswith("/"):
                    s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
                    deleted += 1
    left = sum(1 for prefix in [f"{ns}/", f".quilt/named_packages/{ns}/"] + [f".quilt/packages/{h}" for h in hashes]
               for p in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix)
               for v in p.get("Versions", []) + p.get("DeleteMarkers", []) if v["Key"] == prefix or prefix.endswith("/"))
    print(json.dumps({"deleted": deleted, "left": left}))
`;

async function fixture(cmd: 'build' | 'clean', extraEnv: Record<string, string>, input = ''): Promise<Record<string, unknown>> {
  const python = await ensureQuilt3();
  const home = mkdtempSync(join(tmpdir(), 'quilt3-oracle-fixture-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: join(home, 'xdg-data'),
    XDG_CACHE_HOME: join(home, 'xdg-cache'),
    QUILT_DISABLE_USAGE_METRICS: 'true',
    QUILT_MINIMIZE_STDOUT: 'true',
    AWS_ENDPOINT_URL_S3: target.s3.endpoint!,
    AWS_ACCESS_KEY_ID: admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
    AWS_DEFAULT_REGION: target.s3.region,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    PYTHONIOENCODING: 'utf-8',
    ...extraEnv,
  };
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(python, ['-c', FIXTURE_PY, cmd, registry, ns], { env });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('error', reject);
      child.stdin.end(input);
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`fixture ${cmd} exited ${code}:\n${err.slice(-4000)}`));
        try { resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Record<string, unknown>); } catch { reject(new Error(`fixture ${cmd} printed no JSON:\n${out}\n${err.slice(-2000)}`)); }
      });
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (n: number): string => `${n.toFixed(0)} ms`;

describe('the quilt3 oracle on the real RGW', { timeout: 600_000 }, () => {
  let built: { rev1: string; rev2: string; fake: string };
  let oracle: Quilt3Oracle;
  const started = Math.floor(Date.now() / 1000);

  before(async () => {
    built = await fixture('build', {
      FIXTURE_V1_KEYS: JSON.stringify(V1_KEYS),
      FIXTURE_META_V1: META_V1,
      FIXTURE_META_V2: META_V2,
      FIXTURE_ENTRY_META: ENTRY_META,
    }, JSON.stringify(Object.fromEntries(Object.entries(FILES).map(([k, v]) => [k, v.toString('base64')])))) as typeof built;
    oracle = Quilt3Oracle.forTarget(target);
  });

  after(async () => {
    await oracle?.close();
    await closeQuilt3Oracles();
    const cleaned = await fixture('clean', { FIXTURE_HASHES: JSON.stringify(built ? [built.rev1, built.rev2, built.fake] : []) });
    assert.equal(cleaned.left, 0, `the test left object versions under ${ns}`);
  });

  test('browse: the top hash quilt3 recomputes, every entry, sizes and metadata with numbers spelled as Python writes them', async (t) => {
    const t0 = performance.now();
    const pkg = await oracle.browse(name);
    const first = performance.now() - t0;
    assert.equal(pkg.topHash, built.rev2);
    assert.equal(pkg.message, 'second revision — é');
    assert.equal(pkg.userMetaJson, META_V2, 'user_meta as json.dumps(sort_keys=True) writes it');
    assert.match(pkg.userMetaJson, /"float_one": 1\.0,/);
    assert.match(pkg.userMetaJson, /"huge_int": 12345678901234567890,/);
    assert.match(pkg.userMetaJson, /"neg_zero": -0\.0,/);
    assert.deepEqual(pkg.entries.map((e) => e.logicalKey), Object.keys(FILES).sort(), 'quilt3 walks logical keys in sorted order');
    for (const e of pkg.entries) {
      const data = FILES[e.logicalKey]!;
      assert.equal(e.size, data.length, e.logicalKey);
      assert.equal(e.hashType, 'sha2-256-chunked', e.logicalKey);
      assert.equal(e.hashValue, chunkedSha256(data), `${e.logicalKey}: quilt3's hash is the one computed here from the bytes`);
      assert.ok(e.physicalKey.startsWith(`${registry}/${ns}/data/`), e.physicalKey);
      assert.equal(e.metaJson, e.logicalKey === 'dir/b.csv' ? ENTRY_META : '{}', e.logicalKey);
    }
    assert.equal(pkg.totalEntries, Object.keys(FILES).length);
    assert.equal(pkg.totalBytes, Object.values(FILES).reduce((n, b) => n + b.length, 0));

    const v1 = await oracle.browse(name, built.rev1);
    assert.equal(v1.topHash, built.rev1);
    assert.equal(v1.message, 'first revision');
    assert.equal(v1.userMetaJson, META_V1);
    assert.deepEqual(v1.entries.map((e) => e.logicalKey), V1_KEYS);
    assert.equal(v1.totalBytes, 5 + 8);
    assert.equal((await oracle.browse(name, built.rev1.slice(0, 10))).topHash, built.rev1, 'a unique hash prefix resolves');
    t.diagnostic(`first browse (starts python, imports quilt3): ${ms(first)}`);
  });

  test('latest, revisions newest first, and the package list', async () => {
    assert.equal(await oracle.latestHash(name), built.rev2);
    const revs = await oracle.revisions(name);
    assert.deepEqual(revs.map((r) => r.hash), [built.rev2, built.rev1]);
    const [ts2, ts1] = revs.map((r) => Number(r.timestamp));
    assert.ok(ts2! > ts1! && ts1! >= started - 5 && ts2! <= Date.now() / 1000 + 5, `timestamps ${ts1}, ${ts2} in order and of this run`);
    assert.deepEqual(await oracle.listPackages(`${ns}/`), [name, tamperedName]);
    assert.ok((await oracle.listPackages()).includes(name));
  });

  test('not found is an error of its own type; bad input and other failures are not "not found"', async () => {
    const nope = (p: Promise<unknown>, type: string, text: RegExp) => assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof Quilt3OracleError, String(e));
      assert.equal(e.type, type, e.message);
      assert.match(e.message, text);
      return true;
    });
    await nope(oracle.browse(`${ns}/nothing`), 'NotFound', new RegExp(`${ns}/nothing has no latest revision`));
    await nope(oracle.browse(name, randomBytes(32).toString('hex')), 'NotFound', /has no manifest/);
    await nope(oracle.browse(name, 'ffffff'.repeat(2)), 'NotFound', /starting with ffffffffffff/);
    assert.equal(Quilt3OracleError.isNotFound(await oracle.browse(`${ns}/nothing`).catch((e: unknown) => e)), true);
    assert.equal(await oracle.latestHash(`${ns}/nothing`), null);
    assert.deepEqual(await oracle.revisions(`${ns}/nothing`), []);
    await nope(oracle.browse('not a name'), 'BadRequest', /not a quilt3 package name.*team\/dataset/);
    await nope(oracle.browse(name, 'XYZ'), 'BadRequest', /not a top hash/);
    await nope(oracle.browse(name, undefined, { registry: 's3://no-such-bucket-for-the-oracle' }), 'NoSuchBucket', /no-such-bucket-for-the-oracle/);
    await nope(oracle.browse(name, undefined, { registry: 'file:///tmp' }), 'BadRequest', /not an S3 registry/);
  });

  test('a manifest that does not hash to its name is refused, not read', async () => {
    await assert.rejects(oracle.browse(tamperedName), (e: unknown) => {
      assert.ok(e instanceof Quilt3OracleError);
      assert.equal(e.type, 'TopHashMismatch');
      assert.match(e.message, new RegExp(`hashes to [0-9a-f]{64}, not to ${built.fake}`));
      return true;
    });
    await assert.rejects(oracle.browse(name, built.fake), { type: 'TopHashMismatch' });
  });

  test('a crash rejects what was pending with the end of stderr; a timeout names the operation; the next call starts a new process', async () => {
    await oracle.latestHash(name);
    const pid = oracle.pid!;
    const pending = oracle.browse(name);
    await new Promise((r) => setTimeout(r, 10));
    process.kill(pid, 'SIGKILL');
    await assert.rejects(pending, (e: unknown) => {
      assert.ok(e instanceof Quilt3OracleError);
      assert.equal(e.type, 'Crashed');
      assert.match(e.message, new RegExp(`pid ${pid}\\) was killed by SIGKILL while browse\\(${registry}, ${name}\\) was pending`));
      return true;
    });
    assert.equal((await oracle.browse(name)).topHash, built.rev2);
    assert.notEqual(oracle.pid, pid, 'a new python process');

    const before = oracle.pid;
    await assert.rejects(oracle.browse(name, built.rev1, { timeoutMs: 1 }), (e: unknown) => {
      assert.ok(e instanceof Quilt3OracleError);
      assert.equal(e.type, 'Timeout');
      assert.match(e.message, new RegExp(`browse\\(${registry}, ${name}@${built.rev1}\\) got no answer within 0.001 s`));
      return true;
    });
    assert.equal((await oracle.browse(name, built.rev1)).topHash, built.rev1);
    assert.notEqual(oracle.pid, before);
  });

  test('one shared oracle per process and target; it never keeps Node alive', async () => {
    assert.equal(quilt3Oracle(target), quilt3Oracle(loadTarget({ ...process.env, QUILT_E2E_TARGET: 'local' })));
    // A Node process that browses and never closes the oracle ends by itself.
    const script = `
      import { loadTarget } from './support/target.ts';
      import { quilt3Oracle } from './support/oracles/quilt3.ts';
      const pkg = await quilt3Oracle(loadTarget({ ...process.env, QUILT_E2E_TARGET: 'local' })).browse(${JSON.stringify(name)});
      console.log(pkg.topHash);`;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${r.error?.message ?? ''}\n${r.stderr}`);
    assert.equal(r.stdout.trim(), built.rev2);
    assert.ok(performance.now() - t0 < 30_000, 'ended by itself');
  });

  test('figures: the first call of a fresh oracle (process start) and 20 browse calls', async (t) => {
    const fresh = Quilt3Oracle.forTarget(target);
    try {
      let t0 = performance.now();
      await fresh.browse(name);
      const first = performance.now() - t0;
      const latest: number[] = [];
      const byHash: number[] = [];
      for (let i = 0; i < 20; i++) {
        t0 = performance.now();
        await fresh.browse(name);
        latest.push(performance.now() - t0);
        t0 = performance.now();
        await fresh.browse(name, built.rev2);
        byHash.push(performance.now() - t0);
      }
      const line = `quilt3 oracle: first call ${ms(first)}; browse latest p50 ${ms(percentile(latest, 50))} (p90 ${ms(percentile(latest, 90))}), browse by hash p50 ${ms(percentile(byHash, 50))} (p90 ${ms(percentile(byHash, 90))}), ${Object.keys(FILES).length} entries`;
      t.diagnostic(line);
      process.stdout.write(`${line}\n`);
    } finally {
      await fresh.close();
    }
  });
});
