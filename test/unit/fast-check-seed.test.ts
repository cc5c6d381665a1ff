/**
 * The property tests' seed (test/support/fast-check-seed.ts, README.md "Development"): the setup file every Vitest
 * project loads gives fast-check the run's seed globally, the fixed default unless `FUZZ_SEED` names another, and a
 * `FUZZ_SEED` that is not an integer stops the run instead of falling back to some seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_SEED, fuzzSeed } from '../support/fuzz-seed';

describe('the fast-check seed', () => {
  it("is set globally for this run, as the environment says (the setup file's work)", () => {
    expect(fc.readConfigureGlobal().seed).toBe(fuzzSeed());
  });

  it('is the fixed default without FUZZ_SEED (or with it empty), else the integer it gives', () => {
    expect(fuzzSeed({})).toBe(DEFAULT_FUZZ_SEED);
    expect(fuzzSeed({ FUZZ_SEED: ' ' })).toBe(DEFAULT_FUZZ_SEED);
    expect(fuzzSeed({ FUZZ_SEED: '7' })).toBe(7);
    expect(fuzzSeed({ FUZZ_SEED: '-3' })).toBe(-3);
  });

  it.each(['x', '1.5', '1e30'])('refuses FUZZ_SEED=%s, naming the variable and its value', (raw) => {
    expect(() => fuzzSeed({ FUZZ_SEED: raw })).toThrow(
      `FUZZ_SEED must be an integer, got ${JSON.stringify(raw)}`,
    );
  });
});
