/**
 * The relay's {@link MessageVisibility} on SQS: one `ChangeMessageVisibility` on the received message, the queue
 * named by the URL of the record's queue ARN (`sqs-queue-url.ts`). What it throws, the relay handler logs.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MessageVisibility, ReceivedMessage } from '../relay/ports';
import { queueUrlOfArn } from './sqs-queue-url';

/** Hides received relay queue messages with SQS. */
export class SqsMessageVisibility implements MessageVisibility {
  constructor(private readonly client: SQSClient) {}

  /** @throws {UnknownQueueArnError} for a queue ARN without a known URL; SQS's refusal as it comes */
  async hideFor(message: ReceivedMessage, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOfArn(message.queueArn),
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }
}
