/**
 * How the guards say a share above `maxDeletePercent` (lambdas/hygiene/guard.ts, `shareAboveLimitText`; docs/sweep.md,
 * "The blast-radius guard"): the printed share never reads equal to or below the limit it exceeds (no rounding to
 * `10.0%` above 10%, nor `0.0%` above 0.0005%), in the sweep's reasons and in `owners import --sync`'s alike, and a
 * single deletion is said in the singular.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGuard, shareAboveLimitText } from '../../lambdas/hygiene/guard';
import { judgeSyncGuard } from '../../lambdas/hygiene/owner-import-guards';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

/** The number a share text prints (`10.01%` → 10.01); throws for any other text. */
function printed(text: string): number {
  const match = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (match === null) throw new Error(`not a share: ${text}`);
  return Number(match[1]);
}

describe('shareAboveLimitText', () => {
  it('says 1001 of 10000 above 10% as 10.01%, not 10.0%', () => {
    expect(shareAboveLimitText(1001, 10_000, 10)).toBe('10.01%');
  });

  it('gives a tiny limit enough decimals: 1 of 100000 above 0.0005% is 0.001%', () => {
    expect(shareAboveLimitText(1, 100_000, 0.0005)).toBe('0.001%');
    expect(shareAboveLimitText(1, 1_000_000, 0)).toBe('0.0001%');
  });

  it('says a whole-number share exactly and a cut one without rounding up', () => {
    expect(shareAboveLimitText(6, 50, 10)).toBe('12%');
    expect(shareAboveLimitText(1, 9, 10)).toBe('11.1%');
    // 2/3 = 66.66…%: cut, never rounded up to 66.7.
    expect(shareAboveLimitText(2, 3, 66.6)).toBe('66.66%');
  });

  it('says a part of nothing as more than the limit', () => {
    expect(shareAboveLimitText(1, 0, 10)).toBe('more than 10%');
  });

  it('refuses a share that does not exceed the limit', () => {
    expect(() => shareAboveLimitText(1000, 10_000, 10)).toThrow('1000 of 10000 is not above 10%');
  });

  it('always prints a share above the limit and at or below the true share (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 6 }),
        (whole, partSeed, units, decimals) => {
          const part = 1 + (partSeed % whole);
          const percent = Number(`${units % (100 * 10 ** decimals)}e-${decimals}`);
          const share = (part * 100) / whole;
          if (share <= percent * (1 + 1e-12)) return; // not clearly above: the exact judgement is guard.test.ts's
          const value = printed(shareAboveLimitText(part, whole, percent));
          expect(value).toBeGreaterThan(percent);
          expect(value).toBeLessThanOrEqual(share);
        },
      ),
    );
  });
});

describe('the guards’ reasons', () => {
  it('the sweep: 1001 of 10000 above 10% reads 10.01%', () => {
    const status = evaluateGuard(
      { plannedDeletes: 1001, activeValid: 10_000 },
      { maxDeletesPerRun: 5000, maxDeletePercent: 10 },
    );
    expect(status.reasons).toEqual([
      '1001 planned deletions are 10.01% of 10000 active valid credentials, above maxDeletePercent 10%',
    ]);
  });

  it('the sweep: one deletion is singular, in both reasons', () => {
    const status = evaluateGuard(
      { plannedDeletes: 1, activeValid: 200_000 },
      { maxDeletesPerRun: 0, maxDeletePercent: 0.0001 },
    );
    expect(status.reasons).toEqual([
      '1 planned deletion exceeds maxDeletesPerRun 0',
      '1 planned deletion is 0.0005% of 200000 active valid credentials, above maxDeletePercent 0.0001%',
    ]);
  });

  it('owners import --sync: 1001 of 10000 above 10% reads 10.01%', () => {
    expect(judgeSyncGuard({ markDeparted: ids(1001), activeBefore: 10_000 }, 10).reason).toBe(
      '--sync would mark 1001 of 10000 active owners departed (10.01%), above maxDeletePercent 10%',
    );
  });

  it('owners import --sync: 1 of 100000 above 0.0005% reads 0.001%', () => {
    expect(judgeSyncGuard({ markDeparted: ids(1), activeBefore: 100_000 }, 0.0005).reason).toBe(
      '--sync would mark 1 of 100000 active owners departed (0.001%), above maxDeletePercent 0.0005%',
    );
  });
});
