/**
 * The orphan rule (docs/rules.md, "Orphaned credentials"): examples and
 * fast-check properties, over the pure policy and the directory's usability.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type HygieneConfig, parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import {
  type DepartedOwners,
  type DirectoryFreshness,
  loadDirectoryState,
  type OwnerStanding,
  ownerStanding,
} from '../../lambdas/hygiene/owner-directory';
import { type Action, decide, isDeletion } from '../../lambdas/hygiene/policy';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { at, credentialOf, rawCredential, T0 } from './support/raw-credential';

const DEPARTED: OwnerStanding = { directoryUsable: true, departed: true };
const ACTIVE: OwnerStanding = { directoryUsable: true, departed: false };
const UNUSABLE: OwnerStanding = { directoryUsable: false, departed: false };

/** Orphan-flag bookkeeping: flagged `daysAgo` days before T0 with the default 7-day grace. */
const orphanedDaysAgo = (daysAgo: number, graceDays = 7) => ({
  [HYGIENE_ATTR.orphanedAt]: at(-daysAgo),
  [HYGIENE_ATTR.orphanDeleteAfter]: at(-daysAgo + graceDays),
});

function decideFor(
  overrides: Record<string, unknown>,
  owner: OwnerStanding | undefined,
  config: HygieneConfig = DEFAULT_CONFIG,
  now = T0,
): Action[] {
  return decide(credentialOf(overrides), config, now, owner);
}

describe('orphan rule', () => {
  it("flags a departed owner's credential at once, deleting after orphanGraceDays", () => {
    expect(decideFor({}, DEPARTED)).toEqual([{ type: 'flag-orphan', deleteAfter: at(7) }]);
    expect(decideFor({}, DEPARTED, parseConfig({ orphanGraceDays: 0 }))).toEqual([
      { type: 'flag-orphan', deleteAfter: at(0) },
    ]);
  });

  it('waits during the grace, soft-deletes once it has passed', () => {
    expect(decideFor(orphanedDaysAgo(6), DEPARTED)).toEqual([]);
    expect(decideFor(orphanedDaysAgo(7), DEPARTED)).toEqual([
      { type: 'delete-orphaned', flaggedAt: at(-7), deleteAfter: at(0) },
    ]);
  });

  it('clears the flag silently when the owner is no longer departed (active again or absent)', () => {
    expect(decideFor(orphanedDaysAgo(10), ACTIVE)).toEqual([
      { type: 'unflag-orphan', reason: 'owner-not-departed' },
    ]);
    expect(decideFor({}, ACTIVE)).toEqual([]);
  });

  it('never flags or deletes an exempt credential, and clears its flag', () => {
    expect(decideFor({ [HYGIENE_ATTR.exempt]: true }, DEPARTED)).toEqual([]);
    expect(decideFor({ [HYGIENE_ATTR.exempt]: true, ...orphanedDaysAgo(30) }, DEPARTED)).toEqual([
      { type: 'unflag-orphan', reason: 'exempt' },
    ]);
    expect(decideFor({}, DEPARTED, parseConfig({ exemptIds: ['pc-1'] }))).toEqual([]);
  });

  it('lets expired win: an expired credential is deleted as expired', () => {
    expect(decideFor({ expiresTime: at(-1), ...orphanedDaysAgo(30) }, DEPARTED)).toEqual([
      { type: 'delete-expired', expiresTime: at(-1) },
    ]);
  });

  it('deletes as orphaned rather than stale when both are due (one deletion per record)', () => {
    const staleDue = {
      lastUsedAt: at(-200),
      [HYGIENE_ATTR.staleFlaggedAt]: at(-20),
      [HYGIENE_ATTR.staleDeleteAfter]: at(-6),
    };
    expect(decideFor({ ...staleDue, ...orphanedDaysAgo(8) }, DEPARTED).map((a) => a.type)).toEqual([
      'delete-orphaned',
    ]);
  });

  it('keeps an expiry notice and a stale flag alongside an orphan flag', () => {
    const actions = decideFor({ expiresTime: at(5), lastUsedAt: at(-100) }, DEPARTED);
    expect(actions.map((a) => a.type)).toEqual(['notify-expiry', 'flag-stale', 'flag-orphan']);
  });

  it("with an unusable directory (or none) keeps a flag: neither flags, deletes nor clears on the owner's standing", () => {
    for (const owner of [UNUSABLE, undefined]) {
      expect(decideFor({}, owner)).toEqual([]);
      expect(decideFor(orphanedDaysAgo(30), owner)).toEqual([]);
    }
  });

  it('drops a flag dated after now past the tolerance (a clock-ahead run), keeps one within it', () => {
    expect(decideFor(orphanedDaysAgo(-3), DEPARTED)).toEqual([
      { type: 'unflag-orphan', reason: 'flagged-in-future' },
    ]);
    expect(AFTER_NOW_TOLERANCE_MS).toBe(2 * DAY_MS);
    expect(decideFor(orphanedDaysAgo(-2), DEPARTED)).toEqual([]);
  });

  it('counts an orphan deletion as a deletion (the guard counts it)', () => {
    expect(isDeletion({ type: 'delete-orphaned', flaggedAt: at(-7), deleteAfter: at(0) })).toBe(true);
    expect(isDeletion({ type: 'flag-orphan', deleteAfter: at(7) })).toBe(false);
  });

  it('rejects half an orphan flag as invalid', () => {
    const parsed = parseCredential(rawCredential({ [HYGIENE_ATTR.orphanedAt]: at(-1) }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      {
        field: HYGIENE_ATTR.orphanDeleteAfter,
        message: `is required when ${HYGIENE_ATTR.orphanedAt} is set`,
      },
    ]);
  });
});

function fakeDirectory(
  freshness: DirectoryFreshness | undefined,
  departed: readonly string[],
): DepartedOwners & {
  departedReads: number;
} {
  return {
    departedReads: 0,
    async freshness() {
      return freshness;
    },
    async departedUserIds() {
      this.departedReads++;
      return new Set(departed);
    },
  };
}

describe('loadDirectoryState', () => {
  it('is usable when non-empty and no older than directoryMaxAgeDays, and then reads the departed', async () => {
    const directory = fakeDirectory({ asOf: formatInstant(T0 - 7 * DAY_MS), owners: 3 }, ['u1']);
    const state = await loadDirectoryState(directory, 7, T0);
    expect(state.unusable).toBeUndefined();
    expect(ownerStanding(state, 'u1')).toEqual(DEPARTED);
    expect(ownerStanding(state, 'u2')).toEqual(ACTIVE);
  });

  it.each([
    ['no-directory', undefined, undefined],
    ['no-directory', 'never imported', undefined],
    ['empty', 'empty', { asOf: formatInstant(T0), owners: 0 }],
    ['stale', 'older than the limit', { asOf: formatInstant(T0 - 7 * DAY_MS - 1), owners: 3 }],
    ['stale', 'without asOf', { owners: 3 }],
    [
      'ahead',
      'more than 2 days after now',
      { asOf: formatInstant(T0 + AFTER_NOW_TOLERANCE_MS + 1), owners: 3 },
    ],
  ] as const)(
    'is unusable (%s) when %s, and does not even read the departed',
    async (reason, _, freshness) => {
      const directory = fakeDirectory(freshness, ['u1']);
      const state = await loadDirectoryState(_ === undefined ? undefined : directory, 7, T0);
      expect(state.unusable).toBe(reason);
      expect(directory.departedReads).toBe(0);
      expect(ownerStanding(state, 'u1')).toEqual(UNUSABLE);
    },
  );
});

describe('a directory snapshot after now', () => {
  it("is usable up to the tolerance for another run's instants (a scheduled run behind the wall clock)", async () => {
    const directory = fakeDirectory({ asOf: formatInstant(T0 + AFTER_NOW_TOLERANCE_MS), owners: 3 }, ['u1']);
    const state = await loadDirectoryState(directory, 7, T0);
    expect(state.unusable).toBeUndefined();
    expect(ownerStanding(state, 'u1')).toEqual(DEPARTED);
  });
});

describe('orphan rule properties (fast-check)', () => {
  const flags = fc.option(
    fc.tuple(fc.integer({ min: -60, max: 60 }), fc.integer({ min: 0, max: 30 })).map(([ago, grace]) => ({
      [HYGIENE_ATTR.orphanedAt]: at(-ago),
      [HYGIENE_ATTR.orphanDeleteAfter]: at(-ago + grace),
    })),
    { nil: {} },
  );
  const record = fc.record({
    flags,
    expiresInDays: fc.option(fc.integer({ min: -10, max: 400 }), { nil: undefined }),
    exempt: fc.boolean(),
  });
  type RecordInput = typeof record extends fc.Arbitrary<infer T> ? T : never;
  const raw = (r: RecordInput) => ({
    ...r.flags,
    expiresTime: r.expiresInDays === undefined ? undefined : at(r.expiresInDays),
    [HYGIENE_ATTR.exempt]: r.exempt,
  });

  it('never orphan-deletes (or flags) when the directory is stale or empty', async () => {
    // Stale: asOf more than maxAgeDays before now (by at least 1 ms); empty: no owners, any asOf.
    const unusable = fc.integer({ min: 1, max: 3650 }).chain((maxAgeDays) =>
      fc.tuple(
        fc.constant(maxAgeDays),
        fc.oneof(
          fc.record({
            asOf: fc
              .integer({ min: 1, max: 400 * DAY_MS })
              .map((extra) => formatInstant(T0 - maxAgeDays * DAY_MS - extra)),
            owners: fc.nat(),
          }),
          fc.record({
            asOf: fc.integer({ min: 0, max: 3650 }).map((d) => formatInstant(T0 - d * DAY_MS)),
            owners: fc.constant(0),
          }),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(record, unusable, async (r, [maxAgeDays, freshness]) => {
        const state = await loadDirectoryState(fakeDirectory(freshness, ['user-1']), maxAgeDays, T0);
        const actions = decide(credentialOf(raw(r)), DEFAULT_CONFIG, T0, ownerStanding(state, 'user-1'));
        expect(state.unusable).toBeDefined();
        expect(actions.some((a) => a.type === 'delete-orphaned' || a.type === 'flag-orphan')).toBe(false);
      }),
    );
  });

  it('orphan-deletes only a flagged, due, non-exempt, unexpired credential of a departed owner', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (r, departed) => {
        const credential = credentialOf(raw(r));
        const actions = decide(credential, DEFAULT_CONFIG, T0, { directoryUsable: true, departed });
        if (!actions.some((a) => a.type === 'delete-orphaned')) return;
        const due = credential.hygiene.orphanDeleteAfter;
        expect(departed).toBe(true);
        expect(r.exempt).toBe(false);
        expect(due !== undefined && due.ms <= T0).toBe(true);
        expect(credential.expiresTime === undefined || credential.expiresTime.ms > T0).toBe(true);
        expect(actions.filter(isDeletion)).toHaveLength(1);
      }),
    );
  });
});
