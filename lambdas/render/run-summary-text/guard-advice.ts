/**
 * What every tripped guard's advice says (the run summary's banner, the admin report, the CLI's refused
 * `--allow-mass-delete`): the pasteable commands that check the plan, approve the deletions and sweep at once to use
 * the approval, aimed at the run's table (docs/sweep.md, "The blast-radius guard").
 */
import type { RunSummary } from '../../hygiene/run-summary';
import type { TextRenderOptions } from './options';

/**
 * What every tripped guard's advice says after its check, the one wording of the run summary's banner and the
 * admin report's "What to do" (docs/sweep.md, "The blast-radius guard"): approve the planned deletions, then sweep
 * right away, so that the approval is used at once. An approval is used by a run planning at most `--max-deletes`,
 * and each run plans at its own instant: left to the next scheduled run, hours later, with more deletions due by
 * then, it is not used and the guard trips again; a check run after this run may plan more than it did too, and
 * then its count is the one to approve. After a run whose `--config` file says `"mode": "audit"`, a line before the
 * sweep says to take that mode out of the file ({@link auditConfigLines}). With `stackUnknown` the commands lack the
 * deployment's `--stack NAME`: the last line says to add it.
 */
export function approvalAdviceLines(summary: RunSummary, options: TextRenderOptions): string[] {
  const { approve } = guardAdviceCommands(summary.guard.plannedDeletes, '"..."', options);
  return [
    `if the deletions are right, approve them: ${approve}`,
    ...auditConfigLines(options),
    `and sweep right away, which uses the approval: ${actingSweepCommand(options)}`,
    '(an approval covers one run that plans at most --max-deletes: if the check plans more, approve its count;',
    'left to a later run, such as the next scheduled one, which plans at its own time and usually more, it is not',
    'used and the guard trips again)',
    ...(options.stackUnknown ? ["(add the deployment's --stack NAME to each of these commands)"] : []),
  ];
}

/**
 * What the advice says before its acting sweep when the run's `--config` file sets `"mode": "audit"`
 * ({@link TextRenderOptions.auditConfigFile}): with it that sweep only plans (`--enforce` does not override the
 * file), so the mode is taken out first; the sweep keeps the file, so it plans what was checked. Nothing otherwise.
 */
function auditConfigLines(options: TextRenderOptions): string[] {
  const file = options.auditConfigFile;
  if (file === undefined) return [];
  return [
    `then take "mode": "audit" out of ${file} (with it, a sweep only plans; or give --config a copy without it)`,
  ];
}

/**
 * The sweep that uses the approval at once: `pc-hygiene sweep`, aimed at the target, with the run's settings
 * (`checkFlags`: its `--config` and owner directory, in AWS too, where a `--config` replaces the deployed config, so
 * the sweep plans what was checked), its `--now` on a local table only (`nowFlags`: an acting sweep in AWS refuses
 * it), and `approveFlags` (an audit-mode deployment refuses an acting sweep without `--enforce` too).
 */
function actingSweepCommand(options: TextRenderOptions): string {
  const now = options.localTable ? options.nowFlags : '';
  const parts = [options.targetFlags, now, options.checkFlags, options.approveFlags];
  return parts.reduce<string>((command, words) => withWords(command, words), 'pc-hygiene sweep');
}

/** The commands of a tripped guard's advice ({@link guardAdviceCommands}), ready to paste. */
export interface GuardAdviceCommands {
  /**
   * The dry run that shows the plan: `pc-hygiene sweep --dry-run`, aimed at the target, with the run's `--now` and
   * settings.
   */
  readonly check: string;
  /** The approval: `pc-hygiene guard approve --max-deletes N --reason …`, aimed at the target. */
  readonly approve: string;
}

/**
 * The commands every tripped guard's advice gives (the run summary's banner,
 * the admin report, `sweep --allow-mass-delete` refused in AWS; docs/sweep.md,
 * "The blast-radius guard"): check the plan with a dry run under the run's
 * settings, then approve the deletions with `guard approve`, both aimed at
 * the run's table. Each caller says them in its own words.
 * @param maxDeletes the deletions to approve: the planned count, or a placeholder (`N`)
 * @param reasonWords the shell words after `--reason` (e.g. `"..."`, or `TEXT [--expires-in 24h]`)
 * @param flags `targetFlags` for both commands, then `nowFlags` and `checkFlags` on the dry run only and
 *   `approveFlags` on the approval only (as in {@link TextRenderOptions}); none by default
 */
export function guardAdviceCommands(
  maxDeletes: number | string,
  reasonWords: string,
  flags: Pick<TextRenderOptions, 'targetFlags' | 'nowFlags' | 'checkFlags' | 'approveFlags'> = {},
): GuardAdviceCommands {
  const target = withWords('', flags.targetFlags);
  return {
    check: withWords(withWords(`pc-hygiene sweep --dry-run${target}`, flags.nowFlags), flags.checkFlags),
    approve: withWords(
      `pc-hygiene guard approve --max-deletes ${maxDeletes} --reason ${reasonWords}${target}`,
      flags.approveFlags,
    ),
  };
}

/** `text` followed by the shell words `words`, each part after a space (nothing for no words). */
export function withWords(text: string, words = ''): string {
  return words === '' ? text : `${text} ${words}`;
}
