/**
 * Building SQL text safely: quoted identifiers and string literals (Trino and Athena share the
 * ANSI rules: "identifier" with "" for a quote, 'literal' with '' for a quote).
 */

/** A quoted identifier: `"name"`, inner double quotes doubled. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A dotted, quoted name: qualified('hive', 'quilt_e2e', 'a-b') → "hive"."quilt_e2e"."a-b". */
export function qualified(...parts: string[]): string {
  return parts.map(ident).join('.');
}

/** A string literal: `'text'`, inner single quotes doubled. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** One line of SQL for error messages, cut at `max` characters. */
export function oneLine(sql: string, max = 300): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
