/**
 * The checkpoint phase, both ends of it: where a run starts (a saved scan
 * position, or the top) and what it leaves (a run stopped by its time budget
 * saves its position; the run that finishes the table clears the checkpoint
 * it loaded — the one it resumed from, or an unreadable one it ignored — and
 * never one another run saved meanwhile). The saved checkpoint also carries
 * what the runs of its pass found so far (`pass.ts`). docs/sweep.md, "Phases"
 * and "Time budget and checkpoint".
 */
import type { CheckpointSummary } from '../run-summary';
import { carriedPassAfter } from './pass';
import type { ScanPosition, SweepRun, SweepSettings } from './run-state';
import { startScan } from './started-scan';
import type { SweepDeps } from './types';

/**
 * Opens the scan: from the saved position (enforce only), or every segment
 * from the top. The scan from the top is started before the checkpoint is
 * read (sweep/started-scan.ts) and cancelled when one is found.
 */
export async function openScan(deps: SweepDeps, settings: SweepSettings): Promise<ScanPosition> {
  // Audit must not write, so it neither resumes nor saves: each audit run reads from the top.
  const checkpoints = settings.enforce ? deps.checkpoints : undefined;
  const topSegments = settings.config.scanSegments;
  const loading = checkpoints?.load();
  // Awaited below; marked handled now so a failed load is not reported unhandled if starting the scan throws.
  loading?.catch(() => undefined);
  const fromTop = startScan(deps.scanner.scan({ segments: topSegments }));
  const loaded = await loading?.catch(async (error: unknown) => {
    await fromTop.cancel();
    throw error;
  });
  const resumeFrom = loaded?.resumeFrom;
  if (resumeFrom === undefined) {
    const positions = Array.from({ length: topSegments }, () => null);
    return { checkpoints, loaded, segments: topSegments, positions, pages: fromTop.pages };
  }
  await fromTop.cancel();
  const { segments } = resumeFrom;
  const pages = deps.scanner.scan({ segments, resumeFrom });
  return { checkpoints, loaded, segments, positions: [...resumeFrom.positions], pages };
}

/**
 * Keeps or clears the place in the table: a run stopped early saves its
 * position (replacing whatever is stored) and the figures of its pass so far
 * (those it resumed with, plus its own); a run that finished the table
 * clears the checkpoint it loaded, if it is still stored. A run that found
 * none clears nothing, so a checkpoint saved meanwhile by another run stays.
 * @returns what was done, or `undefined` without a checkpoint store (or in audit)
 */
export async function checkpointPhase(run: SweepRun): Promise<CheckpointSummary | undefined> {
  const { checkpoints, loaded, segments, positions } = run.scan;
  if (!checkpoints) return undefined;
  const { stoppedEarly } = run;
  const done = positions.filter((p) => p === 'done').length;
  if (stoppedEarly) {
    const pass = carriedPassAfter(loaded?.resumeFrom?.pass, run.settings.runId, run.tally.passFigures());
    await checkpoints.save({ segments, positions, pass });
  }
  const cleared = !stoppedEarly && loaded !== undefined && (await checkpoints.clear(loaded));
  const resumed = loaded?.resumeFrom !== undefined;
  return {
    resumed,
    saved: stoppedEarly,
    cleared,
    ...(loaded !== undefined && !resumed && { ignoredUnreadable: true as const }),
    segments,
    segmentsDone: stoppedEarly ? done : segments,
  };
}
