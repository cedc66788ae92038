/**
 * Cleanup of what a test or a benchmark wrote to a registry bucket: its packages (every pointer
 * version and every manifest a pointer named), every object version under its prefixes and its
 * local temp folder. Used by quilt-js's tests, the SQL tests (test/sql/helpers.ts) and
 * scripts/bench-package.ts.
 */
import { rm } from 'node:fs/promises';
import type { S3Store } from '@quilt-e2e/quilt-js';

/** Deletes every pointer version of a namespace's packages and every manifest any of them named. */
export async function deleteNamespacePackages(store: S3Store, bucket: string, ns: string): Promise<void> {
  const pointerPrefix = `.quilt/named_packages/${ns}/`;
  const hashes = new Set<string>();
  for await (const v of store.listAllVersions(bucket, pointerPrefix)) {
    const body = await store.getBytes({ bucket, key: v.key, versionId: v.versionId }).catch(() => undefined);
    const text = body ? Buffer.from(body).toString('utf8').trim() : '';
    if (/^[0-9a-f]{64}$/.test(text)) hashes.add(text);
  }
  for (const h of hashes) await store.deleteAllVersions(bucket, `.quilt/packages/${h}`);
  await store.deleteAllVersions(bucket, pointerPrefix);
}

/**
 * Deletes the namespace's packages (deleteNamespacePackages), every version under the namespace's
 * data `<ns>/` and under `prefix`, and the local folder `dir` when given.
 */
export async function cleanupScratch(store: S3Store, bucket: string, ns: string, prefix: string, dir?: string): Promise<void> {
  await deleteNamespacePackages(store, bucket, ns);
  await store.deleteAllVersions(bucket, `${ns}/`);
  await store.deleteAllVersions(bucket, prefix);
  if (dir) await rm(dir, { recursive: true, force: true });
}
