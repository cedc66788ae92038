/**
 * Tabulator YAML: a valid config parses into columns, regexes with named groups and a parser;
 * every invalid one is refused with the line, column and field of each problem.
 * (No server needed; the rest of test/sql talks to the running stack.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabulatorConfigError, parseTabulatorConfig, tabulatorColumns, validateTableName, literalPrefix } from '@quilt-e2e/platform';

const VALID = `schema:
  - name: sample_id
    type: STRING
    nullable: false
  - name: reads
    type: BIGINT
source:
  type: quilt-packages
  package_name: ^fixtures/(?P<study>[a-z]+)$
  logical_key: samples/(?<tissue>[^/]+)\\.csv$
parser:
  format: csv
  delimiter: ";"
  header: true
continue_on_error: true
`;

function problems(yaml: string): Array<{ line?: number; path: string; message: string }> {
  try {
    parseTabulatorConfig(yaml, 'samples');
  } catch (e) {
    assert.ok(e instanceof TabulatorConfigError, `expected a TabulatorConfigError, got ${(e as Error).name}: ${(e as Error).message}`);
    assert.match(e.message, /Invalid Tabulator configuration of table "samples"/);
    return e.problems;
  }
  assert.fail('the configuration was accepted');
}

test('a valid configuration parses: columns, Python-style and JS-style named groups, parser, flags', () => {
  const c = parseTabulatorConfig(VALID, 'samples');
  assert.deepEqual(c.schema, [{ name: 'sample_id', type: 'STRING', nullable: false }, { name: 'reads', type: 'BIGINT', nullable: true }]);
  assert.deepEqual(c.source.packageNameGroups, ['study']);
  assert.deepEqual(c.source.logicalKeyGroups, ['tissue']);
  assert.equal(c.source.packageName.exec('fixtures/genomics')?.groups?.study, 'genomics');
  assert.equal(c.source.logicalKey.exec('raw/samples/liver.csv')?.groups?.tissue, 'liver', 'the logical key is searched, not fully matched (as Quilt does)');
  assert.deepEqual(c.parser, { format: 'csv', delimiter: ';', header: true });
  assert.equal(c.continueOnError, true);
  assert.deepEqual(tabulatorColumns(c).map((x) => x.name), ['sample_id', 'reads', 'study', 'tissue', '$pkg_name', '$logical_key', '$physical_key', '$top_hash']);
});

test("defaults as Quilt's: csv with comma and header false, a tab delimiter for TSV, parquet, continue_on_error false, (?i)", () => {
  const base = 'schema: [{name: a, type: STRING}]\nsource: {type: quilt-packages, package_name: "(?i)^X/", logical_key: "."}\n';
  assert.deepEqual(parseTabulatorConfig(`${base}parser: {format: csv}\n`).parser, { format: 'csv', delimiter: ',', header: false });
  assert.deepEqual(parseTabulatorConfig(`${base}parser: {format: csv, delimiter: "\\t", header: true}\n`).parser, { format: 'csv', delimiter: '\t', header: true });
  const pq = parseTabulatorConfig(`${base}parser: {format: parquet}\n`);
  assert.equal(pq.parser.format, 'parquet');
  assert.equal(pq.continueOnError, false);
  assert.ok(pq.source.packageName.test('x/abc'), '(?i) makes the expression case-insensitive');
});

test('problems are named by line, column and field: types, names, nullable, unknown fields, regexes, parser', () => {
  const p = problems(`schema:
  - name: Sample
    type: INTEGER
  - name: reads
    type: bigint
    nullable: yes
    width: 3
source:
  type: quilt-packages
  package_name: "^(unclosed"
  logical_key: x
parser:
  format: parquet
  header: true
`);
  const byPath = new Map(p.map((x) => [x.path, x]));
  assert.equal(byPath.get('schema[0].name')?.line, 2);
  assert.match(byPath.get('schema[0].name')!.message, /\^\[a-z_\]\[a-z0-9_\]\*\$/);
  assert.equal(byPath.get('schema[0].type')?.line, 3);
  assert.match(byPath.get('schema[0].type')!.message, /unknown type "INTEGER" \(did you mean INT\?\); expected one of BOOLEAN, TINYINT/);
  assert.match(byPath.get('schema[1].type')!.message, /types are uppercase: BIGINT/);
  assert.equal(byPath.get('schema[1].nullable')?.line, 6);
  assert.match(byPath.get('schema[1].nullable')!.message, /expected true or false, got "yes"/);
  assert.match(byPath.get('schema[1].width')!.message, /unknown field "width"/);
  assert.equal(byPath.get('source.package_name')?.line, 10);
  assert.match(byPath.get('source.package_name')!.message, /not a valid regular expression/);
  assert.match(byPath.get('parser.header')!.message, /applies to csv only/);
  assert.equal(p.length, 7);
});

test('missing sections, wrong source type, bad format and delimiter, group name clashes, duplicate columns', () => {
  assert.match(problems('schema: [{name: a, type: STRING}]\n').map((x) => x.message).join('\n'), /"source" is missing[\s\S]*"parser" is missing/);
  const p = problems(`schema:
  - {name: a, type: STRING}
  - {name: a, type: INT}
source: {type: s3-objects, package_name: "^(?<a>x)/", logical_key: "(?<Bad>.)"}
parser: {format: xlsx, delimiter: ";;"}
continue_on_error: 1
`);
  const text = p.map((x) => `${x.line}:${x.path}: ${x.message}`).join('\n');
  assert.match(text, /3:schema\[1\]\.name: column "a" is already defined by schema\[0\]/);
  assert.match(text, /4:source\.type: unknown source type "s3-objects"; expected "quilt-packages"/);
  assert.match(text, /5:parser\.format: unknown format "xlsx"; expected csv or parquet/);
  assert.match(text, /6:continue_on_error: expected true or false, got 1/);
  const groups = problems('schema: [{name: a, type: STRING}]\nsource: {type: quilt-packages, package_name: "^(?<a>x)/", logical_key: "(?<Bad>.)"}\nparser: {format: csv, delimiter: ";;"}\n');
  const g = groups.map((x) => `${x.path}: ${x.message}`).join('\n');
  assert.match(g, /source\.package_name: named group "a" becomes a column, but schema\[0\] already defines "a"/);
  assert.match(g, /source\.logical_key: named group "Bad" becomes a column, so it must match/);
  assert.match(g, /parser\.delimiter: expected one character, got ";;"/);
});

test('YAML that does not parse, an empty config and a non-mapping are refused with a position', () => {
  const p = problems('schema: [ {name: a, type: STRING}\nsource: {');
  assert.ok(p.every((x) => x.line !== undefined), 'syntax errors carry a line');
  assert.match(p[0]!.message, /not valid YAML/);
  assert.match(problems('')[0]!.message, /the configuration is empty/);
  assert.match(problems('- a\n- b\n')[0]!.message, /expected a mapping with the keys schema, source and parser, got a list/);
  assert.match(problems('schema: 1\nschema: 2\nsource: {}\nparser: {}\n')[0]!.message, /not valid YAML: Map keys must be unique/);
});

test('table names follow the catalog rule', () => {
  assert.equal(validateTableName('samples_2024'), 'samples_2024');
  assert.equal(validateTableName('a-b'), 'a-b');
  for (const bad of ['', 'Samples', '-x', 'a b', 'x'.repeat(129)]) assert.throws(() => validateTableName(bad), TabulatorConfigError);
});

test("formats and keys Quilt's schema does not have are refused: tsv, skip_rows", () => {
  const base = 'schema: [{name: a, type: STRING}]\nsource: {type: quilt-packages, package_name: "^x/", logical_key: "."}\n';
  const tsv = problems(`${base}parser:\n  format: tsv\n`);
  assert.deepEqual(tsv.map((x) => [x.path, x.line]), [['parser.format', 4]]);
  assert.match(tsv[0]!.message, /no format "tsv": use format: csv with delimiter: "\\t"/);
  const skip = problems(`${base}parser:\n  format: csv\n  skip_rows: 2\n`);
  assert.deepEqual(skip.map((x) => [x.path, x.line]), [['parser.skip_rows', 5]]);
});

test('helpers: the literal prefix of a package-name pattern', () => {
  assert.equal(literalPrefix(/^unitsqlab12\/p[0-9]+$/), 'unitsqlab12/p');
  assert.equal(literalPrefix(/^fixtures\/genomics$/), 'fixtures/genomics');
  assert.equal(literalPrefix(/^abc?d/), 'ab');
  assert.equal(literalPrefix(/^a|b/), '');
  assert.equal(literalPrefix(/genomics/), '');
  assert.equal(literalPrefix(/^x/i), '');
});
