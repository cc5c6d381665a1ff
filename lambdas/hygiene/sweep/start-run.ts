/**
 * Starting a sweep run: the options resolved into {@link SweepSettings} once,
 * the write pool opened, the scan position loaded (resuming a saved one:
 * `checkpoint.ts`) and the owner directory's state read. Kept apart from
 * `run-state.ts` (the run's shape, which every phase imports, the checkpoint
 * phase included) because it calls the checkpoint phase: the state stays
 * below the phases, starting a run above them.
 */
import { loadDirectoryState } from '../owner-directory';
import { TaskPool } from '../task-pool';
import { openScan } from './checkpoint';
import { SweepRun, type SweepSettings } from './run-state';
import {
  DEFAULT_DEADLINE_MARGIN_MS,
  DEFAULT_MAX_WRITE_FAILURES,
  type SweepDeps,
  type SweepOptions,
} from './types';

function settingsOf(deps: SweepDeps, options: SweepOptions): SweepSettings {
  const startedAt = deps.clock();
  const enforce = options.mode === 'enforce';
  // Audit notifies nobody, but still counts the events enforce would queue.
  const notifyOwners = enforce && (options.notifyOwners ?? true);
  return {
    config: options.config,
    now: options.now,
    runId: options.runId,
    mode: options.mode,
    enforce,
    notifyOwners,
    buildEvents: notifyOwners || !enforce,
    allowMassDelete: options.allowMassDelete ?? false,
    deletionsWaitForGuard: !(options.allowMassDelete ?? false),
    ...(options.operator !== undefined && { operator: options.operator }),
    deadlineMarginMs: options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS,
    maxWriteFailures: options.maxWriteFailures ?? DEFAULT_MAX_WRITE_FAILURES,
    writesInFlight: options.config.writeConcurrency * (deps.writer.transitionsPerRequest ?? 1),
    startedAt,
  };
}

/**
 * Resolves the settings, opens the write pool, loads the scan position
 * (resuming a saved one) and the owner directory's state (once per run).
 */
export async function startRun(deps: SweepDeps, options: SweepOptions): Promise<SweepRun> {
  const settings = settingsOf(deps, options);
  const pool = new TaskPool(settings.writesInFlight);
  // Both reads at once: neither needs the other, and the directory read never throws.
  const [scan, directory] = await Promise.all([
    openScan(deps, settings),
    loadDirectoryState(deps.directory, settings.config.directoryMaxAgeDays, settings.now),
  ]);
  return new SweepRun(deps, settings, pool, scan, directory);
}
