/** Counts a plan as it streams by: constant memory, whatever the input size. */
import { ACTION_TYPES, isDeletion } from '../../lambdas/hygiene/policy';
import type { PlanCounts, PlannedLine } from './plan-types';
import { recordStatus } from './plan-types';

/** Accumulates {@link PlanCounts} one planned line at a time. */
export class PlanTally {
  private records = 0;
  private invalid = 0;
  private alreadyDeleted = 0;
  private noAction = 0;
  private withActions = 0;
  private deletions = 0;
  private readonly actions = new Map<string, number>(ACTION_TYPES.map((t) => [t, 0]));
  private readonly expiryStages = new Map<number, number>();

  /** Counts one planned line. */
  add({ plan }: PlannedLine): void {
    this.records += 1;
    const status = recordStatus(plan);
    if (status === 'invalid') this.invalid += 1;
    else if (status === 'deleted') this.alreadyDeleted += 1;
    else if (status === 'ok') this.noAction += 1;
    else this.withActions += 1;
    for (const action of plan.actions) {
      this.actions.set(action.type, (this.actions.get(action.type) ?? 0) + 1);
      if (isDeletion(action)) this.deletions += 1;
      if (action.type === 'notify-expiry') {
        this.expiryStages.set(action.stageDays, (this.expiryStages.get(action.stageDays) ?? 0) + 1);
      }
    }
  }

  /** The counts so far. */
  counts(): PlanCounts {
    return {
      records: this.records,
      valid: this.records - this.invalid,
      invalid: this.invalid,
      alreadyDeleted: this.alreadyDeleted,
      noAction: this.noAction,
      withActions: this.withActions,
      actions: Object.fromEntries(this.actions),
      expiryStages: [...this.expiryStages]
        .sort(([a], [b]) => b - a)
        .map(([stageDays, count]) => ({ stageDays, count })),
      deletions: this.deletions,
    };
  }
}
