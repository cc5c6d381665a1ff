/**
 * A deployment's expiry notice lookahead (`expiryNoticeLookaheadHours`,
 * docs/configuration.md; docs/deploy.md, "Configuration: CDK context keys"):
 * the sweep sends a stage at the last scheduled sweep before the stage's
 * instant, so it looks ahead by the longest gap between two sweeps, which
 * lib/schedule-gaps.ts works out for the heartbeats too. Derived here from the
 * sweep schedule, rounded up to whole hours (a daily sweep: 24; a weekday
 * `cron(0 3 ? * MON-FRI *)`: 72, Friday to Monday), unless the operator set
 * the key (CDK context or the construct's `config` prop): a value given wins.
 * The one rule for the construct's props and the CDK context's environment check.
 */
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { type HygieneConfig, MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS } from '../lambdas/hygiene/config';
import { longestGap } from './schedule-gaps';

/** The config key this module derives. */
const KEY = 'expiryNoticeLookaheadHours';

/** What the synth makes of a deployment's lookahead. */
export interface LookaheadFinding {
  /** The config the functions get: the key as given, else derived (left unset when it cannot be). */
  readonly config: HygieneConfig;
  /** The schedule's gap is longer than the key allows: the synth fails. */
  readonly problem?: string;
  /** The schedule's gap is not worked out at synth: the key stays unset (0), and the synth warns. */
  readonly warning?: string;
}

/**
 * The config with `expiryNoticeLookaheadHours` set from the sweep schedule's
 * longest gap when it was not given (see the header). A schedule EventBridge
 * Scheduler refuses gives none and says nothing (`refusedScheduleProblems`,
 * lib/heartbeat-windows.ts, refuses it).
 * @param scheduleKey how the messages name the schedule's setting
 */
export function deploymentLookahead(
  config: HygieneConfig,
  sweepSchedule: scheduler.ScheduleExpression,
  scheduleKey = 'sweepSchedule',
): LookaheadFinding {
  if (config.expiryNoticeLookaheadHours !== undefined) return { config };
  const gap = longestGap(sweepSchedule);
  const expression = `${scheduleKey} ${sweepSchedule.expressionString}`;
  if (!gap.known) {
    if (gap.invalid === true) return { config };
    return {
      config,
      warning:
        `${expression}: the synth cannot tell the longest gap between sweeps (${gap.why}), so ${KEY} is ` +
        'not derived from it and stays 0: an expiry notice may go out up to that gap after its stage (a 1-day ' +
        `notice hours before the expiry, or none). Set ${KEY} to the longest gap between sweeps, in whole hours`,
    };
  }
  const hours = Math.ceil(gap.minutes / 60);
  if (hours > MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS) {
    return {
      config,
      problem:
        `${expression} can leave ${hours} h between sweeps, more than the ${MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS} h ` +
        `${KEY} allows (a sweep at least once a year): sweep more often, or set ${KEY} (0 to ` +
        `${MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS})`,
    };
  }
  return { config: { ...config, [KEY]: hours } };
}
