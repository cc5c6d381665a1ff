/**
 * The EventBridge Scheduler event both handlers receive, and the run's `now`.
 * Pure: no AWS imports, no clock (the wall clock is passed in).
 */
import { parseInstant } from '../hygiene/time';

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

/** The time left for the use case: Lambda's remaining time minus a safety margin for the work after it. */
export function remainingBudget(
  context: { getRemainingTimeInMillis(): number },
  safetyMarginMs: number,
): () => number {
  return () => Math.max(0, context.getRemainingTimeInMillis() - safetyMarginMs);
}
