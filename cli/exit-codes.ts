/**
 * The exit codes of every `pc-hygiene` command, in one table (README.md,
 * "CLI: `pc-hygiene`"; docs/sweep.md, "Exit codes"): a script reads the same number
 * as the same outcome whichever command it ran, and a command cannot pick a
 * number of its own for an outcome that already has one. A command stopped by
 * a signal it caught exits as the shell says a process the signal ended
 * does, 128 + its number (cli/interrupts.ts).
 */

/** What a command's exit code says. */
export const EXIT_CODE = {
  /** Done (help and `--version` included). */
  complete: 0,
  /**
   * A failure: an error, rejected input, or operations AWS refused (the message says which); for
   * `sweep`, also failed writes, a run aborted by them (summary status `aborted`), and an operator run
   * whose admin run summary the deployment's topic did not accept (unless 3 or 4 says more).
   */
  failure: 1,
  /** A usage error (bad flag, unreadable file, invalid config): nothing was done. */
  usage: 2,
  /**
   * A guard stopped the change before it was made: the sweep's blast-radius
   * guard without an approval (`sweep`, and `local`, which runs one); `owners
   * import` with `--sync` above `maxDeletePercent`, or an export older than
   * the directory's recorded snapshot, or another export as of the same
   * instant, without `--allow-older`; `owners sync-subscriptions` at the
   * filter-policy quota, on an empty directory (`sns-email`), or when the
   * mass-unsubscribe guard held opt-outs back.
   */
  guardTripped: 3,
  /**
   * The run stopped early and the rest waits for the next run: the sweep's time budget (it resumes from its
   * checkpoint), or a `notify` that met another drain's live drain lease or its `maxItems` (the rest stays pending).
   */
  incomplete: 4,
} as const;
