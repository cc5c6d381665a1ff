/**
 * One exported item as a JSON line (cli/commands/export.ts; docs/data-model.md, "Import and export", "Numbers"): id
 * first, keys sorted, sets as sorted arrays, binary as base64, numbers beyond a double exactly as stored; and the
 * import's `unsendableNumbers`, which names by path every number the AWS SDK would refuse to send, leaving out paths
 * already reported and numbers DynamoDB's own limits name.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemToJsonLine } from '../../cli/commands/export';
import { unsendableNumbers } from '../../cli/commands/import';

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

describe('unsendableNumbers', () => {
  it('names every number beyond ±(2^53 − 1), which the AWS SDK refuses to send, with its path', () => {
    expect(unsendableNumbers({ id: 'x', a: 1.5, b: { c: [1, 1e125] }, d: 2 ** 53 })).toEqual([
      'b.c[1]: the number 1e+125 is beyond ±(2^53 − 1), which the AWS SDK refuses to send as a number (quote it as a string)',
      'd: the number 9007199254740992 is beyond ±(2^53 − 1), which the AWS SDK refuses to send as a number (quote it as a string)',
    ]);
    expect(unsendableNumbers({ id: 'x', n: Number.MAX_SAFE_INTEGER, m: -0.1 })).toEqual([]);
  });

  it('leaves out the paths already reported and numbers DynamoDB cannot store (its own limits name them)', () => {
    expect(unsendableNumbers({ a: 2 ** 60, b: [1.5e300], c: 2 ** 54 }, new Set(['a']))).toEqual([
      'c: the number 18014398509481984 is beyond ±(2^53 − 1), which the AWS SDK refuses to send as a number (quote it as a string)',
    ]);
  });
});
