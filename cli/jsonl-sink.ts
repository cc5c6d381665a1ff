/**
 * The file sink `--sink jsonl:PATH`: a {@link NotificationPublisher} that
 * appends exactly the `PublishBatch` entries it would send to SNS (`Id`,
 * `Subject`, `Message`, `MessageStructure`, `MessageAttributes`; built by
 * `lambdas/aws/sns-wire.ts`, with SNS's limits), one JSON object a line.
 * Local mode and dry runs use it to show real messages.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SNS_LIMITS, snsEntry } from '../lambdas/aws/sns-wire';
import type { OutgoingMessage, PublishLimits } from '../lambdas/hygiene/message';
import type { FailedEntry, NotificationPublisher } from '../lambdas/hygiene/outbox-ports';

/** Appends published entries to a JSON Lines file. */
export class JsonlFileSink implements NotificationPublisher {
  /** SNS's limits: the file holds what SNS would receive. */
  readonly limits: PublishLimits = SNS_LIMITS;

  constructor(readonly path: string) {}

  /**
   * Appends one line per entry in one write. Never fails an entry: a write
   * error (disk full, no permission) is thrown, which the notifier treats as
   * every entry of the batch failing, so nothing is marked sent.
   */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<{ failed: FailedEntry[] }> {
    if (messages.length === 0) return { failed: [] };
    await mkdir(dirname(this.path), { recursive: true });
    const lines = messages.map(snsEntry).map((e) =>
      JSON.stringify({
        Id: e.Id,
        Subject: e.Subject,
        Message: e.Message,
        MessageStructure: e.MessageStructure,
        MessageAttributes: e.MessageAttributes,
      }),
    );
    await appendFile(this.path, `${lines.join('\n')}\n`, 'utf8');
    return { failed: [] };
  }
}
