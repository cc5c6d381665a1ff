/**
 * A sweep's run summary for people and machines: pretty JSON (`--format json`,
 * logs) and readable text, printed by the CLI (`sweep`, `local`) and used as
 * the body of the admin report (`lambdas/render/admin-report.ts`); the
 * commands it suggests are aimed by the caller ({@link TextRenderOptions}). Moved out
 * of the pure domain (`lambdas/hygiene/run-summary.ts` keeps the summary's
 * shape): rendering is presentation shared by the CLI and the Lambdas, not a
 * hygiene rule. Ids and texts that come from the table go through
 * `terminalText` (`sanitize.ts`), so a stored id cannot drive a terminal. Its first line is
 * the run's verdict, in the admin subject's words ({@link runVerdict}); each
 * problem it reports says where its next step is ({@link PROBLEM_ADVICE}).
 *
 * Here: the two renderings, {@link renderRunSummaryJson} and {@link renderRunSummaryText}, and the run summary's
 * public names, re-exported from its parts in `run-summary-text/` so its importers need not know them: the caller's
 * options (`options.ts`), the verdict and first line (`verdict.ts`), the status line (`status.ts`), each problem's
 * next step (`problem-advice.ts`), what the run read (`counts.ts`), its deletions and the guard's verdict
 * (`deletions.ts`), the tripped guard's banner (`guard-banner.ts`) and the advice's commands it shares with the
 * admin report (`guard-advice.ts`), the owner directory's line (`directory-line.ts`), the owner events and their
 * reach (`owner-events.ts`), the checkpoint and the pass (`checkpoint-and-pass.ts`), the manifest
 * (`manifest.ts`), and the lists of records (`record-list.ts`).
 */
import { ACTION_TYPES } from '../hygiene/policy';
import { directoryUnusable, guardBlocked, type RunSummary } from '../hygiene/run-summary';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS } from '../hygiene/time';
import { alignedRows } from './aligned-rows';
import { jsonText } from './json-text';
import { checkpointLines, passLines } from './run-summary-text/checkpoint-and-pass';
import { countsLine, EMPTY_TABLE_LINE, readAnEmptyTable } from './run-summary-text/counts';
import { deletionLines } from './run-summary-text/deletions';
import { directoryLine } from './run-summary-text/directory-line';
import { guardBanner } from './run-summary-text/guard-banner';
import { manifestLines } from './run-summary-text/manifest';
import type { TextRenderOptions } from './run-summary-text/options';
import { eventsLine, reachLines } from './run-summary-text/owner-events';
import { PROBLEM_ADVICE } from './run-summary-text/problem-advice';
import { NONE, recordList } from './run-summary-text/record-list';
import { abortAdviceLines, statusText } from './run-summary-text/status';
import { verdictLine } from './run-summary-text/verdict';

export { EMPTY_TABLE_LINE } from './run-summary-text/counts';
export type { DirectoryLineVoice } from './run-summary-text/directory-line';
export { directoryLine, RUN_DIRECTORY_VOICE } from './run-summary-text/directory-line';
export type { GuardAdviceCommands } from './run-summary-text/guard-advice';
export { approvalAdviceLines, guardAdviceCommands, withWords } from './run-summary-text/guard-advice';
export type { TextRenderOptions } from './run-summary-text/options';
export { reachLines } from './run-summary-text/owner-events';
export { PROBLEM_ADVICE } from './run-summary-text/problem-advice';
export type { RunVerdict } from './run-summary-text/verdict';
export { runVerdict } from './run-summary-text/verdict';

/** The summary as pretty-printed JSON (one document, for `--format json` and logs). */
export function renderRunSummaryJson(summary: RunSummary): string {
  return `${jsonText(summary, 2)}\n`;
}

/** The summary as readable text for a terminal. */
export function renderRunSummaryText(summary: RunSummary, options: TextRenderOptions = {}): string {
  const limit = options.listLimit ?? 20;
  const audit = summary.mode === 'audit';
  const lines: string[] = [];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  lines.push(verdictLine(summary));
  lines.push(
    `  mode ${summary.mode}${audit ? ' (dry run: nothing written, nobody notified)' : ''}, now ${summary.now}`,
  );
  lines.push(`  ${statusText(summary)} in ${seconds} s`, ...abortAdviceLines(summary));
  lines.push('');
  lines.push(countsLine(summary));
  if (readAnEmptyTable(summary)) lines.push(EMPTY_TABLE_LINE);
  lines.push('');
  if (guardBlocked(summary)) lines.push(...guardBanner(summary, options), '');
  // Headed in capitals, as every table of the CLI heads its columns (the dry run's deletions below it too).
  const appliedHeader = audit ? 'WOULD APPLY' : 'APPLIED';
  const rows: string[][] = [['ACTION', 'PLANNED', appliedHeader]];
  for (const type of ACTION_TYPES) {
    rows.push([type, String(summary.planned[type]), String(summary.applied[type])]);
  }
  // Left-aligned action names, right-aligned counts.
  lines.push(...alignedRows(rows, { leftAligned: 1 }), '');
  lines.push(...deletionLines(summary));
  lines.push(directoryLine(summary.directory));
  if (directoryUnusable(summary)) lines.push(`  ${PROBLEM_ADVICE.directory}`);
  lines.push('');
  lines.push(eventsLine(summary), ...reachLines(summary.reach, limit, audit));
  lines.push(...checkpointLines(summary), ...passLines(summary));
  lines.push(...manifestLines(summary, options));
  if (summary.transitionsWrittenAlone > 0) {
    lines.push(
      `Transitions written alone: ${summary.transitionsWrittenAlone} (their batch could not settle them; one request each)`,
    );
  }
  lines.push(
    ...recordList(
      'Skipped (changed since read)',
      summary.skippedChanged,
      limit,
      (r) => `${r.id}: ${r.changed.join(', ')}`,
    ),
  );
  lines.push(
    ...recordList(
      'Write failures',
      summary.failed,
      limit,
      (r) => `${r.id}: ${r.error}`,
      PROBLEM_ADVICE.writeFailures,
    ),
  );
  lines.push(
    ...recordList(
      'Too large to update (DynamoDB refused the write: 400 KB item limit; shrink the item, docs/data-model.md "Item size")',
      summary.tooLarge ?? NONE,
      limit,
      (r) => `${r.id}: ${r.error}`,
    ),
  );
  lines.push(
    ...recordList(
      `Last activity more than ${AFTER_NOW_TOLERANCE_MS / DAY_MS} days after now (never judged stale until then; ` +
        'a clock or import error at the source? docs/rules.md, "Last activity")',
      summary.futureActivity ?? NONE,
      limit,
      (r) => `${r.id}: ${r.lastActivity}`,
    ),
  );
  lines.push(
    ...recordList(
      'Invalid records (never acted on)',
      summary.invalid,
      limit,
      (r) => `${r.id ?? '(no id)'}: ${r.problems.join('; ')}`,
      PROBLEM_ADVICE.invalid,
    ),
  );
  return `${lines.join('\n')}\n`;
}
