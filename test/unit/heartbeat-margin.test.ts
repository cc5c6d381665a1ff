/**
 * The heartbeat margin (lib/heartbeat-windows.ts) against a model of the
 * alarm: CloudWatch sums a heartbeat's metric per clock hour, and the alarm
 * fires when every hour of its window, the one in progress included, holds no
 * report yet; a run reports at its end, anywhere from its scheduled time to
 * `delay` minutes after it. The model looks at every moment the alarm's state
 * can change, over every phase of the schedule in the hour, with runs
 * reporting at once or as late as they can in every combination (the worst:
 * one at once, the next late), and finds the shortest window that never
 * fires: `neededWindowHours` must be exactly that. A few hand cases first,
 * worked out on a clock.
 */
import { describe, expect, it } from 'vitest';
import { neededWindowHours, reportDelayMinutes } from '../../lib/heartbeat-windows';

describe('hand cases', () => {
  it('daily at 03:50, 20 minutes to report: 26 hours', () => {
    // Day 1's run reports at once, 03:50 (hour 03 holds it). Day 2's reports at 04:10: at 04:09 the window,
    // counted back from hour 04 of day 2, must still reach hour 03 of day 1: 25 hours between, plus its own.
    expect(neededWindowHours(24 * 60, 20)).toBe(26);
  });

  it('every 15 minutes, 10 minutes to report: 2 hours (not 3: each clock hour holds several drains)', () => {
    // A drain at 10:59 reports at once; the next, at 11:14, reports at 11:24. From 11:00 to 11:23 hour 11 is
    // empty, so a 1-hour window fires; a 2-hour one still sees 10:59 in hour 10.
    expect(neededWindowHours(15, 10)).toBe(2);
  });

  it('every 45 minutes: 2 hours with a 10-minute report delay, 3 with 20 (45 + 20 reaches into a second hour)', () => {
    expect(neededWindowHours(45, 10)).toBe(2);
    expect(neededWindowHours(45, 20)).toBe(3);
  });

  it('the report delay: Scheduler’s minute, the run’s timeout, 4 minutes for the event queue and the metric', () => {
    expect(reportDelayMinutes(15)).toBe(20);
    expect(reportDelayMinutes(5)).toBe(10);
  });
});

/**
 * The shortest window (hours) that never fires in the model: four runs `gap` minutes apart, each reporting at
 * once or `delay` minutes late (every combination), the first at every 10 seconds of the hour. The alarm's state
 * changes only when an hour begins or a report arrives, so it is looked at on each hour's first second and on the
 * last second before each report.
 */
function shortestQuietWindow(gap: number, delay: number): number {
  const HOUR = 3600;
  let shortest = 1;
  for (let phase = 0; phase < HOUR; phase += 10) {
    for (let late = 0; late < 16; late++) {
      const reports = [0, 1, 2, 3].map((k) => phase + (k * gap + ((late >> k) & 1 ? delay : 0)) * 60);
      const from = Math.min(...reports);
      const to = Math.max(...reports);
      const hourStarts = Array.from(
        { length: Math.ceil((to - from) / HOUR) + 1 },
        (_, i) => (Math.floor(from / HOUR) + i + 1) * HOUR,
      );
      const moments = [...hourStarts, ...reports.map((r) => r - 1)].filter((t) => t >= from && t < to);
      for (const moment of moments) {
        const latest = Math.max(...reports.filter((r) => r <= moment));
        // Every hour from the latest report's to the current one must be in the window.
        shortest = Math.max(shortest, Math.floor(moment / HOUR) - Math.floor(latest / HOUR) + 1);
      }
    }
  }
  return shortest;
}

describe('neededWindowHours is the shortest window that never fires on a healthy schedule', () => {
  const gaps = [15, 30, 45, 50, 59, 60, 61, 90, 240, 250, 300, 24 * 60, 72 * 60];
  const delays = [0, 6, 10, 20, 45];
  it.each(gaps.flatMap((gap) => delays.map((delay) => [gap, delay] as const)))(
    'every %i minutes, up to %i minutes to report',
    (gap, delay) => {
      expect(neededWindowHours(gap, delay)).toBe(shortestQuietWindow(gap, delay));
    },
  );
});
