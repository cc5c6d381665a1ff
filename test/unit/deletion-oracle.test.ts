/**
 * Every deletion `decide` makes is the one an independent oracle of docs/rules.md makes, and vice versa —
 * across expiry, stale and orphan flags (future-dated ones too, within and past the 2-day tolerance),
 * exemption (by attribute and by `exemptIds`), owner standing (usable or stale directory, departed or not)
 * and instants on, just around and across day edges. The oracle is written from the docs, not from the
 * policy's code, so a change to either that makes them disagree fails here. A fixed seed by default (CI
 * stays deterministic); `FUZZ_SEED=N` explores another sequence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { decide, isDeletion } from '../../lambdas/hygiene/policy';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { fuzzSeed } from '../support/fuzz-seed';

const SEED = fuzzSeed();

const near = (minDays: number, maxDays: number) =>
  fc.oneof(
    fc.integer({ min: minDays, max: maxDays }).map((d) => d * DAY_MS),
    fc
      .tuple(fc.integer({ min: minDays, max: maxDays }), fc.constantFrom(-1, 1))
      .map(([d, e]) => d * DAY_MS + e),
    fc.integer({ min: minDays * DAY_MS, max: maxDays * DAY_MS }),
  );

const caseArb = fc.record({
  now: fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2099, 0, 1) }),
  created: near(-400, -1),
  expires: fc.option(near(-5, 40), { nil: undefined }),
  used: fc.option(near(-400, 3), { nil: undefined }),
  // [flagged at, grace]: a grace of 0 days or more, as the worker writes (a deletion date before its flag is invalid).
  staleFlag: fc.option(fc.tuple(near(-40, 5), near(0, 30)), { nil: undefined }),
  orphanFlag: fc.option(fc.tuple(near(-40, 5), near(0, 30)), { nil: undefined }),
  exemptAttr: fc.boolean(),
  exemptId: fc.boolean(),
  usable: fc.boolean(),
  departed: fc.boolean(),
  staleAfterDays: fc.integer({ min: 1, max: 120 }),
});

describe('deletions agree with an independent oracle of docs/rules.md', () => {
  it('decide deletes exactly when, and as, the rules say', () => {
    // What the cases covered: each kind of deletion (and none), and the cases the parser refused (not checked).
    const seen: Record<string, number> = {
      none: 0,
      'delete-expired': 0,
      'delete-orphaned': 0,
      'delete-stale': 0,
      unparsed: 0,
    };
    fc.assert(
      fc.property(caseArb, (c) => {
        const config = parseConfig({
          staleAfterDays: c.staleAfterDays,
          riskTiers: [],
          exemptIds: c.exemptId ? ['pc'] : [],
        });
        const at = (offset: number) => formatInstant(c.now + offset);
        const created = c.now + Math.min(c.created, c.expires ?? 0, c.used ?? 0);
        const item: Record<string, unknown> = {
          id: 'pc',
          userId: 'u',
          createdAt: formatInstant(created),
          ...(c.expires !== undefined && { expiresTime: at(c.expires) }),
          ...(c.used !== undefined && { lastUsedAt: at(c.used) }),
          ...(c.exemptAttr && { [HYGIENE_ATTR.exempt]: true }),
          ...(c.staleFlag && {
            [HYGIENE_ATTR.staleFlaggedAt]: at(c.staleFlag[0]),
            [HYGIENE_ATTR.staleDeleteAfter]: at(c.staleFlag[0] + c.staleFlag[1]),
          }),
          ...(c.orphanFlag && {
            [HYGIENE_ATTR.orphanedAt]: at(c.orphanFlag[0]),
            [HYGIENE_ATTR.orphanDeleteAfter]: at(c.orphanFlag[0] + c.orphanFlag[1]),
          }),
        };
        const parsed = parseCredential(item);
        if (!parsed.ok) {
          seen.unparsed = (seen.unparsed ?? 0) + 1;
          return;
        }
        const owner = { directoryUsable: c.usable, departed: c.usable && c.departed };
        const deletions = decide(parsed.credential, config, c.now, owner)
          .filter(isDeletion)
          .map((a) => a.type);

        // The oracle, from the docs alone.
        const now = c.now;
        const exempt = c.exemptAttr || c.exemptId;
        const expired = c.expires !== undefined && now + c.expires <= now;
        const tolerance = 2 * DAY_MS;
        const activity = Math.max(created, c.used !== undefined ? now + c.used : created);
        const stillStale = activity <= now - c.staleAfterDays * DAY_MS;
        const orphanDue =
          c.orphanFlag !== undefined &&
          c.orphanFlag[0] <= tolerance &&
          c.usable &&
          c.departed &&
          now >= now + c.orphanFlag[0] + c.orphanFlag[1];
        const staleDue =
          c.staleFlag !== undefined &&
          c.staleFlag[0] <= tolerance &&
          !(c.used !== undefined && c.used > c.staleFlag[0]) &&
          stillStale &&
          now >= now + c.staleFlag[0] + c.staleFlag[1];
        const expected = exempt
          ? []
          : expired
            ? ['delete-expired']
            : orphanDue
              ? ['delete-orphaned']
              : staleDue
                ? ['delete-stale']
                : [];
        expect(deletions).toEqual(expected);
        seen[expected[0] ?? 'none'] = (seen[expected[0] ?? 'none'] ?? 0) + 1;
      }),
      { numRuns: 5000, seed: SEED },
    );
    // The property checks something: every kind of deletion came up often, and few cases were skipped.
    for (const kind of ['delete-expired', 'delete-orphaned', 'delete-stale'] as const) {
      expect(seen[kind], kind).toBeGreaterThanOrEqual(50);
    }
    expect(seen.unparsed).toBeLessThan(250);
  });
});
