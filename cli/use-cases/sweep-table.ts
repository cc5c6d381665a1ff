/**
 * One sweep over a table with the DynamoDB adapters (scanner, writer,
 * checkpoint store), a run aborted after it wrote taken as an outcome with
 * its partial summary, and the exit code a finished or aborted run means:
 * what the `sweep` and `local` commands share, so it lives outside both
 * command files.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sweepTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import type { HygieneConfig, Mode } from '../../lambdas/hygiene/config';
import type { OperatorIdentity } from '../../lambdas/hygiene/operator-identity';
import type { CheckpointStore, ScanCheckpoint } from '../../lambdas/hygiene/ports';
import { guardBlocked, type RunSummary } from '../../lambdas/hygiene/run-summary';
import {
  createRunId,
  DEFAULT_DEADLINE_MARGIN_MS,
  runSweep,
  SweepAbortedError,
  type SweepDeps,
  type SweepProgress,
} from '../../lambdas/hygiene/sweep';
import { isSesSendable } from '../../lambdas/relay/ses-address';
import { terminalText } from '../../lambdas/render/sanitize';
import { EXIT_CODE } from '../exit-codes';

/**
 * The exit code for a run's summary (docs/sweep.md, "Exit codes"): an aborted
 * run or failed writes first (something is broken: `failure`), then a tripped
 * guard (deletions need an operator's decision), then an incomplete scan (run
 * again to continue).
 */
export function sweepExitCode(summary: RunSummary): number {
  if (summary.status === 'aborted' || summary.failed.count > 0) return EXIT_CODE.failure;
  if (guardBlocked(summary)) return EXIT_CODE.guardTripped;
  if (summary.status === 'incomplete') return EXIT_CODE.incomplete;
  return EXIT_CODE.complete;
}

/** What {@link sweepTable} needs. */
export interface TableSweep {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly config: HygieneConfig;
  readonly now: number;
  readonly mode: Mode;
  readonly allowMassDelete?: boolean;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** A time budget in ms: the run stops cleanly (incomplete, checkpoint saved) before it runs out. */
  readonly timeBudgetMs?: number;
  /** Told when a stored checkpoint is unreadable and ignored. */
  readonly onWarning?: (message: string) => void;
  /**
   * Told when the run resumes from a stored checkpoint (enforce only: audit reads none), as soon as it is read: the
   * run scans with the checkpoint's segment count, whatever `config.scanSegments` says (its positions are per
   * segment: docs/sweep.md, "Time budget and checkpoint").
   */
  readonly onResume?: (resumeFrom: ScanCheckpoint) => void;
  /** Told of every planned deletion with the guard's verdict (`sweep --dry-run` lists them). */
  readonly onDeletion?: SweepDeps['onDeletion'];
  /**
   * The owner directory table, for the orphan rule (docs/rules.md); a missing
   * table reads as no directory (nothing orphaned, the summary says so).
   */
  readonly directoryTable?: string;
  /** Who runs it: recorded in the run manifest's header (docs/data-model.md, "Run manifests"). */
  readonly operator?: OperatorIdentity;
}

/**
 * Runs one sweep over a table with the DynamoDB adapters (scanner, writer,
 * checkpoint store, run manifest, guard approvals): what `sweep` and `local`
 * share. A tripped guard uses a pending `guard approve` approval like the
 * scheduled sweep does.
 * @throws {SweepAbortedError} when too many writes failed
 */
export function sweepTable(options: TableSweep): Promise<RunSummary> {
  const { client, tableName, timeBudgetMs } = options;
  const deadline = timeBudgetMs === undefined ? undefined : Date.now() + timeBudgetMs;
  return runSweep(
    {
      clock: Date.now,
      scanner: new DynamoDbCredentialScanner(client, tableName),
      writer: sweepTransitionWriter(client, tableName),
      checkpoints: toldOfResume(
        new DynamoDbCheckpointStore(client, tableName, {
          ...(options.onWarning && { onInvalid: options.onWarning }),
        }),
        options.onResume,
      ),
      ...(options.onProgress && { onProgress: options.onProgress }),
      ...(options.onDeletion && { onDeletion: options.onDeletion }),
      ...(deadline !== undefined && { remainingMs: () => deadline - Date.now() }),
      ...(options.directoryTable !== undefined && {
        directory: new DynamoOwnerDirectory(client, options.directoryTable),
        sendable: isSesSendable,
      }),
      manifest: new DynamoDbRunManifestWriter(client, tableName),
      approvals: new DynamoDbGuardApprovals(client, tableName),
    },
    {
      config: options.config,
      now: options.now,
      runId: createRunId(options.now, randomBytes(3).toString('hex')),
      mode: options.mode,
      allowMassDelete: options.allowMassDelete ?? false,
      ...(options.operator !== undefined && { operator: options.operator }),
      // A short budget keeps a tenth of itself in reserve rather than the Lambda-sized default.
      ...(timeBudgetMs !== undefined && {
        deadlineMarginMs: Math.min(DEFAULT_DEADLINE_MARGIN_MS, timeBudgetMs / 10),
      }),
    },
  );
}

/**
 * `store`, telling `onResume` of each checkpoint it loads that a run resumes from (a readable one: the sweep
 * resumes from every one it is handed, in enforce, the only mode that loads one); as it is without `onResume`.
 */
function toldOfResume(store: CheckpointStore, onResume: TableSweep['onResume']): CheckpointStore {
  if (onResume === undefined) return store;
  return {
    load: async () => {
      const loaded = await store.load();
      if (loaded?.resumeFrom !== undefined) onResume(loaded.resumeFrom);
      return loaded;
    },
    save: (checkpoint) => store.save(checkpoint),
    clear: (loaded) => store.clear(loaded),
  };
}

/**
 * A run's summary, and the abort that ended it early (more than `maxWriteFailures` failed writes, or an error of the
 * run's own after it wrote), if any.
 */
export interface SweepOutcome {
  readonly summary: RunSummary;
  readonly aborted?: SweepAbortedError;
}

/**
 * Runs the sweep; an abort is an outcome with its partial summary (exit 1: {@link sweepExitCode}), every other
 * error is thrown. What was written before an abort is on the table: the caller prints the summary as for a
 * finished run, then {@link sweepAbortedLine}.
 */
export async function sweepOrAbort(run: () => Promise<RunSummary>): Promise<SweepOutcome> {
  try {
    return { summary: await run() };
  } catch (error: unknown) {
    if (error instanceof SweepAbortedError) return { summary: error.summary, aborted: error };
    throw error;
  }
}

/** What stderr says of an aborted run, after its summary: why it stopped. */
export function sweepAbortedLine(aborted: SweepAbortedError): string {
  return `pc-hygiene: sweep aborted: ${terminalText(aborted.message)}\n`;
}
