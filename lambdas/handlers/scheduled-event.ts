/**
 * The EventBridge Scheduler event both handlers receive, the run's `now`, and
 * the check that refuses a scheduled time too far from the wall clock.
 * Pure: no AWS imports, no clock (the wall clock is passed in).
 */
import { formatInstant, parseInstant } from '../hygiene/time';

/** What the schedules send (see `scheduledInput` in lib/hygiene-schedules.ts). */
export interface ScheduledEvent {
  readonly source?: string;
  readonly job?: string;
  /** `<aws.scheduler.scheduled-time>`, substituted by EventBridge Scheduler: identical on every retry. */
  readonly scheduledTime?: string;
  /** `<aws.scheduler.execution-id>`. */
  readonly executionId?: string;
}

/** The instant a run decides at, and where it came from. */
export interface RunInstant {
  /** Epoch milliseconds. */
  readonly now: number;
  /**
   * `schedule`: the event's scheduled time, so a duplicate or retried delivery
   * decides exactly as the first did; `clock`: no usable scheduled time (a
   * manual invocation), the wall clock.
   */
  readonly source: 'schedule' | 'clock';
  /** Why the scheduled time was not used, when the event had one. */
  readonly ignored?: string;
}

/**
 * The run's `now`: the scheduled time when the event carries a valid one,
 * otherwise the wall clock.
 */
export function runInstant(event: unknown, wallClock: number): RunInstant {
  const scheduledTime =
    event !== null && typeof event === 'object' ? (event as ScheduledEvent).scheduledTime : undefined;
  if (scheduledTime === undefined) return { now: wallClock, source: 'clock' };
  if (typeof scheduledTime !== 'string') {
    return { now: wallClock, source: 'clock', ignored: 'scheduledTime is not a string' };
  }
  const parsed = parseInstant(scheduledTime);
  if (!parsed.ok) {
    return {
      now: wallClock,
      source: 'clock',
      ignored: `scheduledTime ${JSON.stringify(scheduledTime)} is ${parsed.reason}`,
    };
  }
  return { now: parsed.ms, source: 'schedule' };
}

/** The largest distance between a scheduled time and the wall clock a sweep accepts by default: one hour. */
export const DEFAULT_MAX_SCHEDULE_SKEW_SECONDS = 3600;

/**
 * Why the run's scheduled time is refused, or undefined when it is usable: a
 * scheduled time further than `maxSkewMs` from the wall clock is not what
 * EventBridge Scheduler sends (the construct fits its retries and Lambda's
 * queue inside the skew: lib/sweep-delivery.ts), so it is a direct invocation
 * trying to move the decision clock. A run on the wall clock (`source: 'clock'`) has nothing to refuse.
 */
export function scheduleSkewProblem(
  instant: RunInstant,
  wallClock: number,
  maxSkewMs: number,
): string | undefined {
  if (instant.source !== 'schedule') return undefined;
  const skewMs = instant.now - wallClock;
  if (Math.abs(skewMs) <= maxSkewMs) return undefined;
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  return (
    `scheduledTime ${formatInstant(instant.now)} is ${seconds} s ${skewMs > 0 ? 'ahead of' : 'behind'} ` +
    `the wall clock ${formatInstant(wallClock)}, more than the ${Math.round(maxSkewMs / 1000)} s allowed`
  );
}

/** The invocation's scheduled time is too far from the wall clock: the sweep refuses to decide at it. */
export class ScheduledTimeSkewError extends Error {
  override readonly name = 'ScheduledTimeSkewError';
}

/** The allowed schedule skew setting is not a positive whole number of seconds. */
export class InvalidScheduleSkewError extends Error {
  override readonly name = 'InvalidScheduleSkewError';
  constructor(
    readonly variable: string,
    readonly value: string,
  ) {
    super(`${variable} = ${JSON.stringify(value)}: must be a whole number of seconds, at least 1`);
  }
}

/**
 * The allowed skew in milliseconds from the variable `variable` of `env`
 * (seconds), or the default when it is unset.
 * @throws {InvalidScheduleSkewError} when it is set but not a positive integer
 */
export function maxScheduleSkewMs(
  env: Readonly<Record<string, string | undefined>>,
  variable: string,
): number {
  const text = env[variable];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_SCHEDULE_SKEW_SECONDS * 1000;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidScheduleSkewError(variable, text);
  return Number(text) * 1000;
}
