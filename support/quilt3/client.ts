/**
 * quilt3 as a user's program runs it (not an oracle: it acts): configured from the catalog's URL,
 * logged in with an API key, with no AWS credentials of its own — what it may do in S3 it does with
 * the credentials the catalog hands the key's user. One python process per call
 * (./quilt3_client.py), with a deadline; a failure is a Quilt3ClientError of quilt3's kind
 * (Unauthorized when the catalog refused the key).
 *
 *   const q3 = new Quilt3Client(world.target);
 *   const { topHash, files } = await q3.read(secret, 'team/data', 'catalog-credentials');
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureQuilt3 } from '@quilt-e2e/test-kit';
import type { TargetConfig } from '../target.js';
import { quilt3Environment } from './environment.js';

const CLIENT_PY = fileURLToPath(new URL('./quilt3_client.py', import.meta.url));
const DEFAULT_TIMEOUT_MS = 120_000;

export class Quilt3ClientError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = 'Quilt3ClientError';
  }
}

/** What quilt3 read with a key: its user's key names, the revision and each file (logical key → physical key and text). */
export interface Quilt3Read { myKeys: string[]; topHash: string; files: Record<string, { physicalKey: string; text: string }> }

type ClientTarget = Pick<TargetConfig, 'bucket' | 's3' | 'catalog'>;

/** A bucket as quilt3.admin.buckets answers it (the fields the suite looks at). */
export interface Quilt3Bucket { name: string; title: string; description: string | null; prefixes: string[] }

export class Quilt3Client {
  constructor(private readonly target: ClientTarget, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  /**
   * quilt3 pushes a package of these files (logical key → text) to the test bucket; the new
   * revision's top hash: logged in with an API key (`s3` as for read), or with given temporary
   * credentials (as get_credentials answers them) and no key.
   */
  async push(auth: { apiKey: string; s3: 'key-only' | 'catalog-credentials' } | { credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } },
    name: string, files: Record<string, string>, message: string): Promise<{ topHash: string }> {
    const how = 'apiKey' in auth ? { apiKey: auth.apiKey, s3: auth.s3 } : { s3: 'given', credentials: auth.credentials };
    const r = await this.run('push', { ...how, registry: `s3://${this.target.bucket}`, name, files, message }) as { top_hash?: unknown };
    if (typeof r?.top_hash !== 'string') throw new Quilt3ClientError('BadAnswer', `quilt3 push answered ${JSON.stringify(r)}`);
    return { topHash: r.top_hash };
  }

  /**
   * quilt3 lists its user's API keys (quilt3.api_keys, the registry's GraphQL) and reads the latest
   * revision of a package of the test bucket, every file's bytes; `s3`: "key-only" — quilt3 as login_with_api_key leaves it; "catalog-credentials" — given the key's S3 credentials from the catalog first.
   */
  async read(apiKey: string, name: string, s3: 'key-only' | 'catalog-credentials'): Promise<Quilt3Read> {
    const r = await this.run('read', { apiKey, registry: `s3://${this.target.bucket}`, name, s3 }) as { my_keys?: unknown; top_hash?: unknown; files?: Record<string, { physical_key: string; text: string }> };
    if (!Array.isArray(r?.my_keys) || typeof r.top_hash !== 'string' || typeof r.files !== 'object') throw new Quilt3ClientError('BadAnswer', `quilt3 read answered ${JSON.stringify(r).slice(0, 300)}`);
    return { myKeys: r.my_keys as string[], topHash: r.top_hash, files: Object.fromEntries(Object.entries(r.files!).map(([k, v]) => [k, { physicalKey: v.physical_key, text: v.text }])) };
  }

  /** What quilt3 gets from the catalog for the key: resolves when the catalog hands it S3 credentials. */
  async credentials(apiKey: string): Promise<{ hasSessionToken: boolean }> {
    const r = await this.run('credentials', { apiKey }) as { has_session_token?: unknown };
    return { hasSessionToken: r?.has_session_token === true };
  }

  /** quilt3.admin.api_keys, logged in with an admin's key, revokes the user's keys of that name; their ids. */
  async adminRevokeKeys(adminKey: string, email: string, name: string): Promise<string[]> {
    const r = await this.run('admin_revoke_keys', { apiKey: adminKey, email, name }) as { revoked?: unknown };
    if (!Array.isArray(r?.revoked)) throw new Quilt3ClientError('BadAnswer', `quilt3.admin.api_keys answered ${JSON.stringify(r)}`);
    return r.revoked as string[];
  }

  /** quilt3.admin.buckets.add, logged in with an admin's key: the bucket as quilt3 answers it. */
  async adminBucketAdd(adminKey: string, name: string, title: string): Promise<Quilt3Bucket> {
    return this.run('admin_bucket_add', { apiKey: adminKey, name, title }) as Promise<Quilt3Bucket>;
  }

  /** quilt3.admin.buckets.remove, logged in with an admin's key. */
  async adminBucketRemove(adminKey: string, name: string): Promise<void> {
    await this.run('admin_bucket_remove', { apiKey: adminKey, name });
  }

  /** quilt3.admin.buckets.list, logged in with an admin's key. */
  async adminBuckets(adminKey: string): Promise<Quilt3Bucket[]> {
    const r = await this.run('admin_buckets', { apiKey: adminKey }) as { buckets?: unknown };
    if (!Array.isArray(r?.buckets)) throw new Quilt3ClientError('BadAnswer', `quilt3.admin.buckets.list answered ${JSON.stringify(r)}`);
    return r.buckets as Quilt3Bucket[];
  }

  private async run(op: string, args: Record<string, unknown>): Promise<unknown> {
    const catalog = this.target.catalog;
    if (!catalog) throw new Quilt3ClientError('NoCatalog', 'quilt3 logs in through a catalog: this target has none (set QUILT_CATALOG_URL and QUILT_REGISTRY_URL)');
    const python = await ensureQuilt3();
    const home = mkdtempSync(join(tmpdir(), 'quilt3-client-'));
    const env = quilt3Environment(home, { region: this.target.s3.region, ...(this.target.s3.endpoint ? { endpoint: this.target.s3.endpoint } : {}), credentials: 'none' });
    try {
      return await new Promise((resolve, reject) => {
        const child = spawn(python, ['-u', CLIENT_PY], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Quilt3ClientError('Timeout', `quilt3 ${op} took longer than ${this.timeoutMs} ms and was stopped`)); }, this.timeoutMs);
        child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
        child.stderr.setEncoding('utf8').on('data', (c: string) => { err = (err + c).slice(-6000); });
        child.on('error', (e) => { clearTimeout(timer); reject(new Quilt3ClientError('StartFailed', `could not run ${python}: ${e.message}`)); });
        child.on('close', (code) => {
          clearTimeout(timer);
          const line = out.trim().split('\n').pop() ?? '';
          let answer: { ok?: boolean; result?: unknown; error?: { type?: string; message?: string } };
          try { answer = JSON.parse(line) as typeof answer; } catch {
            reject(new Quilt3ClientError('Crashed', `quilt3 ${op} exited with code ${code} without an answer; its stderr ended with:\n${err.trim()}`));
            return;
          }
          if (answer.ok) resolve(answer.result);
          else reject(new Quilt3ClientError(answer.error?.type ?? 'Error', `quilt3 ${op}: ${answer.error?.message ?? 'failed'}`));
        });
        child.stdin.end(JSON.stringify({ op, args: { catalogUrl: catalog.catalogUrl, ...args } }));
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
}
