/**
 * The SNS publisher (lambdas/aws/sns-publisher.ts; docs/notifications.md, "Size limits, splitting, batching and
 * pacing"), with SNS mocked at the client boundary: one PublishBatch per call, SNS's per-entry failures and any
 * entry it did not confirm reported as failed, a failed request failing every entry, more than 10 entries refused
 * unsent; and the drain through it: at most 10 entries and 256 KiB a call with the digest attributes, 25 digests as
 * 10 + 10 + 5, exactly the failed entries retried on the next drain.
 */
import { PublishBatchCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishBatchTooLargeError, SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { type PublishEntry, publishEntryBytes, SNS_MESSAGE_LIMIT_BYTES } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { requireInstant } from '../../lambdas/hygiene/time';
import { InMemoryOutbox, outboxEvent } from './outbox-fakes';
import { expectedEntry } from './support/sns-entry';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const sns = mockClient(SNSClient);

afterEach(() => {
  sns.reset();
});

/** A neutral message the notifier hands over ... */
function message(id: string): OutgoingMessage {
  return {
    id,
    subject: `subject ${id}`,
    text: 'text',
    document: { n: 1 },
    routing: { audience: 'owner', severity: 'info', eventTypes: [] },
  };
}

/** ... and the entry SNS must receive for it. */
function entry(id: string): PublishEntry {
  return expectedEntry({
    id,
    subject: `subject ${id}`,
    text: 'text',
    document: '{"n":1}',
    attributes: {
      eventTypes: { DataType: 'String.Array', StringValue: '[]' },
      severity: { DataType: 'String', StringValue: 'info' },
      audience: { DataType: 'String', StringValue: 'owner' },
    },
  });
}

describe('SnsPublisher', () => {
  it('sends the entries as one PublishBatch to the topic and reports SNS’s per-entry failures', async () => {
    sns.on(PublishBatchCommand).resolves({
      Successful: [{ Id: 'a', MessageId: 'm-a' }],
      Failed: [{ Id: 'b', Code: 'InternalError', Message: 'try later', SenderFault: false }],
    });
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const result = await publisher.publishBatch([message('a'), message('b')]);

    expect(sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: TOPIC, PublishBatchRequestEntries: [entry('a'), entry('b')] },
    ]);
    expect(result.failed).toEqual([
      { id: 'b', code: 'InternalError', message: 'try later', senderFault: false },
    ]);
  });

  it('fails every entry when the request itself fails', async () => {
    sns.on(PublishBatchCommand).rejects(
      new SNSServiceException({
        name: 'AuthorizationErrorException',
        $fault: 'client',
        $metadata: {},
        message: 'denied',
      }),
    );
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const result = await publisher.publishBatch([message('a'), message('b')]);

    expect(result.failed).toEqual([
      { id: 'a', code: 'AuthorizationErrorException', message: 'denied', senderFault: true },
      { id: 'b', code: 'AuthorizationErrorException', message: 'denied', senderFault: true },
    ]);
  });

  it('treats an entry SNS did not confirm as failed', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: 'a', MessageId: 'm-a' }] });
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const result = await publisher.publishBatch([message('a'), message('b')]);

    expect(result.failed.map((f) => [f.id, f.code])).toEqual([['b', 'Unconfirmed']]);
  });

  it('refuses more than 10 entries without calling SNS', async () => {
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);
    const entries = Array.from({ length: 11 }, (_, i) => message(`e${i}`));

    await expect(publisher.publishBatch(entries)).rejects.toThrow(PublishBatchTooLargeError);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });
});

describe('runNotifier through SnsPublisher (SNS mocked at the client boundary)', () => {
  function seed(outbox: InMemoryOutbox, owners: number, displayName?: string, credentialsPerOwner = 1) {
    for (let o = 0; o < owners; o++) {
      for (let c = 0; c < credentialsPerOwner; c++) {
        const e = outboxEvent({
          credentialId: `pc-${o}-${c}`,
          userId: `user-${o}`,
          ...(displayName !== undefined && { displayName }),
        });
        outbox.append(e.credentialId, [e]);
      }
    }
  }

  it('sends ≤ 10 entries and ≤ 256 KiB per call, with the digest attributes', async () => {
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    }));
    const outbox = new InMemoryOutbox();
    // 30 credentials with 256-character names (the longest kept): ~ 100 KB a digest, so the byte limit, not the count, splits batches.
    seed(outbox, 23, 'd'.repeat(256), 30);
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const summary = await runNotifier({ outbox, publisher, clock: () => NOW, sleep: timerSleep });

    const calls = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
    expect(summary.eventsPublished).toBe(23 * 30);
    expect(calls.length).toBeGreaterThan(3);
    for (const call of calls) {
      const entries = call.PublishBatchRequestEntries as PublishEntry[];
      expect(call.TopicArn).toBe(TOPIC);
      expect(entries.length).toBeLessThanOrEqual(10);
      expect(entries.reduce((sum, e) => sum + publishEntryBytes(e), 0)).toBeLessThanOrEqual(
        SNS_MESSAGE_LIMIT_BYTES,
      );
      for (const e of entries) {
        expect(e.MessageStructure).toBe('json');
        expect(Object.keys(e.MessageAttributes).sort()).toEqual([
          'audience',
          'eventTypes',
          'ownerReach',
          'severity',
          'userId',
        ]);
        // No directory in this drain: nobody judged the owners.
        expect(e.MessageAttributes.ownerReach).toEqual({ DataType: 'String', StringValue: 'unverified' });
        expect(e.MessageAttributes.eventTypes).toEqual({
          DataType: 'String.Array',
          StringValue: '["expiry-warning"]',
        });
      }
    }
    const users = calls.flatMap((c) =>
      (c.PublishBatchRequestEntries as PublishEntry[]).map((e) => e.MessageAttributes.userId?.StringValue),
    );
    expect(users.sort()).toEqual(Array.from({ length: 23 }, (_, i) => `user-${i}`).sort());
  });

  it('batches 25 small digests as 10 + 10 + 5', async () => {
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    }));
    const outbox = new InMemoryOutbox();
    seed(outbox, 25);

    await runNotifier({
      outbox,
      publisher: new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC),
      clock: () => NOW,
      sleep: timerSleep,
    });

    // Owner groups drain concurrently, so the calls may complete in any order.
    const sizes = sns
      .commandCalls(PublishBatchCommand)
      .map((c) => c.args[0].input.PublishBatchRequestEntries?.length ?? 0);
    expect(sizes.sort((a, b) => b - a)).toEqual([10, 10, 5]);
  });

  it('retries exactly the Failed entries on the next drain', async () => {
    let failNext = true;
    sns.on(PublishBatchCommand).callsFake(
      (input: {
        PublishBatchRequestEntries: {
          Id: string;
          MessageAttributes: Record<string, { StringValue: string }>;
        }[];
      }) => {
        const entries = input.PublishBatchRequestEntries;
        const failing = failNext
          ? entries.filter((e) => e.MessageAttributes.userId?.StringValue === 'user-1')
          : [];
        failNext = false;
        return {
          Successful: entries
            .filter((e) => !failing.includes(e))
            .map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
          Failed: failing.map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
        };
      },
    );
    const outbox = new InMemoryOutbox();
    seed(outbox, 3);
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const first = await runNotifier({ outbox, publisher, clock: () => NOW, sleep: timerSleep });
    const second = await runNotifier({ outbox, publisher, clock: () => NOW, sleep: timerSleep });
    const third = await runNotifier({ outbox, publisher, clock: () => NOW, sleep: timerSleep });

    expect(first).toMatchObject({ eventsPublished: 2, eventsFailed: 1 });
    expect(second).toMatchObject({ eventsPublished: 1, eventsFailed: 0 });
    expect(third).toMatchObject({ pendingItems: 0, eventsPublished: 0 });
    const secondCall = sns.commandCalls(PublishBatchCommand)[1]!.args[0].input
      .PublishBatchRequestEntries as PublishEntry[];
    expect(secondCall.map((e) => e.MessageAttributes.userId?.StringValue)).toEqual(['user-1']);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(2);
  });
});
