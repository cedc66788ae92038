/**
 * No secret of the run ends up in reports/: every file there (cucumber's HTML, messages, JUnit,
 * summary, the living documentation, screenshots) is scanned for the stack's S3 secret keys and
 * access key ids, for keys given through the environment, and for anything shaped like a JWT.
 * Base64 attachments in the message stream are decoded and scanned too. When reports/ holds no
 * run yet, a real @smoke run writes one first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, cucumber, tempDir, write } from './helpers.js';
import { loadStackConfig } from '@quilt-e2e/stack';

const REPORTS = join(ROOT, 'reports');
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

interface Secret { what: string; value: string }

/** The secrets a run may hold: the local stack's keys, and any key handed in through the environment (quilt target). */
function secretsOfTheRun(): Secret[] {
  const stack = loadStackConfig();
  const out: Secret[] = [
    { what: 'the S3 secret key of the stack admin', value: stack.s3.secretAccessKey },
    { what: 'the S3 access key id of the stack admin', value: stack.s3.accessKeyId },
  ];
  for (const [persona, u] of Object.entries(stack.s3Users)) {
    out.push({ what: `the S3 secret key of the ${persona} persona (${u.uid})`, value: u.secretAccessKey });
    out.push({ what: `the S3 access key id of the ${persona} persona (${u.uid})`, value: u.accessKeyId });
  }
  for (const [name, value] of Object.entries(process.env)) {
    if (value && value.length >= 12 && /(SECRET|SESSION_TOKEN|ACCESS_KEY_ID|PASSWORD|TOKEN)$/.test(name)) out.push({ what: `$${name}`, value });
  }
  const seen = new Set<string>();
  return out.filter((s) => !seen.has(s.value) && seen.add(s.value));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The text to scan in a file: its bytes (as latin1, so binary files scan too), plus decoded base64 attachments of a message stream. */
function textsOf(file: string): { where: string; text: string }[] {
  const raw = readFileSync(file).toString('latin1');
  const out = [{ where: '', text: raw }];
  if (file.endsWith('.ndjson')) {
    raw.split('\n').forEach((line, i) => {
      if (!line.includes('"BASE64"')) return;
      try {
        const m = JSON.parse(line) as { attachment?: { body: string; contentEncoding: string } };
        if (m.attachment?.contentEncoding === 'BASE64') out.push({ where: ` (base64 attachment, line ${i + 1})`, text: Buffer.from(m.attachment.body, 'base64').toString('latin1') });
      } catch { /* a torn last line is not a leak */ }
    });
  }
  return out;
}

const mask = (s: string): string => (s.length <= 8 ? '****' : `${s.slice(0, 4)}…${s.slice(-2)} (${s.length} characters)`);

/** Every secret (and JWT) found in the files under a folder, as "file: what [masked] ...". */
function scan(dir: string, secrets: readonly Secret[]): { leaks: string[]; files: number; bytes: number } {
  const files = filesUnder(dir);
  const leaks: string[] = [];
  let bytes = 0;
  for (const file of files) {
    const rel = relative(ROOT, file);
    for (const { where, text } of textsOf(file)) {
      if (!where) bytes += text.length;
      for (const s of secrets) {
        const at = text.indexOf(s.value);
        if (at >= 0) leaks.push(`${rel}${where}: ${s.what} [${mask(s.value)}] at offset ${at}, after "${text.slice(Math.max(0, at - 40), at).replace(/\s+/g, ' ')}"`);
      }
      for (const m of text.matchAll(JWT)) leaks.push(`${rel}${where}: a JWT-looking token [${mask(m[0])}] at offset ${m.index}`);
    }
  }
  return { leaks, files: files.length, bytes };
}

test('the scan finds a planted secret key, a key in a base64 attachment and a JWT', () => {
  const tmp = tempDir('secrets');
  try {
    const [secret, keyId] = [secretsOfTheRun()[0]!, secretsOfTheRun()[1]!];
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"dana"}').toString('base64url')}.c2lnbmF0dXJl`;
    write(join(tmp.dir, 'a.html'), `<p>config: ${secret.value}</p>`);
    write(join(tmp.dir, 'deep', 'm.ndjson'), `${JSON.stringify({ attachment: { body: Buffer.from(`key=${keyId.value}`).toString('base64'), contentEncoding: 'BASE64', mediaType: 'text/plain' } })}\n`);
    write(join(tmp.dir, 'b.txt'), `Authorization: Bearer ${jwt}`);
    const { leaks } = scan(tmp.dir, secretsOfTheRun());
    assert.equal(leaks.length, 3, leaks.join('\n'));
    assert.match(leaks[0]!, new RegExp(`^${tmp.rel}/a\\.html: the S3 secret key of the stack admin \\[quil…01 \\(42 characters\\)\\] at offset 11, after "<p>config: "$`));
    assert.match(leaks[1]!, /^tmp\/secrets-\w+\/b\.txt: a JWT-looking token \[eyJh…Jl \(\d+ characters\)\]/);
    assert.match(leaks[2]!, /deep\/m\.ndjson \(base64 attachment, line 1\): the S3 access key id of the stack admin/);
    assert.ok(!leaks.join('\n').includes(secret.value), 'the report of a leak does not repeat the secret');
  } finally {
    tmp.remove();
  }
});

test('reports/ holds no secret of the run: no S3 key, no token, no JWT', { timeout: 15 * 60_000 }, () => {
  const hasRun = existsSync(REPORTS) && readdirSync(REPORTS).some((f) => f.endsWith('.ndjson') || f.endsWith('.html'));
  if (!hasRun) {
    console.log('reports/ is empty: running the @smoke scenarios to produce real reports first');
    const r = cucumber(['-p', 'ci', '--tags', '@smoke']);
    console.log(r.stdout.split('\n').slice(-4).join('\n'));
  }
  const secrets = secretsOfTheRun();
  const { leaks, files, bytes } = scan(REPORTS, secrets);
  assert.ok(files > 0, 'reports/ holds the reports of a run');
  console.log(`scanned ${files} file(s), ${(bytes / 1024 / 1024).toFixed(1)} MiB, for ${secrets.length} secret(s) and JWTs`);
  assert.deepEqual(leaks, [], `secrets leaked into reports/:\n  ${leaks.join('\n  ')}\n(never attach or log credentials, signed URLs' credentials, or tokens: this.attach/this.log content ends up in every report)`);
});
