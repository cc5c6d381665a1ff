/**
 * The schedules and the heartbeats they are watched by: schedules EventBridge Scheduler would refuse, and each
 * heartbeat's window against its schedule (lib/heartbeat-windows.ts).
 */
import type { Duration } from 'aws-cdk-lib';
import {
  type HeartbeatFinding,
  type HeartbeatWatch,
  heartbeatFinding,
  refusedScheduleProblems,
  untrimmedScheduleProblems,
} from '../heartbeat-windows';
import { PROP_DEFAULTS } from './defaults';
import { isLambdaTimeout, isWindow } from './durations';
import type { CredentialHygieneProps } from './props';

/**
 * The schedules EventBridge Scheduler would refuse at deploy, with or without alarms, each with the CDK context's
 * text (`refusedScheduleProblems`, lib/heartbeat-windows.ts), and those with white space around their text, which
 * would reach Scheduler untrimmed (`untrimmedScheduleProblems`).
 */
export function scheduleProblems(props: CredentialHygieneProps): string[] {
  const keys = ['sweepSchedule', 'notifierSchedule', 'reconcilerSchedule'] as const;
  return keys.flatMap((key) => {
    const text = props[key]?.expressionString;
    if (text === undefined) return [];
    return [...untrimmedScheduleProblems(key, text), ...refusedScheduleProblems(key, text)];
  });
}

/**
 * Each heartbeat's window against its schedule (lib/heartbeat-windows.ts): a
 * window left out is derived from it. None without alarms (there is no
 * heartbeat to fire), nor while a window is not whole hours from 1 to 168
 * (`rangeProblems` says so); validateProps asks for none while a schedule is
 * refused (`scheduleProblems` says so).
 */
export function heartbeatFindings(
  props: CredentialHygieneProps,
): Record<'sweep' | 'notifier' | 'reconciler', HeartbeatFinding> | undefined {
  if (props.alarms === false) return undefined;
  const windows = [props.heartbeatWindow, props.pendingNoticeMaxAge, props.reconcilerHeartbeatWindow];
  if (!windows.every(isWindow)) return undefined;
  if (![props.sweepTimeout, props.notifierTimeout, props.reconcilerTimeout].every(isLambdaTimeout))
    return undefined;
  const minutes = (timeout: Duration) => timeout.toSeconds() / 60;
  const sweep: HeartbeatWatch = {
    alarm: 'SweepHeartbeat',
    scheduleKey: 'sweepSchedule',
    schedule: props.sweepSchedule ?? PROP_DEFAULTS.sweepSchedule,
    windowKey: 'heartbeatWindow (context heartbeatWindowHours)',
    ...(props.heartbeatWindow !== undefined && { windowHours: props.heartbeatWindow.toHours() }),
    defaultHours: PROP_DEFAULTS.heartbeatWindow.toHours(),
    runMinutes: minutes(props.sweepTimeout ?? PROP_DEFAULTS.sweepTimeout),
  };
  const notifier: HeartbeatWatch = {
    alarm: 'NotifierHeartbeat',
    scheduleKey: 'notifierSchedule',
    schedule: props.notifierSchedule ?? PROP_DEFAULTS.notifierSchedule,
    windowKey: 'pendingNoticeMaxAge (context pendingNoticeMaxAgeHours)',
    ...(props.pendingNoticeMaxAge !== undefined && { windowHours: props.pendingNoticeMaxAge.toHours() }),
    defaultHours: PROP_DEFAULTS.pendingNoticeMaxAge.toHours(),
    runMinutes: minutes(props.notifierTimeout ?? PROP_DEFAULTS.notifierTimeout),
    thresholdOf: 'OldestPendingNoticeTooOld',
  };
  const reconciler: HeartbeatWatch = {
    alarm: 'ReconcilerHeartbeat',
    scheduleKey: 'reconcilerSchedule',
    schedule: props.reconcilerSchedule ?? PROP_DEFAULTS.reconcilerSchedule,
    windowKey: 'reconcilerHeartbeatWindow (context reconcilerHeartbeatWindowHours)',
    ...(props.reconcilerHeartbeatWindow !== undefined && {
      windowHours: props.reconcilerHeartbeatWindow.toHours(),
    }),
    defaultHours: PROP_DEFAULTS.reconcilerHeartbeatWindow.toHours(),
    runMinutes: minutes(props.reconcilerTimeout ?? PROP_DEFAULTS.reconcilerTimeout),
  };
  return {
    sweep: heartbeatFinding(sweep),
    notifier: heartbeatFinding(notifier),
    reconciler: heartbeatFinding(reconciler),
  };
}
