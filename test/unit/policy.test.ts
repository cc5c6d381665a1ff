/**
 * The per-credential decision (lambdas/hygiene/policy.ts; docs/rules.md, "The rules", "Precedence", "Risk tiers",
 * "Exempt credentials"), pure, at each boundary to the millisecond: expiry notices once per stage, never late,
 * re-armed on renewal; expiry wins over everything; stale flags by last activity and the strictest matching risk
 * tier; exempt credentials never flagged yet still noticed; a flag deleted exactly at its date, unflagged on use or
 * a looser config, cleared when dated past now beyond the tolerance; soft-deleted credentials ignored; invalid
 * records get no actions.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type HygieneConfig, parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import {
  ACTION_TYPES,
  type Action,
  decide,
  dueExpiryStage,
  isDeletion,
  isExempt,
  planRecord,
  staleLimit,
} from '../../lambdas/hygiene/policy';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { MAX_SCHEDULE_SKEW_SECONDS } from '../../lib/sweep-delivery';
import { at, credentialOf, rawCredential, T0 } from './support/raw-credential';

/** Decides at `now` (default T0) for a healthy credential with `overrides`. */
function decideFor(
  overrides: Record<string, unknown>,
  config: HygieneConfig = DEFAULT_CONFIG,
  now = T0,
): Action[] {
  return decide(credentialOf(overrides), config, now);
}

const types = (actions: readonly Action[]) => actions.map((a) => a.type);
const notice = (stageDays: number, expiresTime: string): Action => ({
  type: 'notify-expiry',
  stageDays,
  expiresTime,
});

/** A risky credential: no scopedRoles and no source limit. */
const risky = { scopedRoles: undefined, allowSourceCidr: undefined };
/** Stale-flag bookkeeping: flagged `daysAgo` days before T0 with the default 14-day grace. */
const flaggedDaysAgo = (daysAgo: number, graceDays = 14) => ({
  [HYGIENE_ATTR.staleFlaggedAt]: at(-daysAgo),
  [HYGIENE_ATTR.staleDeleteAfter]: at(-daysAgo + graceDays),
});
const noticed = (stage: number, forExpiry: string) => ({
  [HYGIENE_ATTR.expiryNoticeStage]: stage,
  [HYGIENE_ATTR.expiryNoticeFor]: forExpiry,
});

describe('a healthy credential', () => {
  it('needs nothing', () => {
    expect(decideFor({})).toEqual([]);
  });

  it('without expiresTime never expires and gets no notice', () => {
    expect(decideFor({ expiresTime: undefined })).toEqual([]);
  });
});

describe('expiry notices: boundaries of each stage', () => {
  it.each([
    ['exactly 30 days before', at(30), 30],
    ['30 days + 1 ms before', at(30, 1), undefined],
    ['30 days - 1 ms before', at(30, -1), 30],
    ['exactly 7 days before', at(7), 7],
    ['7 days + 1 ms before', at(7, 1), 30],
    ['7 days - 1 ms before', at(7, -1), 7],
    ['exactly 1 day before', at(1), 1],
    ['1 day + 1 ms before', at(1, 1), 7],
    ['1 ms before expiry', at(0, 1), 1],
  ])('%s -> stage %s', (_name, expiresTime, stage) => {
    const actions = decideFor({ expiresTime });
    expect(actions).toEqual(stage === undefined ? [] : [notice(stage, expiresTime)]);
  });

  it('reads offsets: 2026-12-03T09:00:00+09:00 is exactly 7 days after T0', () => {
    expect(decideFor({ expiresTime: '2026-12-03T09:00:00+09:00' })).toEqual([notice(7, at(7))]);
  });

  it('reads fractional seconds to the millisecond: digits below it are truncated (lambdas/hygiene/time.ts)', () => {
    // Instants are whole epoch ms, as written back: one microsecond past 7 days is exactly 7 days.
    expect(decideFor({ expiresTime: '2026-12-03T00:00:00.000001Z' })).toEqual([notice(7, at(7))]);
    expect(decideFor({ expiresTime: '2026-12-03T00:00:00.001Z' })).toEqual([notice(30, at(7, 1))]);
    expect(decideFor({ expiresTime: '2026-12-02T23:59:59.999999Z' })).toEqual([notice(7, at(7, -1))]);
  });

  it('writes the noticed expiresTime in canonical UTC', () => {
    const [action] = decideFor({ expiresTime: '2026-12-01T05:30:00.5+05:30' });
    expect(action).toEqual(notice(7, '2026-12-01T00:00:00.500Z'));
  });

  it('counts the leap day 2028-02-29 as a real day', () => {
    const now = Date.UTC(2028, 1, 28);
    const expiresTime = '2028-03-01T00:00:00Z'; // two days later because of 02-29
    expect(
      decideFor(
        { createdAt: '2027-12-01T00:00:00Z', expiresTime, lastUsedAt: '2028-02-27T00:00:00Z' },
        DEFAULT_CONFIG,
        now,
      ),
    ).toEqual([notice(7, '2028-03-01T00:00:00.000Z')]);
    const nonLeapNow = Date.UTC(2027, 1, 28);
    expect(
      decideFor(
        {
          createdAt: '2026-12-01T00:00:00Z',
          expiresTime: '2027-03-01T00:00:00Z',
          lastUsedAt: '2027-02-27T00:00:00Z',
        },
        DEFAULT_CONFIG,
        nonLeapNow,
      ),
    ).toEqual([notice(1, '2027-03-01T00:00:00.000Z')]);
  });

  it('uses the configured stages', () => {
    const config = parseConfig({ expiryNoticeDays: [3, 14] });
    expect(decideFor({ expiresTime: at(10) }, config)).toEqual([notice(14, at(10))]);
    expect(decideFor({ expiresTime: at(20) }, config)).toEqual([]);
    expect(decideFor({ expiresTime: at(1) }, parseConfig({ expiryNoticeDays: [] }))).toEqual([]);
  });
});

describe('expiry notices: once per stage, never late, re-armed on renewal', () => {
  it('sends only the most urgent due stage, never the passed ones late', () => {
    // Nothing noticed yet and 5 days left: the 7-day notice only, not also the 30-day one.
    expect(decideFor({ expiresTime: at(5) })).toEqual([notice(7, at(5))]);
  });

  it('does not repeat a stage already noticed for this expiresTime', () => {
    expect(decideFor({ expiresTime: at(20), ...noticed(30, at(20)) })).toEqual([]);
    expect(decideFor({ expiresTime: at(5), ...noticed(7, at(5)) })).toEqual([]);
    expect(decideFor({ expiresTime: at(0.5), ...noticed(1, at(0.5)) })).toEqual([]);
  });

  it('sends the next stage once it is due', () => {
    expect(decideFor({ expiresTime: at(5), ...noticed(30, at(5)) })).toEqual([notice(7, at(5))]);
    expect(decideFor({ expiresTime: at(0.5), ...noticed(7, at(0.5)) })).toEqual([notice(1, at(0.5))]);
  });

  it('never sends a less urgent stage after a more urgent one', () => {
    expect(decideFor({ expiresTime: at(20), ...noticed(7, at(20)) })).toEqual([]);
  });

  it('treats the same instant written differently as the same expiresTime', () => {
    const expiresTime = '2026-12-01T09:00:00+09:00';
    expect(decideFor({ expiresTime, ...noticed(7, '2026-12-01T00:00:00.000Z') })).toEqual([]);
  });

  it('re-arms the stages when expiresTime changes (renewal)', () => {
    // Noticed at the 1-day stage for the old expiry; renewed to 20 days from now.
    expect(decideFor({ expiresTime: at(20), ...noticed(1, at(0.5)) })).toEqual([notice(30, at(20))]);
    // Renewed by a single millisecond is still a different expiresTime.
    expect(decideFor({ expiresTime: at(5, 1), ...noticed(7, at(5)) })).toEqual([notice(7, at(5, 1))]);
  });
});

describe('expired', () => {
  it.each([
    ['exactly at expiresTime', at(0)],
    ['1 ms after', at(0, -1)],
    ['long after', at(-400)],
  ])('%s: soft-delete as expired', (_name, expiresTime) => {
    expect(decideFor({ createdAt: at(-500), expiresTime })).toEqual([
      { type: 'delete-expired', expiresTime },
    ]);
  });

  it('wins over everything else (precedence)', () => {
    const actions = decideFor({
      ...risky,
      createdAt: at(-500),
      lastUsedAt: undefined,
      expiresTime: at(-1),
      ...flaggedDaysAgo(30),
      ...noticed(1, at(-1)),
    });
    expect(actions).toEqual([{ type: 'delete-expired', expiresTime: at(-1) }]);
  });

  it('is not deleted when exempt; a stale flag on it is cleared', () => {
    expect(decideFor({ expiresTime: at(-1), [HYGIENE_ATTR.exempt]: true })).toEqual([]);
    expect(
      decideFor({
        expiresTime: at(-1),
        [HYGIENE_ATTR.exempt]: true,
        lastUsedAt: at(-200),
        ...flaggedDaysAgo(30),
      }),
    ).toEqual([{ type: 'unflag-stale', reason: 'exempt' }]);
    expect(
      decideFor({ id: 'keep-me', expiresTime: at(-1) }, parseConfig({ exemptIds: ['keep-me'] })),
    ).toEqual([]);
  });
});

describe('stale flag: boundaries and tiers', () => {
  it.each([
    ['exactly staleAfterDays ago', at(-90), true],
    ['staleAfterDays + 1 ms ago', at(-90, -1), true],
    ['staleAfterDays - 1 ms ago', at(-90, 1), false],
  ])('last used %s -> flagged: %s', (_name, lastUsedAt, flagged) => {
    const actions = decideFor({ lastUsedAt });
    expect(actions).toEqual(
      flagged
        ? [
            {
              type: 'flag-stale',
              deleteAfter: at(14),
              lastActivity: lastUsedAt,
              staleAfterDays: 90,
              tier: 'default',
            },
          ]
        : [],
    );
  });

  it('judges a never-used credential by createdAt', () => {
    expect(decideFor({ lastUsedAt: undefined, createdAt: at(-90) })).toEqual([
      expect.objectContaining({ type: 'flag-stale', lastActivity: at(-90) }),
    ]);
    expect(decideFor({ lastUsedAt: undefined, createdAt: at(-90, 1) })).toEqual([]);
  });

  it('never flags without evidence (no lastUsedAt and no createdAt)', () => {
    expect(decideFor({ lastUsedAt: undefined, createdAt: undefined })).toEqual([]);
  });

  it('applies the 30-day risk tier to unscoped and unrestricted credentials, to the millisecond', () => {
    expect(decideFor({ ...risky, lastUsedAt: at(-30) })).toEqual([
      expect.objectContaining({ type: 'flag-stale', staleAfterDays: 30, tier: 'unscoped-unrestricted' }),
    ]);
    expect(decideFor({ ...risky, lastUsedAt: at(-30, 1) })).toEqual([]);
  });

  it.each([
    ['no CIDRs at all', { scopedRoles: [], allowSourceCidr: [] }],
    ['0.0.0.0/0', { scopedRoles: undefined, allowSourceCidr: ['0.0.0.0/0'] }],
    ['::/0 among others', { scopedRoles: undefined, allowSourceCidr: ['10.0.0.0/8', '::/0'] }],
  ])('risky tier: unscoped and %s', (_name, overrides) => {
    expect(staleLimit(credentialOf(overrides), DEFAULT_CONFIG)).toEqual({
      days: 30,
      tier: 'unscoped-unrestricted',
    });
  });

  it.each([
    ['unscoped but source-limited', { scopedRoles: undefined, allowSourceCidr: ['10.0.0.0/8'] }],
    ['scoped but unrestricted', { scopedRoles: ['R'], allowSourceCidr: ['0.0.0.0/0'] }],
  ])('default limit: %s', (_name, overrides) => {
    expect(staleLimit(credentialOf(overrides), DEFAULT_CONFIG)).toEqual({ days: 90, tier: 'default' });
    expect(decideFor({ ...overrides, lastUsedAt: at(-60) })).toEqual([]);
  });

  it('takes the strictest matching tier, and never a looser one than the default', () => {
    const config = parseConfig({
      staleAfterDays: 60,
      riskTiers: [
        { name: 'open-source', staleAfterDays: 45, unrestrictedSource: true },
        { name: 'full-power', staleAfterDays: 20, unscoped: true },
        { name: 'everyone-loose', staleAfterDays: 365 },
      ],
    });
    expect(staleLimit(credentialOf({ allowSourceCidr: undefined }), config)).toEqual({
      days: 45,
      tier: 'open-source',
    });
    expect(staleLimit(credentialOf(risky), config)).toEqual({ days: 20, tier: 'full-power' });
    expect(staleLimit(credentialOf({}), config)).toEqual({ days: 60, tier: 'default' });
  });

  it('schedules the deletion staleGraceDays after now', () => {
    expect(decideFor({ lastUsedAt: at(-100) }, parseConfig({ staleGraceDays: 0 }))).toEqual([
      expect.objectContaining({ type: 'flag-stale', deleteAfter: at(0) }),
    ]);
    expect(decideFor({ lastUsedAt: at(-100) }, parseConfig({ staleGraceDays: 3 }))).toEqual([
      expect.objectContaining({ type: 'flag-stale', deleteAfter: at(3) }),
    ]);
  });

  it('can flag and warn about expiry in the same run', () => {
    expect(types(decideFor({ lastUsedAt: at(-100), expiresTime: at(5) }))).toEqual([
      'notify-expiry',
      'flag-stale',
    ]);
  });
});

describe('exempt credentials', () => {
  const stale = { lastUsedAt: at(-200) };
  it('are never flagged, by attribute or by the configured list', () => {
    expect(decideFor({ ...stale, [HYGIENE_ATTR.exempt]: true })).toEqual([]);
    expect(decideFor({ ...stale, id: 'svc-1' }, parseConfig({ exemptIds: ['svc-0', 'svc-1'] }))).toEqual([]);
    expect(decideFor({ ...stale, id: 'svc-2' }, parseConfig({ exemptIds: ['svc-1'] }))).toHaveLength(1);
  });

  it('still get expiry notices', () => {
    expect(decideFor({ ...stale, expiresTime: at(3), [HYGIENE_ATTR.exempt]: true })).toEqual([
      notice(7, at(3)),
    ]);
    expect(
      decideFor({ ...stale, id: 'svc-1', expiresTime: at(3) }, parseConfig({ exemptIds: ['svc-1'] })),
    ).toEqual([notice(7, at(3))]);
  });

  it('lose an existing stale flag silently', () => {
    expect(decideFor({ ...stale, ...flaggedDaysAgo(20), [HYGIENE_ATTR.exempt]: true })).toEqual([
      { type: 'unflag-stale', reason: 'exempt' },
    ]);
  });

  it('isExempt reads both sources; hygieneExempt false is not exempt', () => {
    expect(isExempt(credentialOf({ [HYGIENE_ATTR.exempt]: false }), DEFAULT_CONFIG)).toBe(false);
    expect(isExempt(credentialOf({ [HYGIENE_ATTR.exempt]: true }), DEFAULT_CONFIG)).toBe(true);
    expect(isExempt(credentialOf({}), parseConfig({ exemptIds: ['pc-1'] }))).toBe(true);
  });
});

describe('flagged credentials', () => {
  const stale = { lastUsedAt: at(-120) };

  it('within the grace period and still unused: nothing', () => {
    expect(decideFor({ ...stale, ...flaggedDaysAgo(5) })).toEqual([]);
  });

  it('soft-deleted exactly at deleteAfter, not 1 ms before', () => {
    const flagged = {
      ...stale,
      [HYGIENE_ATTR.staleFlaggedAt]: at(-14),
      [HYGIENE_ATTR.staleDeleteAfter]: at(0),
    };
    expect(decideFor(flagged)).toEqual([{ type: 'delete-stale', flaggedAt: at(-14), deleteAfter: at(0) }]);
    expect(decideFor({ ...flagged, [HYGIENE_ATTR.staleDeleteAfter]: at(0, 1) })).toEqual([]);
  });

  it('a stale deletion drops a due expiry notice (the notice would be pointless)', () => {
    expect(decideFor({ ...stale, ...flaggedDaysAgo(20), expiresTime: at(5) })).toEqual([
      { type: 'delete-stale', flaggedAt: at(-20), deleteAfter: at(-6) },
    ]);
  });

  it('used since flagging (even 1 ms after): unflag, never delete', () => {
    const flag = flaggedDaysAgo(20);
    expect(decideFor({ ...flag, lastUsedAt: at(-20, 1) })).toEqual([
      { type: 'unflag-stale', reason: 'used-since-flagged' },
    ]);
    expect(decideFor({ ...flag, lastUsedAt: at(-1) })).toEqual([
      { type: 'unflag-stale', reason: 'used-since-flagged' },
    ]);
  });

  it('used at the very instant of the flag is not "used since" (`>`, docs/rules.md): still stale, deleted when due', () => {
    // Flagged and last used 100 days ago (past the 90-day limit), grace over 86 days ago.
    const flag = flaggedDaysAgo(100);
    expect(decideFor({ ...flag, lastUsedAt: at(-100) })).toEqual([
      { type: 'delete-stale', flaggedAt: at(-100), deleteAfter: at(-86) },
    ]);
  });

  it('no longer stale under the current config: unflag', () => {
    const flagged = { ...stale, ...flaggedDaysAgo(20) };
    expect(decideFor(flagged, parseConfig({ staleAfterDays: 365 }))).toEqual([
      { type: 'unflag-stale', reason: 'no-longer-stale' },
    ]);
  });

  it('a lastUsedAt older than createdAt counts from createdAt: never stale before its creation allows', () => {
    // Created yesterday with a 400-day-old lastUsedAt (carried over, or a wrong clock at the source).
    expect(types(decideFor({ createdAt: at(-1), lastUsedAt: at(-400) }))).not.toContain('flag-stale');
    const flagged = decideFor({ createdAt: at(-100), lastUsedAt: at(-400) });
    expect(flagged).toEqual([expect.objectContaining({ type: 'flag-stale', lastActivity: at(-100) })]);
  });

  it('a never-used credential flagged by createdAt stays flagged until deleted', () => {
    const never = { lastUsedAt: undefined, createdAt: at(-200) };
    expect(decideFor({ ...never, ...flaggedDaysAgo(3) })).toEqual([]);
    expect(types(decideFor({ ...never, ...flaggedDaysAgo(14) }))).toEqual(['delete-stale']);
  });

  it('a flag dated after now past the tolerance (a run whose clock was ahead) is cleared, never acted on', () => {
    const flaggedAt = (ms: number) => ({
      ...stale,
      [HYGIENE_ATTR.staleFlaggedAt]: formatInstant(T0 + ms),
      [HYGIENE_ATTR.staleDeleteAfter]: formatInstant(T0 + ms + 14 * DAY_MS),
    });
    expect(decideFor(flaggedAt(AFTER_NOW_TOLERANCE_MS + 1))).toEqual([
      { type: 'unflag-stale', reason: 'flagged-in-future' },
    ]);
    // Within the tolerance it is another run's fresh flag (a later `now`): kept, neither cleared nor flagged again.
    expect(decideFor(flaggedAt(AFTER_NOW_TOLERANCE_MS))).toEqual([]);
    expect(decideFor(flaggedAt(3_600_000))).toEqual([]);
    expect(decideFor(flaggedAt(0))).toEqual([]);
    // Covers two overlapping runs: a scheduled one up to the largest allowed skew behind, and a 15-minute run.
    expect(AFTER_NOW_TOLERANCE_MS).toBeGreaterThan(MAX_SCHEDULE_SKEW_SECONDS * 1000 + 15 * 60_000);
    // A use since now still clears it: the credential is no longer stale.
    expect(decideFor({ ...flaggedAt(3_600_000), lastUsedAt: at(0) })).toEqual([
      { type: 'unflag-stale', reason: 'no-longer-stale' },
    ]);
  });

  it('is not flagged again while flagged', () => {
    expect(types(decideFor({ ...stale, ...flaggedDaysAgo(1) }))).not.toContain('flag-stale');
  });
});

describe('already soft-deleted credentials', () => {
  it('are ignored whatever else applies', () => {
    expect(
      decideFor({
        deletedAt: at(-1),
        expiresTime: at(-2),
        createdAt: at(-300),
        lastUsedAt: at(-200),
        ...flaggedDaysAgo(30),
      }),
    ).toEqual([]);
    expect(decideFor({ deletedAt: at(-1), expiresTime: at(3) })).toEqual([]);
  });
});

describe('helpers', () => {
  it('dueExpiryStage: smallest stage whose window contains expiresTime, none once expired', () => {
    expect(dueExpiryStage(T0 + 7 * DAY_MS, DEFAULT_CONFIG, T0)).toBe(7);
    expect(dueExpiryStage(T0 + 31 * DAY_MS, DEFAULT_CONFIG, T0)).toBeUndefined();
    expect(dueExpiryStage(T0, DEFAULT_CONFIG, T0)).toBeUndefined();
  });

  it('isDeletion is true only for the three soft-deletes', () => {
    const all: Action[] = [
      notice(7, at(1)),
      { type: 'delete-expired', expiresTime: at(0) },
      { type: 'flag-stale', deleteAfter: at(14), lastActivity: at(-90), staleAfterDays: 90, tier: 'default' },
      { type: 'delete-stale', flaggedAt: at(-14), deleteAfter: at(0) },
      { type: 'unflag-stale', reason: 'exempt' },
      { type: 'flag-orphan', deleteAfter: at(7) },
      { type: 'delete-orphaned', flaggedAt: at(-7), deleteAfter: at(0) },
      { type: 'unflag-orphan', reason: 'owner-not-departed' },
      { type: 'clear-deletion-leftovers', leftovers: [HYGIENE_ATTR.purgeAt] },
    ];
    expect(all.filter(isDeletion).map((a) => a.type)).toEqual([
      'delete-expired',
      'delete-stale',
      'delete-orphaned',
    ]);
    expect(types(all)).toEqual(ACTION_TYPES);
  });
});

describe('planRecord', () => {
  it('plans a valid record', () => {
    expect(planRecord(rawCredential({ expiresTime: at(5) }), DEFAULT_CONFIG, T0)).toEqual({
      id: 'pc-1',
      userId: 'user-1',
      actions: [notice(7, at(5))],
      problems: [],
      deleted: false,
    });
  });

  it('never gives actions to an invalid record, and names its problems', () => {
    const plan = planRecord(
      rawCredential({ expiresTime: at(-5), allowSourceCidr: ['10.0.0.0/40'] }),
      DEFAULT_CONFIG,
      T0,
    );
    expect(plan).toEqual({
      id: 'pc-1',
      userId: 'user-1',
      actions: [],
      problems: ['allowSourceCidr: item 0: "10.0.0.0/40" has prefix /40, above 32 for IPv4'],
      deleted: false,
    });
  });

  it('marks an already soft-deleted record', () => {
    expect(planRecord(rawCredential({ deletedAt: at(-1) }), DEFAULT_CONFIG, T0)).toMatchObject({
      deleted: true,
      actions: [],
    });
  });

  it('canonical instants in actions are UTC with milliseconds', () => {
    const plan = planRecord(rawCredential({ expiresTime: '2026-11-20T01:00:00+01:00' }), DEFAULT_CONFIG, T0);
    expect(plan.actions).toEqual([
      { type: 'delete-expired', expiresTime: formatInstant(Date.UTC(2026, 10, 20)) },
    ]);
  });
});
