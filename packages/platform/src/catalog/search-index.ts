/**
 * The two search indexes per bucket, in the shapes Quilt's indexer writes
 * (shared reference quilt-formats.md §4):
 * - `<bucket>`: one document per object version (or delete marker), id `<key>:<versionId|"null">`;
 * - `<bucket>_packages`: manifest documents `mnfst:<hash>` with their entries `entry:<hash>:<sha256(lk)>`
 *   and the pointers `ptr:<sha256(name/tag)>` as children (parent-join, routed to the manifest).
 * Both are single-shard, so a child's routing only has to be right for the join, never to find it.
 */
import { createHash } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';

export const packagesIndex = (bucket: string): string => `${bucket}_packages`;
export const objectDocId = (key: string, versionId: string | undefined): string => `${key}:${versionId || 'null'}`;
export const sha256hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
export const manifestDocId = (hash: string): string => `mnfst:${hash}`;
export const entryDocId = (hash: string, logicalKey: string): string => `entry:${hash}:${sha256hex(logicalKey)}`;
export const pointerDocId = (name: string, tag: string): string => `ptr:${sha256hex(`${name}/${tag}`)}`;

const settings = {
  number_of_shards: 1,
  number_of_replicas: 0,
  analysis: {
    analyzer: {
      // Splits keys and logical keys into words: "raw/2024/Sales_Q1.csv" -> raw 2024 sales q1 csv.
      quilt_path: { type: 'custom', tokenizer: 'quilt_path_tokenizer', filter: ['lowercase'] },
    },
    tokenizer: { quilt_path_tokenizer: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+' } },
  },
};

export const objectIndexBody = {
  settings,
  mappings: {
    dynamic: false,
    properties: {
      key: { type: 'keyword', copy_to: 'key_text' },
      key_text: { type: 'text', analyzer: 'quilt_path' },
      ext: { type: 'keyword' },
      size: { type: 'long' },
      etag: { type: 'keyword' },
      version_id: { type: 'keyword' },
      last_modified: { type: 'date' },
      delete_marker: { type: 'boolean' },
      content: { type: 'text', analyzer: 'english' },
      content_type: { type: 'keyword' },
      event: { type: 'keyword' },
      updated: { type: 'date' },
      s3_tags: { type: 'object', dynamic: true },
      was_packaged: { type: 'boolean' },
    },
  },
};

export const packagesIndexBody = {
  settings,
  mappings: {
    dynamic: false,
    properties: {
      join_field: { type: 'join', relations: { mnfst: ['entry', 'ptr'] } },
      mnfst_hash: { type: 'keyword' },
      mnfst_last_modified: { type: 'date' },
      mnfst_message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } },
      mnfst_metadata: { type: 'text' },
      mnfst_stats: { properties: { total_bytes: { type: 'long' }, total_files: { type: 'long' } } },
      mnfst_workflow: { type: 'object', enabled: false },
      entry_lk: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'quilt_path' } } },
      entry_pk: { type: 'keyword' },
      entry_size: { type: 'long' },
      entry_hash: { properties: { type: { type: 'keyword' }, value: { type: 'keyword' } } },
      entry_metadata: { type: 'text' },
      ptr_name: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'quilt_path' } } },
      ptr_tag: { type: 'keyword' },
      ptr_last_modified: { type: 'date' },
    },
  },
};

export function openSearchClient(node: string, requestTimeout = 10_000): Client {
  return new Client({ node, requestTimeout, maxRetries: 0 });
}

/** Creates both indexes of a bucket when absent (a concurrent create is fine). */
export async function ensureIndexes(client: Client, bucket: string): Promise<void> {
  for (const [index, body] of [[bucket, objectIndexBody], [packagesIndex(bucket), packagesIndexBody]] as const) {
    const exists = await client.indices.exists({ index });
    if (exists.body === true) continue;
    try {
      await client.indices.create({ index, body: body as never });
    } catch (e) {
      if (!/resource_already_exists_exception/.test(String((e as { message?: string }).message) + JSON.stringify((e as { meta?: { body?: unknown } }).meta?.body ?? ''))) throw e;
    }
  }
}

/** The last suffixes of a key, lowercased, as Quilt's `ext` field: "a/b.CSV.gz" -> ".csv.gz", "README" -> "". */
export function extOf(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const parts = base.split('.');
  if (parts.length < 2 || (parts.length === 2 && parts[0] === '')) return '';
  const last = `.${parts[parts.length - 1]}`;
  if (['.gz', '.bz2', '.xz', '.zst', '.zip'].includes(last) && parts.length >= 3 && parts[parts.length - 2] !== '') {
    return `.${parts[parts.length - 2]}${last}`;
  }
  return last;
}
