/**
 * The checkpoint phase, both ends of it: where a run starts (a saved scan
 * position, or the top) and what it leaves (a run stopped by its time budget
 * saves its position; the run that finishes the table clears it).
 * docs/sweep.md, "Phases".
 */
import type { CheckpointSummary } from '../run-summary';
import type { ScanPosition, SweepRun, SweepSettings } from './run-state';
import type { SweepDeps } from './types';

/** The scan position to start from: the saved one (enforce only), or every segment from the top. */
export async function loadScanPosition(deps: SweepDeps, settings: SweepSettings): Promise<ScanPosition> {
  // Audit must not write, so it neither resumes nor saves: each audit run reads from the top.
  const checkpoints = settings.enforce ? deps.checkpoints : undefined;
  const resumeFrom = await checkpoints?.load();
  const segments = resumeFrom?.segments ?? settings.config.scanSegments;
  const positions: ScanPosition['positions'] = resumeFrom
    ? [...resumeFrom.positions]
    : Array.from({ length: segments }, () => null);
  return { checkpoints, resumeFrom, segments, positions };
}

/**
 * Keeps or clears the place in the table.
 * @returns what was done, or `undefined` without a checkpoint store (or in audit)
 */
export async function checkpointPhase(run: SweepRun): Promise<CheckpointSummary | undefined> {
  const { checkpoints, resumeFrom, segments, positions } = run.scan;
  if (!checkpoints) return undefined;
  const { stoppedEarly } = run;
  const done = positions.filter((p) => p === 'done').length;
  if (stoppedEarly) await checkpoints.save({ segments, positions });
  else if (resumeFrom) await checkpoints.clear();
  return {
    resumed: resumeFrom !== undefined,
    saved: stoppedEarly,
    cleared: !stoppedEarly && resumeFrom !== undefined,
    segments,
    segmentsDone: stoppedEarly ? done : segments,
  };
}
