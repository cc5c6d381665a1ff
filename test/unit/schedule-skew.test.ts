/**
 * The sweep refuses a scheduled time too far from the wall clock, so a direct
 * invocation cannot move the decision clock (docs/deploy.md, "Runbook: Scheduled
 * time rejected (`ScheduledTimeRejected`)"): the pure check and the setting read
 * from the environment.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_SCHEDULE_SKEW_SECONDS,
  InvalidScheduleSkewError,
  maxScheduleSkewMs,
  runInstant,
  scheduleSkewProblem,
} from '../../lambdas/handlers/scheduled-event';

const WALL = Date.UTC(2026, 10, 26, 3, 0, 5);
const HOUR = 3_600_000;
const scheduledAt = (iso: string) => runInstant({ scheduledTime: iso }, WALL);

describe('scheduleSkewProblem', () => {
  it('accepts a scheduled time within the skew on either side, the bound included', () => {
    expect(scheduleSkewProblem(scheduledAt('2026-11-26T03:00:00Z'), WALL, HOUR)).toBeUndefined();
    expect(scheduleSkewProblem(scheduledAt('2026-11-26T02:00:05Z'), WALL, HOUR)).toBeUndefined();
    expect(scheduleSkewProblem(scheduledAt('2026-11-26T04:00:05Z'), WALL, HOUR)).toBeUndefined();
  });

  it('refuses a scheduled time ahead of the wall clock by more than the skew, saying by how much', () => {
    expect(scheduleSkewProblem(scheduledAt('2036-11-26T03:00:00Z'), WALL, HOUR)).toBe(
      'scheduledTime 2036-11-26T03:00:00.000Z is 315619195 s ahead of the wall clock 2026-11-26T03:00:05.000Z, more than the 3600 s allowed',
    );
    expect(scheduleSkewProblem(scheduledAt('2026-11-26T04:00:06Z'), WALL, HOUR)).toMatch(
      /is 3601 s ahead of/,
    );
  });

  it('refuses a scheduled time behind the wall clock by more than the skew', () => {
    expect(scheduleSkewProblem(scheduledAt('2026-11-26T01:00:00Z'), WALL, HOUR)).toMatch(
      /^scheduledTime 2026-11-26T01:00:00.000Z is 7205 s behind the wall clock/,
    );
  });

  it('has nothing to refuse when the run decides on the wall clock', () => {
    expect(scheduleSkewProblem(runInstant({}, WALL), WALL, 1)).toBeUndefined();
    expect(scheduleSkewProblem(runInstant({ scheduledTime: 'soon' }, WALL), WALL, 1)).toBeUndefined();
  });
});

describe('maxScheduleSkewMs', () => {
  const VAR = 'MAX_SCHEDULE_SKEW_SECONDS';

  it('defaults to one hour when the variable is unset or empty', () => {
    expect(DEFAULT_MAX_SCHEDULE_SKEW_SECONDS).toBe(3600);
    expect(maxScheduleSkewMs({}, VAR)).toBe(HOUR);
    expect(maxScheduleSkewMs({ [VAR]: ' ' }, VAR)).toBe(HOUR);
  });

  it('reads whole seconds', () => {
    expect(maxScheduleSkewMs({ [VAR]: '900' }, VAR)).toBe(900_000);
  });

  it('names the variable and the value when it is not a positive whole number', () => {
    for (const bad of ['0', '-5', '1.5', '1h', 'abc']) {
      expect(() => maxScheduleSkewMs({ [VAR]: bad }, VAR)).toThrow(InvalidScheduleSkewError);
    }
    expect(() => maxScheduleSkewMs({ [VAR]: '1h' }, VAR)).toThrow(
      'MAX_SCHEDULE_SKEW_SECONDS = "1h": must be a whole number of seconds, at least 1',
    );
  });
});
