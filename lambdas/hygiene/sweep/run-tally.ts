/**
 * The counters of one sweep run: every phase adds to them, and the summary
 * freezes them into a `RunSummary`. Pure bookkeeping, no decisions. Every id
 * or owner a record list names is cut as `summaryId` cuts it, so one huge
 * stored value cannot outgrow the summary's log entry.
 */
import { collate } from '../collate';
import type { EventType, OutboxEvent } from '../events';
import { type Action, isDeletion } from '../policy';
import {
  CappedCollector,
  emptyActionCounts,
  emptyEventCounts,
  type FailedRecord,
  type FutureActivityRecord,
  type InvalidRecord,
  type PassFigures,
  type SkippedRecord,
  summaryId,
  type TooLargeRecord,
} from '../run-summary';

/** Mutable tallies of one run, frozen into a `RunSummary` at the end. */
export class RunTally {
  scanned = 0;
  pages = 0;
  valid = 0;
  alreadyDeleted = 0;
  activeValid = 0;
  exempt = 0;
  unchanged = 0;
  plannedTransitions = 0;
  appliedTransitions = 0;
  /** Transitions a batching writer settled in a request of their own (applied or skipped). */
  writtenAlone = 0;
  readonly planned = emptyActionCounts();
  readonly applied = emptyActionCounts();
  readonly deletions = {
    expired: 0,
    stale: 0,
    orphaned: 0,
    applied: 0,
    blockedByGuard: 0,
    deferred: 0,
    skippedChanged: 0,
  };
  readonly invalid = new CappedCollector<InvalidRecord>();
  readonly skipped = new CappedCollector<SkippedRecord>();
  readonly failed = new CappedCollector<FailedRecord>();
  readonly tooLarge = new CappedCollector<TooLargeRecord>();
  readonly futureActivity = new CappedCollector<FutureActivityRecord>();
  readonly eventsPerType = emptyEventCounts();
  readonly eventsPerOwner = new Map<string, number>();
  eventsTotal = 0;

  /** One transition planned, with its actions. */
  recordPlanned(actions: readonly Action[]): void {
    this.plannedTransitions++;
    for (const action of actions) {
      this.planned[action.type]++;
      if (action.type === 'delete-expired') this.deletions.expired++;
      if (action.type === 'delete-stale') this.deletions.stale++;
      if (action.type === 'delete-orphaned') this.deletions.orphaned++;
    }
  }

  /**
   * The actions planned instead of a deletion the guard blocked (the same
   * transition, already counted): counted by type, so what is applied never
   * exceeds what was planned.
   */
  recordPlannedInstead(actions: readonly Action[]): void {
    for (const action of actions) this.planned[action.type]++;
  }

  /** One transition written (enforce) or that would have been (audit), with the events it carried. */
  recordApplied(actions: readonly Action[], events: readonly OutboxEvent[]): void {
    this.appliedTransitions++;
    for (const action of actions) {
      this.applied[action.type]++;
      if (isDeletion(action)) this.deletions.applied++;
    }
    this.countEvents(events);
  }

  /** One invalid record, never acted on, with its `field: message` problems. */
  recordInvalid(id: string | null, userId: string | null, problems: readonly string[]): void {
    this.invalid.add({ id: summaryId(id), userId: summaryId(userId), problems });
  }

  /** One transition skipped because the item changed after it was read. */
  recordSkipped(id: string, changed: readonly string[], deleting: boolean): void {
    this.skipped.add({ id: summaryId(id), changed });
    if (deleting) this.deletions.skippedChanged++;
  }

  /** One write that failed with `error` (its text; a failed condition is {@link recordSkipped}). */
  recordFailed(id: string, error: string): void {
    this.failed.add({ id: summaryId(id), error });
  }

  /** One transition DynamoDB refused for the credential's size (`error`: its text): not a failed write. */
  recordTooLarge(id: string, error: string): void {
    this.tooLarge.add({ id: summaryId(id), error });
  }

  /** One active credential whose last activity (`lastActivity`, canonical UTC) is too far after the run's `now`. */
  recordFutureActivity(id: string, lastActivity: string): void {
    this.futureActivity.add({ id: summaryId(id), lastActivity });
  }

  /** Deletions planned this run, every reason (what the guard judges). */
  plannedDeletions(): number {
    return this.deletions.expired + this.deletions.stale + this.deletions.orphaned;
  }

  /** This run's own figures of the problems a pass carries from part to part (`sweep/pass.ts`). */
  passFigures(): PassFigures {
    return { invalid: this.invalid.count, tooLarge: this.tooLarge.count };
  }

  /** Events per owner, most first, ties by user id (each named as {@link summaryId} cuts it). */
  perOwner(): { userId: string; events: number }[] {
    return [...this.eventsPerOwner]
      .sort(([a, x], [b, y]) => y - x || collate(a, b))
      .map(([userId, events]) => ({ userId: summaryId(userId), events }));
  }

  private countEvents(events: readonly OutboxEvent[]): void {
    for (const event of events) {
      this.eventsTotal++;
      this.eventsPerType[event.type satisfies EventType]++;
      this.eventsPerOwner.set(event.userId, (this.eventsPerOwner.get(event.userId) ?? 0) + 1);
    }
  }
}
