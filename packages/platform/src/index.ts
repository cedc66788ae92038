/**
 * The front door of @quilt-e2e/platform: what the stack (which starts and provisions the platform),
 * the test kit's catalog harness (@quilt-e2e/test-kit/catalog), the project's own tests and the
 * tools use. The suite never imports the platform (eslint.config.js, scripts/import-graph.ts): it
 * observes it through its protocols. The servers themselves run as processes started from their
 * files (src/catalog/main.ts, src/athena/main.ts, found through `@quilt-e2e/platform/package.json`).
 */
export { mintToken, type MintOptions } from './catalog/auth.js';
export { loadCatalogConfig, DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SECRET, type CatalogConfig } from './catalog/config.js';
export { openSearchClient, packagesIndex } from './catalog/search-index.js';
export { removeCatalogRoles, rgwRoleName, rolePolicy } from './catalog/credentials.js';
export { FAULTS, type Fault } from './faults.js';
export { ensurePackageMetadataTables, packageTableNames } from './sql/metadata-tables.js';
export { provisionSql } from './sql/provision.js';
export { listKeys } from './sql/scratch.js';
export { TabulatorConfigError, parseTabulatorConfig, tabulatorColumns, validateTableName, type TabulatorConfig } from './sql/tabulator-config.js';
export { Tabulator, literalPrefix, setTabulatorTable } from './sql/tabulator.js';
