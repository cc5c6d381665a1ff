/**
 * What the sweep writes instead of a deletion the blast-radius guard blocks
 * (docs/sweep.md, "The blast-radius guard"): the expiry notice and the other
 * rule's flag or unflag that the deletion had made pointless — never a
 * deletion, nothing for an expired credential, and exactly `decide`'s actions
 * whenever `decide` plans no deletion.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OwnerStanding } from '../../lambdas/hygiene/owner-directory';
import { actionsIfDeletionBlocked, decide, isDeletion } from '../../lambdas/hygiene/policy';
import { at, credentialOf, T0 } from './support/raw-credential';

const DEPARTED: OwnerStanding = { directoryUsable: true, departed: true };
const ACTIVE: OwnerStanding = { directoryUsable: true, departed: false };

/** Unused for 200 days, flagged stale 20 days ago, due 6 days ago. */
const STALE_DUE = {
  lastUsedAt: at(-200),
  [HYGIENE_ATTR.staleFlaggedAt]: at(-20),
  [HYGIENE_ATTR.staleDeleteAfter]: at(-6),
};
/** Orphan-flagged 8 days ago with the default 7-day grace: due. */
const ORPHAN_DUE = { [HYGIENE_ATTR.orphanedAt]: at(-8), [HYGIENE_ATTR.orphanDeleteAfter]: at(-1) };

function both(overrides: Record<string, unknown>, owner?: OwnerStanding) {
  const credential = credentialOf(overrides);
  return {
    decided: decide(credential, DEFAULT_CONFIG, T0, owner).map((a) => a.type),
    instead: actionsIfDeletionBlocked(credential, DEFAULT_CONFIG, T0, owner),
  };
}

describe('actionsIfDeletionBlocked', () => {
  it('a blocked stale deletion gives back the expiry notice it had dropped', () => {
    const { decided, instead } = both({ ...STALE_DUE, expiresTime: at(5) });
    expect(decided).toEqual(['delete-stale']);
    expect(instead).toEqual([{ type: 'notify-expiry', stageDays: 7, expiresTime: at(5) }]);
  });

  it("a blocked stale deletion gives back a departed owner's orphan flag", () => {
    const { decided, instead } = both(STALE_DUE, DEPARTED);
    expect(decided).toEqual(['delete-stale']);
    expect(instead).toEqual([{ type: 'flag-orphan', deleteAfter: at(7) }]);
  });

  it('a blocked orphan deletion gives back the notice and the stale flag', () => {
    const { decided, instead } = both({ ...ORPHAN_DUE, lastUsedAt: at(-100), expiresTime: at(20) }, DEPARTED);
    expect(decided).toEqual(['delete-orphaned']);
    expect(instead.map((a) => a.type)).toEqual(['notify-expiry', 'flag-stale']);
  });

  it('a blocked deletion with nothing else due gives nothing; an expired credential never gets anything', () => {
    expect(both(STALE_DUE).instead).toEqual([]);
    expect(both({ expiresTime: at(-1), lastUsedAt: at(-100) }, DEPARTED).instead).toEqual([]);
  });

  it('never a deletion, and exactly decide when decide plans none (fast-check)', () => {
    const record = fc.record({
      expiresIn: fc.option(fc.integer({ min: -3, max: 40 }), { nil: undefined }),
      lastUsedAgo: fc.integer({ min: 0, max: 400 }),
      staleFlag: fc.option(fc.tuple(fc.integer({ min: -2, max: 40 }), fc.integer({ min: 0, max: 30 })), {
        nil: undefined,
      }),
      orphanFlag: fc.option(fc.tuple(fc.integer({ min: -2, max: 20 }), fc.integer({ min: 0, max: 14 })), {
        nil: undefined,
      }),
      owner: fc.constantFrom(DEPARTED, ACTIVE, undefined),
    });
    fc.assert(
      fc.property(record, (r) => {
        const credential = credentialOf({
          expiresTime: r.expiresIn === undefined ? undefined : at(r.expiresIn),
          lastUsedAt: at(-r.lastUsedAgo),
          ...(r.staleFlag && {
            [HYGIENE_ATTR.staleFlaggedAt]: at(-r.staleFlag[0]),
            [HYGIENE_ATTR.staleDeleteAfter]: at(-r.staleFlag[0] + r.staleFlag[1]),
          }),
          ...(r.orphanFlag && {
            [HYGIENE_ATTR.orphanedAt]: at(-r.orphanFlag[0]),
            [HYGIENE_ATTR.orphanDeleteAfter]: at(-r.orphanFlag[0] + r.orphanFlag[1]),
          }),
        });
        const decided = decide(credential, DEFAULT_CONFIG, T0, r.owner);
        const instead = actionsIfDeletionBlocked(credential, DEFAULT_CONFIG, T0, r.owner);
        expect(instead.some(isDeletion)).toBe(false);
        if (!decided.some(isDeletion)) expect(instead).toEqual(decided);
        if (decided.some((a) => a.type === 'delete-expired')) expect(instead).toEqual([]);
      }),
    );
  });
});
