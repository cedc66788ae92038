/**
 * What every part of the catalog works with: its configuration and the services it runs on. Made
 * once by main.ts (or a test) and handed to the HTTP server, the routes and the GraphQL resolvers.
 * Types only: this module imports no behaviour, so nothing that needs the context forms a circle.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { TabulatorRefresher } from '../sql/tabulator-refresher.js';
import type { AccessStore } from './access/store.js';
import type { Authorizer, S3Clients } from './authz.js';
import type { BrowsingSessions } from './browsing.js';
import type { ChangeFeed } from './change-feed.js';
import type { CatalogRoles } from './credentials.js';
import type { CatalogConfig } from './config.js';
import type { Indexer } from './indexer/indexer.js';
import type { PackageService } from './packages.js';
import type { AccessCounts } from './access-counts.js';

export interface CatalogContext {
  config: CatalogConfig;
  clients: S3Clients;
  authz: Authorizer;
  os: Client;
  indexer: Indexer;
  /** Keeps Tabulator's views fresh as packages change (absent in tests that run no Tabulator). */
  tabulator?: TabulatorRefresher;
  packages: PackageService;
  /** Browsing sessions (browsingSessionCreate, GET /browse/...). */
  browsing: BrowsingSessions;
  /** Quilt's access model: users, roles, policies (durable). */
  access: AccessStore;
  /** The catalog roles in RGW and their STS credentials (get_credentials). */
  roles: CatalogRoles;
  /** Reads of package manifests per day, from the S3 front's access log (Package.accessCounts). */
  accessCounts: AccessCounts;
  log: (line: string) => void;
  /** The change feed (RGW's bucket index log); set once the catalog has started it. */
  feed?: ChangeFeed;
}
