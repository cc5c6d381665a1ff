/**
 * The guard phase and the summary: the blast-radius guard judges every
 * deletion the run planned (docs/sweep.md, "The blast-radius guard"), and the
 * run's tallies are frozen into the one `RunSummary` a run returns (or an
 * aborted run carries).
 */
import { evaluateGuard, type GuardStatus } from '../guard';
import {
  type CheckpointSummary,
  type DirectorySummary,
  type RunSummary,
  SUMMARY_RECORD_LIMIT,
} from '../run-summary';
import { formatInstant } from '../time';
import type { SweepRun } from './run-state';

/** The guard phase: planned deletions against `maxDeletesPerRun` / `maxDeletePercent` (and the override). */
export function guardPhase(run: SweepRun): GuardStatus {
  const { tally, settings } = run;
  return evaluateGuard(
    { plannedDeletes: tally.plannedDeletions(), activeValid: tally.activeValid },
    settings.config,
    settings.allowMassDelete,
  );
}

/** How the run judged the owner directory (the summary says why nothing was orphaned). */
function directorySummary(run: SweepRun): DirectorySummary {
  const { unusable, freshness, departed } = run.directory;
  return {
    status: unusable ?? 'used',
    ...(freshness?.asOf !== undefined && { asOf: freshness.asOf }),
    ...(freshness !== undefined && { owners: freshness.owners }),
    departed: departed.size,
    maxAgeDays: run.settings.config.directoryMaxAgeDays,
  };
}

/** The run's summary so far, with `durationMs` up to now. */
export function summarize(
  run: SweepRun,
  guard: GuardStatus,
  status: RunSummary['status'],
  checkpoint?: CheckpointSummary,
): RunSummary {
  const { tally: t, settings } = run;
  const perOwner = t.perOwner();
  return {
    runId: settings.runId,
    mode: settings.mode,
    now: formatInstant(settings.now),
    startedAt: formatInstant(settings.startedAt),
    durationMs: Math.max(0, run.clock() - settings.startedAt),
    status,
    notifyOwners: settings.notifyOwners,
    scanned: t.scanned,
    valid: t.valid,
    invalid: t.invalid.toList(),
    alreadyDeleted: t.alreadyDeleted,
    activeValid: t.activeValid,
    exempt: t.exempt,
    unchanged: t.unchanged,
    planned: { ...t.planned },
    applied: { ...t.applied },
    deletions: { ...t.deletions },
    skippedChanged: t.skipped.toList(),
    failed: t.failed.toList(),
    guard,
    events: {
      queued: settings.notifyOwners,
      total: t.eventsTotal,
      perType: { ...t.eventsPerType },
      owners: perOwner.length,
      perOwner: perOwner.slice(0, SUMMARY_RECORD_LIMIT),
      ownersOmitted: Math.max(0, perOwner.length - SUMMARY_RECORD_LIMIT),
    },
    directory: directorySummary(run),
    ...(checkpoint && { checkpoint }),
  };
}
