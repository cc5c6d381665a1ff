/**
 * The dead-letter queues of the relay's two SNS subscriptions (the relay queue's to the notification topic, the SES
 * events function's to the SES events topic): what each keeps, its key SNS may use, and its lock
 * (docs/deploy.md, "Runbook: SES events not delivered", "Runbook: Relay subscription dead letters").
 */
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addDeadLetterQueue, DEAD_LETTER_READ_ACTIONS } from '../dead-letter-queue';
import { denyUnlessPrincipal, operatorsAndRoot, publishOnlyByServices } from '../deny-unless-principal';
import { keyForServiceOfThisAccount } from './service-key';

/** What a subscription's dead-letter queue keeps, said on it and its key ({@link OwnerEmailRelay}). */
export interface SubscriptionDeadLetters {
  /** What it is the dead-letter queue of (cdk-nag's acknowledgement). */
  readonly deadLetterOf: string;
  readonly keyDescription: string;
  /** The key policy statement that lets SNS use the key. */
  readonly keySid: string;
}

/** The SES events function's subscription to the SES events topic ("Runbook: SES events not delivered"). */
export const SES_EVENTS_DEAD_LETTERS: SubscriptionDeadLetters = {
  deadLetterOf: 'the SES events function’s subscription to the SES events topic',
  keyDescription:
    'Encrypts the SES events SNS could not deliver to the SES events function of the owner email relay',
  keySid: 'AllowSnsToKeepUndeliveredSesEvents',
};

/** The relay queue's subscription to the notification topic ("Runbook: Relay subscription dead letters"). */
export const RELAY_SUBSCRIPTION_DEAD_LETTERS: SubscriptionDeadLetters = {
  deadLetterOf: 'the relay queue’s subscription to the notification topic',
  keyDescription: 'Encrypts the owner digests SNS could not deliver to the queue of the owner email relay',
  keySid: 'AllowSnsToKeepUndeliveredDigests',
};

/**
 * The dead-letter queue of one SNS subscription of the relay (`{prefix}DeadLetterQueue`, key
 * `{prefix}DeadLetterKey`). SNS sends to it as itself (its service principal, not a role of the account), so its
 * key must let SNS use it: a key of its own (rotating), whose policy lets `sns.amazonaws.com` `kms:GenerateDataKey`
 * and `kms:Decrypt` (what the Amazon SQS Developer Guide gives an AWS service sending to an encrypted queue,
 * "Configure KMS permissions for AWS services") only with `aws:SourceAccount` = this account: the looser of the two
 * conditions used for such a key (CDK's own SQS subscription puts `aws:SourceArn` = the topic on its key
 * statement), chosen because no AWS page states that SNS's KMS request for a subscription's dead-letter send
 * carries the topic's ARN, and a key refusing SNS would lose every message it was meant to keep (counted only in
 * the topic's `NumberOfNotificationsFailedToRedriveToDlq`). The topic is named where AWS documents it, the queue
 * policy's Allow (the subscription's); the key encrypts this one queue, which only SNS from the subscription's
 * topic may send to ({@link guardSubscriptionDeadLetterQueue}).
 */
export function addSubscriptionDeadLetterQueue(
  scope: Construct,
  prefix: string,
  what: SubscriptionDeadLetters,
  operators: readonly string[],
): sqs.Queue {
  const key = keyForServiceOfThisAccount(scope, `${prefix}DeadLetterKey`, {
    description: what.keyDescription,
    sid: what.keySid,
    service: 'sns.amazonaws.com',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  });
  const queue = addDeadLetterQueue(scope, `${prefix}DeadLetterQueue`, what.deadLetterOf, [], key);
  guardSubscriptionDeadLetterQueue(queue, operatorsAndRoot(scope, operators));
  return queue;
}

/**
 * Locks the dead-letter queue of one of the relay's SNS subscriptions (docs/deploy.md, "Security choices"): its
 * messages go back to where they were meant to go, SES events into the SES events function (a complaint records an
 * owner `unsubscribed`, a bounce marks the address bouncing), owner digests onto the relay queue (the relay emails
 * them from the sender identity), and they carry owners' addresses or notices. So `sqs:SendMessage` is denied to
 * every principal that is not an AWS service, with no exception (the only service its policy allows is SNS from the
 * subscription's topic, the subscription's Allow): no one can plant a forged message for an operator to replay;
 * receiving, deleting, hiding, purging and moving its messages ({@link DEAD_LETTER_READ_ACTIONS}) are denied to all
 * but `keepers` (the operators and the root user), AWS services included: none reads it. Administering the queue is
 * never denied, as for the relay's queues ({@link guardRelayQueues}).
 */
function guardSubscriptionDeadLetterQueue(queue: sqs.Queue, keepers: readonly string[]): void {
  queue.addToResourcePolicy(publishOnlyByServices('SendOnlyBySns', queue.queueArn, 'sqs:SendMessage'));
  queue.addToResourcePolicy(
    denyUnlessPrincipal('ReceiveOnlyByOperators', queue.queueArn, DEAD_LETTER_READ_ACTIONS, keepers),
  );
}
