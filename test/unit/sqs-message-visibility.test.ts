/**
 * The relay's hold on SQS at the client boundary (aws-sdk-client-mock): the exact `ChangeMessageVisibility` request,
 * and SQS's refusal passed on for the handler to log.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsMessageVisibility } from '../../lambdas/aws/sqs-message-visibility';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

describe('SqsMessageVisibility', () => {
  it('asks SQS to hide the message for the hold, naming the queue by its URL', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const message = { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:relay-queue', receiptHandle: 'h-1' };

    await new SqsMessageVisibility(new SQSClient({ region: 'eu-west-1' })).hideFor(message, 7200);

    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/relay-queue',
        ReceiptHandle: 'h-1',
        VisibilityTimeout: 7200,
      },
    ]);
  });

  it('passes SQS’s refusal on', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('ReceiptHandleIsInvalid'));
    const message = { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:relay-queue', receiptHandle: 'h-1' };

    await expect(
      new SqsMessageVisibility(new SQSClient({ region: 'eu-west-1' })).hideFor(message, 7200),
    ).rejects.toThrow('ReceiptHandleIsInvalid');
  });
});
