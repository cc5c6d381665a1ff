/**
 * The shape of a duration prop, whatever it times: an alarm window of whole hours, a Lambda timeout of whole
 * seconds within Lambda's limits, a duration of whole seconds; fractions kept, so a problem names its prop.
 */
import type { Duration } from 'aws-cdk-lib';
import { MAX_HEARTBEAT_WINDOW_HOURS } from '../heartbeat-windows';

/**
 * A duration's milliseconds, fractions kept: CDK's `toSeconds()` (and `toMilliseconds()` by default) throws
 * `CannotConvertedIntoWhole`, naming no prop, for one not in whole units, where the checks below name the prop.
 */
export const millisOf = (duration: Duration) => duration.toMilliseconds({ integral: false });

/** An alarm window left out, or whole hours from 1 to 168 (an hourly alarm's limit). */
export function isWindow(window: Duration | undefined): boolean {
  if (window === undefined) return true;
  const hour = 3_600_000;
  const millis = millisOf(window);
  return millis % hour === 0 && millis >= hour && millis <= MAX_HEARTBEAT_WINDOW_HOURS * hour;
}

/** Lambda's timeout limit. */
const MAX_LAMBDA_TIMEOUT_SECONDS = 900;

/** A function timeout left out, or whole seconds from 1 second to 15 minutes (Lambda's limits). */
export function isLambdaTimeout(timeout: Duration | undefined): boolean {
  if (timeout === undefined || timeout.isUnresolved()) return true;
  const millis = millisOf(timeout);
  return millis % 1000 === 0 && millis >= 1000 && millis <= MAX_LAMBDA_TIMEOUT_SECONDS * 1000;
}

/** The problem of a window that is not whole hours from 1 to 168, `name` naming the prop. */
export function windowProblem(name: string, window: Duration | undefined): string[] {
  if (isWindow(window)) return [];
  return [
    `${name} = ${millisOf(window!) / 1000} s: must be whole hours from 1 to ${MAX_HEARTBEAT_WINDOW_HOURS}`,
  ];
}

/**
 * A duration prop's whole seconds; undefined when it is left out, or (with a problem naming `name`) when it is not
 * whole seconds (`Duration.millis(61500)`), which the services take only in seconds.
 */
export function wholeSecondsOf(
  name: string,
  duration: Duration | undefined,
  problems: string[],
): number | undefined {
  if (duration === undefined) return undefined;
  const millis = millisOf(duration);
  if (millis % 1000 === 0) return millis / 1000;
  problems.push(`${name} = ${millis / 1000} s: must be whole seconds`);
  return undefined;
}
