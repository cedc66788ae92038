/**
 * Per-test scratch space on the running RGW: a unique package namespace `unit<id>` (data under
 * `unit<id>/`), a unique object prefix `unit-<id>/`, and a local temp folder. Everything,
 * including every object version and the manifests the test's pointers named, is deleted when
 * the test ends, also on failure (cleanupScratch of @quilt-e2e/test-kit).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadStackConfig, localStackS3Client } from '@quilt-e2e/stack';
import { cleanupScratch } from '@quilt-e2e/test-kit';
import { PackageRegistry, type RegistryOptions } from '../src/registry.js';
import { S3Store } from '../src/s3-store.js';

export const BUCKET = loadStackConfig().s3.testBucket;
export const client = localStackS3Client();

export interface Scratch {
  id: string;
  /** Package namespace, e.g. "unit1a2b3c4d". */
  ns: string;
  /** Object prefix for source data, e.g. "unit-1a2b3c4d/". */
  prefix: string;
  dir: string;
  bucket: string;
  store: S3Store;
  registry: PackageRegistry;
  /** "unit<id>/<pkg>". */
  pkg(name: string): string;
  /** Writes a local file under the temp folder and returns its path. */
  file(rel: string, content: string | Uint8Array): Promise<string>;
  /** Uploads an object under the scratch prefix and returns its s3:// URI. */
  object(rel: string, content: string | Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}

export async function scratch(t: TestContext | undefined, options: RegistryOptions = {}): Promise<Scratch> {
  const id = randomBytes(4).toString('hex');
  const ns = `unit${id}`;
  const prefix = `unit-${id}/`;
  const dir = await mkdtemp(join(tmpdir(), `quilt-unit-${id}-`));
  const store = new S3Store(client);
  const registry = new PackageRegistry(client, BUCKET, options);
  const s: Scratch = {
    id, ns, prefix, dir, bucket: BUCKET, store, registry,
    pkg: (name) => `${ns}/${name}`,
    async file(rel, content) {
      const path = join(dir, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      return path;
    },
    async object(rel, content) {
      await store.put(BUCKET, `${prefix}${rel}`, typeof content === 'string' ? Buffer.from(content) : content);
      return `s3://${BUCKET}/${prefix}${rel}`;
    },
    cleanup: () => cleanupScratch(store, BUCKET, ns, prefix, dir),
  };
  t?.after(() => s.cleanup());
  return s;
}

/** Every current key under a prefix. */
export async function keysUnder(store: S3Store, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(BUCKET, prefix)) out.push(o.key);
  return out;
}
