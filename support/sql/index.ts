/**
 * SQL for the suite: the query adapter (AthenaQueryEngine, on both targets), the names of the
 * package tables and the fixtures. The tables themselves and Tabulator are the platform's
 * (packages/platform/src/sql); the suite only queries them. See README.md in this folder.
 */
export {
  DEFAULT_DEADLINE_MS, DEFAULT_MAX_ROWS, QueryError, QueryFailedError, QueryTimeoutError, VANISHED_FILE_ERRORS, normalizeTypeName, rowObjects, runOverLiveData,
  type QueryColumn, type QueryEngine, type QueryResult, type QueryState, type QueryStatus, type QueryTimings, type ResultsOptions,
  type RunOptions, type StartOptions,
} from './query-engine.js';
export { AthenaQueryEngine, athenaValue, type AthenaEngineOptions } from './athena-engine.js';
export {
  FIXTURE_PREFIX, GENOMICS_PACKAGE, GENOMICS_SAMPLE_COUNT, GENOMICS_TABULATOR_CSV, GENOMICS_TABULATOR_PARQUET, SAMPLES_TABULATOR_SCHEMA, LARGE_TABLE_PACKAGE,
  LARGE_TABLE_ROWS, TISSUES, ensureGenomicsFixture, ensureLargeTableFixture, genomicsSamples, largeTableCsv, largeTableRow, samplesCsv,
  type FixtureOptions, type GenomicsFixture, type GenomicsSample, type LargeTableFixture, type LargeTableRow,
} from './fixtures.js';
export { ident, literal, qualified } from '@quilt-e2e/trino-rest';
export { packageTableNames, sqlTarget, type PackageTableNames, type SqlTarget } from './targets.js';
