/** CSV (RFC 4180): a header, then one row per input record, same order. */
import { compactAction } from './action-text';
import type { PlanFormatter } from './plan-types';
import { recordStatus } from './plan-types';

/** The CSV header columns. */
export const PLAN_CSV_COLUMNS = ['line', 'id', 'userId', 'status', 'actions', 'problems'] as const;

/**
 * Quotes one CSV cell. A cell that a spreadsheet would run as a formula
 * (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`: ids and
 * problem texts come from the input and must not execute.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
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
