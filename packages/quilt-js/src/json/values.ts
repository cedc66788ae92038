/**
 * Lossless JSON values. Numbers keep the text they were written with (`1.0` stays `1.0`), objects
 * keep their key order in a Map (integer-like keys are not moved to the front as in JS objects).
 * This is what Python's `json` module sees, which is what quilt3 hashes.
 */
import { QuiltValidationError } from '../errors.js';
import { pythonFloatRepr } from './python-float.js';

/** A JSON number as written. */
export class JsonNumber {
  constructor(readonly lexeme: string) {}

  /** True when Python reads it as an `int` (no fraction, no exponent, not NaN/Infinity). */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.lexeme);
  }

  toNumber(): number {
    return Number(this.lexeme);
  }

  /** The text Python's `json.dumps` writes for the value Python's `json.loads` reads from the lexeme. */
  toPython(): string {
    if (this.isInteger) return BigInt(this.lexeme).toString();
    return pythonFloatRepr(this.toNumber());
  }

  toString(): string {
    return this.lexeme;
  }
}

export type JsonMap = Map<string, JsonValue>;
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonMap;

/** Plain JavaScript JSON, as callers write it. */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

/** A Python `float` (written `1.0`, not `1`). */
export function pyFloat(n: number): JsonNumber {
  return new JsonNumber(pythonFloatRepr(n));
}

/** A Python `int` of any size. */
export function pyInt(n: number | bigint | string): JsonNumber {
  const b = BigInt(n);
  return new JsonNumber(b.toString());
}

/**
 * Converts plain JS data to lossless JSON. Integral numbers become Python ints, other numbers
 * Python floats; wrap a number with `pyFloat` to get `1.0`. Rejects what JSON cannot carry.
 */
export function fromPlain(value: unknown, path = 'metadata'): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof JsonNumber) return value;
  if (typeof value === 'bigint') return pyInt(value);
  if (typeof value === 'number') return numberFromPlain(value, path);
  if (Array.isArray(value)) return value.map((v, i) => fromPlain(v, `${path}[${i}]`));
  if (value instanceof Map) return mapFromEntries([...value.entries()], path);
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return mapFromEntries(Object.entries(value as Record<string, unknown>), path);
  }
  throw new QuiltValidationError(
    `Invalid ${path}: ${describe(value)} is not JSON; expected the format of JSON data (objects, arrays, strings, numbers, booleans, null), for example {"source": "lab", "rows": 10}`);
}

function numberFromPlain(n: number, path: string): JsonNumber {
  if (!Number.isFinite(n)) {
    throw new QuiltValidationError(`Invalid ${path}: ${n} is not allowed in a manifest; expected the format of a finite number, for example 1.5`);
  }
  if (Number.isInteger(n) && !Object.is(n, -0)) return pyInt(n);
  return pyFloat(n);
}

function mapFromEntries(entries: Array<[unknown, unknown]>, path: string): JsonMap {
  const map: JsonMap = new Map();
  for (const [k, v] of entries) {
    if (typeof k !== 'string') {
      throw new QuiltValidationError(`Invalid ${path}: key ${describe(k)} is not a string; expected the format of a JSON object with string keys, for example {"source": "lab"}`);
    }
    if (v === undefined) continue; // JSON.stringify drops undefined properties too
    map.set(k, fromPlain(v, `${path}.${k}`));
  }
  return map;
}

function describe(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && v !== null) return `an object of class ${v.constructor?.name ?? 'unknown'}`;
  return String(v);
}

/** Converts lossless JSON to plain JS (numbers become JS numbers). */
export function toPlain(value: JsonValue): PlainJson {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof JsonNumber) return value.toNumber();
  if (Array.isArray(value)) return value.map(toPlain);
  return Object.fromEntries([...value.entries()].map(([k, v]) => [k, toPlain(v)]));
}

/** Python `bool(x)` for JSON values: empty containers, '', 0, null and false are falsy. */
export function isTruthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (value instanceof JsonNumber) return value.toNumber() !== 0;
  return true;
}

/**
 * Python `==` between two values loaded by `json.loads`: key order does not matter and
 * 1 == 1.0 == True, as in quilt3's diff.
 */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return numericEquals(na, nb);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEquals(v, b[i] as JsonValue));
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      const w = b.get(k);
      if (w === undefined || !jsonEquals(v, w)) return false;
    }
    return true;
  }
  return false;
}

function numeric(v: JsonValue): JsonNumber | undefined {
  if (v instanceof JsonNumber) return v;
  if (typeof v === 'boolean') return new JsonNumber(v ? '1' : '0');
  return undefined;
}

function numericEquals(a: JsonNumber, b: JsonNumber): boolean {
  if (a.isInteger && b.isInteger) return BigInt(a.lexeme) === BigInt(b.lexeme);
  return a.toNumber() === b.toNumber();
}
