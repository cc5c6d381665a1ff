/**
 * Stored numbers with more precision than a double: read as the nearest
 * double, a write conditional on the value compared a different decimal than
 * the one stored and failed on every run. They are kept exact (a NumberValue)
 * so the record's parse names the field; every number a double does hold, in
 * any notation, still reads as a plain number.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readStoredNumber, unmarshallOptions } from '../../lambdas/aws/dynamodb-client';
import { formatProblem, parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { credential } from './support/credentials';

/** A JavaScript number text (`1.5e-7`) in DynamoDB's plain notation (`0.00000015`). */
function plainDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (match === null) throw new Error(`not a number text: ${text}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Doubles in the range `readStoredNumber` reads as a number. */
const safeDoubles = fc.double({
  min: -Number.MAX_SAFE_INTEGER,
  max: Number.MAX_SAFE_INTEGER,
  noNaN: true,
  noDefaultInfinity: true,
});

describe('readStoredNumber and precision', () => {
  it.each([
    ['7', 7],
    ['7.0', 7],
    ['0.1', 0.1],
    ['1e2', 100],
    ['1E+2', 100],
    ['-1.50', -1.5],
    ['0.0000001', 1e-7],
    ['0.30000000000000004', 0.30000000000000004],
    ['123456789012345.6', 123456789012345.6],
    ['1.5000000000000000000', 1.5],
  ])('reads %s, which a double holds exactly, as the number %d', (text, expected) => {
    expect(readStoredNumber(text)).toBe(expected);
  });

  it('reads -0 as zero', () => {
    const value = readStoredNumber('-0');
    expect(typeof value).toBe('number');
    expect(value === 0).toBe(true);
  });

  it('reads DynamoDB’s plain form of 1E-130 as the number 1e-130', () => {
    expect(readStoredNumber(`0.${'0'.repeat(129)}1`)).toBe(1e-130);
  });

  it('reads integers beyond the safe range exactly, as bigints', () => {
    expect(readStoredNumber('9007199254740993')).toBe(9007199254740993n);
  });

  it.each([
    '7.00000000000000000001',
    '1.2345678901234567890',
    '-1.2345678901234567890',
    '0.30000000000000001',
    '1234567890123456.7',
    '9007199254740.993',
    '8.999999999999999',
    '9007199254740991.4',
    '9007199254740991.5',
    '1E+125',
  ])('keeps %s, which no double holds exactly, as a NumberValue of its text', (text) => {
    const value = readStoredNumber(text);
    expect(value).toBeInstanceOf(NumberValue);
    expect(String(value)).toBe(text);
  });

  it('reads every double’s shortest form, and DynamoDB’s plain form of it, as that double', () => {
    fc.assert(
      fc.property(safeDoubles, (d) => {
        const expected = d === 0 ? 0 : d;
        expect(readStoredNumber(String(d))).toBe(expected);
        expect(readStoredNumber(plainDecimal(String(d)))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a decimal as a number exactly when the double’s shortest form is that decimal', () => {
    const normalised = (text: string) => {
      const [whole = '', fraction = ''] = text.split('.');
      const int = whole.replace(/^0+(?=\d)/, '') || '0';
      const frac = fraction.replace(/0+$/, '');
      return frac === '' ? int : `${int}.${frac}`;
    };
    // Up to 15 characters always fit a double; 16 to 20 often do not.
    const digits = fc.string({
      unit: fc.constantFrom(...'0123456789'),
      minLength: 1,
      maxLength: 19,
      size: 'max',
    });
    fc.assert(
      fc.property(digits, fc.nat(), (ds, at) => {
        const point = at % (ds.length + 1);
        const text = `${ds.slice(0, point)}.${ds.slice(point)}`;
        fc.pre(Math.abs(Number(text)) <= Number.MAX_SAFE_INTEGER);
        const exact = plainDecimal(String(Number(text))) === normalised(text);
        const value = readStoredNumber(text);
        if (exact) expect(value).toBe(Number(text));
        else expect(value).toEqual(NumberValue.from(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps any double’s decimal with a digit beyond a double’s precision as a NumberValue', () => {
    fc.assert(
      fc.property(
        safeDoubles.filter((d) => d !== 0),
        fc.integer({ min: 1, max: 9 }),
        (d, last) => {
          const plain = plainDecimal(String(d));
          const text = `${plain}${plain.includes('.') ? '' : '.'}${'0'.repeat(20)}${last}`;
          const value = readStoredNumber(text);
          expect(value).toBeInstanceOf(NumberValue);
          expect(String(value)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('makes a record with such a number in a field the worker reads invalid, naming the field', () => {
    const stage = HYGIENE_ATTR.expiryNoticeStage;
    const item = unmarshall(
      { id: { S: 'c-1' }, userId: { S: 'user-c' }, [stage]: { N: '30.00000000000000000001' } },
      unmarshallOptions(),
    );

    const parsed = parseCredential({ ...credential('c-1'), ...item });

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map(formatProblem)).toEqual([
      `${stage}: must be an integer from 1 to 365, got the number 30.00000000000000000001, which a double cannot hold exactly`,
    ]);
  });

  it('still reads a map attribute named like a NumberValue’s fields as a map', () => {
    const parsed = parseCredential(credential('c-1', { [HYGIENE_ATTR.expiryNoticeStage]: { value: '7' } }));

    expect(parsed.ok ? [] : parsed.problems.map(formatProblem)).toEqual([
      `${HYGIENE_ATTR.expiryNoticeStage}: must be an integer from 1 to 365, got a map {"value":"7"}`,
    ]);
  });
});
