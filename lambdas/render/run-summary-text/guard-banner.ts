/**
 * The tripped guard's banner in the run summary: said loudly, with its reasons and what to do (the commands of
 * `guard-advice.ts`, or the caller's lines when the table is gone).
 */
import type { RunSummary } from '../../hygiene/run-summary';
import { approvalAdviceLines, guardAdviceCommands } from './guard-advice';
import type { TextRenderOptions } from './options';

/**
 * The tripped guard, said loudly, and what to do: check the planned
 * deletions (the list printed below a CLI dry run, else a dry run aimed at
 * the run's table), then approve them with a `guard approve` aimed at it
 * too, ready to paste, or on a local table sweep with `--allow-mass-delete`
 * ({@link TextRenderOptions}); for a table gone when the command ends, the
 * caller's lines instead.
 */
export function guardBanner(summary: RunSummary, options: TextRenderOptions): string[] {
  const g = summary.guard;
  const audit = summary.mode === 'audit';
  const rule = '!'.repeat(78);
  const applied = `!! Warnings, flags and notices ${audit ? 'would' : 'were'} still ${audit ? 'be ' : ''}applied.`;
  const advice = options.tableGone
    ? [applied, ...options.tableGone.map((line) => `!! ${line}`)]
    : adviceLines(summary, applied, options);
  return [
    rule,
    `!! GUARD TRIPPED: ${g.plannedDeletes} deletions planned, NONE ${audit ? 'would be made' : 'made'}.`,
    ...g.reasons.map((r) => `!!   ${r}`),
    ...advice,
    rule,
  ];
}

/** The banner's commands after `applied`: check the plan, approve the deletions and use the approval (and the local-only flag). */
function adviceLines(summary: RunSummary, applied: string, options: TextRenderOptions): string[] {
  const commands = guardAdviceCommands(summary.guard.plannedDeletes, '"..."', options);
  const check = options.plannedDeletionsListed
    ? 'Check the deletions this dry run planned (listed below)'
    : `Check the plan (${commands.check})`;
  return [
    `${applied} ${check};`,
    ...approvalAdviceLines(summary, options).map((line) => `!! ${line}`),
    ...(options.localTable
      ? ['!! (on this local table, a sweep with --allow-mass-delete also does it, for that run).']
      : []),
  ];
}
