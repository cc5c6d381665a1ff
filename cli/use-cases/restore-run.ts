/**
 * `restore --run RUN_ID`: undoes every soft-delete one run made, from its
 * manifest (docs/data-model.md, "Run manifests"), with the same checks as
 * `restore ID` for each credential (not deleted any more, deleted again by
 * another run, past its expiry without `--force`), one after the other. A
 * credential that fails a check is reported and left alone; the others are
 * restored. With `dryRun` every check is made and nothing is written.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { errorText } from '../../lambdas/hygiene/errors';
import type { ManifestEntry } from '../../lambdas/hygiene/run-manifest';
import { NotDeletedByRunError, NotDeletedError, type RestoreResult, restoreCredential } from '../aws/restore';
import { readRunHeader, runEntries } from '../aws/run-manifests';

/** What to undo, by whom and why. */
export interface RunRestoreRequest {
  readonly runId: string;
  readonly reason: string;
  readonly by: string;
  readonly now: number;
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

/** One credential of the run that was not restored, and why. */
export interface RunRestoreMiss {
  readonly id: string;
  readonly rule: ManifestEntry['rule'];
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
}

/**
 * Restores the run's deletions one by one.
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
  for await (const entry of runEntries(client, tableName, header)) {
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
  }
  return { runId: request.runId, dryRun: request.dryRun ?? false, restored, skipped, refused };
}
