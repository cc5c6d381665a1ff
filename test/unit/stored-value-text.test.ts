/**
 * How a message names a stored value (lambdas/hygiene/stored-value-text.ts):
 * one wording per type, shared by the sweep's invalid-record report, an
 * import's refusal and `runs show`, so one value never reads two ways.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { describeStoredValue } from '../../lambdas/hygiene/stored-value-text';

describe('describeStoredValue', () => {
  it.each<[string, unknown, string]>([
    ['a string, as its JSON text', 'Admin', '"Admin"'],
    ['an empty string', '', '""'],
    ['a string with a control character, escaped by JSON', 'a\u001bb', '"a\\u001bb"'],
    ['a long string, cut to 60 characters', 'x'.repeat(100), `"${'x'.repeat(56)}...`],
    ['null', null, 'null'],
    ['an absent value', undefined, '(absent)'],
    ['a whole number', 5, 'the number 5'],
    ['a fraction', 2.5, 'the number 2.5'],
    ['a big integer', 2n ** 70n, 'the number 1180591620717411303424'],
    [
      'a number a double cannot hold (the SDK NumberValue)',
      NumberValue.from('1E+125'),
      'the number 1E+125, which a double cannot hold exactly',
    ],
    [
      'such a number recognised by shape alone',
      { value: '1.00000000000000000001', toAttributeValue: () => ({}) },
      'the number 1.00000000000000000001, which a double cannot hold exactly',
    ],
    ['binary', new Uint8Array([1, 2, 3]), 'binary (3 bytes)'],
    ['a set', new Set(['b', 'a']), 'a set ["b","a"]'],
    ['a list', ['u', 3], 'a list ["u",3]'],
    ['an empty list', [], 'a list []'],
    ['a long list, cut', ['y'.repeat(100)], `a list ["${'y'.repeat(55)}...`],
    ['a map', { a: 1 }, 'a map {"a":1}'],
    ['a map named like a NumberValue’s fields', { value: '7' }, 'a map {"value":"7"}'],
    ['big integers in a set, as numbers', new Set([2n ** 70n, 3n]), 'a set [1180591620717411303424,3]'],
    [
      'a number a double cannot hold, inside a list and a map, as its exact text',
      [NumberValue.from('1E+125'), { n: NumberValue.from('0.1000000000000000000001') }],
      'a list [1E+125,{"n":0.1000000000000000000001}]',
    ],
    ['a set in a map, as the list of its elements', { s: new Set(['a', 'b']) }, 'a map {"s":["a","b"]}'],
    [
      'a number set in a list, exact numbers kept',
      [new Set([1, 2n ** 70n])],
      'a list [[1,1180591620717411303424]]',
    ],
    ['binary in a map, as its size', { b: new Uint8Array([1, 2]) }, 'a map {"b":"binary (2 bytes)"}'],
    ['a Buffer in a list, as its size (not its toJSON)', [Buffer.from([7])], 'a list ["binary (1 bytes)"]'],
    [
      'a binary set',
      new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
      'a set ["binary (1 bytes)","binary (2 bytes)"]',
    ],
    ['a boolean', true, 'boolean true'],
  ])('names %s', (_what, value, text) => {
    expect(describeStoredValue(value)).toBe(text);
  });
});
