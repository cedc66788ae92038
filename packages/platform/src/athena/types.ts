/**
 * Trino's types and JSON values as Athena and Glue show them:
 *   - ResultSetMetadata: Athena's type names (varchar, bigint, integer, double, float, boolean,
 *     date, timestamp, decimal, array, map, row, varbinary, ...) with precision and scale;
 *   - result rows: every value as text, the way Athena (engine 3, a Trino) renders it: doubles as
 *     Java prints them (1.0, 1.0E10), arrays as [a, b], maps as {k=v}, rows as {field=value},
 *     varbinary as spaced hex; NULL as a missing VarCharValue;
 *   - Glue/GetTableMetadata columns: Hive type names (string, int, array<string>, struct<a:int>).
 */

/** A Trino type, parsed: name, scalar parameters, nested types (row fields with names). */
export interface TypeNode { name: string; params: string[]; children: { field?: string; type: TypeNode }[] }

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

export function parseTrinoType(raw: string): TypeNode {
  const t = raw.trim();
  const open = t.indexOf('(');
  if (open < 0 || !t.endsWith(')') || /^(timestamp|time)\(\d+\) with/.test(t)) {
    const m = /^(timestamp|time)\((\d+)\)(.*)$/.exec(t);
    if (m) return { name: `${m[1]}${m[3]}`, params: [m[2]!], children: [] };
    return { name: t.toLowerCase(), params: [], children: [] };
  }
  const name = t.slice(0, open).trim().toLowerCase();
  const inner = splitTop(t.slice(open + 1, -1));
  if (name === 'array' || name === 'map') return { name, params: [], children: inner.map((p) => ({ type: parseTrinoType(p) })) };
  if (name === 'row') {
    return {
      name, params: [], children: inner.map((f) => {
        const m = /^("(?:[^"]|"")+"|[^\s"]+)\s+(.+)$/.exec(f);
        return m ? { field: m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'), type: parseTrinoType(m[2]!) } : { type: parseTrinoType(f) };
      }),
    };
  }
  return { name, params: inner, children: [] };
}

/** Athena's name in ResultSetMetadata: the base name (Athena does not spell out nested types there). */
export function athenaTypeName(t: TypeNode): string {
  if (t.name === 'real') return 'float';
  return t.name;
}

/** Precision and scale as Athena reports them in ColumnInfo. */
export function athenaPrecision(t: TypeNode): { Precision: number; Scale: number } {
  switch (t.name) {
    case 'varchar': case 'char': return { Precision: t.params[0] ? Number(t.params[0]) : 2147483647, Scale: 0 };
    case 'varbinary': case 'json': return { Precision: 2147483647, Scale: 0 };
    case 'bigint': return { Precision: 19, Scale: 0 };
    case 'integer': return { Precision: 10, Scale: 0 };
    case 'smallint': return { Precision: 5, Scale: 0 };
    case 'tinyint': return { Precision: 3, Scale: 0 };
    case 'double': return { Precision: 17, Scale: 0 };
    case 'real': return { Precision: 17, Scale: 0 };
    case 'decimal': return { Precision: Number(t.params[0] ?? 38), Scale: Number(t.params[1] ?? 0) };
    case 'date': return { Precision: 0, Scale: 0 };
    case 'timestamp': case 'timestamp with time zone': case 'time': return { Precision: Number(t.params[0] ?? 3), Scale: 0 };
    default: return { Precision: 0, Scale: 0 };
  }
}

/** A Hive type name as Glue and Athena's table metadata spell it. */
export function hiveTypeName(t: TypeNode): string {
  switch (t.name) {
    case 'varchar': return t.params[0] && t.params[0] !== '2147483647' ? `varchar(${t.params[0]})` : 'string';
    case 'char': return `char(${t.params[0] ?? 1})`;
    case 'integer': return 'int';
    case 'real': return 'float';
    case 'varbinary': return 'binary';
    case 'decimal': return `decimal(${t.params.join(',')})`;
    case 'timestamp': case 'timestamp with time zone': return 'timestamp';
    case 'array': return `array<${hiveTypeName(t.children[0]!.type)}>`;
    case 'map': return `map<${hiveTypeName(t.children[0]!.type)},${hiveTypeName(t.children[1]!.type)}>`;
    case 'row': return `struct<${t.children.map((c, i) => `${c.field ?? `field${i}`}:${hiveTypeName(c.type)}`).join(',')}>`;
    case 'json': return 'string';
    default: return t.name;
  }
}

/** Java's Double.toString, which Athena's text of a double follows (1.0, 0.001, 1.0E7, 1.5E-4). */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** One Trino JSON value as Athena's text; undefined for NULL. */
export function athenaText(value: unknown, t: TypeNode): string | undefined {
  if (value === null || value === undefined) return undefined;
  return render(value, t);
}

function render(value: unknown, t: TypeNode): string {
  if (value === null || value === undefined) return 'null';
  switch (t.name) {
    case 'double': case 'real':
      return typeof value === 'number' ? javaDouble(value) : String(value);
    case 'varbinary':
      return typeof value === 'string' ? [...Buffer.from(value, 'base64')].map((b) => b.toString(16).padStart(2, '0')).join(' ') : String(value);
    case 'array':
      return Array.isArray(value) ? `[${value.map((v) => render(v, t.children[0]!.type)).join(', ')}]` : String(value);
    case 'map':
      return value && typeof value === 'object'
        ? `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${render(v, t.children[1]!.type)}`).join(', ')}}`
        : String(value);
    case 'row':
      return Array.isArray(value)
        ? `{${value.map((v, i) => `${t.children[i]?.field ?? `field${i}`}=${render(v, t.children[i]?.type ?? { name: 'varchar', params: [], children: [] })}`).join(', ')}}`
        : String(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
