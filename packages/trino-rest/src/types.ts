/**
 * SQL type names as Trino, Hive/Glue and Athena spell them, brought to one spelling.
 */

const ALIASES: Record<string, string> = {
  int: 'integer',
  string: 'varchar',
  float: 'real',
  binary: 'varbinary',
  struct: 'row',
  'timestamp without time zone': 'timestamp',
  'time without time zone': 'time',
};

/** Splits "a, b(c, d), e" at top-level commas. */
function splitTopLevel(s: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '<') depth++;
    if (ch === ')' || ch === '>') depth--;
    if (ch === sep && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/**
 * One spelling for a type on every engine: lowercase, Trino names (integer, varchar, real,
 * varbinary, row), parameters of scalar types dropped, nested types normalized recursively.
 * Accepts Trino's spelling (`varchar(3)`, `row(a bigint)`, `timestamp(3) with time zone`) and
 * Hive/Glue's (`string`, `int`, `array<string>`, `struct<a:int>`, `map<string,int>`).
 */
export function normalizeTypeName(raw: string): string {
  const t = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  const nested = /^(array|map|row|struct)\s*[(<](.*)[)>]$/.exec(t);
  if (nested) {
    const kind = ALIASES[nested[1]!] ?? nested[1]!;
    const parts = splitTopLevel(nested[2]!);
    if (kind === 'row') {
      const fields = parts.map((f) => {
        const hive = /^("?[^":\s]+"?)\s*:\s*(.+)$/.exec(f);
        const trino = /^("[^"]+"|[^\s]+)\s+(.+)$/.exec(f);
        const m = hive ?? trino;
        return m ? `${m[1]!.replace(/"/g, '')} ${normalizeTypeName(m[2]!)}` : normalizeTypeName(f);
      });
      return `row(${fields.join(', ')})`;
    }
    return `${kind}(${parts.map(normalizeTypeName).join(', ')})`;
  }
  // Scalar parameters are dropped: timestamp(3) with time zone → timestamp with time zone,
  // varchar(10) → varchar, decimal(10,2) → decimal.
  const scalar = t.replace(/\s*\([^)]*\)/g, '');
  return ALIASES[scalar] ?? scalar;
}
