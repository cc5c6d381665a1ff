/**
 * What watches the worker of `CredentialHygiene` (lib/credential-hygiene.ts), built in the construct once every
 * part it watches is: what sends to its dead-letter queue (the queue's guard, alarms and dashboard take them), its
 * alarms onto the alarm topic, and its dashboard.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { AlarmWindows } from '../credential-hygiene-props';
import type { DeadLetterQueueSenders } from '../dead-letter-queue';
import { addHygieneAlarms } from '../hygiene-alarms';
import { addHygieneDashboard } from '../hygiene-dashboard';
import type { HygieneParts } from './parts';

/**
 * What sends to the dead-letter queue, all of it the worker's own: the three schedules (their execution roles),
 * their functions and, on `relay`, the SES events function (their on-failure destination).
 */
export function deadLetterSenders(
  hygiene: Pick<
    HygieneParts,
    | 'sweepSchedule'
    | 'notifierSchedule'
    | 'reconcilerSchedule'
    | 'sweepFunction'
    | 'notifierFunction'
    | 'reconcilerFunction'
    | 'relay'
  >,
): DeadLetterQueueSenders {
  return {
    schedules: [hygiene.sweepSchedule, hygiene.notifierSchedule, hygiene.reconcilerSchedule],
    functions: [
      hygiene.sweepFunction,
      hygiene.notifierFunction,
      hygiene.reconcilerFunction,
      ...(hygiene.relay === undefined ? [] : [hygiene.relay.sesEventsFunction]),
    ],
  };
}

/** The worker's alarms (`addHygieneAlarms`), each notifying the alarm topic. */
export function addAlarms(
  hygiene: Construct &
    Pick<
      HygieneParts,
      | 'sweepFunction'
      | 'notifierFunction'
      | 'reconcilerFunction'
      | 'deadLetterQueue'
      | 'metricsNamespace'
      | 'serviceName'
      | 'topic'
    >,
  alarmTopic: sns.ITopic,
  windows: AlarmWindows,
  deadLetterSenders: DeadLetterQueueSenders,
): cloudwatch.Alarm[] {
  return addHygieneAlarms(hygiene, {
    functions: [hygiene.sweepFunction, hygiene.notifierFunction, hygiene.reconcilerFunction],
    deadLetterQueue: hygiene.deadLetterQueue,
    deadLetterSenders,
    metricsNamespace: hygiene.metricsNamespace,
    serviceName: hygiene.serviceName,
    topic: hygiene.topic,
    ...windows,
    action: new cloudwatchActions.SnsAction(alarmTopic),
  });
}

/** The worker's dashboard (`addHygieneDashboard`), with the relay's rows on `relay`. */
export function addDashboard(
  hygiene: Construct &
    Pick<
      HygieneParts,
      | 'sweepFunction'
      | 'notifierFunction'
      | 'reconcilerFunction'
      | 'alarmTopic'
      | 'relay'
      | 'deadLetterQueue'
      | 'topic'
      | 'metricsNamespace'
      | 'serviceName'
    >,
  deadLetterSenders: DeadLetterQueueSenders,
): cloudwatch.Dashboard {
  return addHygieneDashboard(hygiene, {
    sweep: hygiene.sweepFunction,
    notifier: hygiene.notifierFunction,
    reconciler: hygiene.reconcilerFunction,
    sweepCountsAlarmTopic: hygiene.alarmTopic !== undefined,
    ...(hygiene.relay !== undefined && { relay: hygiene.relay }),
    deadLetterQueue: hygiene.deadLetterQueue,
    deadLetterSenders,
    topic: hygiene.topic,
    metricsNamespace: hygiene.metricsNamespace,
    serviceName: hygiene.serviceName,
  });
}
