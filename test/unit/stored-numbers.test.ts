/**
 * Numbers read from the table: what the SDK cannot represent must not throw
 * (one odd number in any attribute used to fail the whole Scan page).
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStoredNumber, unmarshallOptions } from '../../lambdas/aws/dynamodb-client';

describe('readStoredNumber', () => {
  it('reads safe numbers as numbers and big integers as bigints, like the SDK default', () => {
    expect(readStoredNumber('7')).toBe(7);
    expect(readStoredNumber('-1.5')).toBe(-1.5);
    expect(readStoredNumber('1E-130')).toBe(1e-130);
    expect(readStoredNumber('123456789012345678901234567890')).toBe(123456789012345678901234567890n);
  });

  it('keeps numbers neither a number nor a bigint can hold as NumberValue instead of throwing', () => {
    for (const text of ['1E+125', '-4.439974225851748e+60', '9.9999999999999999999999999999999999999E+125']) {
      const value = readStoredNumber(text);
      expect(value).toBeInstanceOf(NumberValue);
      expect(String(value)).toBe(text);
    }
  });

  it('lets a whole item with such numbers unmarshall (the SDK default throws)', () => {
    const item = {
      id: { S: 'a' },
      odd: { N: '1E+125' },
      nested: { L: [{ N: '-4.4e60' }] },
      stage: { N: '7' },
    };

    expect(() => unmarshall(item)).toThrow(/1E\+125/);
    const read = unmarshall(item, unmarshallOptions());

    expect(read.stage).toBe(7);
    expect(read.odd).toBeInstanceOf(NumberValue);
    expect(String((read.nested as unknown[])[0])).toBe('-4.4e60');
  });
});
