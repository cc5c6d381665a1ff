/**
 * The relay handler holds back a record SES refused for its spent 24-hour quota: the exact hold it asks of the queue
 * (`MessageVisibility.hideFor`: the record's queue ARN and receipt handle, a visibility timeout of hours growing with
 * `ApproximateReceiveCount`), and none for a message SES rejected, its per-second rate, or a record out of time
 * because of that rate. A held record is still reported failed (held back, not acknowledged), and a hold that fails
 * loses nothing: it is logged and the record fails as before. In-memory ledger and directory, a recording sender.
 */
import { MessageRejected, type SESv2ServiceException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageVisibility, ReceivedMessage } from '../../lambdas/relay/ports';
import { NoTimeLeftError } from '../../lambdas/relay/ports';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from '../unit/support/relay-fakes';
import { fakeTools } from './handler-tools';
import { importRelayHandler } from './relay-handler-module';

type RelayModule = typeof import('../../lambdas/handlers/relay');
let relayModule: RelayModule;

const MAX_RECEIVE_COUNT = 5;
const HOUR = 3600;
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:Hygiene-Relay-queue';

beforeAll(async () => {
  relayModule = await importRelayHandler(MAX_RECEIVE_COUNT);
});

const tooMany = (message: string): SESv2ServiceException =>
  new TooManyRequestsException({ message, $metadata: {} });
const DAILY_QUOTA = () => tooMany('Daily message quota exceeded.');
const SENDING_RATE = () => tooMany('Maximum sending rate exceeded.');

/** Records every hold asked for; fails those of `refuse` (receipt handles) as SQS would. */
class RecordingVisibility implements MessageVisibility {
  readonly holds: { message: ReceivedMessage; seconds: number }[] = [];
  readonly refuse = new Set<string>();

  async hideFor(message: ReceivedMessage, seconds: number): Promise<void> {
    this.holds.push({ message, seconds });
    if (this.refuse.has(message.receiptHandle))
      throw new Error('ReceiptHandleIsInvalid: The receipt handle has expired.');
  }
}

/** `userId`'s digest as SQS delivers it the `receive`th time. */
function onDelivery(userId: string, receive: number): SQSEvent['Records'][number] {
  const { messageId, body } = digestRecord(userId);
  return {
    messageId,
    body,
    receiptHandle: `handle-${userId}-${receive}`,
    eventSourceARN: QUEUE_ARN,
    attributes: { ApproximateReceiveCount: String(receive) },
  } as unknown as SQSEvent['Records'][number];
}

/** One invocation with `records`, SES failing each owner of `failures` with its error (ada is emailed). */
async function invoke(
  records: SQSEvent['Records'],
  failures: Record<string, unknown>,
  visibility = new RecordingVisibility(),
) {
  const { tools, lines } = fakeTools();
  const sender = new RecordingSender();
  for (const [userId, error] of Object.entries(failures)) sender.failFor.set(`${userId}@example.com`, error);
  const handler = relayModule.createRelayHandler({
    ...tools,
    relay: {
      directory: memoryDirectory(
        ['ada', 'bob', 'cy'].map((userId) => ({ userId, email: `${userId}@example.com`, status: 'active' })),
      ),
      ledger: new MemoryRelayLedger(),
      sender,
      clock: () => SAMPLE_NOW + 5_000,
      from: 'Hygiene <hygiene@corp.example>',
    },
    maxReceiveCount: MAX_RECEIVE_COUNT,
    visibility,
  });
  const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 30_000 });
  const fields = lines.find((l) => l.message === 'relay batch')?.fields as Record<string, unknown>;
  return { response, holds: visibility.holds, fields };
}

describe('the relay handler and SES’s spent daily quota', () => {
  it('holds a record refused for the daily quota for hours, growing with its delivery, and still fails it', async () => {
    const first = await invoke([onDelivery('bob', 1), onDelivery('ada', 1)], { bob: DAILY_QUOTA() });
    const third = await invoke([onDelivery('bob', 3)], { bob: DAILY_QUOTA() });

    expect(first.holds).toEqual([
      { message: { queueArn: QUEUE_ARN, receiptHandle: 'handle-bob-1' }, seconds: 2 * HOUR },
    ]);
    expect(third.holds).toEqual([
      { message: { queueArn: QUEUE_ARN, receiptHandle: 'handle-bob-3' }, seconds: 8 * HOUR },
    ]);
    expect(first.holds[0]?.seconds).toBeGreaterThanOrEqual(HOUR);
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }]);
    expect(first.fields.quotaDeferred).toEqual([{ messageId: 'msg-bob', userId: 'bob', seconds: 2 * HOUR }]);
  });

  it('holds a record out of time whose last attempt SES refused for the daily quota', async () => {
    const outOfTime = new NoTimeLeftError('no time left to send', { cause: DAILY_QUOTA() });
    const { holds } = await invoke([onDelivery('bob', 2)], { bob: outOfTime });

    expect(holds).toEqual([
      { message: { queueArn: QUEUE_ARN, receiptHandle: 'handle-bob-2' }, seconds: 4 * HOUR },
    ]);
  });

  it('holds nothing for a rejected message, the per-second rate, or a record out of time for that rate', async () => {
    const { holds, response, fields } = await invoke([onDelivery('bob', 1), onDelivery('cy', 1)], {
      bob: new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }),
      cy: new NoTimeLeftError('no time left to send', { cause: SENDING_RATE() }),
    });
    const rate = await invoke([onDelivery('bob', 1)], { bob: SENDING_RATE() });

    expect(holds).toEqual([]);
    expect(rate.holds).toEqual([]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }, { itemIdentifier: 'msg-cy' }]);
    expect(fields.quotaDeferred).toEqual([]);
  });

  it('holds nothing on the last delivery: SQS moves the record to the DLQ as before', async () => {
    const { holds, response } = await invoke([onDelivery('bob', MAX_RECEIVE_COUNT)], { bob: DAILY_QUOTA() });

    expect(holds).toEqual([]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }]);
  });

  it('logs a hold SQS refused and still reports the record failed; the other holds stand', async () => {
    const visibility = new RecordingVisibility();
    visibility.refuse.add('handle-bob-1');
    const { holds, response, fields } = await invoke(
      [onDelivery('bob', 1), onDelivery('cy', 2)],
      { bob: DAILY_QUOTA(), cy: DAILY_QUOTA() },
      visibility,
    );

    expect(holds).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }, { itemIdentifier: 'msg-cy' }]);
    expect(fields.quotaDeferred).toEqual([{ messageId: 'msg-cy', userId: 'cy', seconds: 4 * HOUR }]);
    expect(fields.quotaDeferralFailures).toEqual([
      { messageId: 'msg-bob', error: 'Error: ReceiptHandleIsInvalid: The receipt handle has expired.' },
    ]);
  });
});
