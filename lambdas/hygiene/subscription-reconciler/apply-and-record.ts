/**
 * One reconciliation from its plan on (docs/notifications.md, "Subscription reconciler"): apply it (`apply.ts`),
 * record the owners' states that changed (`states.ts`), then re-read the owners it subscribed and withdraw what they
 * no longer want (`../subscription-creations.ts`), and sum it up (`summary.ts`). A dry run applies and records nothing.
 */
import type { AdminReach } from '../admin-reach';
import type { MailboxKey } from '../email-address-rules';
import type { OwnerRecord } from '../owner-directory';
import { withdrawAfterCreate } from '../subscription-creations';
import type { SubscriptionPlan } from '../subscription-plan';
import type { ReconcilerDeps } from '../subscription-ports';
import { applyPlan, CallBudget, notApplied } from './apply';
import { DEFAULT_RECONCILE_CONCURRENCY, type ReconcileOptions } from './options';
import { changesState, statesAfter, stateWrites } from './states';
import { countedStates, type ReconcileSummary, summarize } from './summary';

/** Applies the plan (unless dry), records the owners' states that changed, then withdraws unwanted creations. */
export async function applyAndRecord(
  deps: ReconcilerDeps,
  planned: SubscriptionPlan,
  options: ReconcileOptions,
  context: {
    readonly owners: readonly OwnerRecord[];
    readonly quota: number;
    readonly mailboxKey: MailboxKey;
    /** The admins' reach from the listing ({@link ReconcileSummary.adminSubscriptions}). */
    readonly adminReach: AdminReach;
  },
): Promise<ReconcileSummary> {
  const { owners, quota, mailboxKey } = context;
  const read = new Map(owners.map((o) => [o.userId, o]));
  const creating = {
    concurrency: options.concurrency ?? DEFAULT_RECONCILE_CONCURRENCY,
    key: mailboxKey,
  };
  const applied = options.dryRun
    ? notApplied(planned)
    : await applyPlan(deps, planned, read, { ...creating, budget: new CallBudget(deps.remainingMs) });
  const { plan, withdrawn } = applied;
  // A withdrawn owner keeps the planned state (listed as skipped), also when a failed re-read failed their creation.
  const states = statesAfter(plan, [
    ...applied.failed
      .filter((f) => f.operation.kind !== 'create' || !withdrawn.has(f.operation.userId))
      .map((f) => f.operation),
    ...applied.deferred,
  ]);
  const changes = states.filter((s) => withdrawn.has(s.userId) || changesState(read.get(s.userId), s));
  const subscribed = new Set(applied.created.map((c) => c.userId));
  const toRecord = stateWrites(states, read, subscribed).filter((w) => !withdrawn.has(w.userId));
  let notRecorded: readonly string[] = [];
  try {
    if (!options.dryRun && toRecord.length > 0) {
      notRecorded = await deps.directory.recordSubscriptionStates(toRecord);
    }
  } catch (error: unknown) {
    // The states could not be written (not a changed owner: an error): the subscriptions just created are still
    // checked, so a run that fails here leaves none for an owner who meanwhile opted out, left or moved.
    await withdrawAfterCreate(deps, applied.created, creating);
    throw error;
  }
  const skipped = new Set([...withdrawn.keys(), ...notRecorded]);
  const afterCreate = await withdrawAfterCreate(deps, applied.created, creating);
  return summarize(plan, options, {
    owners: owners.length,
    quota,
    adminReach: context.adminReach,
    created: applied.created.length,
    failed: [...applied.failed, ...afterCreate.failed],
    deferred: applied.deferred,
    // as last seen: a skipped write's owner as read (this run changed nothing for them), a re-read one as found
    counted: countedStates(
      states,
      new Map([...notRecorded.map((id) => [id, read.get(id)] as const), ...withdrawn, ...afterCreate.found]),
    ),
    stateChanges: changes.filter((s) => !skipped.has(s.userId)),
    skippedStateChanges: changes.filter((s) => skipped.has(s.userId)),
    withdrawnAfterCreate: afterCreate.withdrawn,
  });
}
