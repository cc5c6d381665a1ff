/**
 * The relay function and its grants: what it is told (config, tables, the redrive policy's `maxReceiveCount`), its
 * event source on the relay queue and its grants there, its SES send grant (the sender address and the
 * configuration set, nothing else), and its reads and writes of the directory and the ledger.
 */
import { Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { configToEnvironment, HANDLER_ENV } from '../../lambdas/handlers/environment';
import { HygieneFunction } from '../hygiene-function';
import { grantDirectory } from '../hygiene-grants';
import { configurationSetArn } from './configuration-set';
import { RELAY_TIMEOUT } from './durations';
import { type OwnerEmailRelayProps, sesSenderAddress } from './props';
import type { RelayParts } from './relay-parts';

/** The relay function of {@link OwnerEmailRelay} (`RelayFunction`), built once its queue, set and ledger are. */
export function addRelayFunction(
  relay: Construct & Pick<RelayParts, 'queue' | 'ledgerTable' | 'configurationSet' | 'maxReceiveCount'>,
  props: OwnerEmailRelayProps,
  sender: string,
): HygieneFunction {
  const fn = new HygieneFunction(relay, 'RelayFunction', {
    entry: 'lambdas/handlers/relay.ts',
    description: 'Emails owner digests through SES (relay route)',
    serviceName: props.serviceName,
    metricsNamespace: props.metricsNamespace,
    ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    timeout: RELAY_TIMEOUT,
    environment: {
      ...configToEnvironment({
        ...props.config,
        sesConfigurationSet: relay.configurationSet.configurationSetName,
      }),
      [HANDLER_ENV.directoryTableName]: props.directoryTable.tableName,
      [HANDLER_ENV.relayLedgerTableName]: relay.ledgerTable.tableName,
      // The redrive policy's own value: a record failed on that delivery is the relay's last try.
      [HANDLER_ENV.relayMaxReceiveCount]: String(relay.maxReceiveCount),
    },
  });
  pollRelayQueue(fn, relay.queue, props.maxConcurrency ?? 2);
  const stack = Stack.of(relay);
  const address = sesSenderAddress(sender);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  // SES authorizes an SESv2 `SendEmail` with raw content (how the relay sends each digest: `ses-email-sender.ts`)
  // as `ses:SendRawEmail`, and refuses the relay every send without it (docs/deploy.md, "Email relay (SES)").
  // `ses:SendEmail` stays beside it: AWS's documentation does not settle whether SES evaluates one action or
  // both for a raw send, and it gives no extra power (same resources, same sender condition; a raw email can
  // already carry whatever a simple or templated one could).
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      // The identity (address, or the verified domain it belongs to) and the configuration set: nothing else.
      resources: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: address }),
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
        configurationSetArn(relay.configurationSet),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': address } },
    }),
  );
  grantDirectory(fn, props.directoryTable, ['dynamodb:BatchGetItem']);
  // Claim, mark and release a part it sends; read the state of one it cannot send (an owner unreachable since the drain).
  relay.ledgerTable.grant(
    fn.role,
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
  );
  return fn;
}

/**
 * What Lambda's poller of the relay queue calls with the relay function's role, and all it calls: AWS Lambda Developer
 * Guide, "Using Lambda with Amazon SQS", "Execution role permissions" (the page that also documents partial batch
 * responses, asking nothing more for them); Amazon SQS Developer Guide, "Configuring an Amazon SQS queue to trigger
 * an AWS Lambda function" ("The Lambda execution role must include" these three). The queue is SQS-managed SSE: no key
 * action.
 */
const RELAY_QUEUE_POLL_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

/**
 * What the relay function itself calls on its queue: it holds back, for hours, a digest SES refused because the
 * account's 24-hour sending quota is spent (`ChangeMessageVisibility` on the record's message,
 * lambdas/relay/quota-deferral.ts), so SQS's deliveries span a day rather than half an hour (docs/deploy.md, "Email
 * relay (SES)", step 2).
 */
const RELAY_QUEUE_HOLD_ACTIONS = ['sqs:ChangeMessageVisibility'];

/**
 * The relay queue as the relay function's event source: batches of 10, partial batch responses (a failed digest
 * reappears when its visibility timeout ends, or its hold for SES's daily quota), at most `maxConcurrency`
 * invocations at once; and its role's grants on the queue: {@link RELAY_QUEUE_POLL_ACTIONS} and
 * {@link RELAY_QUEUE_HOLD_ACTIONS}, nothing more. The mapping is CDK's `SqsEventSource`'s, with its id (so its
 * logical id, and the deployed mapping, stay the same), without that class's `grantConsumeMessages`, which also
 * grants `sqs:GetQueueUrl`: neither the poller nor the relay calls it (the relay has the queue's ARN from each record).
 */
function pollRelayQueue(fn: HygieneFunction, queue: sqs.IQueue, maxConcurrency: number): void {
  fn.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`, {
    eventSourceArn: queue.queueArn,
    batchSize: 10,
    reportBatchItemFailures: true,
    maxConcurrency,
  });
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: RELAY_QUEUE_POLL_ACTIONS, resources: [queue.queueArn] }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: RELAY_QUEUE_HOLD_ACTIONS, resources: [queue.queueArn] }),
  );
}
