/**
 * One exported item as a JSON line (cli/commands/export.ts; docs/data-model.md, "Import and export", "Numbers"): id
 * first, keys sorted, sets as sorted arrays, binary as base64, numbers beyond a double exactly as stored; and the
 * import's `carryStorableNumber`, which reads such a number back exactly (as the worker reads it from the table)
 * when DynamoDB stores it, so export → import keeps it.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemToJsonLine } from '../../cli/commands/export';
import { carryStorableNumber } from '../../cli/commands/import';

describe('itemToJsonLine', () => {
  it('puts id first, then attributes and nested map keys by name', () => {
    expect(itemToJsonLine({ z: 1, id: 'pc-1', a: { y: 2, b: [{ d: 1, c: 2 }] } })).toBe(
      '{"id":"pc-1","a":{"b":[{"c":2,"d":1}],"y":2},"z":1}\n',
    );
  });

  it('writes sets as sorted arrays and binary as base64', () => {
    const line = itemToJsonLine({
      id: 'x',
      roles: new Set(['b', 'a']),
      sizes: new Set([10, 9, 100]),
      blob: new Uint8Array([1, 2, 3]),
    });
    expect(line).toBe('{"id":"x","blob":"AQID","roles":["a","b"],"sizes":[9,10,100]}\n');
  });

  it('writes numbers beyond a double exactly as stored', () => {
    const line = itemToJsonLine({
      id: 'x',
      big: 12345678901234567890n,
      huge: NumberValue.from('1E+125'),
      set: new Set([NumberValue.from('-4.4e60'), 3]),
    });
    expect(line).toBe('{"id":"x","big":12345678901234567890,"huge":1E+125,"set":[-4.4e60,3]}\n');
  });
});

describe('carryStorableNumber', () => {
  it('carries a number a JavaScript number cannot as the worker reads it back: bigint or NumberValue, exact', () => {
    expect(carryStorableNumber('12345678901234567890')).toBe(12345678901234567890n);
    expect(carryStorableNumber('-9007199254740993')).toBe(-9007199254740993n);
    expect(carryStorableNumber('3.14159265358979323846')).toEqual(NumberValue.from('3.14159265358979323846'));
    expect(carryStorableNumber('1e125')).toEqual(NumberValue.from('1e125'));
  });

  it('leaves a number DynamoDB cannot store to be reported (39 significant digits, beyond its range)', () => {
    expect(carryStorableNumber('123456789012345678901234567890123456789')).toBeUndefined();
    expect(carryStorableNumber('1e-400')).toBeUndefined();
    expect(carryStorableNumber('1.5e300')).toBeUndefined();
  });
});
