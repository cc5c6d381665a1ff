/**
 * {@link NotificationPublisher} over SNS `PublishBatch`: each neutral message
 * becomes a `MessageStructure: 'json'` entry with message attributes
 * (`sns-wire.ts`); one call per batch (its {@link SNS_LIMITS} keep each
 * within 10 entries and 256 KiB), every entry's
 * outcome reported individually. A request-level error (SNS unreachable,
 * topic missing, access denied) fails every entry of the call: nothing is
 * marked sent, the next drain retries.
 */
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { describeError } from '../hygiene/errors';
import type { OutgoingMessage, PublishLimits } from '../hygiene/message';
import type { FailedEntry, NotificationPublisher } from '../hygiene/outbox-ports';
import { SNS_BATCH_MAX_ENTRIES, SNS_LIMITS, snsEntry } from './sns-wire';

/** More entries than one `PublishBatch` call takes: a caller bug, never sent. */
export class PublishBatchTooLargeError extends Error {
  override readonly name = 'PublishBatchTooLargeError';
}

/** Publishes to one topic with `PublishBatch`. */
export class SnsPublisher implements NotificationPublisher {
  /** SNS's limits: 256 KiB a message and a batch, 10 entries a batch, bytes as SNS counts them. */
  readonly limits: PublishLimits = SNS_LIMITS;

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /**
   * @throws {PublishBatchTooLargeError} for more than 10 entries (nothing is sent)
   */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<{ failed: FailedEntry[] }> {
    if (messages.length === 0) return { failed: [] };
    const entries = messages.map(snsEntry);
    if (entries.length > SNS_BATCH_MAX_ENTRIES) {
      throw new PublishBatchTooLargeError(
        `PublishBatch takes at most ${SNS_BATCH_MAX_ENTRIES} entries, got ${entries.length}`,
      );
    }
    try {
      const out = await this.client.send(
        new PublishBatchCommand({
          TopicArn: this.topicArn,
          PublishBatchRequestEntries: entries.map((e) => ({
            Id: e.Id,
            Subject: e.Subject,
            Message: e.Message,
            MessageStructure: e.MessageStructure,
            MessageAttributes: { ...e.MessageAttributes },
          })),
        }),
      );
      const failed: FailedEntry[] = (out.Failed ?? []).map((f) => ({
        id: f.Id ?? '',
        code: f.Code ?? 'Unknown',
        message: f.Message ?? '',
        senderFault: f.SenderFault ?? false,
      }));
      // An entry SNS reports neither way was not confirmed: treat it as failed so it is retried.
      const confirmed = new Set([...(out.Successful ?? []).map((s) => s.Id), ...failed.map((f) => f.id)]);
      for (const entry of entries) {
        if (!confirmed.has(entry.Id)) {
          failed.push({
            id: entry.Id,
            code: 'Unconfirmed',
            message: 'SNS reported this entry neither successful nor failed',
            senderFault: false,
          });
        }
      }
      return { failed };
    } catch (error: unknown) {
      const { code, message, senderFault } = describeError(error);
      return { failed: entries.map((e) => ({ id: e.Id, code, message, senderFault })) };
    }
  }
}
