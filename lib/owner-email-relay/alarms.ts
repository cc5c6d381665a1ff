/**
 * The relay's alarms (docs/deploy.md, "Alarms"): its digests (in the DLQ, one there about to be deleted, given up
 * on, kept undelivered by SNS, waiting too long in the queue, their owner unreachable unreported, out of time), its
 * SES events (bounces, undelivered, kept undelivered, unreadable, auth or virus reports) and its two functions' errors.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  DEAD_LETTER_RETENTION_DAYS,
  RELAY_QUEUE_RETENTION_DAYS,
} from '../../lambdas/aws/relay-ledger-table-definition';
import { RELAY_METRIC, SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';
import {
  alarmTableRow,
  atLeast,
  deadLetterDepth,
  failureCountAlarm,
  functionErrors,
  notificationsFailed,
  oldestMessageAge,
  RUN_WATCH,
  runMetric,
} from '../hygiene-alarms';
import {
  RELAY_DEAD_LETTER_NOTICE_DAYS,
  RELAY_DEAD_LETTER_WARNING,
  RELAY_RETENTION,
  RELAY_VISIBILITY_TIMEOUT,
} from './durations';
import type { OwnerEmailRelayProps } from './props';
import type { RelayParts } from './relay-parts';

/** The relay's alarms, each notifying `props.alarmAction` when given (the construct asks for them unless `alarms: false`). */
export function addAlarms(relay: RelayParts, props: OwnerEmailRelayProps): cloudwatch.Alarm[] {
  const alarms = [
    ...addDigestAlarms(relay, props),
    ...addSesEventsAlarms(relay, props),
    ...[relay.relayFunction, relay.sesEventsFunction].map(
      (fn) =>
        new cloudwatch.Alarm(relay, `${fn.node.id}Errors`, {
          alarmDescription: `The ${fn.node.id} of the owner email relay failed: its log group has the error. See ${alarmTableRow(`${fn.node.id}Errors`)}.`,
          metric: functionErrors(fn),
          ...atLeast(1),
        }),
    ),
  ];
  if (props.alarmAction !== undefined) for (const alarm of alarms) alarm.addAlarmAction(props.alarmAction);
  return alarms;
}

/**
 * The digests the relay could not email: in the DLQ (its depth: something waits there, in alarm while anything
 * does; and its oldest digest's age: one SQS will soon delete), those SNS could not deliver to the relay queue (in
 * the subscription's dead-letter queue, in alarm while any is there), given up on (any in an hour, whatever the DLQ already holds: SQS's move of a message into a
 * dead-letter queue is not counted by the queue's `NumberOfMessagesSent`, Amazon SQS Developer Guide, "Using
 * dead-letter queues in Amazon SQS", so the relay counts its own last failed deliveries), waiting too long, their
 * owner unreachable unreported, or left unsent for lack of time.
 */
function addDigestAlarms(relay: RelayParts, props: OwnerEmailRelayProps): cloudwatch.Alarm[] {
  return [
    new cloudwatch.Alarm(relay, 'DeadLetterMessages', {
      alarmDescription:
        'An owner digest could not be emailed after the queue’s retries (a permanent SES error, an unreadable message, an owner unreachable the admins were not told of, or SES too slow each time): it is in the relay DLQ, in alarm while any digest is there. See docs/deploy.md, "Runbook: Relay gave up".',
      metric: deadLetterDepth(relay.deadLetterQueue),
      ...atLeast(1),
    }),
    failureCountAlarm(
      relay,
      'EmailRelayGaveUp',
      `The relay failed owner digests on their last delivery (the queue’s maxReceiveCount, ${relay.maxReceiveCount}), unsent: a permanent SES error, an unreadable message, an owner unreachable the admins were not told of, or SES too slow each time. SQS moves them to the relay DLQ when their visibility timeout ends (${RELAY_VISIBILITY_TIMEOUT.toHumanString()} after the failure). It fires whatever the DLQ already holds, and returns to OK an hour without one, so a later one notifies again. The relay’s log line "relay batch" names each failure and each record given up on (gaveUpRecords); read the DLQ once they are there, fix the cause and redrive (docs/deploy.md, "Runbook: Relay gave up").`,
      props,
      RELAY_METRIC.gaveUp,
    ),
    addQueueAgeAlarm(relay, relay.maxReceiveCount),
    addDeadLetterExpiringAlarm(relay),
    new cloudwatch.Alarm(relay, 'RelaySubscriptionDeadLetterMessages', {
      alarmDescription: `Owner digests SNS could not deliver from the notification topic to the relay queue (the queue’s policy or key changed by hand, the queue deleted) are in the relay subscription dead-letter queue, in alarm while any is there; the queue keeps each ${DEAD_LETTER_RETENTION_DAYS} days. The notifier marked their notices sent when SNS accepted them: until put back on the relay queue they reach no one. Fix the delivery, then move them to the relay queue: see docs/deploy.md, "Runbook: Relay subscription dead letters".`,
      metric: deadLetterDepth(relay.relaySubscriptionDeadLetterQueue),
      ...atLeast(1),
    }),
    failureCountAlarm(
      relay,
      'UnreportedUnreachableOwners',
      `The relay could not email an owner whom the drain had judged reachable (a bounce, departure or address removed since, or no directory): the admins were not told of these notices. Fix the directory entry; SQS retries the digest, then it goes to the relay DLQ. See ${alarmTableRow('UnreportedUnreachableOwners')}.`,
      props,
      RELAY_METRIC.unreportedUnreachable,
    ),
    failureCountAlarm(
      relay,
      'EmailRelayOutOfTime',
      'The relay left owner digests unsent for lack of time: SES answered so slowly, or throttled so long, that the invocation’s time budget had no room to start them or try again (EmailRelayOutOfTime, of EmailRelayFailures). SQS retries them, then they go to the relay DLQ. Check SES’s sending quota and health. See docs/deploy.md, "Runbook: Relay out of time".',
      props,
      RELAY_METRIC.outOfTime,
    ),
  ];
}

/**
 * SES's bounces and complaints: many of them (a reputation problem), events SNS could not deliver to the SES
 * events function (each failure, and, in alarm while any is there, those kept in the subscription's dead-letter
 * queue for an operator to replay), events the function could not read (a bounce or complaint among them
 * unrecorded, its digest unreported), and any mailbox provider's report that a digest failed authentication or
 * carried a virus (digests going to spam, or refused, with no one told). Bounces
 * and complaints nothing was recorded for (`UnattributedEmailBounces`) are only on the dashboard: a bounce of a
 * relay email is reported to the admins whether or not its owner is found, and a complaint's email was delivered.
 */
function addSesEventsAlarms(relay: RelayParts, props: OwnerEmailRelayProps): cloudwatch.Alarm[] {
  return [
    new cloudwatch.Alarm(relay, 'EmailBounces', {
      alarmDescription:
        'SES reported permanent bounces or complaints for owner email (suppressed sends included: the address on SES’s suppression list): stale addresses in the directory, or a reputation problem. See docs/deploy.md, "Runbook: Email bounces".',
      metric: runMetric(
        props.metricsNamespace,
        props.serviceName,
        SES_EVENTS_METRIC.bounces,
        RUN_WATCH.perHour,
      ),
      ...atLeast(props.bounceAlarmThreshold ?? 3),
    }),
    new cloudwatch.Alarm(relay, 'SesEventsNotificationsFailed', {
      alarmDescription:
        'SNS could not deliver SES bounce, complaint or reject events from the SES events topic to the SES events function (its permission to invoke removed, the function deleted or failing to accept the invocation): after SNS’s retries each goes to the SES events dead-letter queue (SesEventsDeadLetterMessages), unrecorded until replayed: an owner not marked bouncing or unsubscribed, a bounced digest not reported to the admins. Check the topic’s subscription and the function, then replay; see docs/deploy.md, "Runbook: SES events not delivered".',
      metric: notificationsFailed(relay.sesEventsTopic),
      ...atLeast(1),
    }),
    new cloudwatch.Alarm(relay, 'SesEventsDeadLetterMessages', {
      alarmDescription: `SES bounce, complaint or reject events SNS could not deliver to the SES events function are in the SES events dead-letter queue, in alarm while any is there; the queue keeps each ${DEAD_LETTER_RETENTION_DAYS} days. Until replayed they are unrecorded: an owner not marked bouncing or unsubscribed, a bounced digest not reported to the admins. Fix the delivery, then replay them into the function and delete each replayed one: see docs/deploy.md, "Runbook: SES events not delivered".`,
      metric: deadLetterDepth(relay.sesEventsDeadLetterQueue),
      ...atLeast(1),
    }),
    failureCountAlarm(
      relay,
      'UnreadableSesEvents',
      'The SES events function received messages on the SES events topic that were not JSON (UnreadableSesEvents): skipped, nothing recorded. A bounce or complaint among them went unrecorded: an owner not marked bouncing or unsubscribed, a bounced digest not reported to the admins. The function’s warning "SES events" has the summary; see docs/deploy.md, "Runbook: SES events not delivered".',
      props,
      SES_EVENTS_METRIC.unreadable,
    ),
    failureCountAlarm(
      relay,
      'EmailAuthOrVirusReports',
      'A mailbox provider reported an owner digest as failing authentication (auth-failure: SPF, DKIM or DMARC of the sender identity, so digests go to spam or are refused, and no owner says so) or as carrying a virus (virus: digests carry no attachment, so treat it as suspicious). EmailAuthOrVirusReports ≥ 1 in an hour; the SES events function’s warning "SES events" says which (authOrVirusTypes). Check the identity’s DKIM, MAIL FROM domain and DMARC record; see docs/deploy.md, "Runbook: Email authentication or virus reports".',
      props,
      SES_EVENTS_METRIC.authOrVirusReports,
    ),
  ];
}

/**
 * A digest has waited {@link RELAY_DEAD_LETTER_WARNING} in the relay DLQ: SQS deletes it unsent no sooner than 3 days
 * later (usually about 10). The DLQ keeps a message {@link DEAD_LETTER_RETENTION_DAYS} days from when it entered the relay queue (a
 * standard queue's message keeps its enqueue time when moved), while the DLQ's `ApproximateAgeOfOldestMessage`
 * counts from the move (Amazon SQS Developer Guide, "Setting-up dead-letter queue retention in Amazon SQS"); a digest
 * waits at most {@link RELAY_QUEUE_RETENTION_DAYS} days in the relay queue, so it has at least 14 − 7 = 7 days of DLQ
 * age before deletion, and the alarm fires 3 of them before. `DeadLetterMessages` is already in alarm by then and
 * `EmailRelayGaveUp` back to OK: this is the one signal that a notice is about to be lost.
 */
function addDeadLetterExpiringAlarm(relay: RelayParts): cloudwatch.Alarm {
  return new cloudwatch.Alarm(relay, 'RelayDeadLetterExpiring', {
    alarmDescription: `An owner digest has waited ${RELAY_DEAD_LETTER_WARNING.toHumanString()} in the relay DLQ, unsent: SQS deletes it ${DEAD_LETTER_RETENTION_DAYS} days after it entered the relay queue, no sooner than ${RELAY_DEAD_LETTER_NOTICE_DAYS} days from now (usually about ${DEAD_LETTER_RETENTION_DAYS - RELAY_DEAD_LETTER_WARNING.toDays()}: most digests reach the DLQ within a day of entering the relay queue), and its notices are then lost. Redrive it once its cause is fixed, or pass its notices on another way and delete it. See docs/deploy.md, "Runbook: Relay dead letters expiring".`,
    metric: oldestMessageAge(relay.deadLetterQueue),
    ...atLeast(RELAY_DEAD_LETTER_WARNING.toSeconds()),
  });
}

/**
 * The relay queue's oldest digest is older than twice the longest a digest the relay keeps failing stays there
 * (its `maxReceiveCount` deliveries, one visibility timeout apart, before SQS moves it to the DLQ: 30 minutes by
 * default, so 1 hour): the relay is not taking digests off the queue at all (its event source mapping disabled,
 * the function throttled, or failing without an error), a backlog larger than SES's sending rate clears in an
 * hour, or SES's 24-hour quota spent (the relay then holds each refused digest back for hours). Far under the 7 days the queue keeps a digest, and an error alarm cannot see any of it.
 */
function addQueueAgeAlarm(relay: RelayParts, maxReceiveCount: number): cloudwatch.Alarm {
  const maxAge = Duration.seconds(2 * maxReceiveCount * RELAY_VISIBILITY_TIMEOUT.toSeconds());
  return new cloudwatch.Alarm(relay, 'OldestDigestTooOld', {
    alarmDescription: `An owner digest has waited in the relay queue for ${maxAge.toHumanString()} or more: the relay is not taking digests off the queue (its event source mapping disabled, the function throttled or failing without an error), a backlog is larger than SES’s sending rate clears in that time, or SES’s 24-hour sending quota is spent (the relay log line "relay batch" lists the digests it holds back for hours, quotaDeferred). The queue deletes a digest after ${RELAY_RETENTION.toDays()} days. See ${alarmTableRow('OldestDigestTooOld')}.`,
    metric: oldestMessageAge(relay.queue),
    ...atLeast(maxAge.toSeconds()),
  });
}
