/**
 * A readable table for people: one row per action or problem (records that
 * need nothing are counted, not listed), then a summary of counts. Columns have
 * fixed widths so the table streams without buffering the whole plan.
 */
import { formatInstant } from '../../lambdas/hygiene/time';
import { terminalText } from '../../lambdas/render/sanitize';
import { describeAction } from './action-text';
import { planDirectoryLine } from './plan-directory';
import { planGuardLines } from './plan-guard';
import type { PlanCounts, PlanFormatter } from './plan-types';
import { recordStatus } from './plan-types';

const LINE_WIDTH = 6;
const ID_WIDTH = 28;
const OWNER_WIDTH = 28;

function fitWidth(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** One table row; the id, owner and detail come from the input, so they are made safe for a terminal. */
function row(line: string, id: string, owner: string, detail: string): string {
  const idCell = fitWidth(terminalText(id), ID_WIDTH);
  const ownerCell = fitWidth(terminalText(owner), OWNER_WIDTH);
  return `${line.padStart(LINE_WIDTH - 1)}  ${idCell}  ${ownerCell}  ${terminalText(detail)}`.trimEnd();
}

/**
 * The summary block: counts per status and per action, the owner directory's line, and a table's guard verdict
 * (with, when it trips, what a sweep would do with the pending approval).
 */
function renderPlanSummary(counts: PlanCounts): string {
  const stages = counts.expiryStages.map((s) => `${s.stageDays}d: ${s.count}`).join(', ');
  const rows: [string, number, string?][] = [
    ['records', counts.records],
    ['valid', counts.valid],
    ['invalid (never acted on)', counts.invalid],
    ['already soft-deleted (ignored)', counts.alreadyDeleted],
    ['need no action', counts.noAction],
    ['with actions', counts.withActions],
    ...Object.entries(counts.actions).map(([type, n]): [string, number, string?] => [
      `  ${type}`,
      n,
      type === 'notify-expiry' && stages ? `(${stages})` : undefined,
    ]),
    ['planned soft-deletions', counts.deletions],
  ];
  const lines = rows.map(
    ([label, n, note]) => `  ${label.padEnd(32)}${String(n).padStart(7)}${note ? `  ${note}` : ''}`,
  );
  const directory = counts.directory === undefined ? '' : `  ${planDirectoryLine(counts.directory)}\n`;
  const guard =
    counts.guard === undefined
      ? ''
      : planGuardLines(counts.guard, counts.approvalCheck)
          .map((line) => `  ${line}\n`)
          .join('');
  return `Summary\n${lines.join('\n')}\n${directory}${guard}`;
}

/** Streams the table: a title, a header, rows, then the summary. */
export const tablePlanFormatter: PlanFormatter = {
  start: ({ now, input, configPath }) =>
    `Plan for ${input} at ${formatInstant(now)} (config: ${configPath ?? 'defaults'})\n\n` +
    `${row('LINE', 'ID', 'OWNER', 'ACTION / PROBLEM')}\n`,
  record: ({ lineNumber, plan }, { now }) => {
    const status = recordStatus(plan);
    const details =
      status === 'invalid'
        ? plan.problems.map((p) => `INVALID         ${p}`)
        : plan.actions.map((a) => describeAction(a, now));
    return details
      .map((detail, i) =>
        i === 0
          ? row(String(lineNumber), plan.id ?? '(no id)', plan.userId ?? '(no owner)', detail)
          : row('', '', '', detail),
      )
      .map((text) => `${text}\n`)
      .join('');
  },
  end: (counts) => `\n${renderPlanSummary(counts)}`,
};
