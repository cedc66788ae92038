/**
 * The catalog's access state for a configuration: its data folder and served buckets. A new catalog
 * knows one user, its first admin (the bucket owner); the stack makes the other personas through
 * the admin API (packages/stack/src/personas.ts).
 */
import type { CatalogConfig } from '../config.js';
import { AccessStore } from './store.js';

export function accessStore(config: CatalogConfig): AccessStore {
  return new AccessStore(config.dataDir, config.buckets, Object.values(config.users).filter((u) => u.uid === config.indexerUser).map((u) => ({ name: u.uid, role: u.role, isAdmin: true })));
}
