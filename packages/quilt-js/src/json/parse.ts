/**
 * A lossless JSON parser that accepts what Python's `json.loads` accepts (including NaN and
 * ±Infinity) and keeps every number's text. Duplicate keys keep their first position and last
 * value, like a Python dict.
 */
import { QuiltManifestError } from '../errors.js';
import { JsonNumber, type JsonMap, type JsonValue } from './values.js';

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const PLAIN_STRING_RE = /[^"\\\u0000-\u001f]*/y;

class Parser {
  private i = 0;

  constructor(private readonly text: string, private readonly where: string) {}

  parseDocument(): JsonValue {
    this.skipWs();
    const v = this.value();
    this.skipWs();
    if (this.i < this.text.length) this.fail('unexpected data after the JSON value');
    return v;
  }

  private fail(what: string): never {
    const snippet = this.text.slice(Math.max(0, this.i - 20), this.i + 20);
    throw new QuiltManifestError(`Invalid JSON in ${this.where} at character ${this.i + 1}: ${what} (near ${JSON.stringify(snippet)})`);
  }

  private skipWs(): void {
    const t = this.text;
    let c = t.charCodeAt(this.i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.i);
  }

  private value(): JsonValue {
    const c = this.text.charCodeAt(this.i);
    switch (c) {
      case 0x22: return this.string();
      case 0x7b: return this.object();
      case 0x5b: return this.array();
      case 0x74: return this.literal('true', true);
      case 0x66: return this.literal('false', false);
      case 0x6e: return this.literal('null', null);
      case 0x4e: return this.literal('NaN', new JsonNumber('NaN'));
      case 0x49: return this.literal('Infinity', new JsonNumber('Infinity'));
      default:
        if (c === 0x2d && this.text.startsWith('-Infinity', this.i)) return this.literal('-Infinity', new JsonNumber('-Infinity'));
        return this.number();
    }
  }

  private literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.i)) this.fail('expected a value');
    this.i += word.length;
    return v;
  }

  private number(): JsonNumber {
    NUMBER_RE.lastIndex = this.i;
    const m = NUMBER_RE.exec(this.text);
    if (!m) this.fail('expected a value');
    this.i += m[0].length;
    return new JsonNumber(m[0]);
  }

  private string(): string {
    const t = this.text;
    this.i++; // opening quote
    let out = '';
    for (;;) {
      PLAIN_STRING_RE.lastIndex = this.i;
      const run = PLAIN_STRING_RE.exec(t)![0];
      out += run;
      this.i += run.length;
      const c = t.charCodeAt(this.i);
      if (c === 0x22) { this.i++; return out; }
      if (c === 0x5c) { out += this.escape(); continue; }
      if (Number.isNaN(c)) this.fail('unterminated string');
      this.fail('control character in a string');
    }
  }

  private escape(): string {
    const t = this.text;
    const e = t[this.i + 1];
    this.i += 2;
    switch (e) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        const hex = t.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
        this.i += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.i -= 2;
        return this.fail('invalid escape');
    }
  }

  private array(): JsonValue[] {
    this.i++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.i) === 0x5d) { this.i++; return out; }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.text.charCodeAt(this.i++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) { this.i--; this.fail('expected "," or "]"'); }
    }
  }

  private object(): JsonMap {
    this.i++;
    const out: JsonMap = new Map();
    this.skipWs();
    if (this.text.charCodeAt(this.i) === 0x7d) { this.i++; return out; }
    for (;;) {
      this.skipWs();
      if (this.text.charCodeAt(this.i) !== 0x22) this.fail('expected a key in double quotes');
      const key = this.string();
      this.skipWs();
      if (this.text.charCodeAt(this.i++) !== 0x3a) { this.i--; this.fail('expected ":"'); }
      this.skipWs();
      out.set(key, this.value());
      this.skipWs();
      const c = this.text.charCodeAt(this.i++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) { this.i--; this.fail('expected "," or "}"'); }
    }
  }
}

/** Parses one JSON document losslessly; `where` names it in error messages. */
export function parseJson(text: string, where = 'JSON text'): JsonValue {
  return new Parser(text, where).parseDocument();
}
