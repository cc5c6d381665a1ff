/**
 * The blast-radius guard's verdict (lambdas/hygiene/guard.ts; docs/sweep.md, "The blast-radius guard";
 * docs/rules.md, "The blast-radius guard"): deletions pass up to and including both limits and trip one over either,
 * both named when both are exceeded, never on zero deletions; an override keeps the trip visible; fractional
 * percentages decided exactly, without float noise (fast-check properties); a limit or count it cannot compare
 * refused by name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGuard, exceedsPercent } from '../../lambdas/hygiene/guard';

const limits = { maxDeletesPerRun: 500, maxDeletePercent: 10 };

describe('evaluateGuard', () => {
  it('passes deletions up to and including both limits', () => {
    expect(evaluateGuard({ plannedDeletes: 500, activeValid: 5000 }, limits)).toMatchObject({
      tripped: false,
      overridden: false,
      deletionsAllowed: true,
      reasons: [],
    });
    expect(evaluateGuard({ plannedDeletes: 5, activeValid: 50 }, limits).tripped).toBe(false);
  });

  it('trips one over the per-run limit', () => {
    const status = evaluateGuard({ plannedDeletes: 501, activeValid: 1_000_000 }, limits);

    expect(status).toMatchObject({ tripped: true, deletionsAllowed: false, plannedDeletes: 501 });
    expect(status.reasons).toEqual(['501 planned deletions exceed maxDeletesPerRun 500']);
  });

  it('trips one over the percentage of active valid credentials', () => {
    const status = evaluateGuard({ plannedDeletes: 6, activeValid: 50 }, limits);

    expect(status.tripped).toBe(true);
    expect(status.reasons).toEqual([
      '6 planned deletions are 12% of 50 active valid credentials, above maxDeletePercent 10%',
    ]);
  });

  it('names both limits when both are exceeded', () => {
    expect(evaluateGuard({ plannedDeletes: 600, activeValid: 1000 }, limits).reasons).toHaveLength(2);
  });

  it('never trips on zero deletions, even with zero limits or an empty table', () => {
    const zero = { maxDeletesPerRun: 0, maxDeletePercent: 0 };
    expect(evaluateGuard({ plannedDeletes: 0, activeValid: 0 }, zero).tripped).toBe(false);
    expect(evaluateGuard({ plannedDeletes: 1, activeValid: 100 }, zero).tripped).toBe(true);
  });

  it('keeps the trip visible when the operator overrides it', () => {
    expect(evaluateGuard({ plannedDeletes: 501, activeValid: 10_000 }, limits, true)).toMatchObject({
      tripped: true,
      overridden: true,
      deletionsAllowed: true,
    });
    // An override with nothing to override is not reported as one.
    expect(evaluateGuard({ plannedDeletes: 1, activeValid: 10_000 }, limits, true).overridden).toBe(false);
  });

  it('allows deletions exactly when both limits hold (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(2000),
        fc.nat(20_000),
        fc.nat(1000),
        fc.integer({ min: 0, max: 100 }),
        (plannedDeletes, activeValid, maxDeletesPerRun, maxDeletePercent) => {
          const status = evaluateGuard(
            { plannedDeletes, activeValid },
            { maxDeletesPerRun, maxDeletePercent },
          );
          // The spec phrased as a ratio (the guard itself cross-multiplies).
          const share =
            activeValid === 0 ? (plannedDeletes === 0 ? 0 : Infinity) : plannedDeletes / activeValid;
          const within = plannedDeletes <= maxDeletesPerRun && share <= maxDeletePercent / 100;
          expect(status.deletionsAllowed).toBe(within);
        },
      ),
    );
  });
  it('passes exactly a fractional maxDeletePercent (no float noise), and trips one over it', () => {
    const limit = { maxDeletesPerRun: 1000, maxDeletePercent: 0.57 };
    // 0.57 * 10000 is 5699.999… in binary floating point: exactly 0.57 % must still pass.
    expect(evaluateGuard({ plannedDeletes: 57, activeValid: 10_000 }, limit)).toMatchObject({
      tripped: false,
      reasons: [],
    });
    expect(evaluateGuard({ plannedDeletes: 58, activeValid: 10_000 }, limit).reasons).toEqual([
      '58 planned deletions are 0.58% of 10000 active valid credentials, above maxDeletePercent 0.57%',
    ]);
    expect(
      evaluateGuard({ plannedDeletes: 7, activeValid: 100 }, { ...limit, maxDeletePercent: 7 }).tripped,
    ).toBe(false);
  });

  it('decides fractional percentages exactly (property, up to 6 decimals)', () => {
    fc.assert(
      fc.property(
        fc.nat(100_000),
        fc.nat(10_000_000),
        fc.nat(100_000_000),
        fc.integer({ min: 0, max: 6 }),
        (part, whole, units, decimals) => {
          // percent = units / 10^decimals, written as a decimal literal (what a config file holds).
          const scaled = BigInt(units) % (100n * 10n ** BigInt(decimals) + 1n);
          const percent = Number(`${scaled}e-${decimals}`);
          const exact = BigInt(part) * 100n * 10n ** BigInt(decimals) > scaled * BigInt(whole);
          expect(exceedsPercent(part, whole, percent)).toBe(exact);
        },
      ),
    );
  });

  it('rejects a percentage or a count it cannot compare, naming it', () => {
    expect(() => exceedsPercent(1, 10, Number.NaN)).toThrow('percent must be a finite number >= 0, got NaN');
    expect(() => exceedsPercent(1, 10, -1)).toThrow('percent must be a finite number >= 0, got -1');
    expect(() => exceedsPercent(1.5, 10, 1)).toThrow('counts must be integers >= 0, got 1.5 of 10');
  });
});
