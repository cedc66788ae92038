/** The catalog's access state for a configuration: its data folder, served buckets and the personas' seed. */
import type { CatalogConfig } from '../config.js';
import { AccessStore } from './store.js';

export function accessStore(config: CatalogConfig): AccessStore {
  return new AccessStore(config.dataDir, config.buckets, Object.values(config.users).map((u) => ({ name: u.uid, role: u.role, isAdmin: u.uid === config.indexerUser })));
}
