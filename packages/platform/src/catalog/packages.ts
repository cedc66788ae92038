/**
 * Packages for the catalog, through the project's package engine (@quilt-e2e/quilt-js): every read and
 * write goes to S3 with the requesting user's own keys, so RGW decides what the user may do.
 * Parsed manifests are kept in a small LRU cache shared by all users, by the version of their file:
 * a manifest's file is named by its top hash, which does not cover the files' physical keys, so a
 * later push of the same content (another package, or the same one again, as quilt3 does) rewrites
 * it with other physical keys, and the cache must not answer the old ones. A user still needs read
 * access to the bucket (checked by the caller) to get one.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { PackageRegistry, type Manifest } from '@quilt-e2e/quilt-js';
import type { S3Clients } from './authz.js';
import { faultIs } from '../faults.js';

class ManifestCache {
  private readonly map = new Map<string, Manifest>();
  private entries = 0;
  constructor(private readonly maxEntries: number) {}

  get(k: string): Manifest | undefined {
    const m = this.map.get(k);
    if (m) { this.map.delete(k); this.map.set(k, m); }
    return m;
  }

  set(k: string, m: Manifest): void {
    if (this.map.has(k)) return;
    this.map.set(k, m);
    this.entries += m.entries.length + 1;
    while (this.entries > this.maxEntries && this.map.size > 1) {
      const [oldKey, old] = this.map.entries().next().value as [string, Manifest];
      this.map.delete(oldKey);
      this.entries -= old.entries.length + 1;
    }
  }
}

/** The engine's registry with manifest reads served from the shared cache when possible. */
class CatalogRegistry extends PackageRegistry {
  constructor(client: S3Client, bucket: string, private readonly cache: ManifestCache) {
    super(client, bucket);
  }

  /** Fault stale-latest: "latest" is the revision before the newest (when there is one). */
  override async resolve(name: string, ref = 'latest'): Promise<Awaited<ReturnType<PackageRegistry['resolve']>>> {
    if (ref === 'latest' && faultIs('stale-latest')) {
      const revisions = await this.revisions(name);
      const older = revisions.find((r) => r.hash !== revisions[0]?.hash);
      if (older) return super.resolve(name, older.timestamp);
    }
    return super.resolve(name, ref);
  }

  override async readManifest(hash: string): Promise<Manifest> {
    let version: string | undefined;
    try {
      version = (await this.store.head({ bucket: this.bucket, key: this.manifestKey(hash) })).versionId;
    } catch {
      return super.readManifest(hash); // gone or refused: the engine's own read says which
    }
    if (!version) return super.readManifest(hash); // an unversioned bucket: nothing tells a rewrite apart
    const k = `${this.bucket}/${hash}/${version}`;
    const hit = this.cache.get(k);
    if (hit) return hit;
    const m = await super.readManifest(hash);
    this.cache.set(k, m);
    return m;
  }
}

export class PackageService {
  private readonly cache = new ManifestCache(300_000);
  constructor(private readonly clients: S3Clients) {}

  /** The engine's registry for one bucket, acting as `user`. */
  registry(user: string, bucket: string): PackageRegistry {
    return new CatalogRegistry(this.clients.for(user), bucket, this.cache);
  }
}
