/**
 * The relay queue and its DLQ: the queue's fixed name (so the DLQ's redrive allow policy can name it), the two
 * queues, and the resource policies that lock them to their writers and readers (docs/deploy.md, "Security choices").
 */
import { Names, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addDeadLetterQueue, DEAD_LETTER_READ_ACTIONS, NO_REDRIVE_SOURCES } from '../dead-letter-queue';
import { denyUnlessPrincipal, NOT_A_SERVICE, operatorsAndRoot } from '../deny-unless-principal';
import { RELAY_RETENTION, RELAY_VISIBILITY_TIMEOUT } from './durations';
import type { RelayParts } from './relay-parts';

/** SQS's longest queue name. */
const SQS_QUEUE_NAME_MAX_LENGTH = 80;
const RELAY_QUEUE_NAME_SUFFIX = '-queue';

/**
 * The relay queue's name, fixed at synth so that its DLQ's redrive allow policy can name it by ARN: the stack's name,
 * the relay's construct path and a hash of that path (`Names.uniqueResourceName`, so unique in the account and
 * region), then `-queue`, within SQS's 80 characters. CloudFormation cannot replace a queue with a fixed name
 * in place; nothing the relay sets on it needs replacing but the name itself.
 */
function relayQueueName(relay: Construct): string {
  const unique = Names.uniqueResourceName(relay, {
    maxLength: SQS_QUEUE_NAME_MAX_LENGTH - RELAY_QUEUE_NAME_SUFFIX.length,
    separator: '-',
    allowedSpecialCharacters: '-_',
  });
  return `${unique}${RELAY_QUEUE_NAME_SUFFIX}`;
}

/**
 * The relay queue and its DLQ. Neither may be another queue's dead-letter target: SQS's move of a message into a
 * dead-letter queue is no `SendMessage`, so the Denies of {@link guardRelayQueues} never see it, and whatever lands
 * in the queue the relay emails from the sender identity. The DLQ names its one source by the ARN of the queue's
 * fixed name ({@link relayQueueName}): a reference to the queue would be a cycle (its redrive policy refers to the
 * DLQ).
 */
export function addQueues(
  scope: Construct,
  maxReceiveCount: number,
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  const queueName = relayQueueName(scope);
  const queueByName = sqs.Queue.fromQueueAttributes(scope, 'QueueByName', {
    queueName,
    queueArn: Stack.of(scope).formatArn({ service: 'sqs', resource: queueName }),
  });
  const deadLetterQueue = addDeadLetterQueue(scope, 'DeadLetterQueue', 'the relay queue', [queueByName]);
  const queue = new sqs.Queue(scope, 'Queue', {
    queueName,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: RELAY_VISIBILITY_TIMEOUT,
    retentionPeriod: RELAY_RETENTION,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
    redriveAllowPolicy: NO_REDRIVE_SOURCES,
  });
  return { queue, deadLetterQueue };
}

/**
 * What takes a digest off a relay queue or hides it from its reader (SQS's `*Batch` calls are authorized as
 * these): the dead-letter read actions but the move, which only a DLQ's operators start.
 */
const RELAY_QUEUE_RECEIVE_ACTIONS = DEAD_LETTER_READ_ACTIONS.filter((a) => a !== 'sqs:StartMessageMoveTask');

/**
 * Locks the relay queue and its DLQ as the topics are locked (docs/deploy.md, "Security choices"). The relay does
 * not verify SNS signatures, so whoever can send to the queue can have a notice of their choosing emailed from the
 * trusted identity to any owner; and the queues hold every owner's digests. The account's root user (break-glass)
 * and the operators are on every list: without operators, only the root user may read, delete or redrive.
 *
 * - The queue: `sqs:SendMessage` denied to every principal of the account but the operators (a DLQ redrive sends
 *   with its caller's permissions); the only service the policy allows is SNS, from the topic (the subscription's
 *   Allow, scoped by `aws:SourceArn`). Receiving, deleting, hiding and purging denied to all but the relay
 *   function's role (its event source mapping polls as that role) and the operators.
 * - The DLQ: the same, and moving its messages (`sqs:StartMessageMoveTask`), only by the operators; sending too, so
 *   no one can plant a digest there for an operator to redrive.
 *
 * SQS's move of a message into a queue whose redrive policy names it is no `SendMessage`, out of these Denies' reach:
 * the queues' redrive allow policies, set where they are built, close it (the queue: no source; the DLQ: the queue).
 *
 * Administering the queues (`SetQueueAttributes`, `DeleteQueue`, ...) is never denied: CloudFormation deploys and
 * removes them with it, and it is the way back in for an account whose listed principals are all gone (a changed
 * policy is in CloudTrail; the next deploy puts it back).
 */
export function guardRelayQueues(
  relay: Construct & Pick<RelayParts, 'queue' | 'deadLetterQueue'>,
  relayRoleArn: string,
  operators: readonly string[],
): void {
  const keepers = operatorsAndRoot(relay, operators);
  const { queue, deadLetterQueue } = relay;
  queue.addToResourcePolicy(
    denyUnlessPrincipal(
      'SendOnlyBySnsAndOperators',
      queue.queueArn,
      ['sqs:SendMessage'],
      keepers,
      NOT_A_SERVICE,
    ),
  );
  queue.addToResourcePolicy(
    denyUnlessPrincipal(
      'ReceiveOnlyByTheRelayAndOperators',
      queue.queueArn,
      RELAY_QUEUE_RECEIVE_ACTIONS,
      [relayRoleArn, ...keepers],
      NOT_A_SERVICE,
    ),
  );
  deadLetterQueue.addToResourcePolicy(
    denyUnlessPrincipal(
      'SendOnlyByOperators',
      deadLetterQueue.queueArn,
      ['sqs:SendMessage'],
      keepers,
      NOT_A_SERVICE,
    ),
  );
  deadLetterQueue.addToResourcePolicy(
    denyUnlessPrincipal(
      'ReceiveOrRedriveOnlyByOperators',
      deadLetterQueue.queueArn,
      DEAD_LETTER_READ_ACTIONS,
      keepers,
      NOT_A_SERVICE,
    ),
  );
}
