/**
 * The search engine itself (OpenSearch), for the local target's smoke checks. The suite's
 * search workflows go through the catalog's /api/search, as users' do; this adapter is the
 * direct line used to prove the engine answers, and to inspect an index when a check fails.
 */
import { Client } from '@opensearch-project/opensearch';

export interface SearchHit { id: string; score: number; source: Record<string, unknown> }
export interface SearchAnswer { total: number; hits: SearchHit[]; tookMs: number }

export class SearchEngine {
  private readonly client: Client;

  constructor(readonly endpoint: string, requestTimeoutMs = 10_000) {
    this.client = new Client({ node: endpoint, requestTimeout: requestTimeoutMs, maxRetries: 1 });
  }

  async createIndex(index: string, mappings: Record<string, unknown>): Promise<void> {
    await this.client.indices.create({ index, body: { settings: { number_of_replicas: 0, number_of_shards: 1 }, mappings } });
  }

  async deleteIndex(index: string): Promise<void> {
    await this.client.indices.delete({ index, ignore_unavailable: true });
  }

  /** Indexes documents by id and makes them visible to search at once (refresh). */
  async index(index: string, docs: { id: string; source: Record<string, unknown> }[]): Promise<void> {
    const body = docs.flatMap((d) => [{ index: { _index: index, _id: d.id } }, d.source]);
    const r = await this.client.bulk({ body, refresh: 'wait_for' });
    if (r.body.errors) throw new Error(`indexing into ${index} failed: ${JSON.stringify(r.body.items.find((i) => Object.values(i)[0]?.error))}`);
  }

  /** A query_string search with AND semantics over the given fields (Quilt's historical query). */
  async queryString(index: string, query: string, fields: string[], size = 10): Promise<SearchAnswer> {
    const r = await this.client.search({ index, body: { size, query: { query_string: { query, fields, default_operator: 'AND', analyze_wildcard: true } } } });
    const total = r.body.hits.total;
    return {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      tookMs: r.body.took,
      hits: r.body.hits.hits.map((h) => ({ id: h._id ?? '', score: h._score ?? 0, source: (h._source ?? {}) as Record<string, unknown> })),
    };
  }

  async close(): Promise<void> { await this.client.close(); }
}
