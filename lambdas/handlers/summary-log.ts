/**
 * Splits a run summary into log entries that fit CloudWatch Logs' 256 KB
 * event limit: one summary entry with short record lists, then the full
 * lists in chunks, so every invalid, skipped, failed or too-large id stays in
 * the audit trail.
 * The per-owner event counts are only shortened (their counts, `owners` and
 * `ownersOmitted`, stay exact). Pure: no AWS imports.
 */
import type { CappedList, EventSummary, RunSummary } from '../hygiene/run-summary';

/** Records kept in the main summary entry per list. */
export const SUMMARY_ENTRY_RECORDS = 20;
/** Records per follow-up entry (a record is at most a few hundred bytes). */
export const RECORDS_PER_ENTRY = 200;

/** One follow-up log entry: a slice of one record list. */
export interface RecordChunk {
  readonly list: 'invalid' | 'skippedChanged' | 'failed' | 'tooLarge';
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
  for (const list of ['invalid', 'skippedChanged', 'failed', 'tooLarge'] as const) {
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
      events: shortEvents(summary.events),
    },
    chunks,
  };
}
