/**
 * The longest gap between a schedule's runs (lib/schedule-gaps.ts): rates,
 * UTC cron expressions checked against known answers and against a plain
 * minute-by-minute listing of the runs, and what is left to a warning.
 */
import { Duration, TimeZone, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { longestGap, longestGapOf } from '../../lib/schedule-gaps';

const HOUR = 60;
const DAY = 24 * HOUR;
const minutesOf = (expression: string) => {
  const gap = longestGapOf(expression);
  if (!gap.known) throw new Error(`${expression}: ${gap.why}`);
  return gap.minutes;
};

describe('rate expressions', () => {
  it('are their interval', () => {
    expect(minutesOf('rate(1 minute)')).toBe(1);
    expect(minutesOf('rate(15 minutes)')).toBe(15);
    expect(minutesOf('rate(1 hour)')).toBe(HOUR);
    expect(minutesOf('rate(90 minutes)')).toBe(90);
    expect(minutesOf('rate(2 days)')).toBe(2 * DAY);
    expect(longestGap(scheduler.ScheduleExpression.rate(Duration.hours(6)))).toEqual({
      known: true,
      minutes: 6 * HOUR,
    });
  });
});

describe('UTC cron expressions: known answers', () => {
  it.each([
    ['cron(0 3 * * ? *)', DAY, 'daily (the default sweep)'],
    ['cron(0 3 ? * MON-FRI *)', 3 * DAY, 'weekdays: Friday to Monday'],
    ['cron(0 3 ? * 2-6 *)', 3 * DAY, 'weekdays by number (1 = Sunday)'],
    ['cron(0 8,20 * * ? *)', 12 * HOUR, 'twice a day, evenly'],
    ['cron(0 8,10 * * ? *)', 22 * HOUR, 'twice a day, unevenly'],
    ['cron(0/15 * * * ? *)', 15, 'every quarter hour'],
    ['cron(*/20 * * * ? *)', 20, 'a step from *'],
    ['cron(*/15 9-17 ? * MON-FRI *)', 63 * HOUR + 15, 'office hours: Friday 17:45 to Monday 09:00'],
    ['cron(0 12 ? * SUN *)', 7 * DAY, 'weekly'],
    ['cron(0 3 1 * ? *)', 31 * DAY, 'monthly: the longest month'],
    ['cron(0 3 31 * ? *)', 61 * DAY, 'the 31st: May to July'],
    ['cron(0 3 29 2 ? *)', 1461 * DAY, 'leap days: four years'],
    ['cron(30 1 1 JAN,jul ? *)', 184 * DAY, 'names in any case: July to January'],
    ['cron(0 0 1-7 * ? *)', 25 * DAY, 'the first week of each month: from the 7th of a 31-day month'],
  ])('%s → %s minutes (%s)', (expression, minutes) => {
    expect(minutesOf(expression)).toBe(minutes);
  });
});

/**
 * The reference: every minute from 2003 to 2005 (a leap year inside) tested
 * against the fields one by one, without the day-level shortcut. Only for
 * expressions whose runs repeat within a year (every month), so these three
 * years hold their longest gap.
 */
function bruteForceGap(fields: {
  minute: (m: number) => boolean;
  hour: (h: number) => boolean;
  day: (date: Date) => boolean;
}): number {
  const start = Date.UTC(2003, 0, 1);
  const end = Date.UTC(2006, 0, 1);
  let previous: number | undefined;
  let longest = 0;
  for (let dayMs = start; dayMs < end; dayMs += DAY * 60_000) {
    if (!fields.day(new Date(dayMs))) continue;
    for (let minute = 0; minute < DAY; minute++) {
      if (!fields.hour(Math.floor(minute / HOUR)) || !fields.minute(minute % HOUR)) continue;
      const at = dayMs / 60_000 + minute;
      if (previous !== undefined) longest = Math.max(longest, at - previous);
      previous = at;
    }
  }
  return longest;
}

describe('UTC cron expressions: against every minute of three years', () => {
  const minuteFields: [string, (m: number) => boolean][] = [
    ['0', (m) => m === 0],
    ['5,35', (m) => m === 5 || m === 35],
    ['10/25', (m) => m === 10 || m === 35],
  ];
  const hourFields: [string, (h: number) => boolean][] = [
    ['3', (h) => h === 3],
    ['9-17', (h) => h >= 9 && h <= 17],
    ['0/7', (h) => h % 7 === 0],
    ['22,1', (h) => h === 22 || h === 1],
  ];
  const dayFields: [string, string, (d: Date) => boolean][] = [
    ['*', '?', () => true],
    ['?', 'MON-FRI', (d) => d.getUTCDay() >= 1 && d.getUTCDay() <= 5],
    ['?', 'SAT,SUN', (d) => d.getUTCDay() === 6 || d.getUTCDay() === 0],
    ['?', '3', (d) => d.getUTCDay() === 2],
    ['1,15', '?', (d) => d.getUTCDate() === 1 || d.getUTCDate() === 15],
    ['28-31', '?', (d) => d.getUTCDate() >= 28],
    ['30', '?', (d) => d.getUTCDate() === 30],
  ];
  const cases = minuteFields.flatMap(([minuteText, minute]) =>
    hourFields.flatMap(([hourText, hour]) =>
      dayFields.map(([dom, dow, day]) => ({
        expression: `cron(${minuteText} ${hourText} ${dom} * ${dow} *)`,
        fields: { minute, hour, day },
      })),
    ),
  );

  it(`agrees on ${cases.length} expressions`, () => {
    const disagreements = cases
      .map(({ expression, fields }) => ({
        expression,
        module: minutesOf(expression),
        reference: bruteForceGap(fields),
      }))
      .filter((c) => c.module !== c.reference);
    expect(disagreements).toEqual([]);
  });
});

describe('what is not worked out at synth', () => {
  it.each([
    ['cron(0 3 L * ? *)', /"L" in the day-of-month field/],
    ['cron(0 3 15W * ? *)', /"15W" in the day-of-month field/],
    ['cron(0 3 ? * 6#3 *)', /"6#3" in the day-of-week field/],
    ['cron(0 3 ? * FRI-MON *)', /"FRI-MON" in the day-of-week field/],
    ['cron(0 3 * * ? 2026)', /the year field "2026" ends the schedule/],
    ['cron(0 3 * * MON *)', /one of day-of-month and day-of-week must be \?/],
    ['cron(0 3 * *)', /six fields/],
    ['cron(0 3 30 2 ? *)', /fewer than two days/],
    ['cron(60 3 * * ? *)', /"60" in the minutes field/],
    ['at(2026-12-01T03:00:00)', /one-time/],
  ])('%s', (expression, why) => {
    const gap = longestGapOf(expression);
    expect(gap.known).toBe(false);
    expect(gap.known ? '' : gap.why).toMatch(why);
  });

  it('a cron in a time zone with daylight saving time (runs move or are skipped), but not a rate there or UTC', () => {
    const berlin = scheduler.ScheduleExpression.cron({
      minute: '30',
      hour: '2',
      timeZone: TimeZone.EUROPE_BERLIN,
    });
    expect(longestGap(berlin)).toEqual({
      known: false,
      why: 'in time zone Europe/Berlin, daylight saving time can move or skip a run',
    });
    const utc = scheduler.ScheduleExpression.cron({ minute: '30', hour: '2', timeZone: TimeZone.ETC_UTC });
    expect(longestGap(utc)).toEqual({ known: true, minutes: DAY });
    const rate = scheduler.ScheduleExpression.expression('rate(1 hour)', TimeZone.EUROPE_BERLIN);
    expect(longestGap(rate)).toEqual({ known: true, minutes: HOUR });
  });

  it('an expression only known at deploy time', () => {
    const token = scheduler.ScheduleExpression.expression(Token.asString({ Ref: 'Schedule' }));
    expect(longestGap(token)).toEqual({ known: false, why: 'the expression is only known at deploy time' });
  });
});
