/**
 * Byte-for-byte Python `json.dumps` for lossless JSON values, in the two flavours quilt3 uses:
 * - manifest lines: `ensure_ascii=False`, separators `", "` / `": "`, keys in insertion order;
 * - top-hash parts: `sort_keys=True`, separators `","` / `":"`, `ensure_ascii=True`.
 * Numbers are written as Python writes what `json.loads` read: ints exactly, floats as `repr`.
 */
import { QuiltValidationError } from '../errors.js';
import { JsonNumber, type JsonValue } from './values.js';

export interface PythonDumpsOptions {
  ensureAscii: boolean;
  sortKeys: boolean;
  compact: boolean;
  /** Python's `allow_nan`: write NaN/Infinity (true) or refuse them (false). */
  allowNan: boolean;
}

export const MANIFEST_LINE_STYLE: PythonDumpsOptions = { ensureAscii: false, sortKeys: false, compact: false, allowNan: false };
export const TOP_HASH_STYLE: PythonDumpsOptions = { ensureAscii: true, sortKeys: true, compact: true, allowNan: true };

export function pythonDumps(value: JsonValue, options: PythonDumpsOptions): string {
  const parts: string[] = [];
  write(value, options, parts);
  return parts.join('');
}

function write(v: JsonValue, o: PythonDumpsOptions, out: string[]): void {
  if (v === null) out.push('null');
  else if (v === true) out.push('true');
  else if (v === false) out.push('false');
  else if (typeof v === 'string') out.push(quoteString(v, o.ensureAscii));
  else if (v instanceof JsonNumber) out.push(numberText(v, o.allowNan));
  else if (Array.isArray(v)) writeArray(v, o, out);
  else writeObject(v, o, out);
}

function writeArray(v: JsonValue[], o: PythonDumpsOptions, out: string[]): void {
  if (v.length === 0) { out.push('[]'); return; }
  out.push('[');
  v.forEach((item, i) => {
    if (i > 0) out.push(o.compact ? ',' : ', ');
    write(item, o, out);
  });
  out.push(']');
}

function writeObject(v: Map<string, JsonValue>, o: PythonDumpsOptions, out: string[]): void {
  if (v.size === 0) { out.push('{}'); return; }
  const keys = [...v.keys()];
  if (o.sortKeys) keys.sort(compareCodePoints);
  out.push('{');
  keys.forEach((k, i) => {
    if (i > 0) out.push(o.compact ? ',' : ', ');
    out.push(quoteString(k, o.ensureAscii), o.compact ? ':' : ': ');
    write(v.get(k) as JsonValue, o, out);
  });
  out.push('}');
}

function numberText(n: JsonNumber, allowNan: boolean): string {
  const text = n.toPython();
  if (!allowNan && (text === 'NaN' || text === 'Infinity' || text === '-Infinity')) {
    throw new QuiltValidationError(`Invalid number ${n.lexeme}: manifests cannot hold NaN or Infinity; expected the format of a finite number, for example 1.5`);
  }
  return text;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
const NEEDS_ESCAPE_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;
const NEEDS_ESCAPE_UNICODE = /["\\\u0000-\u001f]/;

/** Python's `json.encoder` string quoting (lowercase `\uXXXX`). */
export function quoteString(s: string, ensureAscii: boolean): string {
  if (!(ensureAscii ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE_UNICODE).test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Orders strings by Unicode code point, as Python sorts `str` (JS's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixUp(x) - fixUp(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (astral code points) above U+E000–U+FFFF so unit order matches code-point order. */
function fixUp(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
