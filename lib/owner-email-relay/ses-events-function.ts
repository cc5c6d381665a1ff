/**
 * The SES events function and its grants: its subscription to the SES events topic (with that subscription's
 * dead-letter queue), where its failed invocations are kept, and its reads and writes of the directory, the ledger
 * and the notification topic (the bounce reports to the admins).
 */
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { HygieneFunction } from '../hygiene-function';
import { grantDirectory, grantPublish } from '../hygiene-grants';
import { keepFailedInvocations } from '../hygiene-schedules';
import type { OwnerEmailRelayProps } from './props';
import type { RelayParts } from './relay-parts';

/** The SES events function of {@link OwnerEmailRelay} (`SesEventsFunction`), built once its topic, DLQ and ledger are. */
export function addSesEventsFunction(
  relay: Construct & Pick<RelayParts, 'ledgerTable' | 'sesEventsTopic' | 'sesEventsDeadLetterQueue'>,
  props: OwnerEmailRelayProps,
): HygieneFunction {
  const fn = new HygieneFunction(relay, 'SesEventsFunction', {
    entry: 'lambdas/handlers/ses-events.ts',
    description:
      'Marks owner addresses bouncing on SES permanent bounces and reports the bounced digests to the admins, records owners unsubscribed on complaints (relay route)',
    serviceName: props.serviceName,
    metricsNamespace: props.metricsNamespace,
    ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    environment: {
      [HANDLER_ENV.directoryTableName]: props.directoryTable.tableName,
      [HANDLER_ENV.relayLedgerTableName]: relay.ledgerTable.tableName,
      [HANDLER_ENV.topicArn]: props.topic.topicArn,
    },
    // One invocation at a time: each report to the admins is paced after the last one (the handler holds until
    // the admins' next turn), so a burst of bounces cannot suspend their email subscription (docs/notifications.md,
    // "Size limits, splitting, batching and pacing"). SNS invokes asynchronously: a throttled event waits in
    // Lambda's queue, retried up to the event age (6 hours, Lambda's default), then goes to the failure destination.
    reservedConcurrentExecutions: 1,
  });
  // An event SNS cannot deliver (client-side errors at once, server-side ones after its retries) is kept in the
  // subscription's own dead-letter queue, not dropped; the operators replay it (docs/deploy.md, "Runbook: SES
  // events not delivered"). CDK adds the queue policy's Allow for SNS from this topic (`aws:SourceArn`).
  relay.sesEventsTopic.addSubscription(
    new subscriptions.LambdaSubscription(fn.function, { deadLetterQueue: relay.sesEventsDeadLetterQueue }),
  );
  // SNS invokes asynchronously: a bounce whose write or report still fails after Lambda's retries is kept, not dropped.
  keepFailedInvocations(fn.function, props.failedInvocationQueue);
  // The owner's current address (a consistent read), then the conditional mark.
  grantDirectory(fn, props.directoryTable, ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']);
  // The bounced part's events (a consistent read), then the report's claim and mark.
  relay.ledgerTable.grant(fn.role, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  // The report to the admins: sns:Publish on the notification topic, and its key.
  grantPublish(fn, props.topic);
  props.topicAllowList?.allowPublish(fn.role.roleArn);
  return fn;
}
