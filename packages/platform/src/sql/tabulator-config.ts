/**
 * Tabulator table configurations: Quilt's YAML (in quiltdata/quilt: docs/advanced-features/tabulator.md,
 * shared/schemas/tabulatorTable.yml.json), parsed and checked with every problem named by its
 * line, column and field, e.g.
 *   Invalid Tabulator configuration of table "samples": line 4, column 11 (schema[1].type):
 *   unknown type "INTEGER"; expected one of BOOLEAN, TINYINT, ...
 *
 *   schema:
 *     - name: sample_id
 *       type: STRING
 *     - name: reads
 *       type: BIGINT
 *       nullable: false
 *   source:
 *     type: quilt-packages
 *     package_name: ^fixtures/(?<study>genomics)$
 *     logical_key: samples/(?<tissue>[^/]+)\.csv$
 *   parser:
 *     format: csv          # csv | parquet (Quilt's formats; a TSV is csv with delimiter "\t")
 *     delimiter: ","       # csv only, one character (default ",")
 *     header: true         # csv only (default false): the first line names the columns and is
 *                          # not data. Columns are taken by position either way: as Quilt's docs
 *                          # say, the schema's names need not match the file's.
 *   continue_on_error: false
 *
 * Parser keys are Quilt's schema's (CsvParser: format, delimiter, header; ParquetParser: format);
 * anything else, e.g. skip_rows, is refused as Quilt's schema refuses it (additionalProperties: false).
 *
 * Named groups of both regular expressions become varchar columns after the schema's columns.
 * Python/Rust's `(?P<name>...)` is accepted as well as `(?<name>...)`, and a leading `(?i)`.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';

export const TABULATOR_TYPES = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'STRING', 'BINARY', 'DATE', 'TIMESTAMP'] as const;
export type TabulatorType = (typeof TABULATOR_TYPES)[number];

/** Column names Tabulator accepts (schema columns and named groups). */
export const COLUMN_NAME_RE = /^[a-z_][a-z0-9_]*$/;
/** Table names, as the catalog's bucketSetTabulatorTable accepts them. */
export const TABLE_NAME_RE = /^[a-z0-9_][a-z0-9_-]{0,127}$/;

export interface TabulatorColumn { name: string; type: TabulatorType; nullable: boolean }

export interface TabulatorSource {
  type: 'quilt-packages';
  /** Matched (searched, as Quilt does) against "user/pkg". */
  packageName: RegExp;
  /** Matched against each logical key of the package's latest revision. */
  logicalKey: RegExp;
  /** The expressions as written in the YAML. */
  packageNamePattern: string;
  logicalKeyPattern: string;
  /** Named groups, in order of appearance: each becomes a varchar column. */
  packageNameGroups: string[];
  logicalKeyGroups: string[];
}

export interface TabulatorParser {
  format: 'csv' | 'parquet';
  /** csv: one character (default ","). */
  delimiter: string;
  /** csv: the first line names the columns and is skipped (default false); columns are by position either way. */
  header: boolean;
}

export interface TabulatorConfig {
  schema: TabulatorColumn[];
  source: TabulatorSource;
  parser: TabulatorParser;
  /** Values that cannot be read as their column's type become NULL, unreadable files are skipped. */
  continueOnError: boolean;
}

export interface ConfigProblem {
  /** The field, e.g. "schema[1].type" ("" for the whole document). */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class TabulatorConfigError extends Error {
  override name = 'TabulatorConfigError';
  constructor(readonly problems: ConfigProblem[], readonly table?: string) {
    const where = (p: ConfigProblem) => [p.line !== undefined ? `line ${p.line}, column ${p.column ?? 1}` : '', p.path ? `(${p.path})` : ''].filter(Boolean).join(' ');
    const head = `Invalid Tabulator configuration${table ? ` of table ${JSON.stringify(table)}` : ''}`;
    const lines = problems.map((p) => `${where(p)}${where(p) ? ': ' : ''}${p.message}`);
    super(lines.length === 1 ? `${head}: ${lines[0]}` : `${head}:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
  }
}

/** Checks a Tabulator table name; throws TabulatorConfigError naming the rule. */
export function validateTableName(name: string): string {
  if (typeof name !== 'string' || !TABLE_NAME_RE.test(name)) {
    throw new TabulatorConfigError([{ path: 'tableName', message: `table name ${JSON.stringify(name)} must be 1-128 lowercase letters, digits, "_" or "-" (not starting with "-"), for example "samples_2024"` }]);
  }
  return name;
}

class Checker {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly lines: LineCounter) {}

  at(node: Node | null | undefined, path: string, message: string): void {
    const offset = node?.range?.[0];
    if (offset === undefined) { this.problems.push({ path, message }); return; }
    const pos = this.lines.linePos(offset);
    this.problems.push({ path, line: pos.line, column: pos.col, message });
  }

  /** The keys of a mapping, with unknown keys reported. */
  fields(map: YAMLMap, path: string, allowed: string[]): Map<string, Node | null> {
    const out = new Map<string, Node | null>();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const keyPath = path ? `${path}.${key ?? '?'}` : (key ?? '?');
      if (key === undefined || !allowed.includes(key)) {
        this.at(pair.key as Node, keyPath, `unknown field ${JSON.stringify(key ?? pair.key)}; expected ${allowed.map((k) => JSON.stringify(k)).join(', ')}`);
        continue;
      }
      out.set(key, (pair.value as Node | null) ?? null);
    }
    return out;
  }

  string(node: Node | null | undefined, path: string, example: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.at(node, path, `expected a non-empty string, for example ${example}`);
      return undefined;
    }
    return node.value;
  }

  boolean(node: Node | null | undefined, path: string): boolean | undefined {
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.at(node, path, `expected true or false, got ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }
}

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isScalar(node)) return JSON.stringify(node.value);
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'an alias';
}

/** A regular expression of the config as a JS RegExp, with its named groups; problems reported. */
function compileRegex(c: Checker, node: Node | null | undefined, path: string, example: string): { re: RegExp; pattern: string; groups: string[] } | undefined {
  const pattern = c.string(node, path, example);
  if (pattern === undefined) return undefined;
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    if (inline[1]!.includes('x')) { c.at(node, path, 'the (?x) flag (verbose regular expressions) is not supported; write the expression without it'); return undefined; }
    flags = [...new Set(inline[1]!)].join('');
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>');
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    c.at(node, path, `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    return undefined;
  }
  const groups: string[] = [];
  for (const m of source.matchAll(/\(\?<([^>=!][^>]*)>/g)) groups.push(m[1]!);
  return { re, pattern, groups };
}

/**
 * Parses and checks a Tabulator YAML configuration. Throws TabulatorConfigError listing every
 * problem with its line, column and field.
 */
export function parseTabulatorConfig(yamlText: string, table?: string): TabulatorConfig {
  if (typeof yamlText !== 'string' || yamlText.trim() === '') {
    throw new TabulatorConfigError([{ path: '', message: 'the configuration is empty; expected YAML with schema, source and parser (see packages/platform/src/sql/tabulator-config.ts)' }], table);
  }
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new TabulatorConfigError(doc.errors.map((e) => ({
      path: '',
      ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
      message: `not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    })), table);
  }
  const c = new Checker(lines);
  const root = doc.contents;
  if (!isMap(root)) {
    c.at(root as Node | null, '', `expected a mapping with the keys schema, source and parser, got ${describe(root as Node | null)}`);
    throw new TabulatorConfigError(c.problems, table);
  }
  const top = c.fields(root, '', ['schema', 'source', 'parser', 'continue_on_error']);
  for (const required of ['schema', 'source', 'parser']) {
    if (!top.has(required)) c.at(root, required, `the field ${JSON.stringify(required)} is missing; a Tabulator table needs schema (columns), source (quilt-packages, package_name, logical_key) and parser (csv, tsv or parquet)`);
  }

  // schema
  const schema: TabulatorColumn[] = [];
  const schemaNode = top.get('schema');
  if (top.has('schema')) {
    if (!isSeq(schemaNode) || schemaNode.items.length === 0) {
      c.at(schemaNode, 'schema', `expected a non-empty list of columns like "- name: sample_id\\n  type: STRING", got ${describe(schemaNode)}`);
    } else {
      const seen = new Map<string, number>();
      schemaNode.items.forEach((item, i) => {
        const path = `schema[${i}]`;
        if (!isMap(item)) { c.at(item as Node, path, `expected a column mapping with name and type, got ${describe(item as Node)}`); return; }
        const f = c.fields(item, path, ['name', 'type', 'nullable']);
        if (!f.has('name')) c.at(item, `${path}.name`, 'the column has no "name"');
        if (!f.has('type')) c.at(item, `${path}.type`, 'the column has no "type"');
        const name = f.has('name') ? c.string(f.get('name'), `${path}.name`, '"sample_id"') : undefined;
        if (name !== undefined) {
          if (!COLUMN_NAME_RE.test(name)) c.at(f.get('name'), `${path}.name`, `column name ${JSON.stringify(name)} must match ^[a-z_][a-z0-9_]*$ (lowercase letters, digits and "_", not starting with a digit), for example "sample_id"`);
          else if (seen.has(name)) c.at(f.get('name'), `${path}.name`, `column ${JSON.stringify(name)} is already defined by schema[${seen.get(name)}]`);
          else seen.set(name, i);
        }
        const typeRaw = f.has('type') ? c.string(f.get('type'), `${path}.type`, '"STRING"') : undefined;
        let type: TabulatorType | undefined;
        if (typeRaw !== undefined) {
          if ((TABULATOR_TYPES as readonly string[]).includes(typeRaw)) type = typeRaw as TabulatorType;
          else {
            const hint = (TABULATOR_TYPES as readonly string[]).includes(typeRaw.toUpperCase()) ? ` (types are uppercase: ${typeRaw.toUpperCase()})` : typeRaw.toUpperCase() === 'INTEGER' ? ' (did you mean INT?)' : '';
            c.at(f.get('type'), `${path}.type`, `unknown type ${JSON.stringify(typeRaw)}${hint}; expected one of ${TABULATOR_TYPES.join(', ')}`);
          }
        }
        const nullable = f.has('nullable') ? c.boolean(f.get('nullable'), `${path}.nullable`) : true;
        if (name !== undefined && type !== undefined && nullable !== undefined) schema.push({ name, type, nullable });
      });
    }
  }

  // source
  let source: TabulatorSource | undefined;
  const sourceNode = top.get('source');
  if (top.has('source')) {
    if (!isMap(sourceNode)) {
      c.at(sourceNode, 'source', `expected a mapping with type, package_name and logical_key, got ${describe(sourceNode)}`);
    } else {
      const f = c.fields(sourceNode, 'source', ['type', 'package_name', 'logical_key']);
      for (const k of ['type', 'package_name', 'logical_key']) if (!f.has(k)) c.at(sourceNode, `source.${k}`, `the field ${JSON.stringify(k)} is missing`);
      const type = f.has('type') ? c.string(f.get('type'), 'source.type', '"quilt-packages"') : undefined;
      if (type !== undefined && type !== 'quilt-packages') c.at(f.get('type'), 'source.type', `unknown source type ${JSON.stringify(type)}; expected "quilt-packages"`);
      const pkg = f.has('package_name') ? compileRegex(c, f.get('package_name'), 'source.package_name', '"^genomics/(?<study>.+)$"') : undefined;
      const lk = f.has('logical_key') ? compileRegex(c, f.get('logical_key'), 'source.logical_key', '"samples/(?<sample>[^/]+)\\\\.csv$"') : undefined;
      if (pkg && lk && type === 'quilt-packages') {
        const names = new Map(schema.map((col, i) => [col.name, `schema[${i}]`]));
        for (const [field, node, groups] of [['source.package_name', f.get('package_name'), pkg.groups], ['source.logical_key', f.get('logical_key'), lk.groups]] as const) {
          for (const g of groups) {
            if (!COLUMN_NAME_RE.test(g)) c.at(node, field, `named group ${JSON.stringify(g)} becomes a column, so it must match ^[a-z_][a-z0-9_]*$`);
            else if (names.has(g)) c.at(node, field, `named group ${JSON.stringify(g)} becomes a column, but ${names.get(g)} already defines ${JSON.stringify(g)}`);
            else names.set(g, field);
          }
        }
        source = {
          type: 'quilt-packages', packageName: pkg.re, logicalKey: lk.re, packageNamePattern: pkg.pattern, logicalKeyPattern: lk.pattern,
          packageNameGroups: pkg.groups, logicalKeyGroups: lk.groups,
        };
      }
    }
  }

  // parser
  let parser: TabulatorParser | undefined;
  const parserNode = top.get('parser');
  if (top.has('parser')) {
    if (!isMap(parserNode)) {
      c.at(parserNode, 'parser', `expected a mapping like "format: csv", got ${describe(parserNode)}`);
    } else {
      const f = c.fields(parserNode, 'parser', ['format', 'delimiter', 'header']);
      if (!f.has('format')) c.at(parserNode, 'parser.format', 'the field "format" is missing; expected csv or parquet');
      const format = f.has('format') ? c.string(f.get('format'), 'parser.format', '"csv"') : undefined;
      if (format === 'tsv') c.at(f.get('format'), 'parser.format', 'Quilt\'s Tabulator has no format "tsv": use format: csv with delimiter: "\\t"');
      else if (format !== undefined && !['csv', 'parquet'].includes(format)) c.at(f.get('format'), 'parser.format', `unknown format ${JSON.stringify(format)}; expected csv or parquet`);
      if (format === 'parquet') {
        for (const k of ['delimiter', 'header']) if (f.has(k)) c.at(f.get(k), `parser.${k}`, `"${k}" applies to csv only, not to parquet`);
        parser = { format, delimiter: ',', header: false };
      } else if (format === 'csv') {
        let delimiter = ',';
        if (f.has('delimiter')) {
          const d = c.string(f.get('delimiter'), 'parser.delimiter', '","');
          if (d !== undefined && [...d].length !== 1) c.at(f.get('delimiter'), 'parser.delimiter', `expected one character, got ${JSON.stringify(d)}`);
          else if (d === '\n' || d === '\r' || d === '"') c.at(f.get('delimiter'), 'parser.delimiter', `${JSON.stringify(d)} cannot separate columns`);
          else if (d !== undefined) delimiter = d;
        }
        const header = f.has('header') ? c.boolean(f.get('header'), 'parser.header') : false;
        if (header !== undefined) parser = { format, delimiter, header };
      }
    }
  }

  const continueOnError = top.has('continue_on_error') ? c.boolean(top.get('continue_on_error'), 'continue_on_error') : false;
  if (c.problems.length > 0 || !source || !parser || continueOnError === undefined) {
    if (c.problems.length === 0) c.at(root, '', 'the configuration is incomplete');
    throw new TabulatorConfigError(c.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)), table);
  }
  return { schema, source, parser, continueOnError };
}

/** The columns a Tabulator table shows, in order: schema, named groups, then the added $-columns. */
export function tabulatorColumns(config: TabulatorConfig): Array<{ name: string; type: TabulatorType | 'STRING' }> {
  return [
    ...config.schema.map((c) => ({ name: c.name, type: c.type })),
    ...config.source.packageNameGroups.map((g) => ({ name: g, type: 'STRING' as const })),
    ...config.source.logicalKeyGroups.map((g) => ({ name: g, type: 'STRING' as const })),
    ...ADDED_COLUMNS.map((name) => ({ name, type: 'STRING' as const })),
  ];
}

/** The columns Tabulator adds to every table (quote them in SQL: "$pkg_name"). */
export const ADDED_COLUMNS = ['$pkg_name', '$logical_key', '$physical_key', '$top_hash'] as const;
