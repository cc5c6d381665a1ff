/**
 * How this run stands among the runs that read the table in turn: the checkpoint it found, saved or cleared, and the
 * pass over the table it continued, with that pass's figures so far.
 */
import type { RunSummary } from '../../hygiene/run-summary';
import { terminalText } from '../sanitize';

/** The checkpoint line, when the run found, saved or cleared one. */
export function checkpointLines(summary: RunSummary): string[] {
  const c = summary.checkpoint;
  if (!c || !(c.saved || c.resumed || c.cleared || c.ignoredUnreadable)) return [];
  const what = c.saved
    ? 'saved (the next run continues from it)'
    : c.cleared
      ? 'cleared (table finished)'
      : 'not cleared (table finished, but another run had changed the stored checkpoint since)';
  const start = c.resumed
    ? '; this run resumed from one'
    : c.ignoredUnreadable
      ? '; the stored one was unreadable: this run started from the top'
      : '';
  return [`Checkpoint: ${what}${start}; ${c.segmentsDone}/${c.segments} segments done`];
}

/**
 * A run that continued a pass over the table begun by earlier runs (`pass`): the pass's figures so far beside this
 * run's, and, when the earlier runs found some, that those are still counted and where they were listed (each run's
 * own summary lists its records; docs/sweep.md, "Time budget and checkpoint").
 */
export function passLines(summary: RunSummary): string[] {
  const p = summary.pass;
  if (p === undefined) return [];
  const earlier = `${p.earlierRuns} earlier run${p.earlierRuns === 1 ? '' : 's'}`;
  const lines = [
    `Pass over the table: this run continued the pass ${p.firstRun} began (${earlier}); so far ` +
      `${p.soFar.invalid} invalid (this run ${summary.invalid.count}), ` +
      `${p.soFar.tooLarge} too large to update (this run ${summary.tooLarge?.count ?? 0})`,
  ];
  if (p.earlier.invalid > 0 || p.earlier.tooLarge > 0) {
    lines.push(
      `  the earlier runs' ${p.earlier.invalid} invalid and ${p.earlier.tooLarge} too large are still counted ` +
        '(InvalidRecords, TransitionsTooLarge) until a pass that finds none ends; each earlier run listed them in ' +
        `its own run summary (from ${p.firstRun} on), not again here`,
    );
  }
  // The first run's id is read back from the stored checkpoint: escaped, as every stored text of the summary.
  return lines.map((line) => terminalText(line));
}
