/**
 * The catalog harness lives in the test kit (`@quilt-e2e/test-kit/catalog`, packages/test-kit/src/catalog.ts);
 * re-exported here only until the catalog tests import it from there.
 */
export { startCatalogUnderTest, type CatalogUnderTest, type Persona, type SearchHit } from '@quilt-e2e/test-kit/catalog';
