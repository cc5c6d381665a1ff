/**
 * The plan applied to the topic (docs/notifications.md, "Subscription reconciler"): the removals, then the repairs,
 * then the creations still wanted once the owners to subscribe are re-read (`../subscription-creations.ts`), with
 * bounded concurrency and no SNS call started once the run's time budget is spent ({@link CallBudget}): what each
 * left undone ({@link AppliedPlan}). No directory write here (`states.ts`).
 */
import type { MailboxKey } from '../email-address-rules';
import type { OwnerRecord } from '../owner-directory';
import {
  attemptEach,
  type CreatedSubscription,
  type FailedOperation,
  recheckCreations,
} from '../subscription-creations';
import { type SubscriptionOperation, type SubscriptionPlan, withoutCreationsFor } from '../subscription-plan';
import { budgetSpentCheck, type ReconcilerDeps, type TopicSubscriptions } from '../subscription-ports';
import type { ReconcileSummary } from './summary';

/**
 * A plan as applied: the creations withdrawn by the re-check left out, the operations that failed, and those the
 * time budget left for the next run.
 */
export interface AppliedPlan {
  readonly plan: SubscriptionPlan;
  readonly failed: readonly FailedOperation[];
  /** Operations not started: the budget was spent ({@link ReconcileSummary.deferred}). */
  readonly deferred: readonly SubscriptionOperation[];
  /** Owners whose creation was withdrawn ({@link recheckCreations}), each as re-read (`undefined`: gone). */
  readonly withdrawn: ReadonlyMap<string, OwnerRecord | undefined>;
  readonly created: readonly CreatedSubscription[];
}

/** A dry run: the plan as it would be applied, nothing done. */
export function notApplied(plan: SubscriptionPlan): AppliedPlan {
  return { plan, failed: [], deferred: [], withdrawn: new Map(), created: [] };
}

/**
 * The run's time budget (`ReconcilerDeps.remainingMs`) over its SNS calls: once spent, it stays spent, and
 * the operations it holds back are kept in {@link CallBudget.deferred}. Without `remainingMs` it is never spent.
 */
export class CallBudget {
  readonly deferred: SubscriptionOperation[] = [];
  /** True once the budget has read 0 or less. */
  readonly spent: () => boolean;
  constructor(remainingMs?: () => number) {
    this.spent = budgetSpentCheck(remainingMs);
  }

  /** Defers the operations without calling anything. */
  defer(operations: readonly SubscriptionOperation[]): void {
    this.deferred.push(...operations);
  }

  /** `apply`, checked against the budget right before it starts: once spent, the operation is deferred instead. */
  gate<T extends SubscriptionOperation>(
    apply: (operation: T) => Promise<void>,
  ): (operation: T) => Promise<void> {
    return async (operation) => {
      if (this.spent()) this.defer([operation]);
      else await apply(operation);
    };
  }
}

/**
 * Applies the removals, then the repairs, then re-checks the owners to
 * subscribe against the directory and applies the creations still wanted;
 * none starts once the budget is spent (the creations then skip the re-check).
 */
export async function applyPlan(
  deps: ReconcilerDeps,
  planned: SubscriptionPlan,
  read: ReadonlyMap<string, OwnerRecord>,
  {
    concurrency,
    key,
    budget,
  }: { readonly concurrency: number; readonly key: MailboxKey; readonly budget: CallBudget },
): Promise<AppliedPlan> {
  const failed = await applyRemovalsAndRepairs(deps.topic, planned, concurrency, budget);
  if (budget.spent()) {
    budget.defer(planned.operations.filter((o) => o.kind === 'create'));
    return { plan: planned, failed, deferred: budget.deferred, withdrawn: new Map(), created: [] };
  }
  const recheck = await recheckCreations(deps.directory, planned, read, key);
  const plan = withoutCreationsFor(planned, new Set(recheck.withdrawn.keys()));
  const created: CreatedSubscription[] = [];
  const refused = await attemptEach(
    plan.operations.filter((o) => o.kind === 'create'),
    concurrency,
    budget.gate(async ({ userId, email, filterPolicy }) => {
      created.push({ userId, email, subscriptionArn: await deps.topic.create(email, filterPolicy) });
    }),
  );
  return {
    plan,
    failed: [...failed, ...recheck.failed, ...refused],
    deferred: budget.deferred,
    withdrawn: recheck.withdrawn,
    created,
  };
}

/**
 * Runs the plan's removals, then its repairs (creations: {@link applyPlan}), while the budget lasts; returns those
 * SNS refused.
 */
async function applyRemovalsAndRepairs(
  topic: TopicSubscriptions,
  plan: SubscriptionPlan,
  concurrency: number,
  budget: CallBudget,
): Promise<FailedOperation[]> {
  const failed: FailedOperation[] = [];
  for (const kind of ['remove', 'repair'] as const) {
    const batch = plan.operations.filter((o) => o.kind === kind);
    failed.push(
      ...(await attemptEach(
        batch,
        concurrency,
        budget.gate(async (operation) => {
          if (operation.kind === 'repair') {
            await topic.setFilterPolicy(operation.subscriptionArn, operation.filterPolicy);
          } else if (operation.kind === 'remove') await topic.remove(operation.subscriptionArn);
        }),
      )),
    );
  }
  return failed;
}
