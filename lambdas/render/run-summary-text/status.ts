/**
 * The run's status line as the text says it (complete, incomplete with or without a checkpoint, aborted and why),
 * and what to do about an abort, under it.
 */
import type { RunStatus, RunSummary } from '../../hygiene/run-summary';
import { terminalText } from '../sanitize';
import { PROBLEM_ADVICE } from './problem-advice';

/** How the text says each run status (docs/sweep.md, "The run summary"); an incomplete run: {@link statusText}. */
const STATUS_TEXT: Readonly<Record<RunStatus, string>> = {
  complete: 'complete',
  incomplete: 'INCOMPLETE (stopped before the end of the table; the next run continues)',
  aborted:
    'ABORTED (too many writes failed, or an error after the run wrote: no further writes, no checkpoint)',
};

/**
 * The run's status as the text says it. Only a run that saved a checkpoint is continued by the next: an audit run
 * (`sweep --dry-run` too) keeps none, so the next starts from the top again and, while the table outgrows one run,
 * the rest of it is never read — the text says so, and what to raise. What to do about an abort is the line after
 * it ({@link abortAdviceLines}).
 */
export function statusText(summary: RunSummary): string {
  // The reason quotes an error's message (DynamoDB's, the SDK's): escaped, so it cannot add a line.
  if (summary.status === 'aborted' && summary.abortReason !== undefined)
    return terminalText(`ABORTED: ${summary.abortReason} (no further writes, no checkpoint)`);
  if (summary.status !== 'incomplete' || summary.checkpoint?.saved === true)
    return STATUS_TEXT[summary.status];
  const none = summary.mode === 'audit' ? 'audit keeps no checkpoint' : 'no checkpoint saved';
  return (
    `INCOMPLETE (stopped before the end of the table; ${none}: the next run starts from the top again, ` +
    'so the rest is not read until the time budget or scanSegments is raised)'
  );
}

/** What to do about an aborted run, under its status line: the write failures are named only when the text lists some. */
export function abortAdviceLines(summary: RunSummary): string[] {
  if (summary.status !== 'aborted') return [];
  return [`  ${summary.failed.count > 0 ? PROBLEM_ADVICE.abortedByWrites : PROBLEM_ADVICE.aborted}`];
}
