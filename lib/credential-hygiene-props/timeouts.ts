/**
 * The function timeouts (`sweepTimeout`, `notifierTimeout`, `reconcilerTimeout`): within Lambda's limits, and
 * leaving working time after each handler's safety margin (lambdas/handlers/safety-margins.ts).
 */
import type { Duration } from 'aws-cdk-lib';
import {
  NOTIFIER_SAFETY_MARGIN_MS,
  RECONCILER_SAFETY_MARGIN_MS,
  SWEEP_SAFETY_MARGIN_MS,
} from '../../lambdas/handlers/safety-margins';
import { DEFAULT_DEADLINE_MARGIN_MS } from '../../lambdas/hygiene/sweep/types';
import { isLambdaTimeout, millisOf } from './durations';

/**
 * The least working time a function's timeout must leave after its handler's safety margin (the time it stops its
 * work before the timeout: lambdas/handlers/safety-margins.ts). A timeout that leaves less deploys a worker that
 * stops as soon as it starts, on every run, and nothing fails to say so: the sweep reads one page and ends
 * incomplete, the drain publishes next to nothing, the reconciler starts no SNS call. A floor against a slip
 * (`Duration.seconds(20)` meant as minutes), not a recommendation: the defaults leave minutes.
 */
export const MIN_WORKING_SECONDS = 30;

/** Where the handlers' margins are defined, as the messages name it. */
const MARGINS_FILE = 'lambdas/handlers/safety-margins.ts';

/**
 * Each timeout prop's function, how long before its timeout it stops its work, and where that is defined: the
 * handler's safety margin, and for the sweep also the reserve the run keeps inside its budget for its checkpoint and
 * the deletions in flight (`DEFAULT_DEADLINE_MARGIN_MS`; the handler keeps the default).
 */
const TIMEOUT_MARGINS = {
  sweepTimeout: {
    fn: 'sweep',
    marginMs: SWEEP_SAFETY_MARGIN_MS + DEFAULT_DEADLINE_MARGIN_MS,
    source: `SWEEP_SAFETY_MARGIN_MS, ${MARGINS_FILE}, and the run's reserve DEFAULT_DEADLINE_MARGIN_MS, lambdas/hygiene/sweep/types.ts`,
  },
  notifierTimeout: {
    fn: 'notifier',
    marginMs: NOTIFIER_SAFETY_MARGIN_MS,
    source: `NOTIFIER_SAFETY_MARGIN_MS, ${MARGINS_FILE}`,
  },
  reconcilerTimeout: {
    fn: 'subscription reconciler',
    marginMs: RECONCILER_SAFETY_MARGIN_MS,
    source: `RECONCILER_SAFETY_MARGIN_MS, ${MARGINS_FILE}`,
  },
} as const;

/** A function timeout prop of the construct. */
export type TimeoutProp = keyof typeof TIMEOUT_MARGINS;

/**
 * The problem of a function timeout, `name` naming the prop: one Lambda (CloudFormation, at deploy) would refuse,
 * else one that leaves less than {@link MIN_WORKING_SECONDS} after its handler's safety margin.
 */
export function timeoutProblem(name: TimeoutProp, timeout: Duration | undefined): string[] {
  if (!isLambdaTimeout(timeout)) {
    return [
      `${name} = ${millisOf(timeout!) / 1000} s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)`,
    ];
  }
  if (timeout === undefined || timeout.isUnresolved()) return [];
  const { fn, marginMs, source } = TIMEOUT_MARGINS[name];
  const seconds = timeout.toSeconds();
  const marginSeconds = marginMs / 1000;
  const least = marginSeconds + MIN_WORKING_SECONDS;
  if (seconds >= least) return [];
  return [
    `${name} = ${seconds} s: leaves ${Math.max(0, seconds - marginSeconds)} s of work after the ${fn}'s safety margin of ${marginSeconds} s (${source}: it stops its work that long before its timeout), under the ${MIN_WORKING_SECONDS} s it needs; give at least ${least} s`,
  ];
}
