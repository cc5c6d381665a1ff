/**
 * The relay queue's URL from the ARN an SQS event record carries (`queueUrlOfArn`): SQS's own URL form in each
 * partition whose SQS domain is known, and a clear refusal of anything else, naming it.
 */
import { describe, expect, it } from 'vitest';
import { queueUrlOfArn, UnknownQueueArnError } from '../../lambdas/aws/sqs-queue-url';

describe('queueUrlOfArn', () => {
  it('gives SQS’s URL of the queue, in the commercial, GovCloud and China partitions', () => {
    expect(queueUrlOfArn('arn:aws:sqs:eu-west-1:123456789012:Hygiene-Relay-queue')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/Hygiene-Relay-queue',
    );
    expect(queueUrlOfArn('arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q')).toBe(
      'https://sqs.us-gov-west-1.amazonaws.com/123456789012/q',
    );
    expect(queueUrlOfArn('arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo',
    );
  });

  it('refuses an ARN that is not a queue’s, naming it', () => {
    for (const arn of [
      '',
      'arn:aws:sns:eu-west-1:123456789012:topic',
      'arn:aws:sqs:eu-west-1:1234:q',
      'arn:aws:sqs:eu-west-1:123456789012:q/other',
    ]) {
      expect(() => queueUrlOfArn(arn)).toThrow(UnknownQueueArnError);
      expect(() => queueUrlOfArn(arn)).toThrow(JSON.stringify(arn));
    }
  });

  it('refuses a partition whose SQS domain it does not know, rather than guess one', () => {
    expect(() => queueUrlOfArn('arn:aws-iso:sqs:us-iso-east-1:123456789012:q')).toThrow(
      /no SQS domain known for partition "aws-iso"/,
    );
    expect(() => queueUrlOfArn('arn:constructor:sqs:eu-west-1:123456789012:q')).toThrow(UnknownQueueArnError);
  });
});
