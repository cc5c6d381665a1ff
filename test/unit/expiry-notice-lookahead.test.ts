/**
 * Expiry notices sent ahead by the sweep schedule's gap (`expiryNoticeLookaheadHours`; docs/rules.md, "The rules";
 * docs/configuration.md): a stage goes out at the last sweep before its instant, so the owner hears at least `d` days
 * ahead, however the sweeps fall. Without it a daily 03:00 sweep sends the 1-day notice minutes before an expiry just
 * after 03:00, and a weekday sweep sends none for a Saturday expiry. Checked at the edges (to the millisecond), over
 * whole simulated schedules (every half hour of a week of expiries), and for stages that come due in one sweep: the
 * lookahead moves when stages go out, not how many; 0 (or unset) is the old rule exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HygieneConfig, parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { decide, dueExpiryStage } from '../../lambdas/hygiene/policy';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { credentialOf } from './support/raw-credential';

const HOUR_MS = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const withLookahead = (hours: number | undefined, expiryNoticeDays = [30, 7, 1]): HygieneConfig =>
  parseConfig({ expiryNoticeDays, ...(hours !== undefined && { expiryNoticeLookaheadHours: hours }) });

/** Every sweep at 03:00 UTC from `fromDay` for `days` days, on the days of the week `weekdays` lists (0 = Sunday). */
function sweepsAt03(fromDay: string, days: number, weekdays: readonly number[]): number[] {
  const start = utc(`${fromDay}T03:00:00.000Z`);
  return Array.from({ length: days }, (_, i) => start + i * DAY_MS).filter((ms) =>
    weekdays.includes(new Date(ms).getUTCDay()),
  );
}
const DAILY = [0, 1, 2, 3, 4, 5, 6];
const MON_FRI = [1, 2, 3, 4, 5];

/** One notice a simulated schedule sent: its stage and how long before the expiry its sweep decided it. */
interface Sent {
  readonly stage: number;
  readonly leadMs: number;
}

/**
 * The notices one credential expiring at `expiresMs` gets over `sweeps`, each sweep deciding from the bookkeeping
 * the previous notice wrote (the stage and the expiry it was for), as the sweep does.
 */
function noticesOver(sweeps: readonly number[], expiresMs: number, config: HygieneConfig): Sent[] {
  const sent: Sent[] = [];
  let bookkeeping: Record<string, unknown> = {};
  for (const now of sweeps) {
    if (now >= expiresMs) break;
    const credential = credentialOf({ expiresTime: formatInstant(expiresMs), ...bookkeeping });
    for (const action of decide(credential, config, now)) {
      if (action.type !== 'notify-expiry') continue;
      sent.push({ stage: action.stageDays, leadMs: expiresMs - now });
      bookkeeping = {
        [HYGIENE_ATTR.expiryNoticeStage]: action.stageDays,
        [HYGIENE_ATTR.expiryNoticeFor]: action.expiresTime,
      };
    }
  }
  return sent;
}

/** Every half hour (plus 1 ms: never exactly a sweep) of the week from `fromDay`. */
function weekOfExpiries(fromDay: string): number[] {
  const start = utc(`${fromDay}T00:00:00.001Z`);
  return Array.from({ length: 7 * 48 }, (_, i) => start + i * (HOUR_MS / 2));
}

describe('a daily 03:00 sweep with lookahead 24 (what the construct derives for it)', () => {
  const expires = utc('2026-12-10T03:05:00.000Z');

  it("sends the 1-day notice at the day before's sweep, 24 h 05 min ahead, not 5 minutes ahead", () => {
    const dayBefore = utc('2026-12-09T03:00:00.000Z');
    expect(dueExpiryStage(expires, withLookahead(24), dayBefore)).toBe(1);
    expect((expires - dayBefore) / 60_000).toBe(24 * 60 + 5);
    // The old rule (lookahead 0): stage 7 then, and the 1-day notice at 03:00 on the day, 5 minutes ahead.
    expect(dueExpiryStage(expires, withLookahead(0), dayBefore)).toBe(7);
    expect(dueExpiryStage(expires, withLookahead(0), utc('2026-12-10T03:00:00.000Z'))).toBe(1);
  });

  it('is due exactly at d days + lookahead ahead and not 1 ms before; never at or after the expiry', () => {
    const now = utc('2026-12-01T03:00:00.000Z');
    const edge = now + DAY_MS + 24 * HOUR_MS;
    expect(dueExpiryStage(edge, withLookahead(24), now)).toBe(1);
    expect(dueExpiryStage(edge + 1, withLookahead(24), now)).toBe(7);
    expect(dueExpiryStage(now + 30 * DAY_MS + 24 * HOUR_MS + 1, withLookahead(24), now)).toBeUndefined();
    expect(dueExpiryStage(now, withLookahead(24), now)).toBeUndefined();
    expect(dueExpiryStage(now - 1, withLookahead(24), now)).toBeUndefined();
  });

  it('over a whole schedule, every stage goes out once, at least d days and at most d days + 24 h ahead', () => {
    const sweeps = sweepsAt03('2026-10-01', 120, DAILY);
    for (const expiresMs of weekOfExpiries('2026-12-14')) {
      const sent = noticesOver(sweeps, expiresMs, withLookahead(24));
      expect(
        sent.map((s) => s.stage),
        formatInstant(expiresMs),
      ).toEqual([30, 7, 1]);
      for (const { stage, leadMs } of sent) {
        expect(leadMs, `${formatInstant(expiresMs)} stage ${stage}`).toBeGreaterThan(stage * DAY_MS);
        expect(leadMs).toBeLessThanOrEqual(stage * DAY_MS + 24 * HOUR_MS);
      }
    }
  });
});

describe('the weekday sweep cron(0 3 ? * MON-FRI *) with lookahead 72 (Friday 03:00 to Monday 03:00)', () => {
  const sweeps = sweepsAt03('2026-10-05', 120, MON_FRI);
  const saturday = utc('2026-12-05T12:00:00.000Z');
  const friday = utc('2026-12-04T03:00:00.000Z');

  it("sends a Saturday expiry's 1-day notice at Friday's sweep; without lookahead it gets none", () => {
    expect(dueExpiryStage(saturday, withLookahead(72), friday)).toBe(1);
    expect(noticesOver(sweeps, saturday, withLookahead(72)).map((s) => s.stage)).toEqual([30, 7, 1]);
    // The old rule: stage 7 on Friday, then Monday's sweep finds it expired.
    expect(dueExpiryStage(saturday, withLookahead(0), friday)).toBe(7);
    expect(noticesOver(sweeps, saturday, withLookahead(0)).map((s) => s.stage)).toEqual([30, 7]);
  });

  it('over a whole schedule, every stage goes out once, at least d days and at most d days + 72 h ahead', () => {
    for (const expiresMs of weekOfExpiries('2026-12-14')) {
      const sent = noticesOver(sweeps, expiresMs, withLookahead(72));
      expect(
        sent.map((s) => s.stage),
        formatInstant(expiresMs),
      ).toEqual([30, 7, 1]);
      for (const { stage, leadMs } of sent) {
        expect(leadMs, `${formatInstant(expiresMs)} stage ${stage}`).toBeGreaterThan(stage * DAY_MS);
        expect(leadMs).toBeLessThanOrEqual(stage * DAY_MS + 72 * HOUR_MS);
      }
    }
  });
});

describe('stages due in the same sweep: only the most urgent goes out, a passed stage is not sent late', () => {
  const friday = utc('2026-12-04T03:00:00.000Z');

  it('stage 7 and stage 1 both due (lookahead 72, the 30-day notice sent): the 1-day notice alone', () => {
    const expires = friday + 3 * DAY_MS;
    const config = withLookahead(72);
    expect(dueExpiryStage(expires, config, friday)).toBe(1);
    const noticed = {
      expiresTime: formatInstant(expires),
      [HYGIENE_ATTR.expiryNoticeStage]: 30,
      [HYGIENE_ATTR.expiryNoticeFor]: formatInstant(expires),
    };
    expect(decide(credentialOf(noticed), config, friday)).toEqual([
      { type: 'notify-expiry', stageDays: 1, expiresTime: formatInstant(expires) },
    ]);
    const afterIt = { ...noticed, [HYGIENE_ATTR.expiryNoticeStage]: 1 };
    expect(decide(credentialOf(afterIt), config, friday + 3 * HOUR_MS)).toEqual([]);
  });

  it('a lookahead moves when stages go out, not how many: stages 3 and 1 collide as often with 0 as with 72', () => {
    // Two stages share a sweep when no sweep falls between their instants: when they are closer than the gap
    // (2 days < Friday to Monday's 3). The lookahead shifts both instants alike, so over a whole week of expiries
    // as many lose their 3-day notice with it as without it; stages 30, 7 and 1 (6 days apart) never collide.
    const sweeps = sweepsAt03('2026-10-05', 120, MON_FRI);
    const collisions = (hours: number) =>
      weekOfExpiries('2026-12-14').filter(
        (expiresMs) =>
          !noticesOver(sweeps, expiresMs, withLookahead(hours, [3, 1])).some((s) => s.stage === 3),
      ).length;
    expect(collisions(0)).toBeGreaterThan(0);
    expect(collisions(72)).toBe(collisions(0));
  });
});

describe('lookahead 0 is the old rule exactly', () => {
  it('0 and unset give the smallest stage d with now < expiresTime <= now + d days, to the millisecond', () => {
    const stagesArb = fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { maxLength: 10 });
    fc.assert(
      fc.property(stagesArb, fc.integer({ min: -2 * DAY_MS, max: 400 * DAY_MS }), (stages, offset) => {
        const now = utc('2026-12-01T03:00:00.000Z');
        const expected = stages
          .filter((d) => offset > 0 && offset <= d * DAY_MS)
          .reduce<number | undefined>((a, d) => (a === undefined || d < a ? d : a), undefined);
        expect(dueExpiryStage(now + offset, withLookahead(0, stages), now)).toBe(expected);
        expect(dueExpiryStage(now + offset, withLookahead(undefined, stages), now)).toBe(expected);
      }),
    );
  });
});
