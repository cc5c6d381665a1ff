/**
 * What the construct uses for a schedule, timeout or alarm window the props leave out: one table, read by the
 * checks, the construct and the app's CDK context (lib/config.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';

/**
 * What the construct uses for a schedule, timeout or alarm window left out (the `@default`s above; a window left
 * out is at least its default, more when its schedule needs it: lib/heartbeat-windows.ts).
 */
export const PROP_DEFAULTS = {
  sweepSchedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3' }),
  notifierSchedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
  reconcilerSchedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
  pendingNoticeMaxAge: Duration.hours(6),
  heartbeatWindow: Duration.hours(26),
  /** What the hourly reconciler needs: 60 minutes between runs plus up to 10 until one reports, 2 hours, plus 1. */
  reconcilerHeartbeatWindow: Duration.hours(3),
  sweepTimeout: Duration.minutes(15),
  notifierTimeout: Duration.minutes(5),
  reconcilerTimeout: Duration.minutes(5),
} as const;
