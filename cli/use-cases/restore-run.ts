/**
 * `restore --run RUN_ID`: undoes every soft-delete one run made, from its
 * manifest (docs/data-model.md, "Run manifests"), with the same checks as
 * `restore ID` for each credential (not deleted any more, deleted again by
 * another run, past its expiry without `--force`), {@link RESTORE_CONCURRENCY}
 * at a time while the manifest is read page by page. A credential that fails a
 * check is reported and left alone; the others are restored. A manifest page
 * that is missing (its write failed in the run: `manifest.failed`) is reported
 * and passed over, and the pages after it are still restored. With `dryRun`
 * every check is made and nothing is written.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { collate } from '../../lambdas/hygiene/collate';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { errorText } from '../../lambdas/hygiene/errors';
import type { ManifestEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { TaskPool } from '../../lambdas/hygiene/task-pool';
import {
  NotDeletedByRunError,
  NotDeletedError,
  type RestoreResult,
  type RestoreTerms,
  restoreCredential,
} from '../aws/restore';
import { missingPageText, readRunHeader, runPages } from '../aws/run-manifests';

/** Restores in flight at once (each a consistent read and a conditional write). */
export const RESTORE_CONCURRENCY = 8;

/** What to undo, by whom and why. */
export interface RunRestoreRequest extends RestoreTerms {
  readonly runId: string;
}

/** One credential of the run that was not restored, and why. */
export interface RunRestoreMiss {
  readonly id: string;
  readonly rule: ManifestEntry['rule'];
  readonly error: string;
}

/** A manifest page that could not be read: its deletions were not restored. */
export interface MissingManifestPage {
  readonly page: number;
  readonly error: string;
}

/** The outcome for the whole run. */
export interface RunRestoreResult {
  readonly runId: string;
  readonly dryRun: boolean;
  /** Restored (or, in a dry run, that would be). */
  readonly restored: readonly RestoreResult[];
  /** No longer deleted by this run (restored already, or deleted again by another run): nothing to undo. */
  readonly skipped: readonly RunRestoreMiss[];
  /** Refused by a check (e.g. past its expiry without `force`) or failed: still deleted. */
  readonly refused: readonly RunRestoreMiss[];
  /** Pages the header counts but the table does not hold: their credentials are still deleted. */
  readonly missingPages: readonly MissingManifestPage[];
}

/** Why a missing page's credentials were not restored, and how to find them. */
function missingPageError(header: RunManifestHeader, page: number): string {
  return (
    `${missingPageText(header, page)} (its write failed: the run summary's manifest.failed): its deletions were not restored; ` +
    `they still carry ${HYGIENE_ATTR.deletedByRun} = ${header.runId} (pc-hygiene export shows them): restore them by id`
  );
}

/**
 * Restores the run's deletions, {@link RESTORE_CONCURRENCY} at a time; results sorted by id.
 * @throws {RunNotFoundError} when the run has no manifest
 */
export async function restoreRun(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: RunRestoreRequest,
): Promise<RunRestoreResult> {
  const header = await readRunHeader(client, tableName, request.runId);
  const restored: RestoreResult[] = [];
  const skipped: RunRestoreMiss[] = [];
  const refused: RunRestoreMiss[] = [];
  const missingPages: MissingManifestPage[] = [];
  const pool = new TaskPool(RESTORE_CONCURRENCY);
  const restoreOne = async (entry: ManifestEntry): Promise<void> => {
    try {
      restored.push(
        await restoreCredential(client, tableName, {
          id: entry.id,
          reason: request.reason,
          by: request.by,
          now: request.now,
          deletedByRun: request.runId,
          ...(request.force && { force: true }),
          ...(request.dryRun && { dryRun: true }),
        }),
      );
    } catch (error: unknown) {
      const miss = { id: entry.id, rule: entry.rule, error: errorText(error) };
      if (error instanceof NotDeletedError || error instanceof NotDeletedByRunError) skipped.push(miss);
      else refused.push(miss);
    }
  };
  try {
    for await (const { page, entries } of runPages(client, tableName, header)) {
      if (entries === undefined) missingPages.push({ page, error: missingPageError(header, page) });
      for (const entry of entries ?? []) await pool.submit(() => restoreOne(entry));
    }
  } finally {
    await pool.drain();
  }
  const byId = (a: { id: string }, b: { id: string }) => collate(a.id, b.id);
  restored.sort(byId);
  skipped.sort(byId);
  refused.sort(byId);
  return {
    runId: request.runId,
    dryRun: request.dryRun ?? false,
    restored,
    skipped,
    refused,
    missingPages,
  };
}
