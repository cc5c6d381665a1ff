/**
 * Where the run's deletions are recorded (its manifest), and the `runs show` command that shows them, aimed where
 * the run looked.
 */
import type { RunSummary } from '../../hygiene/run-summary';
import type { TextRenderOptions } from './options';

/**
 * The command that shows the run's manifest, aimed where the run looked (`targetFlags`, as the guard's advice; for
 * an unknown stack, the placeholder), as ` (…)`; none when the table is gone ({@link TextRenderOptions.tableGone}).
 */
function runsShowHint(runId: string, options: TextRenderOptions): string {
  if (options.tableGone !== undefined) return '';
  const target = options.stackUnknown ? "with the deployment's --stack NAME" : options.targetFlags;
  return ` (pc-hygiene runs show ${runId}${target ? ` ${target}` : ''})`;
}

/**
 * Where the run's deletions are recorded (nothing when it recorded none and nothing failed), and the command that
 * shows them ({@link runsShowHint}).
 */
export function manifestLines(summary: RunSummary, options: TextRenderOptions): string[] {
  const m = summary.manifest;
  if (!m || (m.entries === 0 && !m.failed)) return [];
  const failed = m.failed ? `; ${m.failed}` : '';
  return [
    `Manifest: ${m.entries} deletion(s) in ${m.pages} page(s)${runsShowHint(summary.runId, options)}${failed}`,
  ];
}
