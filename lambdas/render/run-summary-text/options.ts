/**
 * What the caller of the run summary text tells it (how many records to list, where its pasteable commands aim, how
 * the run was made): the CLI and the admin report each fill it from what they know.
 */

/** Options for {@link renderRunSummaryText}. */
export interface TextRenderOptions {
  /** How many invalid / skipped / failed records to list (default 20). */
  readonly listLimit?: number;
  /**
   * The flags naming the table the run swept, as shell words, that the
   * tripped guard's advice carries — its `sweep --dry-run` and its `guard
   * approve`, so that the plan is read and the approval recorded where the
   * run looks (e.g. `--endpoint URL --table NAME`, or `--stack NAME`: the
   * CLI's `targetFlagsOf`, the admin report's deployment stack when known);
   * none for the default stack, or for a stack the caller does not know. The
   * manifest line's `runs show` carries them too.
   */
  readonly targetFlags?: string;
  /**
   * What the advice's `guard approve` needs after {@link targetFlags}, as
   * shell words: `--enforce` for a deployment in audit mode, which refuses
   * an approval without it; none otherwise.
   */
  readonly approveFlags?: string;
  /**
   * The run's `--now ISO` (the CLI's, when given), as shell words: the
   * advice's `sweep --dry-run` carries it after {@link targetFlags}, so the
   * dry run plans at the run's instant; its acting sweep only on a local
   * table ({@link localTable}: in AWS an acting sweep refuses `--now`). None
   * otherwise.
   */
  readonly nowFlags?: string;
  /**
   * The run's other flags that change what it plans (the CLI's `--config`,
   * `--directory-table` when given), as shell words after {@link nowFlags}:
   * the advice's `sweep --dry-run` carries them, so the dry run plans the
   * run's deletions and trips its guard the same way, and so does its acting
   * sweep, in AWS too (there `--config` replaces the deployed config), so the
   * approved plan is the one it makes; none otherwise. The `guard approve`
   * does not carry them: an approval holds a count and an expiry, not a
   * config or an instant (docs/sweep.md, "The blast-radius guard").
   */
  readonly checkFlags?: string;
  /**
   * The run's `--config` file, as {@link checkFlags} names it, when that file
   * sets `"mode": "audit"` itself (the CLI's `configSaysAudit`): a sweep with
   * it only plans, so the advice's acting sweep would be another dry run that
   * never uses the approval. The advice then says to take `"mode"` out of the
   * file (or to give `--config` a copy without it) before that sweep, which
   * keeps the file, so it still plans what was checked. Absent otherwise (an
   * admin report: a Lambda run has no `--config` file).
   */
  readonly auditConfigFile?: string;
  /**
   * The printer lists the run's planned deletions after the summary (the
   * CLI's `sweep --dry-run` as text): the tripped guard's advice is then to
   * check that list, not to run a dry run. Off by default: a summary alone
   * (an admin report, an acting run) has no list to point at.
   */
  readonly plannedDeletionsListed?: boolean;
  /**
   * The run swept a local table (the CLI's `sweep --endpoint`), where a
   * sweep with `--allow-mass-delete` also overrides the guard, for that run
   * only: the tripped guard's advice then says so. Off by default: in AWS (a
   * stack, a table without `--endpoint`, the deployed sweep's admin report)
   * the flag is refused, and only `guard approve` does it.
   */
  readonly localTable?: boolean;
  /**
   * The run's table is gone once the printing command ends (`pc-hygiene local`
   * deletes its database), so no command aimed at it can be pasted after; and
   * one without target flags would reach the default stack instead. The
   * summary then names none: its manifest line no `runs show`, and a tripped
   * guard's banner says these lines in place of its dry run and `guard
   * approve` (say what can be done instead). Absent by default.
   */
  readonly tableGone?: readonly string[];
  /**
   * The caller cannot name the run's deployment (the admin report of a
   * deployment whose sweep has no `STACK_NAME`): the manifest line's `runs
   * show` and the tripped guard's commands ({@link approvalAdviceLines}) say
   * to add the deployment's `--stack NAME`, rather than reading as aimed at
   * the default stack.
   */
  readonly stackUnknown?: boolean;
}
