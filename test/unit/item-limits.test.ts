/**
 * DynamoDB's item limits as `import` checks them (cli/aws/item-limits.ts):
 * number sizes and ranges, nesting depth, empty names, and the byte count of
 * the 400 KB size (the size itself the credential's parse judges, with the
 * room for the worker's writes: test/unit/item-size-room.test.ts). The byte
 * counts are DynamoDB Local's (test/integration/import-item-limits.test.ts
 * holds them against it at the 400 KB boundary).
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  itemLimitProblems,
  itemSizeBytes,
  MAX_ITEM_BYTES,
  numberProblem,
  numberSize,
  valueSize,
} from '../../cli/aws/item-limits';

/** A map nested `levels` deep around `leaf`. */
const nested = (levels: number, leaf: unknown = 'x'): unknown =>
  levels === 0 ? leaf : { a: nested(levels - 1, leaf) };

describe('numberSize', () => {
  it('counts base-100 digits aligned on the decimal point, + 1, + 1 when negative; zero is 1 byte', () => {
    // Each measured on DynamoDB Local.
    expect(numberSize('0')).toBe(1);
    expect(numberSize('1')).toBe(2);
    expect(numberSize('1.5')).toBe(3);
    expect(numberSize('123456')).toBe(4);
    expect(numberSize('-12345')).toBe(5);
    expect(numberSize('0.000123')).toBe(3);
    expect(numberSize('1e-100')).toBe(2);
    expect(numberSize('1234567890123456')).toBe(9);
    expect(numberSize('1.5e+21')).toBe(numberSize('1500000000000000000000'));
  });
});

describe('numberProblem', () => {
  it('accepts the range DynamoDB stores, zero included', () => {
    for (const ok of ['0', '-0', '1e-130', '-1e-130', '9.9999999999999999999999999999999999999e125', '1.5']) {
      expect(numberProblem(ok), ok).toBeUndefined();
    }
  });

  it('refuses an underflow, an overflow and more than 38 significant digits', () => {
    expect(numberProblem('1e-200')).toMatch(/too small for DynamoDB .*1E-130/);
    expect(numberProblem('-9e-131')).toMatch(/too small/);
    expect(numberProblem('1e126')).toMatch(/too large for DynamoDB/);
    expect(numberProblem(`1.${'2'.repeat(38)}`)).toMatch(/39 significant digits; DynamoDB keeps at most 38/);
    expect(numberProblem(`1${'0'.repeat(50)}`)).toBeUndefined();
  });
});

describe('itemLimitProblems', () => {
  it('names each unstorable number by its path', () => {
    expect(itemLimitProblems({ id: 'x', riskScore: 1e-200, extra: { list: [1, 5e-324] } })).toEqual([
      'riskScore: the number 1e-200 is too small for DynamoDB (a non-zero magnitude must be at least 1E-130) (quote it as a string)',
      'extra.list[1]: the number 5e-324 is too small for DynamoDB (a non-zero magnitude must be at least 1E-130) (quote it as a string)',
    ]);
  });

  it('allows 31 nested lists or maps in an attribute, not 32 (DynamoDB counts the item as a level)', () => {
    expect(itemLimitProblems({ id: 'x', deep: nested(31) })).toEqual([]);
    expect(itemLimitProblems({ id: 'x', deep: nested(32) })).toEqual([
      `deep${'.a'.repeat(31)}: lists and maps nest deeper than DynamoDB's 32 levels (the item counts as one)`,
    ]);
    const deepList = Array.from({ length: 31 }).reduce<unknown>((inner) => [inner], 'x');
    expect(itemLimitProblems({ id: 'x', deep: [deepList] })).toHaveLength(1);
  });

  it('refuses empty attribute names and names of 64 KB or more, nested ones included', () => {
    expect(itemLimitProblems({ id: 'x', '': 1, m: { '': true } })).toEqual([
      '"": DynamoDB refuses an empty attribute name',
      'm."": DynamoDB refuses an empty attribute name',
    ]);
    expect(itemLimitProblems({ id: 'x', ['n'.repeat(65_535)]: 1, m: { ['k'.repeat(65_535)]: 1 } })).toEqual(
      [],
    );
    expect(itemLimitProblems({ id: 'x', m: { ['k'.repeat(65_536)]: 1 } })).toEqual([
      `m.${'k'.repeat(20)}…: an attribute name of 65,536 bytes is over DynamoDB's 65,535`,
    ]);
  });

  it('judges the size with the room for the worker (item-size.ts), counting it as DynamoDB does', () => {
    const base = { id: 'imp-27', userId: 'u', displayName: '' };
    const filler = MAX_ITEM_BYTES - itemSizeBytes(base);
    expect(itemSizeBytes({ ...base, displayName: 'x'.repeat(filler) })).toBe(MAX_ITEM_BYTES);
    expect(itemLimitProblems({ ...base, displayName: 'x'.repeat(450_000) })).toEqual([
      expect.stringMatching(/^\(record\): 450,0\d\d bytes as DynamoDB counts them/),
    ]);
  });

  it('counts multi-byte text in UTF-8 bytes', () => {
    expect(itemSizeBytes({ é: 'ü€' })).toBe(2 + 5);
  });
});

describe('valueSize', () => {
  it('sizes every value the document client can hold', () => {
    expect(valueSize(true)).toBe(1);
    expect(valueSize(null)).toBe(1);
    expect(valueSize([])).toBe(3);
    expect(valueSize([true, 'ab'])).toBe(3 + 2 + 3);
    expect(valueSize({ k: true })).toBe(3 + 1 + 1 + 1);
    expect(valueSize(new Set(['ab', 'c']))).toBe(3);
    expect(valueSize(new Uint8Array(7))).toBe(7);
    expect(valueSize(new NumberValue('-12345'))).toBe(5);
    expect(valueSize(12345678901234567890n)).toBe(numberSize('12345678901234567890'));
  });
});
