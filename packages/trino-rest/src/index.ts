/**
 * The front door of @quilt-e2e/trino-rest: everything other packages, the suite and the tools may
 * use. The files behind it (client.ts, sql-text.ts, types.ts) are private to the package.
 */
export {
  TrinoClient, TrinoProtocolError, TrinoQueryError, TrinoTimeoutError,
  type QueryOptions, type TrinoClientOptions, type TrinoColumn, type TrinoResult, type TrinoStats,
} from './client.js';
export { ident, literal, oneLine, qualified } from './sql-text.js';
export { normalizeTypeName } from './types.js';
