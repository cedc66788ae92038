import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { QuiltManifestError, QuiltValidationError } from '../src/errors.js';
import { parseJson } from '../src/json/parse.js';
import { MANIFEST_LINE_STYLE, TOP_HASH_STYLE, compareCodePoints, pythonDumps } from '../src/json/python-dumps.js';
import { pythonFloatRepr } from '../src/json/python-float.js';
import { JsonNumber, fromPlain, jsonEquals, pyFloat, toPlain } from '../src/json/values.js';

/** Runs real Python on `code`, with `input` on stdin, and returns stdout. */
function python(code: string, input: string): string {
  const r = spawnSync('python3', ['-c', code], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('pythonFloatRepr', () => {
  test('matches Python repr on edge cases and random doubles', () => {
    const fixed = [0.1, 1, 1.5, -2.25, 1e-5, 0.0001, 1e16, 1e15, 123456789012345680, 1e21, 1e22, 5e-324, 1.7976931348623157e308,
      -0, 0, 0.3, 2 / 3, 1e-7, 9999999999999998, 12345.678, 100, 1e100, -1e-100, 4.35, 0.000123];
    const random: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const buf = new Float64Array(1);
      const bytes = new Uint8Array(buf.buffer);
      for (let j = 0; j < 8; j++) bytes[j] = Math.floor(Math.random() * 256);
      if (Number.isFinite(buf[0])) random.push(buf[0] as number);
      random.push(Math.random() * 10 ** Math.floor(Math.random() * 40 - 20));
    }
    const all = [...fixed, ...random];
    // Exact bit patterns go to Python as hex so nothing is lost on the way.
    const hex = all.map((x) => { const b = Buffer.alloc(8); b.writeDoubleBE(x); return b.toString('hex'); }).join('\n');
    const out = python('import sys,struct\nfor l in sys.stdin.read().split():\n  print(repr(struct.unpack(">d", bytes.fromhex(l))[0]))', hex).trim().split('\n');
    all.forEach((x, i) => assert.equal(pythonFloatRepr(x), out[i], `repr of ${x}`));
  });

  test('NaN and infinities use Python json spellings', () => {
    assert.equal(pythonFloatRepr(NaN), 'NaN');
    assert.equal(pythonFloatRepr(Infinity), 'Infinity');
    assert.equal(pythonFloatRepr(-Infinity), '-Infinity');
  });
});

describe('parseJson (lossless)', () => {
  test('keeps number lexemes, key order and nested structure', () => {
    const v = parseJson('{"b": 1.0, "2": [1e-05, -0, 10000000000000000000001], "a": {"x": null, "y": true}}');
    assert.ok(v instanceof Map);
    assert.deepEqual([...v.keys()], ['b', '2', 'a']);
    assert.equal((v.get('b') as JsonNumber).lexeme, '1.0');
    const arr = v.get('2') as JsonNumber[];
    assert.deepEqual(arr.map((n) => n.lexeme), ['1e-05', '-0', '10000000000000000000001']);
  });

  test('duplicate keys keep the first position and the last value, like a Python dict', () => {
    const v = parseJson('{"a": 1, "b": 2, "a": 3}') as Map<string, JsonNumber>;
    assert.deepEqual([...v.entries()].map(([k, n]) => [k, n.lexeme]), [['a', '3'], ['b', '2']]);
  });

  test('accepts NaN and Infinity as Python does, decodes escapes and surrogate pairs', () => {
    const v = parseJson('[NaN, Infinity, -Infinity, "\\u00e9\\ud83d\\ude00\\n\\/"]') as unknown[];
    assert.deepEqual((v.slice(0, 3) as JsonNumber[]).map((n) => n.lexeme), ['NaN', 'Infinity', '-Infinity']);
    assert.equal(v[3], 'é😀\n/');
  });

  test('rejects broken JSON with the position', () => {
    for (const bad of ['{"a": }', '[1, 2', '{"a" 1}', '"abc', '"a\u0001b"', '01', '{"a": 1} x', '{a: 1}', '"\\x"']) {
      assert.throws(() => parseJson(bad, 'line 3'), (e: Error) => e instanceof QuiltManifestError && /line 3 at character \d+/.test(e.message), bad);
    }
  });
});

describe('pythonDumps', () => {
  const sample = '{"z": "é\\u007f\\u2028😀\\"\\\\\\n\\t\\u0001", "a": [1.0, 1e-05, 1e+16, 100000000000000000000000, -0.0, 0.1], "M": {}, "k": [], "t": true, "n": null, "3": 1E5, "é": 1}';

  test('manifest style equals Python json.dumps(ensure_ascii=False)', () => {
    const expected = python('import json,sys\nsys.stdout.write(json.dumps(json.loads(sys.stdin.read()), ensure_ascii=False))', sample);
    assert.equal(pythonDumps(parseJson(sample), MANIFEST_LINE_STYLE), expected);
  });

  test('top-hash style equals Python json.dumps(sort_keys=True, separators=(",", ":"))', () => {
    const expected = python('import json,sys\nsys.stdout.write(json.dumps(json.loads(sys.stdin.read()), sort_keys=True, separators=(",", ":")))', sample);
    assert.equal(pythonDumps(parseJson(sample), TOP_HASH_STYLE), expected);
  });

  test('sorts keys by code point, not by UTF-16 unit', () => {
    const keys = ['\uffff', '😀', 'a', 'B', 'é', '\ue000'];
    const expected = JSON.parse(python('import json,sys\nprint(json.dumps(sorted(json.loads(sys.stdin.read()))))', JSON.stringify(keys))) as string[];
    assert.deepEqual([...keys].sort(compareCodePoints), expected);
  });

  test('manifest style refuses NaN; top-hash style writes it like Python', () => {
    assert.throws(() => pythonDumps(parseJson('[NaN]'), MANIFEST_LINE_STYLE), QuiltValidationError);
    assert.equal(pythonDumps(parseJson('[NaN, -Infinity]'), TOP_HASH_STYLE), '[NaN,-Infinity]');
  });
});

describe('plain JS conversion', () => {
  test('integral numbers become ints, others floats; pyFloat forces a float', () => {
    const v = fromPlain({ i: 3, f: 0.5, big: 2n ** 70n, forced: pyFloat(3), neg0: -0, nested: [{ a: 'b' }], skip: undefined });
    assert.equal(pythonDumps(v, MANIFEST_LINE_STYLE), '{"i": 3, "f": 0.5, "big": 1180591620717411303424, "forced": 3.0, "neg0": -0.0, "nested": [{"a": "b"}]}');
  });

  test('rejects what JSON cannot carry', () => {
    assert.throws(() => fromPlain({ f: () => 1 }), QuiltValidationError);
    assert.throws(() => fromPlain({ n: NaN }), QuiltValidationError);
    assert.throws(() => fromPlain({ d: new Date() }), QuiltValidationError);
  });

  test('toPlain gives JS numbers and objects, "__proto__" included as a key', () => {
    assert.deepEqual(toPlain(parseJson('{"a": 1.0, "__proto__": [2]}')), JSON.parse('{"a": 1, "__proto__": [2]}'));
  });

  test('jsonEquals follows Python ==: key order ignored, 1 == 1.0 == true', () => {
    assert.ok(jsonEquals(parseJson('{"a": 1, "b": [true]}'), parseJson('{"b": [1.0], "a": 1.0}')));
    assert.ok(!jsonEquals(parseJson('{"a": 1}'), parseJson('{"a": "1"}')));
    assert.ok(!jsonEquals(parseJson('{"a": 1}'), parseJson('{"a": 1, "b": 2}')));
  });
});
