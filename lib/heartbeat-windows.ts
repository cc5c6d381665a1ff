/**
 * The heartbeat alarms' windows against their schedules (docs/deploy.md,
 * "Heartbeat windows and schedules"). A heartbeat sums its metric per clock
 * hour and fires when every hour of its window, the one in progress included,
 * has none. A run reports when it ends: up to {@link reportDelayMinutes} after
 * its scheduled time (Scheduler's one-minute precision, the run up to its
 * function's timeout, Lambda's event queue and the metric's arrival). Between a
 * run that reported at once and the next that reported as late as it can lie
 * the longest gap plus that delay, which touches at most that many minutes
 * rounded up to whole hours of clock-hour buckets after the first report's:
 * the window needs those plus the first report's own hour
 * ({@link neededWindowHours}; 26 hours for a daily run, 2 for one every 15 minutes).
 *
 * A window given too short is an error. A window not given is derived: the
 * default, or what the schedule needs when that is more. A schedule whose gap
 * needs more than CloudWatch's 7 days gets no heartbeat (a warning says so),
 * and one whose gap is not worked out at synth keeps its window with a warning.
 * A schedule Scheduler refuses (`invalid`, lib/schedule-gaps.ts) has no gap to
 * check: it is an error before any window is ({@link refusedScheduleProblems},
 * one text for the CDK context and the construct's props), or the synth would
 * pass and the deploy fail.
 */
import { Token } from 'aws-cdk-lib';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { longestGap, longestGapOf } from './schedule-gaps';

/**
 * The longest window of an alarm: CloudWatch refuses evaluation periods × period over 7 days (604,800 s),
 * whatever the period, so no alarm watches a longer silence.
 */
export const MAX_HEARTBEAT_WINDOW_HOURS = 168;

/** Schedule expressions to write, for the messages that ask for one. */
export const SCHEDULE_EXAMPLES = 'such as "cron(0 3 * * ? *)" or "rate(15 minutes)"';

/**
 * The synth problem of a schedule EventBridge Scheduler refuses (`longestGapOf` marks it `invalid`: a cron without
 * six fields, a number outside its field, a rate of zero, …), `key` naming the setting: without it the synth passes
 * and the deploy fails. None for one Scheduler accepts or may accept (what is only not worked out at synth, `L`, `W`,
 * `#`, a year, `at(…)`, warns instead: {@link heartbeatFinding}) or a token (known only at deploy). The one rule of
 * the CDK context (lib/config.ts) and the construct's props (lib/credential-hygiene-props.ts), whatever the time zone.
 */
export function refusedScheduleProblems(key: string, expression: string): string[] {
  if (Token.isUnresolved(expression)) return [];
  const gap = longestGapOf(expression);
  if (gap.known || gap.invalid !== true) return [];
  return [
    `${key} = ${JSON.stringify(expression)}: EventBridge Scheduler refuses it (${gap.why}); write one ${SCHEDULE_EXAMPLES}`,
  ];
}

/**
 * The synth problem of a construct prop's schedule text with white space around it (`ScheduleExpression.expression('
 * rate(1 day) ')`), `key` naming the prop. The construct hands the text to EventBridge Scheduler as it is (CDK does
 * not trim it), while {@link refusedScheduleProblems} and the heartbeats judge it trimmed (lib/schedule-gaps.ts):
 * the synth would pass a text other than the one deployed, and Scheduler's grammar (`rate(value unit)`,
 * `cron(fields)`, `at(…)`) has no room for it. Refused rather than trimmed: the expression is the caller's object,
 * whose text the construct cannot rewrite everywhere it is read (its time zone rides with it). The CDK context
 * (lib/config.ts) trims its text before building the expression, so what it judges is what it deploys. None for a
 * token (known only at deploy).
 */
export function untrimmedScheduleProblems(key: string, expression: string): string[] {
  if (Token.isUnresolved(expression) || expression === expression.trim()) return [];
  return [
    `${key} = ${JSON.stringify(expression)}: has white space around the expression, which the construct would give EventBridge Scheduler as it is; write ${JSON.stringify(expression.trim())}`,
  ];
}

/** EventBridge Scheduler starts a run within a minute of its scheduled time (flexible time window off). */
const SCHEDULER_PRECISION_MINUTES = 1;
/** Lambda's event queue and the EMF metric's arrival from the log: seconds on a healthy system, minutes allowed. */
const ARRIVAL_MINUTES = 4;

/** How long after its scheduled time a run that takes up to `runMinutes` (its timeout) can report. */
export function reportDelayMinutes(runMinutes: number): number {
  return SCHEDULER_PRECISION_MINUTES + runMinutes + ARRIVAL_MINUTES;
}

/**
 * The shortest heartbeat window (whole hours) that never fires on a healthy
 * schedule whose runs are at most `gapMinutes` apart and report at most
 * `delayMinutes` after their scheduled time (see the header).
 */
export function neededWindowHours(gapMinutes: number, delayMinutes: number): number {
  return Math.ceil((gapMinutes + delayMinutes) / 60) + 1;
}

/** One heartbeat alarm and what it watches, with the names the messages give the settings. */
export interface HeartbeatWatch {
  /** The alarm's id, e.g. `SweepHeartbeat`. */
  readonly alarm: string;
  /** The setting of the schedule, e.g. `sweepSchedule`. */
  readonly scheduleKey: string;
  readonly schedule: scheduler.ScheduleExpression;
  /** The setting of the window, e.g. `heartbeatWindow (context heartbeatWindowHours)`. */
  readonly windowKey: string;
  /** The window given, in whole hours (already checked to be 1 to 168); undefined: not given, derived. */
  readonly windowHours?: number;
  /** The window when none is given and the schedule needs no more, e.g. 26. */
  readonly defaultHours: number;
  /** The run's longest time (its function's timeout), in minutes. */
  readonly runMinutes: number;
  /**
   * Another alarm whose threshold is the window (`OldestPendingNoticeTooOld`: a notice may wait a whole gap): a
   * window given too short stays an error for it even when the heartbeat is left out.
   */
  readonly thresholdOf?: string;
}

/** A synth warning of a heartbeat: its gap not worked out at synth (`unchecked`), or its alarm left out (`left-out`). */
export interface HeartbeatWarning {
  readonly kind: 'unchecked' | 'left-out';
  readonly text: string;
}

/** What the synth makes of a heartbeat's window. */
export interface HeartbeatFinding {
  /**
   * The window in whole hours: the one given, or the derived one (the default, or what the schedule needs when
   * more; beyond 168 only when the heartbeat is left out, then a threshold only).
   */
  readonly windowHours: number;
  /** False: the heartbeat alarm is left out (its schedule's gap is longer than any alarm can watch). */
  readonly alarmed: boolean;
  /** The window given is too short: the synth fails. */
  readonly problem?: string;
  readonly warning?: HeartbeatWarning;
}

/**
 * Checks a heartbeat's window against the longest gap its schedule can leave
 * (see the header): a problem when a window given is too short, a warning
 * when the gap is not worked out at synth (`cron` with `L`/`W`/`#`, a time
 * zone, `at`) or no alarm can watch it (the heartbeat is then left out).
 * The schedule is one Scheduler accepts, or may: a refused one is
 * {@link refusedScheduleProblems}' error first, not a window to check.
 */
export function heartbeatFinding(watch: HeartbeatWatch): HeartbeatFinding {
  const given = watch.windowHours;
  const gap = longestGap(watch.schedule);
  if (!gap.known) {
    const windowHours = given ?? watch.defaultHours;
    return {
      windowHours,
      alarmed: true,
      warning: { kind: 'unchecked', text: uncheckedText(watch, gap.why) },
    };
  }
  const gauge = gaugeOf(watch, gap.minutes);
  const watchable = gauge.needed <= MAX_HEARTBEAT_WINDOW_HOURS;
  if (given !== undefined && given < gauge.needed && (watchable || watch.thresholdOf !== undefined)) {
    return { windowHours: given, alarmed: watchable, problem: tooShortText(watch, gauge, given, watchable) };
  }
  const windowHours = given ?? Math.max(watch.defaultHours, gauge.needed);
  if (watchable) return { windowHours, alarmed: true };
  return {
    windowHours,
    alarmed: false,
    warning: { kind: 'left-out', text: leftOutText(watch, gauge, windowHours) },
  };
}

/** A known gap and what it asks of a window. */
interface Gauge {
  readonly gapMinutes: number;
  readonly delayMinutes: number;
  readonly needed: number;
}

function gaugeOf(watch: HeartbeatWatch, gapMinutes: number): Gauge {
  const delayMinutes = reportDelayMinutes(watch.runMinutes);
  return { gapMinutes, delayMinutes, needed: neededWindowHours(gapMinutes, delayMinutes) };
}

/** `90 min` → `1 h 30 min`, `120` → `2 h`, `45` → `45 min`. */
function minutesText(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = Math.ceil(minutes - hours * 60);
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** How the least window is made up, for the messages. */
function neededWhy({ gapMinutes, delayMinutes }: Gauge): string {
  return (
    `its longest gap between runs (${minutesText(gapMinutes)}) plus up to ${Math.ceil(delayMinutes)} min until a ` +
    'run reports, rounded up to whole hours, plus the hour in progress'
  );
}

function expressionOf(watch: HeartbeatWatch): string {
  return `${watch.scheduleKey} ${watch.schedule.expressionString}`;
}

function uncheckedText(watch: HeartbeatWatch, why: string): string {
  const { alarm, windowKey } = watch;
  const hours = watch.windowHours ?? watch.defaultHours;
  const delay = Math.ceil(reportDelayMinutes(watch.runMinutes));
  return (
    `${expressionOf(watch)}: the longest gap between its runs is not worked out at synth (${why}); ` +
    `${alarm} fires when nothing has reported for ${windowKey} = ${hours} h: keep that at least the longest gap ` +
    `between runs plus ${delay} min, rounded up to whole hours, plus 1 h, or it fires on a healthy system`
  );
}

function tooShortText(watch: HeartbeatWatch, gauge: Gauge, given: number, watchable: boolean): string {
  const { alarm, windowKey } = watch;
  const start = `${expressionOf(watch)} can leave ${minutesText(gauge.gapMinutes)} between runs: `;
  const least = `${windowKey} = ${given} h must be at least ${gauge.needed} h (${neededWhy(gauge)})`;
  if (watchable) return `${start}${least}, or ${alarm} fires on a healthy system`;
  return (
    `${start}a notice may wait that long, so ${least}, or ${watch.thresholdOf} fires on a healthy system; that is ` +
    `more than an alarm can watch (${MAX_HEARTBEAT_WINDOW_HOURS} h): leave ${windowKey} out, and it is derived ` +
    `from the schedule and ${alarm} is left out (a warning says so)`
  );
}

function leftOutText(watch: HeartbeatWatch, gauge: Gauge, windowHours: number): string {
  const { alarm, windowKey } = watch;
  const longest = (MAX_HEARTBEAT_WINDOW_HOURS - 1) * 60 - gauge.delayMinutes;
  const unused =
    watch.thresholdOf !== undefined
      ? `; ${watch.thresholdOf} still fires when a notice has waited more than ${windowHours} h`
      : watch.windowHours !== undefined
        ? `; ${windowKey} = ${watch.windowHours} h is not used`
        : '';
  return (
    `${expressionOf(watch)} can leave ${minutesText(gauge.gapMinutes)} between runs: ${alarm} would need a window ` +
    `of ${gauge.needed} h (${neededWhy(gauge)}), more than the ${MAX_HEARTBEAT_WINDOW_HOURS} h (7 days) a ` +
    `CloudWatch alarm can evaluate, so ${alarm} is left out and nothing alarms when these runs stop${unused}. ` +
    `To have it, run at least every ${minutesText(longest)}`
  );
}
