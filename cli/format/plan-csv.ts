/** CSV (RFC 4180): a header, then one row per input record, same order. */
import { spreadsheetSafe } from '../../lambdas/render/sanitize';
import { compactAction } from './action-text';
import type { PlanFormatter } from './plan-types';
import { recordStatus } from './plan-types';

/** The CSV header columns. */
const PLAN_CSV_COLUMNS = ['line', 'id', 'userId', 'status', 'actions', 'problems'] as const;

/**
 * Quotes one CSV cell. A cell that a spreadsheet would run as a formula is
 * prefixed with `'` ({@link spreadsheetSafe}: `=`, `+`, `-`, `@`, tab, CR and
 * their full-width forms): ids and problem texts come from the input and
 * must not execute.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? spreadsheetSafe(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Streams a header and one row per record; several actions/problems are joined with `; `. */
export const csvPlanFormatter: PlanFormatter = {
  start: () => `${PLAN_CSV_COLUMNS.join(',')}\r\n`,
  record: ({ lineNumber, plan }) =>
    `${[
      lineNumber,
      plan.id,
      plan.userId,
      recordStatus(plan),
      plan.actions.map(compactAction).join('; '),
      plan.problems.join('; '),
    ]
      .map(csvCell)
      .join(',')}\r\n`,
  end: () => '',
};
