/**
 * `restore --run RUN_ID`: undoes every soft-delete one run made, from its
 * manifest (docs/data-model.md, "Run manifests"), with the same checks as
 * `restore ID` for each credential (not deleted any more, deleted again by
 * another run or at another instant than the manifest records, past its
 * expiry without `--force`), {@link RESTORE_CONCURRENCY}
 * at a time while the manifest is read page by page. A credential that fails a
 * check is reported and left alone; the others are restored. A manifest page
 * that is missing is reported with its cause (its write failed in the run, as
 * the header's `failedPages` records; or lost since; or its entries are not a
 * list, `malformed`) and passed over, and the pages after it are still
 * restored. So is an entry of a page that is malformed (cli/aws/run-manifest-parse.ts):
 * the page's other entries are restored. A page whose read fails (after the
 * SDK's retries) ends the reading: it is reported like a missing page
 * (`read-failed`), with what was restored before it. A restore DynamoDB cancels for
 * another write in flight on its items (a conflict marked `inFlight`: the 8 at once
 * each check the one drain lease item, and AWS may cancel such transactions
 * for each other) is tried again after a random pause, up to
 * {@link IN_FLIGHT_ATTEMPTS} in all, before it is listed refused; one whose
 * read or write fails with any other error (throttled after the SDK's
 * retries, a reset connection) is listed refused with that error, and the
 * others go on. Interrupted (`interrupt`), it starts no further restore (not
 * even one already waiting for a slot), lets those in flight finish and
 * reports the page it stopped at (`interrupted`). It stops the same way once
 * {@link STOP_AFTER_FAILURES} restores in a row failed with an error that
 * would fail every other restore alike (not authorized, the table gone, the
 * credentials no longer valid: {@link failsEveryRestore}), reported as
 * `stopped`. A stop is listed only when it left a restore unstarted, an
 * interrupt and an error alike: one that comes once the last entry has
 * started stops nothing. Without a
 * manifest header it restores nothing (the header, written last, is the only
 * record of the run's pages) and names the way on: each deletion by id. With
 * `dryRun` every check is made and nothing is written.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { BACKOFF_CAP_MS, fullJitterDelayMs } from '../../lambdas/hygiene/backoff';
import { collate } from '../../lambdas/hygiene/collate';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { describeError, errorText } from '../../lambdas/hygiene/errors';
import { operatorFields } from '../../lambdas/hygiene/history';
import type { ManifestEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { TaskPool } from '../../lambdas/hygiene/task-pool';
import { areCredentialsRejected, gaveNoCredentials, isNotAuthorized } from '../aws/refusal-codes';
import {
  NotDeletedByRunError,
  NotDeletedError,
  RestoreConflictError,
  RestoreRefusal,
  type RestoreResult,
  type RestoreTerms,
  restoreCredential,
} from '../aws/restore';
import type { MalformedManifestEntry, ManifestPage, MissingManifestPage } from '../aws/run-manifest-parse';
import { RunNotFoundError, readRunHeader, readRunPage } from '../aws/run-manifests';

/** Restores in flight at once (each a consistent read and a conditional write). */
export const RESTORE_CONCURRENCY = 8;

/** Attempts at one credential's restore while DynamoDB cancels it for another write in flight. */
export const IN_FLIGHT_ATTEMPTS = 4;

/**
 * The pause after failed attempt `attempt`: full jitter, up to 200 ms × 2^(attempt − 1) (200, 400, 800 ms with
 * {@link IN_FLIGHT_ATTEMPTS} attempts), capped at 5 s like the other retries, should the attempts ever be raised.
 */
const jitterPause = (attempt: number): Promise<void> =>
  timerSleep(fullJitterDelayMs(attempt, { baseMs: 200, capMs: BACKOFF_CAP_MS, random: Math.random }));

/**
 * Runs `restore`, and again after a random pause while it is refused for
 * another write in flight (a {@link RestoreConflictError} marked `inFlight`: nothing was written,
 * and each attempt reads the credential afresh), {@link IN_FLIGHT_ATTEMPTS}
 * times in all; the last refusal says how many attempts were made.
 */
async function retryingInFlight<T>(restore: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await restore();
    } catch (error: unknown) {
      if (!(error instanceof RestoreConflictError && error.inFlight)) throw error;
      if (attempt >= IN_FLIGHT_ATTEMPTS)
        throw new RestoreConflictError(`${error.message} (${attempt} attempts)`, {
          cause: error,
          inFlight: true,
        });
      await jitterPause(attempt);
    }
  }
}

/** What to undo, by whom and why. */
export interface RunRestoreRequest extends RestoreTerms {
  readonly runId: string;
  /**
   * Aborted to stop early (the command aborts it on Ctrl-C, a `kill`, a closed terminal), its `reason` the
   * signal's name: no further restore starts (not even one waiting for a slot), those in flight finish, and the
   * result lists what was done.
   */
  readonly interrupt?: AbortSignal;
}

/**
 * A page of the run whose entries were not restored: missing or malformed
 * ({@link MissingManifestPage}), or `read-failed`: its read failed (after the
 * SDK's retries), and the restore stopped there, keeping what it had restored;
 * or `interrupted`: the restore was stopped (`RunRestoreRequest.interrupt`)
 * while at this page, its entries not yet started and the pages after it left;
 * or `stopped`, the same way, by an error that would fail every other restore
 * alike ({@link failsEveryRestore}), which its `error` names with the credential
 * it was met at.
 */
export interface RunRestoreMissingPage extends Omit<MissingManifestPage, 'cause'> {
  readonly cause: MissingManifestPage['cause'] | 'read-failed' | 'interrupted' | 'stopped';
}

/** One credential of the run that was not restored, and why. */
export interface RunRestoreMiss {
  readonly id: string;
  readonly rule: ManifestEntry['rule'];
  /** Why, in words: a check's message alone; any other error with its name (e.g. `ThrottlingException: …`). */
  readonly error: string;
  /** The check that refused ({@link RestoreRefusal}'s `check`, for scripts); absent for any other error. */
  readonly check?: string;
  /** `not-deleted-by-run`: the run that deleted it since (its `hygieneDeletedByRun`), when one is recorded. */
  readonly deletedByRun?: string;
}

/** The outcome for the whole run. */
export interface RunRestoreResult {
  readonly runId: string;
  readonly dryRun: boolean;
  /** Restored (or, in a dry run, that would be). */
  readonly restored: readonly RestoreResult[];
  /**
   * No longer deleted by this run: not deleted (restored already, or a failed
   * write that did not apply), or deleted again by another run (named in
   * `deletedByRun`: that run's deletion stands). Nothing to undo.
   */
  readonly skipped: readonly RunRestoreMiss[];
  /** Refused by a check (e.g. past its expiry without `force`) or failed: still deleted. */
  readonly refused: readonly RunRestoreMiss[];
  /**
   * Pages the header counts but the table does not hold (or holds with no
   * list of entries), and why (`cause`): their credentials are still deleted.
   * Last, a page whose read failed (`read-failed`): neither it nor the pages
   * after it were restored.
   */
  readonly missingPages: readonly RunRestoreMissingPage[];
  /** Entries of the pages that are malformed, in manifest order: their credentials are still deleted. */
  readonly malformedEntries: readonly MalformedManifestEntry[];
}

/** Why an entry the manifest marks unconfirmed (`mayHaveApplied`) is not deleted: its write may not have applied. */
const UNCONFIRMED_NOT_DELETED =
  ' (restored already, or a failed write that did not apply: the manifest marks this deletion unconfirmed)';

/**
 * Why a credential was not restored, as `restore ID` says it: a check's
 * refusal ({@link RestoreRefusal}) by its message alone (its class name is no
 * word for an operator) and its `check` id (with, for one deleted since by
 * another run, that run), a `not-deleted` of an unconfirmed
 * entry with why; any other error (DynamoDB's, the network's) with its name,
 * which is the cause.
 */
function missOf(entry: ManifestEntry, error: unknown): RunRestoreMiss {
  const miss = { id: entry.id, rule: entry.rule };
  const unconfirmed = error instanceof NotDeletedError && entry.mayHaveApplied === true;
  if (error instanceof RestoreRefusal)
    return {
      ...miss,
      error: `${error.message}${unconfirmed ? UNCONFIRMED_NOT_DELETED : ''}`,
      check: error.check,
      ...(error instanceof NotDeletedByRunError &&
        error.deletedByRun !== undefined && { deletedByRun: error.deletedByRun }),
    };
  return { ...miss, error: errorText(error) };
}

/** A missing page, its error saying that its deletions were not restored and how to restore them. */
function notRestored(missing: MissingManifestPage): MissingManifestPage {
  return { ...missing, error: `${missing.error}: they were not restored; restore them by id` };
}

/**
 * The page whose read failed, its error saying that its deletions and those
 * of the pages after it were not restored, and how to restore them: run it
 * again (what was restored is skipped), or by id.
 */
function unreadPage(
  header: { runId: string; pages: number },
  page: number,
  error: unknown,
): RunRestoreMissingPage {
  const after = page < header.pages ? `, nor pages ${page + 1} to ${header.pages} after it` : '';
  return {
    page,
    cause: 'read-failed',
    error:
      `run ${header.runId}: manifest page ${page} of ${header.pages} could not be read (${errorText(error)})${after}: ` +
      'their deletions were not restored; run restore --run again (a credential restored already is skipped), or ' +
      `restore them by id: they carry ${HYGIENE_ATTR.deletedByRun} = ${header.runId} (pc-hygiene export shows them)`,
  };
}

/** What an error that fails every restore means, in words, and what to do before the same command is run again. */
interface GeneralFailure {
  readonly meaning: string;
  readonly fix: string;
}

/**
 * Why a run's restore stopped early: `interrupted` (`reason`: the signal's name), or `stopped` by `error`, met
 * restoring credential `id`, which every other restore would fail with too (`general`: {@link failsEveryRestore}).
 */
type EarlyStop =
  | { readonly cause: 'interrupted'; readonly reason: unknown }
  | {
      readonly cause: 'stopped';
      readonly id: string;
      readonly error: unknown;
      readonly general: GeneralFailure;
    };

/**
 * Restores in a row, none between them ending otherwise, that must fail with an error {@link failsEveryRestore}
 * judges general before the run stops: one such error may be the credential's own (a role without
 * `dynamodb:ConditionCheckItem` is denied only the restores that withdraw an unsent notice: docs/deploy.md, "Restore
 * runbook", Permissions), so the others go on; a run of them, with nothing restored, skipped or refused by a check
 * in between, is every restore failing alike.
 */
export const STOP_AFTER_FAILURES = 10;

/**
 * Whether a run's restore is to start no further restore, and why: once `interrupt` is aborted, or once
 * {@link STOP_AFTER_FAILURES} restores in a row failed as every other would ({@link failedForAll}; any other outcome
 * between them, {@link settled}, starts the count again). The first of them is the cause.
 */
class RunStop {
  private failure: EarlyStop | undefined;
  /** The current run of such failures: its first (named by the stop) and its length. */
  private streak:
    | { readonly id: string; readonly error: unknown; readonly general: GeneralFailure; length: number }
    | undefined;

  constructor(private readonly interrupt: AbortSignal | undefined) {}

  /** Why it stops, once it does; until then `undefined`. */
  get why(): EarlyStop | undefined {
    if (this.failure !== undefined) return this.failure;
    return this.interrupt?.aborted ? { cause: 'interrupted', reason: this.interrupt.reason } : undefined;
  }

  /**
   * A restore failed with `error` (meaning `general`), met restoring credential `id`: the run stops at the streak's
   * limit.
   */
  failedForAll(id: string, error: unknown, general: GeneralFailure): void {
    this.streak ??= { id, error, general, length: 0 };
    this.streak.length++;
    if (this.streak.length < STOP_AFTER_FAILURES) return;
    const { length: _, ...first } = this.streak;
    this.failure ??= this.why ?? { cause: 'stopped', ...first };
  }

  /** A restore ended otherwise (restored, skipped, refused by a check or another error): the streak is broken. */
  settled(): void {
    this.streak = undefined;
  }
}

/** The fix of an error whose cause the operator must find (the stopped line names its code). */
const FIX_ITS_CAUSE = 'once its cause is fixed';

/** The fix of credentials that are no longer valid, or that the SDK can no longer load. */
const RENEW_CREDENTIALS = 'once the credentials are renewed (aws sso login, or new keys)';

/**
 * Whether `error`, met restoring one credential, would fail every other restore of the run the same way, so that
 * trying them only repeats it, and what it means: a request the caller may not make (`isNotAuthorized`,
 * cli/aws/refusal-codes.ts: `AccessDenied…`, `KMSAccessDenied…`), a table that is gone
 * (`ResourceNotFoundException`), or credentials that are no longer valid (expired or unknown mid-run:
 * `areCredentialsRejected`; none the SDK can load, an SSO session expired: `gaveNoCredentials`; the rules
 * cli/options/aws-setup-errors.ts says them by). Undefined for any other error: not throttling or a reset connection
 * (the SDK has retried those, and another request may pass), nor a check's refusal.
 */
function failsEveryRestore(error: unknown): GeneralFailure | undefined {
  if (error instanceof RestoreRefusal) return undefined;
  const { code } = describeError(error);
  if (code === 'ResourceNotFoundException') return { meaning: 'the table is not found', fix: FIX_ITS_CAUSE };
  if (isNotAuthorized(code)) return { meaning: 'not authorized', fix: FIX_ITS_CAUSE };
  if (areCredentialsRejected(code))
    return { meaning: 'the credentials are no longer valid: expired or unknown', fix: RENEW_CREDENTIALS };
  if (gaveNoCredentials(code))
    return {
      meaning: 'no credentials could be loaded: an SSO session expired, for one',
      fix: RENEW_CREDENTIALS,
    };
  return undefined;
}

/**
 * The page the restore stopped at (`stop`: interrupted, or an error that fails every restore, named with the
 * credential it was met at), its error saying that the deletions of it not yet started and those of the pages after
 * it were not restored, and that the same command run again is safe (once the error's cause is fixed: its `fix`).
 */
function stoppedAt(
  header: { runId: string; pages: number },
  page: number,
  stop: EarlyStop,
): RunRestoreMissingPage {
  const after = page < header.pages ? `, nor those of pages ${page + 1} to ${header.pages}` : '';
  const notRestored = `the deletions of that page not listed above were not restored${after}`;
  const runAgain = 'run the same restore --run again (a credential restored already is skipped)';
  const at = `at manifest page ${page} of ${header.pages}`;
  if (stop.cause === 'interrupted')
    return {
      page,
      cause: 'interrupted',
      error: `run ${header.runId}: interrupted (${String(stop.reason)}) ${at}: ${notRestored}; ${runAgain}`,
    };
  const { code } = describeError(stop.error);
  const { meaning, fix } = stop.general;
  return {
    page,
    cause: 'stopped',
    error:
      `run ${header.runId}: stopped ${at}: restoring ${stop.id} failed with ${code} (${meaning}), as ` +
      `every other restore would: ${notRestored}; ${fix}, ${runAgain}`,
  };
}

/** A malformed entry, its error saying that its credential was not restored and how to find and restore it. */
function entryNotRestored(entry: MalformedManifestEntry, runId: string): MalformedManifestEntry {
  const where = `its credential still carries ${HYGIENE_ATTR.deletedByRun} = ${runId} (pc-hygiene export shows it)`;
  return { ...entry, error: `${entry.error}: it was not restored; ${where}: restore it by id` };
}

/**
 * The run's manifest header, or a refusal that says what to do without one. `restore --run` never restores from
 * pages alone: the header is written last, once every page write has settled, and is the only record of how many
 * pages there are and which failed (docs/data-model.md, "Run manifests"), so pages without it may be a run still
 * deleting, or one whose other pages are missing unseen. Its deletions carry the run's id: restore them by id.
 * @throws {RunNotFoundError} naming that alternative
 */
async function runHeaderOrRefusal(client: DynamoDBDocumentClient, tableName: string, runId: string) {
  try {
    return await readRunHeader(client, tableName, runId);
  } catch (error: unknown) {
    if (!(error instanceof RunNotFoundError)) throw error;
    throw new RunNotFoundError(
      `${error.message}. restore --run restores nothing without the header (written last, it is the only record ` +
        `of the run's pages): once the run has ended, restore each deletion by id (pc-hygiene restore ID; ` +
        'docs/deploy.md, "Restore runbook", lists them from an export)',
      { cause: error },
    );
  }
}

/**
 * Hands `entries` to `restore` in order until `stop` stops it, or `restore` says it did not start the entry (the
 * stop came while it waited for a slot); returns how many it started.
 */
async function startUntilStopped(
  entries: readonly ManifestEntry[],
  stop: RunStop,
  restore: (entry: ManifestEntry) => Promise<boolean>,
): Promise<number> {
  let started = 0;
  for (const entry of entries) {
    if (stop.why !== undefined || !(await restore(entry))) break;
    started++;
  }
  return started;
}

/**
 * Reads the run's manifest page by page and hands each entry to `restore`
 * (which waits for a free slot and says whether it started it), collecting
 * the pages and entries that cannot be restored. Stops at a page whose read
 * fails (`read-failed`), or once `stop` stops it with entries left: the page
 * it stopped at is listed `interrupted` or `stopped` (a stop after the last
 * entry started stops nothing, and is not listed).
 */
async function restorePages(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
  stop: RunStop,
  restore: (entry: ManifestEntry) => Promise<boolean>,
): Promise<Pick<RunRestoreResult, 'missingPages' | 'malformedEntries'>> {
  const missingPages: RunRestoreMissingPage[] = [];
  const malformedEntries: MalformedManifestEntry[] = [];
  for (let page = 1; page <= header.pages; page++) {
    const stopped = stop.why;
    if (stopped !== undefined) {
      missingPages.push(stoppedAt(header, page, stopped));
      break;
    }
    let read: ManifestPage;
    try {
      read = await readRunPage(client, tableName, header, page);
    } catch (error: unknown) {
      // A failed read ends the reading, not the report: what was restored so far is kept and listed.
      missingPages.push(unreadPage(header, page, error));
      break;
    }
    if (read.missing !== undefined) missingPages.push(notRestored(read.missing));
    for (const entry of read.malformed) malformedEntries.push(entryNotRestored(entry, header.runId));
    const started = await startUntilStopped(read.entries, stop, restore);
    // Only a stop leaves entries unstarted.
    const stoppedHere = stop.why;
    if (started < read.entries.length && stoppedHere !== undefined) {
      missingPages.push(stoppedAt(header, page, stoppedHere));
      break;
    }
  }
  return { missingPages, malformedEntries };
}

/**
 * Restores the run's deletions, {@link RESTORE_CONCURRENCY} at a time; results sorted by id. Once
 * `request.interrupt` is aborted, or {@link STOP_AFTER_FAILURES} restores in a row fail with an error every other
 * would fail with too (not authorized, the table gone, the credentials no longer valid), no further restore starts,
 * not even one waiting for a slot: those in flight finish, and the result lists what was done, with the page it
 * stopped at (`interrupted`, `stopped`) when the stop left a restore unstarted.
 * @throws {RunNotFoundError} when the run has no manifest header (the message says how to restore its deletions)
 */
export async function restoreRun(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: RunRestoreRequest,
): Promise<RunRestoreResult> {
  const header = await runHeaderOrRefusal(client, tableName, request.runId);
  const restored: RestoreResult[] = [];
  const skipped: RunRestoreMiss[] = [];
  const refused: RunRestoreMiss[] = [];
  const pool = new TaskPool(RESTORE_CONCURRENCY);
  const stop = new RunStop(request.interrupt);
  const restoreOne = async (entry: ManifestEntry): Promise<void> => {
    try {
      const restore = () =>
        restoreCredential(client, tableName, {
          id: entry.id,
          reason: request.reason,
          ...operatorFields(request),
          now: request.now,
          // Only the deletion the manifest records: deleted again since (a new deletedAt) is a conflict.
          deletedByRun: request.runId,
          deletedAt: entry.deletedAt,
          ...(request.force && { force: true }),
          ...(request.dryRun && { dryRun: true }),
          ...(request.exemptIds !== undefined && { exemptIds: request.exemptIds }),
          ...(request.fileOnlyExemptIds !== undefined && { fileOnlyExemptIds: request.fileOnlyExemptIds }),
        });
      restored.push(await retryingInFlight(restore));
      stop.settled();
    } catch (error: unknown) {
      const general = failsEveryRestore(error);
      if (general !== undefined) stop.failedForAll(entry.id, error, general);
      else stop.settled();
      const miss = missOf(entry, error);
      if (error instanceof NotDeletedError || error instanceof NotDeletedByRunError) skipped.push(miss);
      else refused.push(miss);
    }
  };
  // An entry may wait for a slot: the stop is checked again once it has one, before its first request.
  const startUnlessStopped = async (entry: ManifestEntry): Promise<boolean> => {
    let started = false;
    await pool.submit(async () => {
      if (stop.why !== undefined) return;
      started = true;
      await restoreOne(entry);
    });
    return started;
  };
  let pages: Pick<RunRestoreResult, 'missingPages' | 'malformedEntries'>;
  try {
    pages = await restorePages(client, tableName, header, stop, startUnlessStopped);
  } finally {
    await pool.drain();
  }
  const byId = (a: { id: string }, b: { id: string }) => collate(a.id, b.id);
  restored.sort(byId);
  skipped.sort(byId);
  refused.sort(byId);
  return { runId: request.runId, dryRun: request.dryRun ?? false, restored, skipped, refused, ...pages };
}
