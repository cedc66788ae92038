/**
 * One package revision as read from a registry: its manifest plus browsing helpers (the folder
 * tree with sizes, files, metadata).
 */
import { QuiltNotFoundError } from './errors.js';
import { toPlain, type JsonValue, type PlainJson } from './json/values.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { parsePhysicalKey, type PhysicalKey } from './physical-key.js';

export interface TreeNode {
  /** Last path segment ('' for the root). */
  name: string;
  /** '' for the root, "dir/sub/" for folders, "dir/file.csv" for files. */
  path: string;
  /** Bytes of the file, or of every file below the folder. */
  size: number;
  /** Number of files at or below this node. */
  files: number;
  /** Folders and files directly inside, in walk order (folders have children, files an entry). */
  children: Map<string, TreeNode>;
  entry?: ManifestEntry;
  /** A folder's directory metadata, when the manifest has some. */
  meta?: PlainJson;
}

function newNode(name: string, path: string): TreeNode {
  return { name, path, size: 0, files: 0, children: new Map() };
}

/** Builds the folder tree of a manifest without recursion (deep trees are fine). */
export function buildTree(manifest: Manifest): TreeNode {
  const root = newNode('', '');
  for (const e of manifest.entries) {
    const segments = e.logicalKey.split('/');
    let node = root;
    node.size += e.size;
    node.files += 1;
    let path = '';
    segments.forEach((seg, i) => {
      const isFile = i === segments.length - 1;
      path += isFile ? seg : `${seg}/`;
      let child = node.children.get(seg);
      if (!child) {
        child = newNode(seg, path);
        node.children.set(seg, child);
      }
      child.size += e.size;
      child.files += 1;
      if (isFile) child.entry = e;
      node = child;
    });
  }
  for (const d of manifest.directories) {
    const node = findNode(root, d.logicalKey);
    if (node) node.meta = toPlain(d.meta as JsonValue);
  }
  return root;
}

/** The node at `path` ("a/b" or "a/b/" for a folder, "a/b.csv" for a file, "" for the root). */
export function findNode(root: TreeNode, path: string): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const seg of path.split('/').filter((s) => s !== '')) {
    node = node.children.get(seg);
    if (!node) return undefined;
  }
  return node;
}

export class PackageRevision {
  private cachedTree: TreeNode | undefined;

  constructor(
    readonly bucket: string,
    readonly name: string,
    readonly hash: string,
    readonly manifest: Manifest,
    /** The timestamp pointer the revision was reached by, if any. */
    readonly timestamp?: string,
  ) {}

  get message(): string | null { return this.manifest.message; }
  get userMeta(): PlainJson | undefined { return this.manifest.userMeta; }
  get entries(): readonly ManifestEntry[] { return this.manifest.entries; }
  get logicalKeys(): string[] { return this.manifest.entries.map((e) => e.logicalKey); }
  get totalEntries(): number { return this.manifest.entries.length; }
  get totalBytes(): number { return this.manifest.totalBytes; }

  /** The whole folder tree, built once. */
  tree(): TreeNode {
    this.cachedTree ??= buildTree(this.manifest);
    return this.cachedTree;
  }

  /** A folder (or file) node; throws QuiltNotFoundError when the path is not in the package. */
  node(path: string): TreeNode {
    const node = findNode(this.tree(), path);
    if (!node) throw new QuiltNotFoundError(`Path ${JSON.stringify(path)} is not in package ${this.name}@${this.hash.slice(0, 10)}`);
    return node;
  }

  file(logicalKey: string): ManifestEntry {
    const e = this.manifest.entry(logicalKey);
    if (!e) throw new QuiltNotFoundError(`File ${JSON.stringify(logicalKey)} is not in package ${this.name}@${this.hash.slice(0, 10)}`);
    return e;
  }

  /** An entry's user metadata as plain JS (undefined when it has none). */
  /** An entry's user metadata exactly as the manifest holds it (lossless numbers). */
  rawFileUserMeta(logicalKey: string): JsonValue | undefined {
    return this.file(logicalKey).meta.get('user_meta');
  }

  /** Package-level user metadata exactly as the manifest holds it (lossless numbers). */
  get rawUserMeta(): JsonValue | undefined { return this.manifest.rawUserMeta; }

  fileUserMeta(logicalKey: string): PlainJson | undefined {
    const m = this.file(logicalKey).meta.get('user_meta');
    return m === undefined ? undefined : toPlain(m);
  }

  /** Where an entry's bytes are. */
  location(logicalKey: string): PhysicalKey {
    return parsePhysicalKey(this.file(logicalKey).physicalKey, `entry ${JSON.stringify(logicalKey)}`);
  }
}
