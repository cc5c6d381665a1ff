/**
 * Which reasons of lib/schedule-gaps.ts mean EventBridge Scheduler refuses the
 * expression (`invalid`: the synth refuses it, from the CDK context or a construct prop:
 * `refusedScheduleProblems`, lib/heartbeat-windows.ts)
 * and which only mean the gap is not worked out here (a warning).
 */
import { describe, expect, it } from 'vitest';
import { longestGapOf } from '../../lib/schedule-gaps';

describe('invalid: what Scheduler refuses', () => {
  it.each([
    ['cron(0 3 * *)', 'a cron expression has six fields, not 4'],
    ['cron(0 3 * * ? * *)', 'a cron expression has six fields, not 7'],
    ['rate(0 minutes)', 'a rate of zero'],
    ['cron(0 3 * * MON *)', 'one of day-of-month and day-of-week must be ?, and only one'],
    ['cron(0 3 ? * ? *)', 'one of day-of-month and day-of-week must be ?, and only one'],
    ['cron(0 25 * * ? *)', '"25" in the hours field: 25 is outside 0-23'],
    // A number outside its field is found before what is only not read, in any field, and before the year.
    ['cron(0 3 L 13 ? 2030)', '"13" in the month field: 13 is outside 1-12'],
  ])('%s', (expression, why) => {
    expect(longestGapOf(expression)).toEqual({ known: false, why, invalid: true });
  });
});

describe('not worked out, but not invalid', () => {
  it.each([
    ['cron(0 3 L * ? *)', '"L" in the day-of-month field is not read at synth'],
    ['cron(0 3 15W * ? *)', '"15W" in the day-of-month field is not read at synth'],
    ['cron(0 3 ? * 6#3 *)', '"6#3" in the day-of-week field is not read at synth'],
    ['cron(0 3 ? * FRI-MON *)', '"FRI-MON" in the day-of-week field is not read at synth'],
    ['cron(0 22-2 * * ? *)', '"22-2" in the hours field is not read at synth'],
    ['cron(0 3 * * ? 2030)', 'the year field "2030" ends the schedule'],
    ['at(2027-01-01T03:00:00)', 'a one-time schedule runs once'],
  ])('%s', (expression, why) => {
    const gap = longestGapOf(expression);
    expect(gap).toEqual({ known: false, why });
    expect(gap.known === false && gap.invalid).toBeFalsy();
  });
});
