/**
 * The `--run RUN_ID` form of `pc-hygiene restore` (registered with `restore`
 * in `restore.ts`): undoes a whole run's deletions from its manifest, with the
 * same per-credential checks as `restore ID`, or shows what it would undo
 * with `--dry-run`. Stored manifest fields are printed as single-line
 * terminal text, one field at a time, so none forges a line of the report;
 * the per-credential warnings go to stderr as `restore ID` writes them. A
 * missing manifest page is listed with its cause (`write-failed`, `lost`,
 * `unknown`; `malformed` when its entries are not a list: cli/aws/run-manifest-parse.ts),
 * and so is each malformed entry of a page, and a page whose read failed
 * (`unread`, `read-failed` in JSON: the restore stopped there, and lists what
 * it restored before). The summary line also counts the owners who may have
 * been told of a deletion it undid (its notice already sent: tell them it is
 * restored) and the credentials skipped as deleted since by another run, with
 * how to see those runs (docs/deploy.md, "Restore runbook"), and those that
 * failed with an error rather than a check (throttled, a reset connection),
 * which the same command run again restores once the cause is fixed. Interrupted
 * (Ctrl-C, a `kill`, a closed terminal), it starts no further restore, lets
 * the restores in flight finish and lists what it did, the page it stopped at
 * (`interrupted`), and that running it again is safe; it then exits as the
 * signal would (130 for SIGINT). It stops the same way at an error that every
 * other restore would fail with too (not authorized, the table gone, the
 * credentials no longer valid: expired or unknown), listing the page it
 * stopped at (`stopped`, naming the error and the credential it was met at),
 * and exits 1. Otherwise exit 0 when nothing was refused and no
 * manifest page or entry was missing, malformed or unread, 1 otherwise.
 */
import { collate } from '../../lambdas/hygiene/collate';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalText } from '../../lambdas/render/sanitize';
import type { RestoreResult } from '../aws/restore';
import { EXIT_CODE } from '../exit-codes';
import { interruptedExitCode, onInterrupt } from '../interrupts';
import type { TargetFlags } from '../options/deployment-target';
import { MAX_RUN_ID_BYTES, runsShowCommandFor } from '../options/run-id';
import { withTable } from '../options/table-options';
import { sayOnStderr } from '../stderr';
import { UsageError } from '../usage-error';
import {
  type RunRestoreMiss,
  type RunRestoreMissingPage,
  type RunRestoreResult,
  restoreRun,
} from '../use-cases/restore-run';
import { deletionNoticeText, type RestoreFlags, restoreTerms, writeRestoreWarnings } from './restore-terms';

/** The `restore` flags the run form reads. */
export interface RestoreRunFlags extends RestoreFlags {
  readonly run?: string;
  readonly format: string;
}

/** `, N manifest pages missing` for a count above 0, else nothing. */
const countText = (count: number, one: string, many: string, state: string): string =>
  count > 0 ? `, ${count} manifest ${count === 1 ? one : many} ${state}` : '';

/**
 * What a page line calls the page: `malformed page N`, `unread page N`, `interrupted at page N`,
 * `stopped at page N`, or `missing page N (cause)`.
 */
const pageName = (p: RunRestoreMissingPage): string => {
  if (p.cause === 'malformed') return `malformed page ${p.page}`;
  if (p.cause === 'read-failed') return `unread page ${p.page}`;
  if (p.cause === 'interrupted') return `interrupted at page ${p.page}`;
  if (p.cause === 'stopped') return `stopped at page ${p.page}`;
  return `missing page ${p.page} (${p.cause})`;
};

/** A page line: what the page is, and why its deletions were not restored. */
const pageLine = (p: RunRestoreMissingPage): string => `${pageName(p)}: ${terminalText(p.error)}`;

/** How many other runs' ids the summary names; the skipped lines name every one. */
const RUNS_NAMED = 3;

/**
 * `; N owner(s) may have been told of the deletion: tell them it is restored`
 * for the distinct owners (`userId`) of the credentials whose deletion notice
 * had already been sent (`deletionNoticeSent`), else nothing.
 */
function toldOwnersText(restored: readonly RestoreResult[], dryRun: boolean): string {
  const told = restored.filter((r) => r.deletionNoticeSent);
  if (told.length === 0) return '';
  const owners = new Set(told.map((r) => r.userId ?? `(no userId: ${r.id})`)).size;
  return (
    `; ${owners} ${owners === 1 ? 'owner' : 'owners'} may have been told of the deletion: ` +
    `tell them ${dryRun ? 'once ' : ''}it is restored`
  );
}

/**
 * `; N skipped still deleted by another run: see pc-hygiene runs show r2 --table T, …` for the credentials skipped
 * as `not-deleted-by-run` (that run's deletion stands), naming up to {@link RUNS_NAMED} of the runs, each command
 * pasteable as printed and aimed at the table this restore read (`flags`: `runsShowCommandFor`), each printed once
 * (the runs whose ids a terminal cannot show share one, its placeholder said why: {@link namedRunsText}); those
 * deleted since with no run id the CLI can read are counted apart: none recorded, or one it refuses as a run id
 * (empty, or too long for a manifest's keys: no run's manifest has it, and `runs show` of it would fail), which the
 * skipped lines name as stored. Nothing when there are none.
 */
function stillDeletedText(skipped: readonly RunRestoreMiss[], flags: TargetFlags): string {
  const since = skipped.filter((m) => m.check === 'not-deleted-by-run');
  const commands = new Map<string, string>();
  for (const run of new Set(since.flatMap((m) => m.deletedByRun ?? []))) {
    const command = runsShowCommandFor(run, flags);
    if (command !== undefined) commands.set(run, command);
  }
  const unread = since.filter((m) => m.deletedByRun === undefined || !commands.has(m.deletedByRun)).length;
  const parts: string[] = [];
  if (commands.size > 0) parts.push(namedRunsText(since.length - unread, commands));
  if (unread > 0)
    parts.push(
      `${unread} skipped deleted again with no run id the CLI can read (none recorded, or one empty or over ` +
        `${MAX_RUN_ID_BYTES.toLocaleString('en-US')} bytes: pc-hygiene export shows ${unread === 1 ? 'it' : 'them'})`,
    );
  return parts.map((part) => `; ${part}`).join('');
}

/**
 * `N skipped still deleted by M other runs: see <command>, … (and K more runs: …)` for the `count` credentials
 * deleted since by the runs of `commands` (each run's printed `runs show`), naming up to {@link RUNS_NAMED}
 * distinct commands in the runs' order: runs whose ids a terminal cannot show have the same command (a placeholder
 * in place of the id, said why), printed once; `M` counts the runs, and `K` those no printed command stands for.
 */
function namedRunsText(count: number, commands: ReadonlyMap<string, string>): string {
  const runs = [...commands.keys()].sort(collate);
  const byRuns = runs.length === 1 ? 'another run' : `${runs.length} other runs`;
  const shown = [...new Set(runs.map((run) => commands.get(run)))].slice(0, RUNS_NAMED);
  const more = runs.filter((run) => !shown.includes(commands.get(run))).length;
  return (
    `${count} skipped still deleted by ${byRuns}: see ${shown.join(', ')}` +
    (more > 0 ? ` (and ${more} more ${more === 1 ? 'run' : 'runs'}: the skipped lines name them)` : '')
  );
}

/**
 * `; N failed with an error …: run the same restore --run again …` for the credentials refused by no check
 * (DynamoDB's error, the network's: throttled, a connection reset; access denied ends the run: {@link STOPPED_TEXT}),
 * which a run of the same command once the cause is fixed restores, else nothing.
 */
function failedText(refused: readonly RunRestoreMiss[]): string {
  const failed = refused.filter((m) => m.check === undefined).length;
  if (failed === 0) return '';
  return (
    `; ${failed} failed with an error (named on ${failed === 1 ? 'its line' : 'their lines'}, not a check's refusal): ` +
    'once its cause is fixed, run the same restore --run again (a credential restored already is skipped)'
  );
}

/** `, interrupted (SIGINT)` when the restore was interrupted, else nothing. */
function interruptedText(pages: readonly RunRestoreMissingPage[], signal: string | undefined): string {
  return pages.some((p) => p.cause === 'interrupted') ? `, interrupted${signal ? ` (${signal})` : ''}` : '';
}

/** `, stopped by an error …` when the restore stopped at an error every other restore would fail with too. */
const STOPPED_TEXT =
  ', stopped by an error every other restore would fail with too (its stopped line names it)';

/**
 * What to do after failures, last in the summary: stopped by an error, run the same command again once its cause is
 * fixed (the advice {@link failedText} gives, for the failures too); else {@link failedText}.
 */
function failuresAdvice(stopped: boolean, refused: readonly RunRestoreMiss[]): string {
  if (!stopped) return failedText(refused);
  return '; once its cause is fixed, run the same restore --run again (a credential restored already is skipped)';
}

/** The listing and summary line of a run's restore (`flags`: where it read, for the commands it prints). */
function resultText(result: RunRestoreResult, flags: TargetFlags, signal?: string): string {
  const verb = result.dryRun ? 'would restore' : 'restored';
  const malformedPages = result.missingPages.filter((p) => p.cause === 'malformed').length;
  const unreadPages = result.missingPages.filter((p) => p.cause === 'read-failed').length;
  const stops = result.missingPages.filter((p) => p.cause === 'interrupted' || p.cause === 'stopped').length;
  const missing = result.missingPages.length - malformedPages - unreadPages - stops;
  const stopped = result.missingPages.some((p) => p.cause === 'stopped');
  const lines = [
    ...result.restored.map(
      (r) =>
        `${verb} ${terminalText(r.id)} (deleted ${terminalText(r.deletedAt)} as ${terminalText(r.deletedReason)}${deletionNoticeText(r)})`,
    ),
    ...result.skipped.map((m) => `skipped ${terminalText(m.id)}: ${terminalText(m.error)}`),
    ...result.refused.map((m) => `refused ${terminalText(m.id)}: ${terminalText(m.error)}`),
    ...result.missingPages.map(pageLine),
    ...result.malformedEntries.map((e) => `malformed entry: ${terminalText(e.error)}`),
    `run ${terminalText(result.runId)}: ${result.restored.length} ${verb}, ${result.skipped.length} skipped, ${result.refused.length} refused` +
      countText(missing, 'page', 'pages', 'missing') +
      countText(malformedPages, 'page', 'pages', 'malformed') +
      countText(unreadPages, 'page', 'pages', 'unread') +
      countText(result.malformedEntries.length, 'entry', 'entries', 'malformed') +
      interruptedText(result.missingPages, signal) +
      (stopped ? STOPPED_TEXT : '') +
      (result.dryRun ? ' (dry run: nothing written)' : '') +
      toldOwnersText(result.restored, result.dryRun) +
      stillDeletedText(result.skipped, flags) +
      failuresAdvice(stopped, result.refused),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `restore --run RUN_ID`.
 * @throws {UsageError} when an id is given too, or `--reason`/`--by` is empty
 */
export async function runRestoreRun(
  runId: string,
  id: string | undefined,
  flags: RestoreRunFlags,
): Promise<void> {
  if (id !== undefined) throw new UsageError('give either a credential id or --run RUN_ID, not both');
  const { terms, target } = await restoreTerms(flags, 'the run is undone', 'restore --run');
  const watch = abortOnInterrupt();
  let result: RunRestoreResult;
  try {
    result = await withTable(target, (client) =>
      restoreRun(client, target.table, { runId, ...terms, interrupt: watch.interrupt }),
    );
  } finally {
    watch.stop();
  }
  // A signal after the last restore started stopped nothing: the restore is whole, and exits as such.
  const interrupted = result.missingPages.some((p) => p.cause === 'interrupted');
  const signal = interrupted ? watch.interrupted() : undefined;
  process.stdout.write(flags.format === 'json' ? `${jsonText(result)}\n` : resultText(result, flags, signal));
  writeRestoreWarnings(result.restored);
  const incomplete = result.missingPages.length > 0 || result.malformedEntries.length > 0;
  if (result.refused.length > 0 || incomplete) process.exitCode = EXIT_CODE.failure;
  // Stopped by a signal: the shell's code for a process it ended (128 + its number), as if no handler had caught it.
  if (signal !== undefined) process.exitCode = interruptedExitCode(signal);
}

/**
 * Watches for an interruption (`INTERRUPT_SIGNALS`) while a run is restored. The first aborts `interrupt` (its
 * reason the signal's name) and says on stderr that the restores in flight finish before what was done is listed;
 * its handlers are then removed, so a second signal ends the process at once (the restores in flight then unknown:
 * the same command run again tells). Node's default would end the process at the first, listing nothing.
 * @returns the signal to pass on, `stop` (removes the handlers: call it when the restore ends, either way), and
 *   `interrupted`: the signal that interrupted, if one did
 */
function abortOnInterrupt(): {
  readonly interrupt: AbortSignal;
  readonly stop: () => void;
  readonly interrupted: () => NodeJS.Signals | undefined;
} {
  const controller = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const stop = onInterrupt((signal) => {
    stop();
    caught = signal;
    sayOnStderr(
      `restore --run interrupted (${signal}): no further restore starts; the ones in flight finish, then what was ` +
        'done is listed (interrupt again to stop at once)',
    );
    controller.abort(signal);
  });
  return { interrupt: controller.signal, stop, interrupted: () => caught };
}
