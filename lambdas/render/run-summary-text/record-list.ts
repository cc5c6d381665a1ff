/**
 * The run summary's lists of records (skipped, failed, too large, future activity, invalid): each titled with its
 * count, the first few named, the rest counted, so a long list cannot bury the text.
 */
import type { CappedList } from '../../hygiene/run-summary';
import { terminalText } from '../sanitize';

/** An empty record list: what an optional list of the summary reads as when absent. */
export const NONE: CappedList<never> = { count: 0, records: [], omitted: 0 };

/** A titled list of records (the first `limit`, the rest counted), after the advice line on what to do, if any. */
export function recordList<T>(
  title: string,
  list: CappedList<T>,
  limit: number,
  line: (r: T) => string,
  advice?: string,
): string[] {
  if (list.count === 0) return [];
  const shown = list.records.slice(0, limit);
  const out = [
    '',
    `${title}: ${list.count}`,
    ...(advice !== undefined ? [`  ${advice}`] : []),
    ...shown.map((r) => `  ${terminalText(line(r))}`),
  ];
  if (list.count > shown.length) out.push(`  ... ${list.count - shown.length} more (use --format json)`);
  return out;
}
