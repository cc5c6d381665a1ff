/**
 * The sweep use case (PRODUCT.md §4): plan -> guard -> apply -> summary, over
 * ports only (scanner, transition writer, checkpoint store, time budget).
 *
 * Memory does not grow with table size: pages are evaluated as they stream in
 * and non-destructive transitions (notices, flags, unflags) are written right
 * away with bounded concurrency. Only deletions wait for the end of the scan,
 * because the blast-radius guard must see every planned deletion before the
 * first one is made; they are buffered compactly (the fields the conditional
 * write and the owner event need, not the whole item).
 */
import type { HygieneConfig, Mode } from './config';
import { type Credential, formatProblem, parseCredential } from './credential';
import { HYGIENE_ATTR, isReservedId } from './data-contract';
import { errorText } from './errors';
import { type EventType, eventsFor, type OutboxEvent } from './events';
import { evaluateGuard, type GuardStatus } from './guard';
import { type Action, DECISION_FIELDS, decide, isDeletion, isExempt } from './policy';
import type {
  CheckpointStore,
  CredentialScanner,
  RawItem,
  ScanCheckpoint,
  Transition,
  TransitionWriter,
} from './ports';
import {
  CappedCollector,
  type CheckpointSummary,
  emptyActionCounts,
  emptyEventCounts,
  type FailedRecord,
  type InvalidRecord,
  type RunSummary,
  type SkippedRecord,
  SUMMARY_RECORD_LIMIT,
} from './run-summary';
import { TaskPool } from './task-pool';
import { DAY_MS, formatInstant } from './time';

/** Default time kept in reserve when a time budget is given (see {@link SweepOptions.deadlineMarginMs}). */
export const DEFAULT_DEADLINE_MARGIN_MS = 30_000;

/** Default number of failed writes tolerated before the run is aborted. */
export const DEFAULT_MAX_WRITE_FAILURES = 10;

/** Where the sweep reads, writes and keeps its place. */
export interface SweepDeps {
  readonly scanner: CredentialScanner;
  readonly writer: TransitionWriter;
  /** Keeps the scan position of an incomplete run; without it an interrupted run restarts from the top. */
  readonly checkpoints?: CheckpointStore;
  /** Time left in the budget (ms), e.g. Lambda's `getRemainingTimeInMillis`; without it there is no deadline. */
  readonly remainingMs?: () => number;
  /** Called after every page and every batch of deletions (progress display, logs). */
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Wall clock for `startedAt` / `durationMs` only (decisions use `options.now`). Default `Date.now`. */
  readonly clock?: () => number;
}

/** What one run does. */
export interface SweepOptions {
  readonly config: HygieneConfig;
  /** The decision instant (epoch ms), one for the whole run. */
  readonly now: number;
  /** Unique per run (see {@link createRunId}); written on each deletion. */
  readonly runId: string;
  /** `audit` writes nothing at all (not even a checkpoint); `enforce` writes and queues owner events. */
  readonly mode: Mode;
  /** The operator's one-run override of a tripped guard. */
  readonly allowMassDelete?: boolean;
  /** Queue owner events with the transitions (enforce only). Default: true. */
  readonly notifyOwners?: boolean;
  /**
   * With a time budget: stop scanning (at a page boundary) once fewer than this
   * many ms remain, and start no more deletions under half of it. The reserve
   * covers the writes in flight, the deletions and the checkpoint save.
   * Default {@link DEFAULT_DEADLINE_MARGIN_MS}.
   */
  readonly deadlineMarginMs?: number;
  /** Failed writes (errors other than a failed condition) tolerated before aborting. Default {@link DEFAULT_MAX_WRITE_FAILURES}. */
  readonly maxWriteFailures?: number;
}

/** Progress of a running sweep. */
export interface SweepProgress {
  readonly phase: 'scan' | 'delete';
  /** Items read so far. */
  readonly scanned: number;
  readonly pages: number;
  /** Transitions planned so far (a credential with several actions counts once). */
  readonly planned: number;
  /** Transitions written so far (enforce) or counted as would-apply (audit). */
  readonly applied: number;
}

/**
 * The run stopped because too many writes failed (DynamoDB errors other than
 * a failed condition, after the SDK's retries). Nothing further was written:
 * no deletions, no checkpoint; the partial summary says what was.
 */
export class SweepAbortedError extends Error {
  override readonly name = 'SweepAbortedError';
  constructor(
    message: string,
    readonly summary: RunSummary,
  ) {
    super(message);
  }
}

/** A run id: `sweep-<now ISO>-<nonce>`, readable and sortable by decision time. */
export function createRunId(now: number, nonce: string): string {
  return `sweep-${formatInstant(now)}-${nonce}`;
}

/**
 * The item attributes a deferred deletion keeps: the key, what the owner
 * event names, and every field the conditional write compares. Lists
 * (`allowSourceCidr`, `scopedRoles`) and unknown attributes are dropped.
 */
const COMPACT_FIELDS: readonly string[] = [
  'id',
  'userId',
  'clientId',
  'displayName',
  'deletedAt',
  ...DECISION_FIELDS,
  ...Object.values(HYGIENE_ATTR),
];

/** A credential reduced to {@link COMPACT_FIELDS}, re-parsed so it is a complete `Credential`. */
export function compactCredential(credential: Credential): Credential {
  const picked: Record<string, unknown> = {};
  for (const field of COMPACT_FIELDS) {
    if (field in credential.raw) picked[field] = credential.raw[field];
  }
  const parsed = parseCredential(picked);
  // A valid record stays valid without its lists: they never make another field invalid.
  if (!parsed.ok)
    throw new Error(`compacting ${credential.id} made it invalid: ${parsed.problems.map(formatProblem)}`);
  return parsed.credential;
}

interface PendingTransition {
  readonly credential: Credential;
  readonly actions: readonly Action[];
}

/** Mutable tallies of one run, frozen into a {@link RunSummary} at the end. */
class RunTally {
  scanned = 0;
  pages = 0;
  valid = 0;
  alreadyDeleted = 0;
  activeValid = 0;
  exempt = 0;
  unchanged = 0;
  plannedTransitions = 0;
  appliedTransitions = 0;
  readonly planned = emptyActionCounts();
  readonly applied = emptyActionCounts();
  readonly deletions = {
    expired: 0,
    stale: 0,
    applied: 0,
    blockedByGuard: 0,
    deferred: 0,
    skippedChanged: 0,
  };
  readonly invalid = new CappedCollector<InvalidRecord>();
  readonly skipped = new CappedCollector<SkippedRecord>();
  readonly failed = new CappedCollector<FailedRecord>();
  readonly eventsPerType = emptyEventCounts();
  readonly eventsPerOwner = new Map<string, number>();
  eventsTotal = 0;

  countEvents(events: readonly OutboxEvent[]): void {
    for (const event of events) {
      this.eventsTotal++;
      this.eventsPerType[event.type satisfies EventType]++;
      this.eventsPerOwner.set(event.userId, (this.eventsPerOwner.get(event.userId) ?? 0) + 1);
    }
  }

  perOwner(): { userId: string; events: number }[] {
    return [...this.eventsPerOwner]
      .map(([userId, events]) => ({ userId, events }))
      .sort((a, b) => b.events - a.events || a.userId.localeCompare(b.userId));
  }
}

/**
 * Runs one sweep.
 *
 * 1. **Plan** (streaming): every item is parsed and decided; non-destructive
 *    transitions are written as pages arrive, deletions are buffered.
 * 2. **Guard**: planned deletions against `maxDeletesPerRun` / `maxDeletePercent`
 *    of the active valid credentials seen; tripped = no deletions (unless
 *    `allowMassDelete`).
 * 3. **Apply** the deletions, with bounded concurrency. Every write is
 *    conditional on the state read; a changed item is skipped, never retried.
 * 4. **Checkpoint**: a run stopped by its time budget saves its scan position
 *    and reports `incomplete`; the run that finishes the table clears it.
 *
 * In `audit` mode nothing is written (no transitions, events or checkpoint):
 * `applied` counts what `enforce` would have written.
 *
 * @throws {SweepAbortedError} when more than `maxWriteFailures` writes failed
 */
export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<RunSummary> {
  const clock = deps.clock ?? Date.now;
  const startedAt = clock();
  const { config, now, runId, mode } = options;
  const enforce = mode === 'enforce';
  // Audit notifies nobody, but still counts the events enforce would queue.
  const notifyOwners = enforce && (options.notifyOwners ?? true);
  const countEvents = notifyOwners || !enforce;
  const margin = options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
  const maxWriteFailures = options.maxWriteFailures ?? DEFAULT_MAX_WRITE_FAILURES;
  const remaining = deps.remainingMs;
  const tally = new RunTally();
  const pool = new TaskPool(config.writeConcurrency);
  const deletions: PendingTransition[] = [];
  let abortReason: string | undefined;
  const writeTime = new LatencyEstimate();

  // Audit must not write, so it neither resumes nor saves: each audit run reads from the top.
  const checkpoints = enforce ? deps.checkpoints : undefined;
  const resumeFrom = await checkpoints?.load();
  const segments = resumeFrom?.segments ?? config.scanSegments;
  const positions: ScanCheckpoint['positions'][number][] = resumeFrom
    ? [...resumeFrom.positions]
    : Array.from({ length: segments }, () => null);

  const progress = (phase: SweepProgress['phase']): void =>
    deps.onProgress?.({
      phase,
      scanned: tally.scanned,
      pages: tally.pages,
      planned: tally.plannedTransitions,
      applied: tally.appliedTransitions,
    });

  const apply = async (pending: PendingTransition): Promise<void> => {
    const { credential, actions } = pending;
    const events = countEvents ? eventsFor(credential, actions, { runId, now }) : [];
    const deleting = actions.some(isDeletion);
    if (!enforce) {
      recordApplied(tally, actions, events);
      return;
    }
    const transition: Transition = {
      credential,
      actions,
      events: notifyOwners ? events : [],
      runId,
      now,
      ...(deleting &&
        config.purgeAfterDays !== undefined && { purgeAt: purgeAt(now, config.purgeAfterDays) }),
    };
    const writeStart = clock();
    try {
      const result = await deps.writer.apply(transition);
      writeTime.record(clock() - writeStart);
      if (result.status === 'applied') {
        recordApplied(tally, actions, transition.events);
      } else {
        tally.skipped.add({ id: credential.id, changed: result.changed });
        if (deleting) tally.deletions.skippedChanged++;
      }
    } catch (error: unknown) {
      // Not a changed item (the writer reports those): a DynamoDB error after the SDK's retries.
      tally.failed.add({ id: credential.id, error: errorText(error) });
      if (tally.failed.count > maxWriteFailures) {
        abortReason ??= `${tally.failed.count} writes failed (more than maxWriteFailures ${maxWriteFailures}); last: ${errorText(error)}`;
      }
    }
  };

  const plan = (item: RawItem): PendingTransition | undefined => {
    if (isReservedId(item.id)) return undefined; // the worker's own items (the scanner skips them too)
    tally.scanned++;
    const parsed = parseCredential(item);
    if (!parsed.ok) {
      tally.invalid.add({
        id: parsed.id,
        userId: parsed.userId,
        problems: parsed.problems.map(formatProblem),
      });
      return undefined;
    }
    const credential = parsed.credential;
    tally.valid++;
    if (credential.deletedAt !== undefined) {
      tally.alreadyDeleted++;
      return undefined;
    }
    tally.activeValid++;
    if (isExempt(credential, config)) tally.exempt++;
    const actions = decide(credential, config, now);
    if (actions.length === 0) {
      tally.unchanged++;
      return undefined;
    }
    tally.plannedTransitions++;
    for (const action of actions) {
      tally.planned[action.type]++;
      if (action.type === 'delete-expired') tally.deletions.expired++;
      if (action.type === 'delete-stale') tally.deletions.stale++;
    }
    return { credential, actions };
  };

  // 1. Plan, writing non-destructive transitions as pages stream in.
  let stoppedEarly = false;
  try {
    for await (const page of deps.scanner.scan({ segments, ...(resumeFrom && { resumeFrom }) })) {
      // Stop while the reserve still covers the buffered deletions (at the write latency seen so far).
      // Always process at least one page, so a run with little time still makes progress.
      const reserve = margin + writeTime.estimateMs(deletions.length, config.writeConcurrency);
      if (tally.pages > 0 && remaining !== undefined && remaining() < reserve) {
        stoppedEarly = true;
        break;
      }
      for (const item of page.items) {
        const pending = plan(item);
        if (pending === undefined) continue;
        if (pending.actions.some(isDeletion)) {
          deletions.push({ credential: compactCredential(pending.credential), actions: pending.actions });
        } else {
          await pool.submit(() => apply(pending));
        }
      }
      positions[page.segment] = page.lastEvaluatedKey ?? 'done';
      tally.pages++;
      progress('scan');
      if (abortReason !== undefined) break;
    }
  } finally {
    // Also when the scan fails (a page still throttled after the SDK's retries): the run must not
    // report its failure while writes it started are still running.
    await pool.drain();
  }
  if (abortReason !== undefined) {
    throw new SweepAbortedError(abortReason, summarize(tally, guardOf(tally, options), 'incomplete'));
  }

  // 2. Guard, on every deletion this run planned.
  const guard = guardOf(tally, options);

  // 3. Apply the deletions; when the guard tripped, only what else those transitions carried.
  const deletionCount = deletions.length;
  for (const [index, pending] of deletions.entries()) {
    if (!guard.deletionsAllowed) {
      tally.deletions.blockedByGuard++;
      const rest = pending.actions.filter((a) => !isDeletion(a));
      if (rest.length > 0) await pool.submit(() => apply({ ...pending, actions: rest }));
      continue;
    }
    if (remaining !== undefined && remaining() < margin / 2) {
      tally.deletions.deferred += deletionCount - index;
      break;
    }
    await pool.submit(() => apply(pending));
    if (index % 100 === 99) progress('delete');
    if (abortReason !== undefined) break;
  }
  await pool.drain();
  deletions.length = 0;
  if (deletionCount > 0) progress('delete');
  if (abortReason !== undefined) {
    throw new SweepAbortedError(abortReason, summarize(tally, guard, 'incomplete'));
  }

  // 4. Keep or clear the place in the table.
  let checkpoint: CheckpointSummary | undefined;
  if (checkpoints) {
    const done = positions.filter((p) => p === 'done').length;
    if (stoppedEarly) await checkpoints.save({ segments, positions });
    else if (resumeFrom) await checkpoints.clear();
    checkpoint = {
      resumed: resumeFrom !== undefined,
      saved: stoppedEarly,
      cleared: !stoppedEarly && resumeFrom !== undefined,
      segments,
      segmentsDone: stoppedEarly ? done : segments,
    };
  }

  return summarize(tally, guard, stoppedEarly ? 'incomplete' : 'complete', checkpoint);

  function summarize(
    t: RunTally,
    g: GuardStatus,
    status: RunSummary['status'],
    cp?: CheckpointSummary,
  ): RunSummary {
    const perOwner = t.perOwner();
    return {
      runId,
      mode,
      now: formatInstant(now),
      startedAt: formatInstant(startedAt),
      durationMs: Math.max(0, clock() - startedAt),
      status,
      notifyOwners,
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
      guard: g,
      events: {
        queued: notifyOwners,
        total: t.eventsTotal,
        perType: { ...t.eventsPerType },
        owners: perOwner.length,
        perOwner: perOwner.slice(0, SUMMARY_RECORD_LIMIT),
        ownersOmitted: Math.max(0, perOwner.length - SUMMARY_RECORD_LIMIT),
      },
      ...(cp && { checkpoint: cp }),
    };
  }
}

/** Running mean of write latency, to size the time reserve for the buffered deletions. */
class LatencyEstimate {
  private count = 0;
  private totalMs = 0;

  record(ms: number): void {
    this.count++;
    this.totalMs += ms;
  }

  /** Time to make `writes` writes `concurrency` at a time; 50 ms a write until one is measured. */
  estimateMs(writes: number, concurrency: number): number {
    const mean = this.count === 0 ? 50 : this.totalMs / this.count;
    return Math.ceil(writes / concurrency) * mean;
  }
}

function guardOf(tally: RunTally, options: SweepOptions): GuardStatus {
  return evaluateGuard(
    { plannedDeletes: tally.deletions.expired + tally.deletions.stale, activeValid: tally.activeValid },
    options.config,
    options.allowMassDelete ?? false,
  );
}

function recordApplied(tally: RunTally, actions: readonly Action[], events: readonly OutboxEvent[]): void {
  tally.appliedTransitions++;
  for (const action of actions) {
    tally.applied[action.type]++;
    if (isDeletion(action)) tally.deletions.applied++;
  }
  tally.countEvents(events);
}

/** `hygienePurgeAt` for a deletion at `now`: epoch seconds, `purgeAfterDays` later. */
export function purgeAt(now: number, purgeAfterDays: number): number {
  return Math.floor((now + purgeAfterDays * DAY_MS) / 1000);
}
