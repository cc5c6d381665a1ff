/**
 * The guard phase and the summary: the blast-radius guard judges every
 * deletion the run planned (docs/sweep.md, "The blast-radius guard"), and the
 * run's tallies are frozen into the one `RunSummary` a run returns (or an
 * aborted run carries). Its summary of the owner directory
 * (`directorySummary`) is also the one `plan` and `report` give.
 */
import { evaluateGuard, type GuardApproval, type GuardStatus, withApproval } from '../guard';
import { operatorFields } from '../history';
import type { DirectoryState } from '../owner-directory';
import type { RunManifestHeader } from '../run-manifest';
import {
  type CheckpointSummary,
  type DirectorySummary,
  type ManifestSummary,
  type ReachSummary,
  type RunStatus,
  type RunSummary,
  SUMMARY_RECORD_LIMIT,
} from '../run-summary';
import { formatInstant } from '../time';
import { passSummary } from './pass';
import type { SweepRun } from './run-state';

/**
 * The guard's verdict on the deletions the run planned so far, with the CLI's
 * `allowMassDelete` but without the operator's recorded approval (using that
 * is a write: {@link guardPhase}).
 */
export function judgeGuard(run: SweepRun): GuardStatus {
  const { tally, settings } = run;
  return evaluateGuard(
    { plannedDeletes: tally.plannedDeletions(), activeValid: tally.activeValid },
    settings.config,
    settings.allowMassDelete,
  );
}

/**
 * The guard phase: planned deletions against `maxDeletesPerRun` /
 * `maxDeletePercent`, then the overrides: the CLI's `allowMassDelete`, else
 * the operator's recorded approval (enforce only: using it is a write),
 * consumed only when it covers the planned deletions — and never by a run
 * that could make none of them: one already aborted (too many failed
 * writes; docs/sweep.md, "Write failures"), or one whose time for deletions
 * has run out (every deletion would be deferred: "Time budget and
 * checkpoint"). The approval stays pending for the next run.
 */
export async function guardPhase(run: SweepRun): Promise<GuardStatus> {
  const { settings, deps } = run;
  const status = judgeGuard(run);
  if (!status.tripped || status.overridden || !settings.enforce || !deps.approvals) return status;
  if (run.abortReason !== undefined || run.finalStretchReached()) return status;
  const { plannedDeletes } = status;
  const outcome = await deps.approvals.consume({ plannedDeletes, runId: settings.runId, at: run.clock() });
  return withApproval(status, outcome);
}

/**
 * The manifest phase: writes the last page of the run's deletions and its
 * header (`undefined` without a manifest: audit, or no writer).
 */
export async function manifestPhase(
  run: SweepRun,
  guard: GuardStatus,
  status: RunStatus,
): Promise<ManifestSummary | undefined> {
  const { manifest, settings } = run;
  if (!manifest) return undefined;
  return manifest.finish({
    now: formatInstant(settings.now),
    startedAt: formatInstant(settings.startedAt),
    finishedAt: formatInstant(run.clock()),
    status,
    guard: {
      tripped: guard.tripped,
      overridden: guard.overridden,
      ...(guard.approval?.status === 'used' && approverFields(guard.approval)),
    },
    ...(settings.operator !== undefined && operatorFields(settings.operator)),
  });
}

/** Who approved a used override, as the manifest header keeps it (the caller ARN only when recorded). */
function approverFields(
  approval: GuardApproval,
): Pick<RunManifestHeader['guard'], 'approvedBy' | 'approverCallerArn'> {
  return {
    approvedBy: approval.by,
    ...(approval.callerArn !== undefined && { approverCallerArn: approval.callerArn }),
  };
}

/**
 * How the orphan rule judges a loaded owner directory (`loadDirectoryState`):
 * used, or why nothing is orphaned. The one mapping of a directory's state to
 * its summary: a run's `directory`, and the same shape in `pc-hygiene plan`'s
 * and `pc-hygiene report`'s output (docs/sweep.md, "The run summary").
 * @param maxAgeDays the config's `directoryMaxAgeDays`
 */
export function directorySummary(state: DirectoryState, maxAgeDays: number): DirectorySummary {
  const { unusable, freshness, departed, readError } = state;
  return {
    status: unusable ?? 'used',
    ...(readError !== undefined && { error: readError }),
    ...(freshness?.asOf !== undefined && { asOf: freshness.asOf }),
    ...(freshness !== undefined && { owners: freshness.owners }),
    departed: departed.size,
    maxAgeDays,
  };
}

/** The run's summary so far, with `durationMs` up to now. */
export function summarize(
  run: SweepRun,
  guard: GuardStatus,
  status: RunSummary['status'],
  reach: ReachSummary,
  checkpoint?: CheckpointSummary,
  manifest?: ManifestSummary,
  abortReason?: string,
): RunSummary {
  const { tally: t, settings } = run;
  const perOwner = t.perOwner();
  // Only a resumed run carries its pass's earlier figures (audit and a run from the top load none).
  const pass = passSummary(run.scan.loaded?.resumeFrom?.pass, t.passFigures());
  return {
    runId: settings.runId,
    mode: settings.mode,
    now: formatInstant(settings.now),
    startedAt: formatInstant(settings.startedAt),
    durationMs: Math.max(0, run.clock() - settings.startedAt),
    status,
    ...(abortReason !== undefined && { abortReason }),
    notifyOwners: settings.notifyOwners,
    scanned: t.scanned,
    valid: t.valid,
    invalid: t.invalid.toList(),
    alreadyDeleted: t.alreadyDeleted,
    activeValid: t.activeValid,
    exempt: t.exempt,
    unchanged: t.unchanged,
    ...(t.futureActivity.count > 0 && { futureActivity: t.futureActivity.toList() }),
    planned: { ...t.planned },
    applied: { ...t.applied },
    deletions: { ...t.deletions },
    skippedChanged: t.skipped.toList(),
    failed: t.failed.toList(),
    ...(t.tooLarge.count > 0 && { tooLarge: t.tooLarge.toList() }),
    transitionsWrittenAlone: t.writtenAlone,
    guard,
    events: {
      queued: settings.notifyOwners,
      total: t.eventsTotal,
      perType: { ...t.eventsPerType },
      owners: perOwner.length,
      perOwner: perOwner.slice(0, SUMMARY_RECORD_LIMIT),
      ownersOmitted: Math.max(0, perOwner.length - SUMMARY_RECORD_LIMIT),
    },
    directory: directorySummary(run.directory, run.settings.config.directoryMaxAgeDays),
    reach,
    ...(checkpoint && { checkpoint }),
    ...(pass && { pass }),
    ...(manifest && { manifest }),
  };
}
