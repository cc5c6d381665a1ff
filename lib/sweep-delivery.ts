/**
 * How long a scheduled sweep may take to arrive, fitted inside the skew the
 * sweep accepts.
 *
 * The sweep decides at its event's scheduled time and refuses one further than
 * `maxScheduleSkew` from the wall clock (a forged or mistyped direct invoke;
 * docs/deploy.md, "Runbook: Scheduled time rejected"). A genuine delivery is late by up
 * to EventBridge Scheduler's retry window plus the time Lambda keeps the event
 * queued (throttled behind a running sweep, or retried after an error), plus
 * the start of the function. If those windows added up to more than the skew,
 * a sweep that was merely late would be refused as forged. So the construct
 * sizes both windows from the skew: Scheduler retries for at most a quarter of
 * it (and at most `scheduleMaxEventAge`), Lambda keeps the event for the rest
 * less {@link SWEEP_START_MARGIN_SECONDS}, at most its 6 hours. Pure.
 */

/** Time left for a delivered sweep to start (cold start, retry timing): the skew check runs as the handler starts. */
export const SWEEP_START_MARGIN_SECONDS = 60;

/** The shortest retry window EventBridge Scheduler and Lambda each accept. */
const SHORTEST_WINDOW_SECONDS = 60;

/** Lambda keeps an asynchronous invocation at most 6 hours. */
export const LAMBDA_MAX_EVENT_AGE_SECONDS = 6 * 3600;

/**
 * The largest skew a deployment may allow: 1 day. Two runs' `now`s can then
 * differ by at most this and a run's 15 minutes, which the policy's tolerance
 * for an instant recorded after `now` covers (`AFTER_NOW_TOLERANCE_MS` in
 * `lambdas/hygiene/time.ts`).
 */
export const MAX_SCHEDULE_SKEW_SECONDS = 86_400;

/** The smallest skew both windows and the start margin fit in: 3 minutes. */
export const MIN_SCHEDULE_SKEW_SECONDS = 2 * SHORTEST_WINDOW_SECONDS + SWEEP_START_MARGIN_SECONDS;

/** The two windows of a scheduled sweep's delivery, in seconds. */
export interface SweepDeliveryWindows {
  /** EventBridge Scheduler's `MaximumEventAgeInSeconds` for the sweep's schedule. */
  readonly schedulerSeconds: number;
  /** Lambda's asynchronous `MaximumEventAgeInSeconds` for the sweep function. */
  readonly queuedSeconds: number;
}

/**
 * The sweep's delivery windows for a skew of `skewSeconds` and the retry
 * window the other schedules use (`scheduleMaxEventAgeSeconds`): together
 * with {@link SWEEP_START_MARGIN_SECONDS} they never exceed the skew.
 * @throws {RangeError} when the skew is below {@link MIN_SCHEDULE_SKEW_SECONDS}
 *   (the props validation reports that first, with the prop's name)
 */
export function sweepDeliveryWindows(
  skewSeconds: number,
  scheduleMaxEventAgeSeconds: number,
): SweepDeliveryWindows {
  if (skewSeconds < MIN_SCHEDULE_SKEW_SECONDS) {
    throw new RangeError(`a schedule skew of ${skewSeconds} s is below ${MIN_SCHEDULE_SKEW_SECONDS} s`);
  }
  const schedulerSeconds = Math.max(
    SHORTEST_WINDOW_SECONDS,
    Math.min(scheduleMaxEventAgeSeconds, Math.floor(skewSeconds / 4)),
  );
  const queuedSeconds = Math.min(
    LAMBDA_MAX_EVENT_AGE_SECONDS,
    skewSeconds - SWEEP_START_MARGIN_SECONDS - schedulerSeconds,
  );
  return { schedulerSeconds, queuedSeconds };
}
