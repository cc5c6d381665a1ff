/**
 * The one strict JSON parse of the CLI (cli/jsonl.ts, `parseJsonText`): a key
 * repeated in an object, at any depth, is refused by name (JSON.parse would
 * keep the last value silently), and with `exactNumbers` every number whose
 * text the JavaScript number does not carry exactly is listed with its path,
 * unless `carryNumber` carries it (its value then in the number's place).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonlLine, readJsonLines } from '../../cli/jsonl';
import { parseJsonText, RepeatedKeyError } from '../../cli/strict-json';
import { useTempDir } from '../support/temp-dir';
import { thrownBy } from '../support/thrown';

const repeated = (text: string) => thrownBy(RepeatedKeyError, () => parseJsonText(text));

describe('parseJsonText: a repeated key', () => {
  it.each([
    ['{"id":"a","userId":"u","id":"b"}', 'id', ''],
    ['{"deletedAt":"2026-01-01T00:00:00Z","deletedAt":null}', 'deletedAt', ''],
    ['{"a":{"b":[1,{"c":1,"d":2,"c":3}]}}', 'c', 'a.b[1]'],
    ['[{"x":1},{"y":1,"y":2}]', 'y', '[1]'],
    ['{"v":{"tags":["t",[{}],{"k":{}, "k" : 0}]}}', 'k', 'v.tags[2]'],
    // Escapes are compared by what they denote: "a" and "\u0061" are one key.
    ['{"a":1,"\\u0061":2}', 'a', ''],
    ['{"\\u00e9":1,"é":2}', 'é', ''],
    ['{"a\\\\":1,"a\\\\":2}', 'a\\', ''],
    ['{"":1,"":2}', '', ''],
  ])('%s: refused, naming the key and its object', (text, key, path) => {
    const error = repeated(text);
    expect(error).toMatchObject({ key, path });
    expect(error.message).toBe(
      `the key ${JSON.stringify(key)} appears more than once in one object (${path === '' ? 'at the top level' : `in ${path}`}); which value counts would be a guess`,
    );
  });

  it.each([
    // The same key in different objects, or in an object and its parent.
    '{"a":{"k":1},"b":{"k":1},"k":[{"k":1},{"k":2}]}',
    // Keys inside strings are text, not keys.
    '{"x":"\\"a\\":1,\\"a\\":2","a":1}',
    '{"x":"{\\"a\\":1,\\"a\\":2}","y":["a","a"]}',
    '{"a":"\\\\","b":"\\\\\\"","a\\"":1}',
    // Distinct keys: case matters, and a backslash is part of the key.
    '{"a":1,"A":2,"a\\\\":3}',
    '"just a string"',
    '[]',
  ])('%s: accepted', (text) => {
    expect(parseJsonText(text).value).toEqual(JSON.parse(text));
  });
});

describe('parseJsonText with exactNumbers: a number is exact when String(n) is the same decimal as its text', () => {
  const inexact = (text: string) => parseJsonText(text, { exactNumbers: true }).inexactNumbers;

  it('accepts numbers written in any notation of the value the double holds', () => {
    const text =
      '{"a":1.0,"b":1e2,"c":100,"d":-0,"e":0.1,"f":1.5e300,"g":9007199254740992,"h":[1E-7,2.50,-3e+0],' +
      '"i":0.14285714285714285,"j":123456789012345,"k":5e-324}';
    expect(inexact(text)).toEqual([]);
  });

  it('lists each number the double does not carry, with its path, as written and as read', () => {
    const text =
      '{"x":1.23456789012345678901,"m":[1,1e-400],"o":{"t":0.1000000000000000055511151231257827},' +
      '"big":9007199254740993,"inf":-1e400,"s":"1.23456789012345678901"}';
    expect(inexact(text)).toEqual([
      { path: 'x', source: '1.23456789012345678901', value: 1.2345678901234567 },
      { path: 'm[1]', source: '1e-400', value: 0 },
      { path: 'o.t', source: '0.1000000000000000055511151231257827', value: 0.1 },
      { path: 'big', source: '9007199254740993', value: 9007199254740992 },
      { path: 'inf', source: '-1e400', value: Number.NEGATIVE_INFINITY },
    ]);
    expect(inexact('1e-400')).toEqual([{ path: '(record)', source: '1e-400', value: 0 }]);
  });

  it("leaves the check off unless asked for, and gives JSON.parse's value either way", () => {
    const text = '{"x":1.23456789012345678901}';
    expect(parseJsonText(text)).toEqual({ value: { x: 1.2345678901234567 }, inexactNumbers: [] });
    expect(parseJsonText(text, { exactNumbers: true }).value).toEqual({ x: 1.2345678901234567 });
  });
});

describe('parseJsonText with carryNumber: a number a JavaScript number cannot stand for, carried from its text', () => {
  const carry = (source: string) => (source.includes('e-400') ? undefined : `carried ${source}`);

  it('puts what carryNumber returns in its place (inexact, or beyond ±(2^53 − 1)), not reporting it', () => {
    const text =
      '{"big":12345678901234567890,"x":[3.14159265358979323846,1e20],"safe":9007199254740991,"s":"1e30"}';
    expect(parseJsonText(text, { exactNumbers: true, carryNumber: carry })).toEqual({
      value: {
        big: 'carried 12345678901234567890',
        x: ['carried 3.14159265358979323846', 'carried 1e20'],
        safe: 9007199254740991,
        s: '1e30',
      },
      inexactNumbers: [],
    });
  });

  it('reports, with the JavaScript number in place, an inexact number carryNumber does not carry', () => {
    expect(parseJsonText('{"tiny":1e-400,"n":1.5}', { exactNumbers: true, carryNumber: carry })).toEqual({
      value: { tiny: 0, n: 1.5 },
      inexactNumbers: [{ path: 'tiny', source: '1e-400', value: 0 }],
    });
  });
});

describe('parseJsonText on what JSON.stringify writes (fast-check)', () => {
  it('accepts it whole: no repeated key, every number exact', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseJsonText(text, { exactNumbers: true });
        expect(parsed.inexactNumbers).toEqual([]);
        expect(parsed.value).toEqual(JSON.parse(text));
      }),
    );
  });
});

describe('readJsonLines: a line that repeats a key is a bad line, the others are read', () => {
  const dir = useTempDir('pc-strict-json');

  it('reports it by line number and key, and goes on', async () => {
    const file = join(dir(), 'lines.jsonl');
    await writeFile(file, '{"a":1}\n{"userId":"u","status":"departed","status":"active"}\n{"b":2}\n');
    const lines: JsonlLine[] = [];
    for await (const line of readJsonLines(file)) lines.push(line);

    expect(lines).toEqual([
      { lineNumber: 1, ok: true, value: { a: 1 } },
      {
        lineNumber: 2,
        ok: false,
        error:
          'line 2 is ambiguous JSON: the key "status" appears more than once in one object (at the top level); which value counts would be a guess',
      },
      { lineNumber: 3, ok: true, value: { b: 2 } },
    ]);
  });
});
