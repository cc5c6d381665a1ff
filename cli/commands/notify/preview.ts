/**
 * `pc-hygiene notify --dry-run`: what a drain would send, rendered and printed (text or JSON), nothing consumed
 * (cli/use-cases/preview-drain.ts); with `--sink jsonl:PATH` its entries are also appended to the file.
 */
import { DynamoDbOutboxStore } from '../../../lambdas/aws/outbox-store';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalText } from '../../../lambdas/render/sanitize';
import { renderEntryPreview } from '../../digest-preview';
import { appendEntries } from '../../jsonl-sink';
import type { Target } from '../../options/deployment-target';
import { type AlsoRead, CREDENTIALS_TABLE, withTable } from '../../options/table-options';
import { type DrainPreview, previewDrain } from '../../use-cases/preview-drain';
import { drainSetupOf } from './drain';
import { claimConflictsNote } from './lease-notes';
import type { NotifyOptions } from './options';
import type { Sink } from './sink';
import type { SnsSide } from './sns-side';
import { malformedLines, subscriptionCheckNote, supersededLines } from './summary-text';

/**
 * `--dry-run`: renders what a drain would send (digests, the owner-unreachable
 * report) through the notifier's list/read and render phases, and consumes
 * nothing (`cli/use-cases/preview-drain.ts`). With `--sink jsonl:PATH` the
 * same entries are also appended to the file, as the sink would write them
 * (the input of `pc-hygiene relay`), still consuming nothing.
 */
export async function previewNotify(
  options: NotifyOptions,
  sink: Sink,
  target: Target,
  directory: AlsoRead,
  sns: SnsSide,
  now: number,
) {
  const preview = await withTable(
    target,
    (client) =>
      previewDrain({
        ...drainSetupOf(client, target, directory, sns),
        outbox: new DynamoDbOutboxStore(client, target.table, { readOnly: true }),
        now,
      }),
    CREDENTIALS_TABLE,
    directory,
  );
  if (sink.kind === 'jsonl') await appendEntries(sink.path, preview.entries);
  const written = sink.kind === 'jsonl' ? { written: `jsonl:${sink.path}` } : {};
  if (options.format === 'json') {
    process.stdout.write(`${jsonText({ dryRun: true, ...written, ...preview }, 2)}\n`);
    return;
  }
  const path = sink.kind === 'jsonl' ? terminalText(sink.path) : undefined;
  const appended =
    path === undefined
      ? ''
      : preview.entries.length > 0
        ? ` Appended to ${path}.`
        : ` Nothing to append to ${path} (no message: the file is not created).`;
  const heading =
    `Notify dry run: no lease taken, nothing published or marked. ${preview.pendingItems} pending item(s), ` +
    `${preview.owners} owner digest(s), ${preview.entries.length} message(s); owner reach ${preview.reach}` +
    `${subscriptionCheckNote(preview.subscriptionCheck)}.${leftPendingNote(preview)}${appended}`;
  const skipped = skippedLines(preview);
  const top = skipped.length === 0 ? heading : [heading, ...skipped].join('\n');
  process.stdout.write([top, ...preview.entries.map(renderEntryPreview)].join('\n\n'));
  process.stdout.write('\n');
}

/**
 * What the dry run's drain would skip, in the lines of a drain's summary (nothing when none): superseded and
 * malformed outbox entries (never sent) and items another drain still claims.
 */
function skippedLines(preview: DrainPreview): string[] {
  const lines = [...supersededLines(preview), ...malformedLines(preview)];
  if (preview.claimConflicts > 0)
    lines.push(`  claim conflicts      ${preview.claimConflicts}${claimConflictsNote(preview)}`);
  return lines;
}

/** The dry run's note on events a drain would leave pending (each too large for any message), owners named. */
function leftPendingNote(preview: DrainPreview): string {
  if (preview.eventsLeftPending === 0) return '';
  const { records, omitted } = preview.leftPending;
  const owners = records.map((r) => `${r.userId} (${r.events})`).join(', ');
  const more = omitted > 0 ? ` and ${omitted} more` : '';
  return terminalText(
    ` ${preview.eventsLeftPending} event(s) too large for any message would stay pending: ${owners}${more}.`,
  );
}
