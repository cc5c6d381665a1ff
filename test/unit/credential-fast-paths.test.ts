/**
 * The parser's shortcuts must not change a verdict: the remembered CIDR
 * verdicts (bounded cache) and the key-length check that skips UTF-8 encoding
 * for strings too short to exceed DynamoDB's limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CIDR_CACHE_LIMIT, cidrProblem, parseCredential } from '../../lambdas/hygiene/credential';

const validItem = (overrides: Record<string, unknown>) => ({
  id: 'c-1',
  userId: 'u-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const problemsOf = (item: unknown): readonly string[] => {
  const parsed = parseCredential(item);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
};

describe('cidrProblem with remembered verdicts', () => {
  it('gives each string its own verdict, also for the same address with another prefix', () => {
    for (let round = 0; round < 3; round++) {
      expect(cidrProblem('10.0.0.0/8')).toBeUndefined();
      expect(cidrProblem('10.0.0.0/33')).toContain('above 32 for IPv4');
      expect(cidrProblem('2001:db8::/32')).toBeUndefined();
      expect(cidrProblem('2001:db8::/129')).toContain('above 128 for IPv6');
      expect(cidrProblem('10.0.0.256/24')).toContain('invalid IPv4 address');
    }
  });

  it('still answers correctly after more distinct values than the cache holds', () => {
    const valid = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.0/24`;
    const invalid = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.0/${33 + (i % 60)}`;
    for (let i = 0; i < CIDR_CACHE_LIMIT + 50; i++) {
      expect(cidrProblem(valid(i))).toBeUndefined();
      expect(cidrProblem(invalid(i))).toContain('above 32 for IPv4');
    }
    for (const i of [0, 1, CIDR_CACHE_LIMIT - 1, CIDR_CACHE_LIMIT + 49]) {
      expect(cidrProblem(valid(i))).toBeUndefined();
      expect(cidrProblem(invalid(i))).toContain('above 32 for IPv4');
    }
  });

  it('validates strings too long to cache every time, with the same message', () => {
    const long = `${'1'.repeat(80)}/8`;
    const first = cidrProblem(long);
    expect(first).toContain('invalid IPv4 address');
    expect(cidrProblem(long)).toBe(first);
  });

  it('a repeated string gets the verdict of its first validation (fast-check)', () => {
    const octet = fc.integer({ min: 0, max: 300 });
    const cidrLike = fc.oneof(
      fc
        .tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 }))
        .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
      fc.ipV6().map((address) => `${address}/64`),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(cidrLike, (cidr) => {
        const first = cidrProblem(cidr);
        expect(cidrProblem(cidr)).toBe(first);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('key length check around the 2048-byte limit', () => {
  it.each([
    ['682 three-byte characters (2046 bytes)', '€'.repeat(682), undefined],
    ['683 three-byte characters (2049 bytes)', '€'.repeat(683), 2049],
    ['1024 two-byte characters (2048 bytes)', 'é'.repeat(1024), undefined],
    ['512 four-byte characters (2048 bytes)', '😀'.repeat(512), undefined],
    ['513 four-byte characters (2052 bytes)', '😀'.repeat(513), 2052],
    ['2048 ASCII characters', 'x'.repeat(2048), undefined],
    ['one ASCII character and 682 three-byte characters (2047 bytes)', `x${'€'.repeat(682)}`, undefined],
  ])('id of %s', (_, id, bytes) => {
    const expected =
      bytes === undefined ? [] : [`id: is ${bytes} bytes long, above DynamoDB's key limit of 2048 bytes`];
    expect(problemsOf(validItem({ id }))).toEqual(expected);
  });
});
