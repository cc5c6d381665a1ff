/**
 * The numeric and duration props against what the services accept: Scheduler's retries and event age, the alarm
 * windows, the function timeouts, the filter-policy quota, the schedule skew and the functions' memory.
 */
import { MAX_SCHEDULE_SKEW_SECONDS, MIN_SCHEDULE_SKEW_SECONDS } from '../sweep-delivery';
import { wholeSecondsOf, windowProblem } from './durations';
import type { CredentialHygieneProps } from './props';
import { timeoutProblem } from './timeouts';

/** Numeric props outside what the services accept. */
export function rangeProblems(props: CredentialHygieneProps): string[] {
  const problems: string[] = [];
  const retries = props.scheduleRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
    problems.push(`scheduleRetryAttempts = ${retries}: must be an integer from 0 to 185`);
  }
  const maxAge = wholeSecondsOf('scheduleMaxEventAge', props.scheduleMaxEventAge, problems);
  if (maxAge !== undefined && (maxAge < 60 || maxAge > 86_400)) {
    problems.push(`scheduleMaxEventAge = ${maxAge} s: must be from 1 minute to 1 day`);
  }
  problems.push(
    ...windowProblem('pendingNoticeMaxAge', props.pendingNoticeMaxAge),
    ...windowProblem('heartbeatWindow', props.heartbeatWindow),
    ...windowProblem('reconcilerHeartbeatWindow', props.reconcilerHeartbeatWindow),
    ...timeoutProblem('sweepTimeout', props.sweepTimeout),
    ...timeoutProblem('notifierTimeout', props.notifierTimeout),
    ...timeoutProblem('reconcilerTimeout', props.reconcilerTimeout),
  );
  const quota = props.filterPolicyQuota;
  if (quota !== undefined && (!Number.isSafeInteger(quota) || quota < 1)) {
    problems.push(`filterPolicyQuota = ${quota}: must be a whole number, at least 1`);
  }
  const skewSeconds = wholeSecondsOf('maxScheduleSkew', props.maxScheduleSkew, problems);
  if (
    skewSeconds !== undefined &&
    (skewSeconds < MIN_SCHEDULE_SKEW_SECONDS || skewSeconds > MAX_SCHEDULE_SKEW_SECONDS)
  ) {
    problems.push(
      `maxScheduleSkew = ${skewSeconds} s: must be from ${MIN_SCHEDULE_SKEW_SECONDS / 60} minutes to 1 day`,
    );
  }
  for (const [name, size] of [
    ['sweepMemorySize', props.sweepMemorySize],
    ['notifierMemorySize', props.notifierMemorySize],
  ] as const) {
    if (size !== undefined && (!Number.isInteger(size) || size < 128 || size > 10_240)) {
      problems.push(`${name} = ${size}: must be an integer from 128 to 10240 (MB)`);
    }
  }
  return problems;
}
