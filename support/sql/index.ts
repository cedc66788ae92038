/**
 * SQL for the suite: the query adapter (Athena lifecycle, Trino or Athena), package metadata
 * tables, Tabulator, fixtures. See README.md in this folder.
 */
export {
  DEFAULT_DEADLINE_MS, DEFAULT_MAX_ROWS, QueryError, QueryFailedError, QueryTimeoutError, VANISHED_FILE_ERRORS, normalizeTypeName, rowObjects, runOverLiveData,
  type QueryColumn, type QueryEngine, type QueryResult, type QueryState, type QueryStatus, type QueryTimings, type ResultsOptions,
  type RunOptions, type StartOptions,
} from './query-engine.js';
export { TrinoQueryEngine, type TrinoEngineOptions } from './trino-engine.js';
export { AthenaQueryEngine, athenaValue, type AthenaEngineOptions } from './athena-engine.js';
export {
  dropPackageMetadataTables, ensurePackageMetadataTables, packageMetadataDdl, packageTableNames, type MetadataTablesOptions,
  type PackageTableNames,
} from './metadata-tables.js';
export {
  ADDED_COLUMNS, COLUMN_NAME_RE, TABLE_NAME_RE, TABULATOR_TYPES, TabulatorConfigError, parseTabulatorConfig, tabulatorColumns,
  validateTableName, type ConfigProblem, type TabulatorColumn, type TabulatorConfig, type TabulatorParser, type TabulatorSource,
  type TabulatorType,
} from './tabulator-config.js';
export {
  TABULATOR_CONFIG_PREFIX, TABULATOR_INTERNAL_SCHEMA, TRINO_TYPES, Tabulator, TabulatorError, literalPrefix, setTabulatorTable,
  splitCsvLine, stackTabulator, type TabulatorOptions, type TabulatorRefresh,
} from './tabulator.js';
export {
  FIXTURE_PREFIX, GENOMICS_PACKAGE, GENOMICS_SAMPLE_COUNT, GENOMICS_TABULATOR_CSV, GENOMICS_TABULATOR_PARQUET, LARGE_TABLE_PACKAGE,
  LARGE_TABLE_ROWS, TISSUES, ensureGenomicsFixture, ensureLargeTableFixture, genomicsSamples, largeTableCsv, largeTableRow, samplesCsv,
  type FixtureOptions, type GenomicsFixture, type GenomicsSample, type LargeTableFixture, type LargeTableRow,
} from './fixtures.js';
export { DEFAULT_SCRATCH_BUCKET, ensureScratchBucket } from './scratch.js';
export { provisionSql } from './provision.js';
export { ident, literal, qualified } from './sql-text.js';
export { sqlTarget, type SqlTarget } from './targets.js';
