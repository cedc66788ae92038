/**
 * quilt3's `Package.diff`: entries compared by logical key on size, hash and meta (physical keys
 * ignored). `added` is sorted; `modified` and `deleted` follow the older revision's walk order.
 */
import { jsonEquals } from './json/values.js';
import { compareCodePoints } from './json/python-dumps.js';
import type { Manifest, ManifestEntry } from './manifest.js';

export interface ManifestDiff {
  added: string[];
  modified: string[];
  deleted: string[];
}

export function entriesEqual(a: ManifestEntry, b: ManifestEntry): boolean {
  return a.size === b.size && a.hash.type === b.hash.type && a.hash.value === b.hash.value && jsonEquals(a.meta, b.meta);
}

/** What changed from `from` to `to`. */
export function diffManifests(from: Manifest, to: Manifest): ManifestDiff {
  const modified: string[] = [];
  const deleted: string[] = [];
  const remaining = new Map(to.entries.map((e) => [e.logicalKey, e]));
  for (const e of from.entries) {
    const other = remaining.get(e.logicalKey);
    if (!other) deleted.push(e.logicalKey);
    else {
      remaining.delete(e.logicalKey);
      if (!entriesEqual(e, other)) modified.push(e.logicalKey);
    }
  }
  const added = [...remaining.keys()].sort(compareCodePoints);
  return { added, modified, deleted };
}
