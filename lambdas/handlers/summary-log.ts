/**
 * Splits a run summary into log entries that fit CloudWatch Logs' 256 KB
 * event limit: one summary entry with short record lists, then the full
 * lists in chunks, so every invalid, skipped, failed, too-large or future-dated id
 * stays in the audit trail.
 * The per-owner event counts are only shortened (their counts, `owners` and
 * `ownersOmitted`, stay exact). Before it is split, the logged copy has its
 * error texts without email addresses ({@link withoutAddressesForLog}). Pure:
 * no AWS imports.
 */
import { withoutEmailAddresses, withRecordTextsMasked, withTextsMasked } from '../hygiene/errors';
import type { CappedList, EventSummary, RunSummary } from '../hygiene/run-summary';

/** Records kept in the main summary entry per list. */
export const SUMMARY_ENTRY_RECORDS = 20;
/** Records per follow-up entry (a record is at most a few hundred bytes). */
export const RECORDS_PER_ENTRY = 200;

/** One follow-up log entry: a slice of one record list. */
export interface RecordChunk {
  readonly list: 'invalid' | 'skippedChanged' | 'failed' | 'tooLarge' | 'futureActivity';
  /** Index of the first record in the list. */
  readonly offset: number;
  readonly records: readonly unknown[];
}

function short<T>(list: CappedList<T>): CappedList<T> {
  const records = list.records.slice(0, SUMMARY_ENTRY_RECORDS);
  return { count: list.count, records, omitted: list.count - records.length };
}

/** The per-owner event counts cut to the entry's length, `ownersOmitted` counting every owner not shown. */
function shortEvents(events: EventSummary): EventSummary {
  const perOwner = events.perOwner.slice(0, SUMMARY_ENTRY_RECORDS);
  return { ...events, perOwner, ownersOmitted: events.owners - perOwner.length };
}

/** The summary entry (lists shortened, counts exact) and the chunks holding every listed record. */
export function splitSummaryForLog(summary: RunSummary): { summary: RunSummary; chunks: RecordChunk[] } {
  const chunks: RecordChunk[] = [];
  for (const list of ['invalid', 'skippedChanged', 'failed', 'tooLarge', 'futureActivity'] as const) {
    const records = summary[list]?.records ?? [];
    if (records.length <= SUMMARY_ENTRY_RECORDS) continue;
    for (let offset = 0; offset < records.length; offset += RECORDS_PER_ENTRY) {
      chunks.push({ list, offset, records: records.slice(offset, offset + RECORDS_PER_ENTRY) });
    }
  }
  return {
    summary: {
      ...summary,
      invalid: short(summary.invalid),
      skippedChanged: short(summary.skippedChanged),
      failed: short(summary.failed),
      ...(summary.tooLarge !== undefined && { tooLarge: short(summary.tooLarge) }),
      ...(summary.futureActivity !== undefined && { futureActivity: short(summary.futureActivity) }),
      events: shortEvents(summary.events),
    },
    chunks,
  };
}

/**
 * The summary as logged: every error text, and every problem an invalid record has, with any email address masked
 * ({@link withoutEmailAddresses}); ids, `userId`s and counts as they are. The texts are a service's (DynamoDB's,
 * reading the credentials table and the owner directory) or quote a stored value of a damaged item (up to 60
 * characters, e.g. ``userId: must be a string, got ["ada@corp.example"]``), neither of which the code controls, and
 * the log group keeps them for its retention, outside the owner directory's access control (docs/deploy.md,
 * "Security choices"). The summary the handler returns, publishes to the admins and counts in metrics keeps them.
 */
export function withoutAddressesForLog(summary: RunSummary): RunSummary {
  return {
    ...summary,
    ...(summary.abortReason !== undefined && { abortReason: withoutEmailAddresses(summary.abortReason) }),
    invalid: withRecordTextsMasked(summary.invalid, ['problems']),
    failed: withRecordTextsMasked(summary.failed, ['error']),
    ...(summary.tooLarge !== undefined && { tooLarge: withRecordTextsMasked(summary.tooLarge, ['error']) }),
    directory: withTextsMasked(summary.directory, ['error']),
    reach: withTextsMasked(summary.reach, ['error']),
    ...(summary.manifest !== undefined && { manifest: withTextsMasked(summary.manifest, ['failed']) }),
  };
}
