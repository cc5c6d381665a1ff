/**
 * The stack's dead-letter queues, built one way: SQS-managed encryption
 * (encrypted at rest without a key policy for the scheduler role or an event
 * source to need), HTTPS only, messages kept 14 days; cdk-nag's "a queue
 * without a dead-letter queue of its own" is acknowledged with what the queue
 * is the dead-letter queue of.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Adds a dead-letter queue to `scope` under `id`.
 * @param deadLetterOf what it keeps the failures of, e.g. `the relay queue`
 */
export function addDeadLetterQueue(scope: Construct, id: string, deadLetterOf: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${deadLetterOf}.`,
  });
  return queue;
}
