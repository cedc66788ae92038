/**
 * Databases, tables and columns of the local Athena data catalogs, read from Trino's metastore
 * (information_schema and DESCRIBE of the Trino catalog behind each data catalog):
 *   - AwsDataCatalog (Glue): the schemas of the Hive metastore that hold package tables — the
 *     Tabulator schemas (one per served bucket) and Tabulator's internal schema are not Glue
 *     databases on a Quilt stack, so they are left out;
 *   - the Tabulator catalog: one database per served bucket that has Tabulator tables.
 */
import { TrinoClient, TrinoQueryError, ident, literal } from '@quilt-e2e/trino-rest';
import { AwsError } from './errors.js';
import { hiveTypeName, parseTrinoType } from './types.js';

export type CatalogKind = 'glue' | 'tabulator';

export interface CatalogDef { name: string; trinoCatalog: string; kind: CatalogKind; description: string }

export interface ColumnDef { Name: string; Type: string; Comment?: string }
export interface TableDef {
  name: string;
  database: string;
  /** EXTERNAL_TABLE or VIRTUAL_VIEW, as Glue names them. */
  tableType: 'EXTERNAL_TABLE' | 'VIRTUAL_VIEW';
  columns: ColumnDef[];
  partitionKeys: ColumnDef[];
  location?: string;
  viewText?: string;
  parameters: Record<string, string>;
}

export class Metadata {
  constructor(
    private readonly trinoUrl: string,
    private readonly trinoUser: string,
    readonly catalogs: CatalogDef[],
    /** Buckets served by the stack (the Tabulator catalog's databases; hidden from Glue). */
    private readonly buckets: string[],
    /** Trino schemas that are never databases (Tabulator's internal tables). */
    private readonly hiddenSchemas: string[],
  ) {}

  catalog(name: string): CatalogDef | undefined {
    return this.catalogs.find((c) => c.name.toLowerCase() === name.toLowerCase());
  }

  requireCatalog(name: string, errorCode: 'InvalidRequestException' | 'EntityNotFoundException' = 'InvalidRequestException'): CatalogDef {
    const c = this.catalog(name);
    if (!c) {
      throw new AwsError(errorCode, `data catalog ${JSON.stringify(name)} does not exist: this stack has ${this.catalogs.map((x) => x.name).join(', ')}`,
        errorCode === 'InvalidRequestException' ? { AthenaErrorCode: 'INVALID_INPUT' } : {});
    }
    return c;
  }

  private trino(catalog: string): TrinoClient {
    return new TrinoClient({ server: this.trinoUrl, user: this.trinoUser, catalog, source: 'athena-metadata', requestTimeoutMs: 30_000 });
  }

  async databases(c: CatalogDef): Promise<string[]> {
    const r = await this.trino(c.trinoCatalog).query(`SHOW SCHEMAS FROM ${ident(c.trinoCatalog)}`, { deadlineMs: 30_000 });
    const all = r.rows.map((row) => String(row[0])).filter((s) => s !== 'information_schema' && !this.hiddenSchemas.includes(s));
    return (c.kind === 'tabulator' ? all.filter((s) => this.buckets.includes(s)) : all.filter((s) => !this.buckets.includes(s))).sort();
  }

  async requireDatabase(c: CatalogDef, database: string, errorCode: 'MetadataException' | 'EntityNotFoundException'): Promise<string> {
    const dbs = await this.databases(c);
    const found = dbs.find((d) => d === database.toLowerCase());
    if (!found) throw new AwsError(errorCode, `Database ${database} not found in data catalog ${c.name} (it has: ${dbs.join(', ') || 'none'})`);
    return found;
  }

  /** Every table of a database with its columns (one information_schema query). */
  async tables(c: CatalogDef, database: string): Promise<TableDef[]> {
    const db = database.toLowerCase();
    const trino = this.trino(c.trinoCatalog);
    const cat = ident(c.trinoCatalog);
    const [tables, columns] = await Promise.all([
      trino.query(`SELECT table_name, table_type FROM ${cat}.information_schema.tables WHERE table_schema = ${literal(db)} ORDER BY table_name`, { deadlineMs: 60_000 }),
      trino.query(`SELECT table_name, column_name, data_type FROM ${cat}.information_schema.columns WHERE table_schema = ${literal(db)} ORDER BY table_name, ordinal_position`, { deadlineMs: 60_000 }),
    ]);
    const cols = new Map<string, ColumnDef[]>();
    for (const [t, name, type] of columns.rows as [string, string, string][]) {
      const list = cols.get(t) ?? [];
      list.push({ Name: name, Type: hiveTypeName(parseTrinoType(type)) });
      cols.set(t, list);
    }
    return (tables.rows as [string, string][]).map(([name, type]): TableDef => ({
      name, database: db, tableType: type === 'VIEW' ? 'VIRTUAL_VIEW' : 'EXTERNAL_TABLE', columns: cols.get(name) ?? [], partitionKeys: [],
      parameters: type === 'VIEW' ? { presto_view: 'true' } as Record<string, string> : { EXTERNAL: 'TRUE' },
    }));
  }

  /** One table with its partition keys apart and, for tables, its S3 location. */
  async table(c: CatalogDef, database: string, table: string, errorCode: 'MetadataException' | 'EntityNotFoundException'): Promise<TableDef> {
    const db = await this.requireDatabase(c, database, errorCode);
    const name = table.toLowerCase();
    const trino = this.trino(c.trinoCatalog);
    const fq = `${ident(c.trinoCatalog)}.${ident(db)}.${ident(name)}`;
    const kind = await trino.query(`SELECT table_type FROM ${ident(c.trinoCatalog)}.information_schema.tables WHERE table_schema = ${literal(db)} AND table_name = ${literal(name)}`, { deadlineMs: 30_000 });
    if (kind.rows.length === 0) throw new AwsError(errorCode, `Table ${table} not found in database ${db} of data catalog ${c.name}`);
    const isView = kind.rows[0]![0] === 'VIEW';
    let described;
    try {
      described = await trino.query(`DESCRIBE ${fq}`, { deadlineMs: 60_000 });
    } catch (e) {
      if (e instanceof TrinoQueryError) throw new AwsError(errorCode, `Table ${table} of database ${db} cannot be described: ${e.errorName}: ${e.trinoMessage}`);
      throw e;
    }
    const columns: ColumnDef[] = [];
    const partitionKeys: ColumnDef[] = [];
    for (const [col, type, extra, comment] of described.rows as [string, string, string, string][]) {
      const def: ColumnDef = { Name: col, Type: hiveTypeName(parseTrinoType(type)), ...(comment ? { Comment: comment } : {}) };
      (extra === 'partition key' ? partitionKeys : columns).push(def);
    }
    const t: TableDef = {
      name, database: db, tableType: isView ? 'VIRTUAL_VIEW' : 'EXTERNAL_TABLE', columns, partitionKeys,
      parameters: isView ? { presto_view: 'true' } : { EXTERNAL: 'TRUE' },
    };
    const ddl = await trino.query(`SHOW CREATE ${isView ? 'VIEW' : 'TABLE'} ${fq}`, { deadlineMs: 30_000 }).catch(() => undefined);
    const text = ddl ? String(ddl.rows[0]?.[0] ?? '') : '';
    if (isView) t.viewText = text;
    else {
      const loc = /external_location = '((?:[^']|'')*)'/.exec(text);
      if (loc) t.location = loc[1]!.replace(/''/g, "'");
      const fmt = /format = '([A-Z_]+)'/.exec(text);
      if (fmt) t.parameters.classification = fmt[1]!.toLowerCase();
    }
    return t;
  }
}
