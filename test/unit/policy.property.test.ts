/**
 * Property-based tests of the policy's invariants (docs/rules.md): whatever the
 * record, configuration and instant, these must hold.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type HygieneConfig, parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { decide, isDeletion, planRecord } from '../../lambdas/hygiene/policy';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { withOffset } from './support/raw-credential';

const NOW_MIN = Date.UTC(2001, 0, 1);
const NOW_MAX = Date.UTC(2099, 0, 1);

/** An instant as a string: canonical UTC, or the same instant with an offset. */
const instantText = (ms: number) =>
  fc.oneof(
    fc.constant(formatInstant(ms)),
    fc.constantFrom(-720, -300, 0, 330, 345, 840).map((offset) => withOffset(ms, offset)),
  );

/** A signed offset from `now` that often lands exactly on (or 1 ms around) a whole number of days. */
const offsetMs = (minDays: number, maxDays: number) =>
  fc.oneof(
    fc.integer({ min: minDays, max: maxDays }).map((d) => d * DAY_MS),
    fc
      .tuple(fc.integer({ min: minDays, max: maxDays }), fc.constantFrom(-1, 1))
      .map(([d, ms]) => d * DAY_MS + ms),
    fc.integer({ min: minDays * DAY_MS, max: maxDays * DAY_MS }),
  );

const tierArb = fc.record({
  name: fc.constantFrom('risky', 'open', 'unscoped', 'any'),
  staleAfterDays: fc.integer({ min: 1, max: 400 }),
  unscoped: fc.boolean(),
  unrestrictedSource: fc.boolean(),
});

const configArb: fc.Arbitrary<HygieneConfig> = fc
  .record({
    expiryNoticeDays: fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { maxLength: 5 }),
    staleAfterDays: fc.integer({ min: 1, max: 400 }),
    staleGraceDays: fc.integer({ min: 0, max: 60 }),
    // Distinct names: a configuration refuses two tiers of one name.
    riskTiers: fc.uniqueArray(tierArb, { maxLength: 3, selector: (tier) => tier.name }),
    exemptIds: fc.subarray(['pc-1', 'pc-2', 'pc-3']),
  })
  .map((input) => parseConfig(input));

/** The default-shaped configuration, often: most records are judged by it. */
const anyConfigArb = fc.oneof(fc.constant(parseConfig({})), configArb);

const CIDR_CHOICES: (string[] | undefined)[] = [
  undefined,
  [],
  ['10.0.0.0/8'],
  ['0.0.0.0/0'],
  ['2001:db8::/32', '::/0'],
  ['198.51.100.7/32'],
];

/** Narrows the generated records, so properties need few `fc.pre` rejections. */
interface RecordShape {
  /** `past`: expired (expiresTime <= now); `future`: expires after now. */
  readonly expiry?: 'any' | 'past' | 'future';
  /** Only live credentials: not soft-deleted, not exempt by attribute. */
  readonly live?: boolean;
  /** Never carries expiry-notice bookkeeping. */
  readonly unnoticed?: boolean;
}

function expiresOffsetArb(expiry: RecordShape['expiry']): fc.Arbitrary<number | undefined> {
  if (expiry === 'past') return offsetMs(-60, 0).map((ms) => Math.min(ms, 0));
  if (expiry === 'future') return offsetMs(0, 400).map((ms) => Math.max(ms, 1));
  return fc.option(offsetMs(-60, 400), { nil: undefined });
}

/** A valid raw credential relative to `now`, covering every rule's neighbourhood. */
function validRecordArb(now: number, shape: RecordShape = {}): fc.Arbitrary<Record<string, unknown>> {
  const optionalUnless = <T>(never: boolean | undefined, arb: fc.Arbitrary<T>) =>
    never ? fc.constant(undefined) : fc.option(arb, { nil: undefined });
  return fc
    .record({
      id: fc.constantFrom('pc-1', 'pc-2', 'pc-3', 'pc-4'),
      createdOffset: offsetMs(-1500, 0),
      expiresOffset: expiresOffsetArb(shape.expiry),
      usedOffset: fc.option(offsetMs(-1000, 0), { nil: undefined }),
      scopedRoles: fc.option(fc.constantFrom([], ['ReadOnly'], ['A', 'B']), { nil: undefined }),
      allowSourceCidr: fc.constantFrom(...CIDR_CHOICES),
      noticeStage: optionalUnless(shape.unnoticed, fc.constantFrom(1, 7, 14, 30, 60)),
      noticeForSameExpiry: fc.boolean(),
      flaggedOffset: fc.option(offsetMs(-120, 0), { nil: undefined }),
      graceDays: fc.integer({ min: 0, max: 30 }),
      exempt: optionalUnless(shape.live, fc.boolean()),
      deletedOffset: optionalUnless(shape.live, offsetMs(-30, 0)),
      offsetStyle: fc.constantFrom(-300, 0, 345),
    })
    .chain((r) => {
      // Keep the record valid: expiresTime never before createdAt, lastUsedAt after createdAt.
      const created = now + Math.min(r.createdOffset, r.expiresOffset ?? 0, r.usedOffset ?? 0);
      const text = (ms: number) => instantText(ms);
      return fc
        .record({
          createdAt: text(created),
          expiresTime: r.expiresOffset === undefined ? fc.constant(undefined) : text(now + r.expiresOffset),
          lastUsedAt: r.usedOffset === undefined ? fc.constant(undefined) : text(now + r.usedOffset),
        })
        .map((dates) => {
          const item: Record<string, unknown> = {
            id: r.id,
            userId: 'user-1',
            createdAt: dates.createdAt,
            ...(dates.expiresTime !== undefined && { expiresTime: dates.expiresTime }),
            ...(dates.lastUsedAt !== undefined && { lastUsedAt: dates.lastUsedAt }),
            ...(r.scopedRoles !== undefined && { scopedRoles: r.scopedRoles }),
            ...(r.allowSourceCidr !== undefined && { allowSourceCidr: r.allowSourceCidr }),
            ...(r.exempt !== undefined && { [HYGIENE_ATTR.exempt]: r.exempt }),
            ...(r.deletedOffset !== undefined && { deletedAt: formatInstant(now + r.deletedOffset) }),
          };
          if (r.noticeStage !== undefined && r.expiresOffset !== undefined) {
            item[HYGIENE_ATTR.expiryNoticeStage] = r.noticeStage;
            item[HYGIENE_ATTR.expiryNoticeFor] = formatInstant(
              now + r.expiresOffset + (r.noticeForSameExpiry ? 0 : 5 * DAY_MS),
            );
          }
          if (r.flaggedOffset !== undefined) {
            item[HYGIENE_ATTR.staleFlaggedAt] = formatInstant(now + r.flaggedOffset);
            item[HYGIENE_ATTR.staleDeleteAfter] = formatInstant(now + r.flaggedOffset + r.graceDays * DAY_MS);
          }
          return item;
        });
    });
}

const nowArb = fc.integer({ min: NOW_MIN, max: NOW_MAX });
const caseArbOf = (shape: RecordShape = {}) =>
  nowArb.chain((now) =>
    fc.record({ now: fc.constant(now), item: validRecordArb(now, shape), config: anyConfigArb }),
  );
const caseArb = caseArbOf();

/** The stale limit in days, computed independently of the policy module (the oracle). */
function oracleStaleDays(item: Record<string, unknown>, config: HygieneConfig): number {
  const roles = (item.scopedRoles as string[] | undefined) ?? [];
  const cidrs = (item.allowSourceCidr as string[] | undefined) ?? [];
  const unscoped = roles.length === 0;
  const unrestricted = cidrs.length === 0 || cidrs.some((c) => c.endsWith('/0'));
  let days = config.staleAfterDays;
  for (const tier of config.riskTiers) {
    const matches = (!tier.unscoped || unscoped) && (!tier.unrestrictedSource || unrestricted);
    if (matches) days = Math.min(days, tier.staleAfterDays);
  }
  return days;
}

function msOf(item: Record<string, unknown>, field: string): number | undefined {
  const value = item[field];
  return typeof value === 'string' ? Date.parse(value) : undefined;
}

describe('policy invariants (fast-check)', () => {
  it('generates valid records (guards the generators below)', () => {
    fc.assert(
      fc.property(caseArb, ({ item }) => {
        const parsed = parseCredential(item);
        expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('(a) never deletes a credential that is unexpired and active within its tier window', () => {
    fc.assert(
      fc.property(caseArb, ({ now, item, config }) => {
        const expires = msOf(item, 'expiresTime');
        const activity = msOf(item, 'lastUsedAt') ?? msOf(item, 'createdAt');
        const unexpired = expires === undefined || expires > now;
        const active = activity === undefined || activity > now - oracleStaleDays(item, config) * DAY_MS;
        fc.pre(unexpired && active);
        const plan = planRecord(item, config, now);
        expect(plan.actions.filter(isDeletion)).toEqual([]);
        expect(plan.actions.map((a) => a.type)).not.toContain('flag-stale');
      }),
      { numRuns: 2000 },
    );
  });

  it('(b) at most one notify-expiry, for the smallest configured stage >= days left', () => {
    fc.assert(
      fc.property(caseArb, ({ now, item, config }) => {
        const notices = planRecord(item, config, now).actions.filter((a) => a.type === 'notify-expiry');
        expect(notices.length).toBeLessThanOrEqual(1);
        const [notice] = notices;
        if (notice === undefined) return;
        const expires = msOf(item, 'expiresTime');
        expect(expires).toBeDefined();
        const left = (expires as number) - now;
        expect(left).toBeGreaterThan(0);
        const smallest = Math.min(...config.expiryNoticeDays.filter((d) => d * DAY_MS >= left));
        expect(notice.stageDays).toBe(smallest);
        // ...and never a stage already noticed (or a less urgent one) for the same expiresTime.
        const noticedFor = msOf(item, HYGIENE_ATTR.expiryNoticeFor);
        const noticedStage = item[HYGIENE_ATTR.expiryNoticeStage] as number | undefined;
        if (noticedFor === expires && noticedStage !== undefined) {
          expect(notice.stageDays).toBeLessThan(noticedStage);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('(b) a due, never-noticed stage is always noticed unless the credential is deleted now', () => {
    fc.assert(
      fc.property(caseArbOf({ expiry: 'future', live: true, unnoticed: true }), ({ now, item, config }) => {
        const expires = msOf(item, 'expiresTime');
        const due = config.expiryNoticeDays.some((d) => (expires as number) <= now + d * DAY_MS);
        const actions = planRecord(item, config, now).actions;
        if (actions.some(isDeletion)) return;
        expect(actions.some((a) => a.type === 'notify-expiry')).toBe(due);
      }),
      { numRuns: 1000 },
    );
  });

  it('(d) a record with problems never gets actions', () => {
    const corruption = fc.constantFrom<[string, unknown]>(
      ['id', ''],
      ['userId', undefined],
      ['userId', 7],
      ['expiresTime', '2026-12-01'],
      ['createdAt', '2026-12-01T00:00:00'],
      ['lastUsedAt', '2027-02-29T00:00:00Z'],
      ['expiresTime', '+002026-12-01T00:00:00Z'],
      ['allowSourceCidr', ['10.0.0.0/33']],
      ['allowSourceCidr', ['2001:db8::/129']],
      ['scopedRoles', 'Admin'],
      [HYGIENE_ATTR.exempt, 'yes'],
      [HYGIENE_ATTR.staleFlaggedAt, 'yesterday'],
    );
    fc.assert(
      fc.property(caseArb, corruption, ({ now, item, config }, [field, value]) => {
        const bad = { ...item, [field]: value };
        if (value === undefined) delete bad[field];
        const plan = planRecord(bad, config, now);
        expect(plan.problems.length).toBeGreaterThan(0);
        expect(plan.actions).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('(d) arbitrary values never crash the policy, and problems always mean no actions', () => {
    const looseRecord = fc.dictionary(
      fc.constantFrom(
        'id',
        'userId',
        'createdAt',
        'expiresTime',
        'lastUsedAt',
        'deletedAt',
        'allowSourceCidr',
        'scopedRoles',
        HYGIENE_ATTR.staleFlaggedAt,
        HYGIENE_ATTR.staleDeleteAfter,
        HYGIENE_ATTR.exempt,
        HYGIENE_ATTR.expiryNoticeStage,
      ),
      fc.oneof(fc.anything(), fc.constantFrom('2026-11-26T00:00:00Z', 'x', ['10.0.0.0/8'])),
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), looseRecord), nowArb, (item, now) => {
        const plan = planRecord(item, parseConfig({}), now);
        if (plan.problems.length > 0) expect(plan.actions).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('expired wins: an unexempt, undeleted credential past expiresTime gets exactly delete-expired', () => {
    fc.assert(
      fc.property(caseArbOf({ expiry: 'past', live: true }), ({ now, item, config }) => {
        const parsed = parseCredential(item);
        if (!parsed.ok) throw new Error('generator produced an invalid record');
        fc.pre(!config.exemptIds.includes(parsed.credential.id));
        expect(decide(parsed.credential, config, now).map((a) => a.type)).toEqual(['delete-expired']);
      }),
      { numRuns: 500 },
    );
  });
});

describe('(c) the plan does not depend on the process time zone', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('gives identical plans under UTC and far-off zones', () => {
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'America/St_Johns'];
    // The zone switch must really take effect, or this test could not fail.
    process.env.TZ = 'UTC';
    const utcOffset = new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset();
    process.env.TZ = 'Pacific/Kiritimati';
    expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).not.toBe(utcOffset);

    fc.assert(
      fc.property(
        fc.array(caseArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...zones),
        (cases, zone) => {
          process.env.TZ = 'UTC';
          const inUtc = cases.map(({ item, config, now }) => planRecord(item, config, now));
          process.env.TZ = zone;
          const inZone = cases.map(({ item, config, now }) => planRecord(item, config, now));
          expect(inZone).toEqual(inUtc);
        },
      ),
      { numRuns: 200 },
    );
  });
});
