/**
 * A {@link NotificationPublisher} that passes every batch to another and
 * remembers whether the topic refused any entry (`isNotAuthorized`,
 * cli/aws/refusal-codes.ts). `notify` asks it whether to print the refusal
 * advice: the drain's summary lists only its first failures
 * (`NOTIFIER_FAILURE_LIMIT`), so a refusal after those would go unseen there,
 * while every entry SNS answered passes through here. CLI-only: the domain's
 * publisher port is unchanged.
 */
import type { OutgoingMessage, PublishLimits } from '../../lambdas/hygiene/message';
import type { FailedEntry, NotificationPublisher } from '../../lambdas/hygiene/outbox-ports';
import { isNotAuthorized } from './refusal-codes';

/** Publishes through `inner`, noting whether any entry came back not authorized. */
export class RefusalWatchingPublisher implements NotificationPublisher {
  /** The wrapped publisher's limits: the drain splits by them unchanged. */
  readonly limits: PublishLimits;
  private refused = false;

  constructor(private readonly inner: NotificationPublisher) {
    this.limits = inner.limits;
  }

  /** Whether any entry published so far failed with a not-authorized code ({@link isNotAuthorized}). */
  get refusedAny(): boolean {
    return this.refused;
  }

  /** Publishes through the wrapped publisher and returns its result as it is (an error it throws passes through). */
  async publishBatch(
    messages: readonly OutgoingMessage[],
  ): Promise<{ readonly failed: readonly FailedEntry[] }> {
    const result = await this.inner.publishBatch(messages);
    if (result.failed.some((entry) => isNotAuthorized(entry.code))) this.refused = true;
    return result;
  }
}
