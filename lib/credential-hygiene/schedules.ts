/**
 * The worker's three schedules (lib/credential-hygiene.ts), built in the construct: the sweep daily, the notifier
 * every 15 minutes, the reconciler hourly (unless configured), with one retry policy onto the worker's dead-letter
 * queue; and the skew a sweep's scheduled time may have, which the sweep's delivery windows fit inside.
 */
import { Duration } from 'aws-cdk-lib';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { type CredentialHygieneProps, PROP_DEFAULTS } from '../credential-hygiene-props';
import { addHygieneSchedule, type ScheduleRetry } from '../hygiene-schedules';
import { sweepDeliveryWindows } from '../sweep-delivery';
import type { HygieneParts } from './parts';

/** How far from the wall clock a sweep's scheduled time may be. */
export function maxScheduleSkew(props: CredentialHygieneProps): Duration {
  return props.maxScheduleSkew ?? Duration.hours(1);
}

/** The sweep daily, the notifier every 15 minutes, the reconciler hourly (unless configured), one retry policy. */
export function addSchedules(
  hygiene: Construct &
    Pick<HygieneParts, 'deadLetterQueue' | 'sweepFunction' | 'notifierFunction' | 'reconcilerFunction'>,
  props: CredentialHygieneProps,
): Record<'sweep' | 'notifier' | 'reconciler', scheduler.Schedule> {
  const retry: ScheduleRetry = {
    deadLetterQueue: hygiene.deadLetterQueue,
    retryAttempts: props.scheduleRetryAttempts ?? 3,
    maxEventAge: props.scheduleMaxEventAge ?? Duration.hours(1),
  };
  // A sweep later than the skew would be refused as forged when it starts: its retries and its time
  // queued in Lambda fit inside the skew, and a sweep later than that is dead-lettered instead.
  const delivery = sweepDeliveryWindows(maxScheduleSkew(props).toSeconds(), retry.maxEventAge.toSeconds());
  const sweep = addHygieneSchedule(hygiene, 'SweepSchedule', {
    description: 'Runs the credential hygiene sweep',
    schedule: props.sweepSchedule ?? PROP_DEFAULTS.sweepSchedule,
    target: hygiene.sweepFunction,
    job: 'sweep',
    retry: { ...retry, maxEventAge: Duration.seconds(delivery.schedulerSeconds) },
    maxEventAge: Duration.seconds(delivery.queuedSeconds),
  });
  const notifier = addHygieneSchedule(hygiene, 'NotifierSchedule', {
    description: 'Runs the credential hygiene notifier',
    schedule: props.notifierSchedule ?? PROP_DEFAULTS.notifierSchedule,
    target: hygiene.notifierFunction,
    job: 'notify',
    retry,
  });
  const reconciler = addHygieneSchedule(hygiene, 'ReconcilerSchedule', {
    description: 'Runs the credential hygiene subscription reconciler',
    schedule: props.reconcilerSchedule ?? PROP_DEFAULTS.reconcilerSchedule,
    target: hygiene.reconcilerFunction,
    job: 'reconcile',
    retry,
  });
  return { sweep, notifier, reconciler };
}
