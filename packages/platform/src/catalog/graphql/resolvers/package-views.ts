/**
 * The package objects of Quilt's schema (Package, PackageRevision, PackageDir, PackageFile) as view
 * objects whose getters and methods graphql-js calls; reads go through the package engine with the
 * caller's own S3 keys.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  QuiltNotFoundError, QuiltValidationError, toPlain, type ManifestEntry, type PackageRegistry, type PackageRevision, type PlainJson, type TreeNode,
} from '@quilt-e2e/quilt-js';
import { faultIs } from '../../../faults.js';
import { HttpError } from '../../http.js';
import { pageArgs, windowOf, type Args, type GqlContext } from './common.js';
import type { AccessCountsAnswer } from '../../access-counts.js';

export class FileView {
  readonly __typename = 'PackageFile';
  constructor(private readonly e: ManifestEntry) {}
  get path(): string { return this.e.logicalKey; }
  get size(): number { return this.e.size + (faultIs('wrong-entry-size') ? 1 : 0); }
  get physicalKey(): string { return this.e.physicalKey; }
  get metadata(): PlainJson { return toPlain(this.e.meta); }
}

export class DirView {
  readonly __typename = 'PackageDir';
  constructor(private readonly node: TreeNode) {}
  get path(): string { return this.node.path; }
  get size(): number { return this.node.size; }
  get metadata(): PlainJson | null { return this.node.meta ?? null; }
  children(): Array<FileView | DirView> {
    return [...this.node.children.values()].map((c) => (c.entry ? new FileView(c.entry) : new DirView(c)));
  }
}

export class RevisionView {
  readonly __typename = 'PackageRevision';
  private rev: Promise<PackageRevision> | undefined;
  constructor(
    private readonly registry: PackageRegistry,
    private readonly name: string,
    readonly hash: string,
    /** The timestamp pointer (Unix seconds) the revision was reached by, when known. */
    private readonly timestamp: string | undefined,
    loaded?: PackageRevision,
  ) {
    if (loaded) this.rev = Promise.resolve(loaded);
  }

  private load(): Promise<PackageRevision> {
    this.rev ??= this.registry.browse(this.name, this.hash);
    return this.rev;
  }

  async modified(): Promise<string> {
    if (this.timestamp) return new Date(Number(this.timestamp) * 1000).toISOString();
    const all = await this.registry.revisions(this.name);
    const ts = all.find((r) => r.hash === this.hash)?.timestamp;
    if (ts) return new Date(Number(ts) * 1000).toISOString();
    const head = await this.registry.store.client.send(new HeadObjectCommand({ Bucket: this.registry.bucket, Key: this.registry.manifestKey(this.hash) }));
    return (head.LastModified ?? new Date()).toISOString();
  }

  /** Reads of this revision's manifest per day over the window (Quilt's PackageRevision.accessCounts); null: none. */
  accessCounts(a: Args, g: GqlContext): AccessCountsAnswer | null {
    return g.ctx.accessCounts.of(this.registry.bucket, [this.hash], windowOf(a, 'accessCounts'));
  }

  async message(): Promise<string | null> { return (await this.load()).message; }
  async metadata(): Promise<PlainJson> { return toPlain((await this.load()).manifest.header); }
  async userMeta(): Promise<PlainJson | null> { return (await this.load()).userMeta ?? null; }
  async workflow(): Promise<{ config: string; id: string | null } | null> {
    const w = (await this.load()).manifest.workflow;
    if (!w || typeof w !== 'object' || Array.isArray(w)) return null;
    const rec = w as Record<string, PlainJson>;
    return { config: String(rec.config ?? ''), id: typeof rec.id === 'string' ? rec.id : null };
  }
  async totalEntries(): Promise<number> { return (await this.load()).totalEntries; }
  async totalBytes(): Promise<number> { return (await this.load()).totalBytes; }

  async dir(args: Args): Promise<DirView | null> {
    const rev = await this.load();
    const path = String(args.path ?? '');
    try {
      const node = rev.node(path);
      return node.entry ? null : new DirView(node);
    } catch (e) {
      if (e instanceof QuiltNotFoundError) return null;
      throw e;
    }
  }

  async file(args: Args): Promise<FileView | null> {
    const rev = await this.load();
    const e = rev.manifest.entry(String(args.path ?? ''));
    return e ? new FileView(e) : null;
  }

  async contentsFlatMap(args: Args): Promise<Record<string, PlainJson> | null> {
    const rev = await this.load();
    const max = Number(args.max ?? 1000);
    if (rev.totalEntries > max) return null;
    const out: Record<string, PlainJson> = {};
    for (const e of rev.entries) out[e.logicalKey] = { physicalKey: e.physicalKey, size: e.size + (faultIs('wrong-entry-size') ? 1 : 0), hash: { type: e.hash.type, value: e.hash.value }, meta: toPlain(e.meta) };
    return out;
  }
}

export class PackageView {
  readonly __typename = 'Package';
  private pointers: ReturnType<PackageRegistry['revisions']> | undefined;
  constructor(private readonly registry: PackageRegistry, readonly bucket: string, readonly name: string) {}

  private all(): ReturnType<PackageRegistry['revisions']> {
    this.pointers ??= this.registry.revisions(this.name);
    return this.pointers;
  }

  /** When its newest revision was pushed (epoch seconds; 0 when it has no timestamp pointer), from the one read of its revisions. */
  async newest(): Promise<number> {
    return Number((await this.all())[0]?.timestamp ?? 0);
  }

  /**
   * Whether the package still exists, from the same read of its revisions its fields answer from:
   * a package deleted after the bucket's listing (a list beside a clean-up) is left out of a page.
   */
  async exists(): Promise<boolean> {
    return (await this.all()).length > 0 || (await this.registry.latestHash(this.name)) !== undefined;
  }

  async modified(): Promise<string> {
    const all = await this.all();
    if (all[0]) return all[0].date.toISOString();
    return new RevisionView(this.registry, this.name, await this.registry.latestHash(this.name) ?? '', undefined).modified();
  }

  /** Reads of every manifest the package has pointed to, per day over the window (Quilt's Package.accessCounts); null: none. */
  async accessCounts(a: Args, g: GqlContext): Promise<AccessCountsAnswer | null> {
    const hashes = [...new Set((await this.all()).map((p) => p.hash))];
    return g.ctx.accessCounts.of(this.bucket, hashes, windowOf(a, 'accessCounts'));
  }

  revisions(): { total: () => Promise<number>; page: (a: Args) => Promise<RevisionView[]> } {
    return {
      total: async () => (await this.all()).length,
      page: async (a: Args) => {
        const { number, perPage } = pageArgs(a);
        return (await this.all()).slice((number - 1) * perPage, number * perPage).map((p) => new RevisionView(this.registry, this.name, p.hash, p.timestamp));
      },
    };
  }

  async revision(args: Args): Promise<RevisionView | null> {
    const ref = String(args.hashOrTag ?? 'latest');
    try {
      const rev = await this.registry.browse(this.name, ref);
      return new RevisionView(this.registry, this.name, rev.hash, rev.timestamp, rev);
    } catch (e) {
      if (e instanceof QuiltNotFoundError) return null;
      if (e instanceof QuiltValidationError) throw new HttpError(400, 'InvalidInput', e.message);
      throw e;
    }
  }
}
