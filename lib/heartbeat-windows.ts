/**
 * The heartbeat alarms' windows against their schedules (docs/deploy.md,
 * "Operations: alarms and the dashboard"). A heartbeat sums its metric per
 * clock hour and fires when every hour of its window has none, so on a healthy
 * system the window must be longer than the longest gap between runs by
 * {@link HEARTBEAT_MARGIN_HOURS}: one hour because a run reports when it ends,
 * which delivery (Scheduler's one-minute precision, Lambda's queue), the run
 * itself (up to Lambda's 15 minutes) and the metric's arrival can push into the
 * next clock hour; one because the hour in progress counts as empty until the
 * run reports. The default sweep (daily) and its 26-hour window are exactly that.
 */
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { longestGap } from './schedule-gaps';

/** Hours a heartbeat's window must exceed the longest gap between runs by (see the header). */
export const HEARTBEAT_MARGIN_HOURS = 2;

/** CloudWatch evaluates at most 7 days of hourly periods: the longest heartbeat window. */
export const MAX_HEARTBEAT_WINDOW_HOURS = 168;

/** One heartbeat alarm and what it watches, with the names the messages give the settings. */
export interface HeartbeatWatch {
  /** The alarm's id, e.g. `SweepHeartbeat`. */
  readonly alarm: string;
  /** The setting of the schedule, e.g. `sweepSchedule`. */
  readonly scheduleKey: string;
  readonly schedule: scheduler.ScheduleExpression;
  /** The setting of the window, e.g. `heartbeatWindow (context heartbeatWindowHours)`. */
  readonly windowKey: string;
  /** The window in whole hours (already checked to be 1 to 168). */
  readonly windowHours: number;
}

/** What the synth says of a heartbeat's window: a problem (the window is too short) or a warning (unchecked). */
export interface HeartbeatFinding {
  readonly problem?: string;
  readonly warning?: string;
}

/**
 * Checks a heartbeat's window against the longest gap its schedule can leave:
 * a problem when it is shorter than the gap plus the margin, a warning when
 * the gap is not worked out at synth (`cron` with `L`/`W`/`#`, a time zone, `at`).
 */
export function heartbeatFinding(watch: HeartbeatWatch): HeartbeatFinding {
  const { alarm, scheduleKey, windowKey, windowHours } = watch;
  const expression = `${scheduleKey} ${watch.schedule.expressionString}`;
  const gap = longestGap(watch.schedule);
  if (!gap.known) {
    return {
      warning:
        `${expression}: the longest gap between its runs is not worked out at synth (${gap.why}); ` +
        `${alarm} fires when nothing has reported for ${windowKey} = ${windowHours} h: keep that at least ` +
        `${HEARTBEAT_MARGIN_HOURS} h longer than the longest gap between runs, or it fires on a healthy system`,
    };
  }
  const needed = Math.ceil(gap.minutes / 60) + HEARTBEAT_MARGIN_HOURS;
  if (windowHours >= needed) return {};
  const gapText = gap.minutes % 60 === 0 ? `${gap.minutes / 60} h` : `${gap.minutes} min`;
  const why = `its longest gap between runs (${gapText}) rounded up to hours, plus ${HEARTBEAT_MARGIN_HOURS} h for a run to report`;
  if (needed > MAX_HEARTBEAT_WINDOW_HOURS) {
    return {
      problem:
        `${expression} can leave ${gapText} between runs: ${alarm} would need a window of ${needed} h (${why}), ` +
        `more than the ${MAX_HEARTBEAT_WINDOW_HOURS} h an hourly alarm can watch: run it at least every ` +
        `${MAX_HEARTBEAT_WINDOW_HOURS - HEARTBEAT_MARGIN_HOURS} h`,
    };
  }
  return {
    problem:
      `${expression} can leave ${gapText} between runs: ${windowKey} = ${windowHours} h must be at least ` +
      `${needed} h (${why}), or ${alarm} fires on a healthy system`,
  };
}
