/**
 * The file sink `--sink jsonl:PATH`: a {@link NotificationPublisher} that
 * appends exactly the `PublishBatch` entries it would send to SNS (`Id`,
 * `Subject`, `Message`, `MessageStructure`, `MessageAttributes`; built by
 * `lambdas/aws/sns-wire.ts`, with SNS's limits), one JSON object a line.
 * Local mode uses it to show real messages; `notify --dry-run --sink
 * jsonl:PATH` writes the entries a drain would send through the same
 * {@link appendEntries}, consuming nothing. The file's folder must exist: it
 * is never created (`notify` refuses a missing one before draining,
 * cli/output-file.ts).
 */
import { appendFile } from 'node:fs/promises';
import { type PublishEntry, SNS_LIMITS, snsEntry } from '../lambdas/aws/sns-wire';
import type { OutgoingMessage, PublishLimits } from '../lambdas/hygiene/message';
import type { FailedEntry, NotificationPublisher } from '../lambdas/hygiene/outbox-ports';
import { OWNER_ONLY_FILE_MODE } from './output-file';

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
    await appendEntries(this.path, messages.map(snsEntry));
    return { failed: [] };
  }
}

/**
 * Appends `entries` to the JSON Lines file at `path`, one line per entry
 * with exactly the `PublishBatch` entry's fields, in one write; nothing when
 * there are none. The file is created when missing, its folder never: a
 * missing folder is a write error (thrown).
 */
export async function appendEntries(path: string, entries: readonly PublishEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const lines = entries.map((e) =>
    JSON.stringify({
      Id: e.Id,
      Subject: e.Subject,
      Message: e.Message,
      MessageStructure: e.MessageStructure,
      MessageAttributes: e.MessageAttributes,
    }),
  );
  // Created readable by the user only, as `relay --out`'s emails: the digests hold owners' names and credentials.
  await appendFile(path, `${lines.join('\n')}\n`, { encoding: 'utf8', mode: OWNER_ONLY_FILE_MODE });
}
