/**
 * SNS's per-topic quota of subscription filter policies, as the subscription
 * reconciler applies it to a plan (docs/notifications.md, "Subscription
 * reconciler", Quota; docs/deploy.md, "Owner subscriptions: the SNS quota").
 * Its own module because it is its own question: the plan
 * (`subscription-plan.ts`) says what the topic should hold and counts the
 * filter policies before and after; this module says whether that count fits
 * the quota the reconciler was told, less the filter policy it keeps free
 * ({@link FREE_FILTER_POLICIES}, {@link filterPolicyQuotaProblem}), which
 * of the plan a run stopped at the quota still applies ({@link withinQuota}),
 * the error that stop throws ({@link FilterPolicyQuotaError}), and how the
 * quota setting is read ({@link parseFilterPolicyQuota}). It reads the plan;
 * the plan never looks at the quota. Pure: no AWS imports, no clock, no I/O.
 */
import { collate } from './collate';
import { type SubscriptionPlan, withoutCreationsFor } from './subscription-plan';

/** SNS's default quota of subscription filter policies per topic (raisable in Service Quotas). */
export const DEFAULT_FILTER_POLICY_QUOTA = 200;

/**
 * Filter policies the reconciler leaves free on the topic: it plans owner subscriptions against the quota less
 * these. A deployment adds filtered subscriptions of its own — switching `ownerDelivery` to `relay` subscribes the
 * relay queue with `{"audience":["owner"]}` (lib/owner-email-relay.ts), a new `adminEmails` address is subscribed
 * with `{"audience":["admin"]}` — and SNS refuses a filter policy past the quota (`FilterPolicyLimitExceeded`):
 * the CloudFormation update fails and rolls back. A topic filled to the last policy would so block the documented
 * way out of the quota, the switch to `relay` (docs/deploy.md, "Owner subscriptions: the SNS quota"); one kept
 * free lets it through, and the relay route's next reconciler run then removes the owner subscriptions.
 */
export const FREE_FILTER_POLICIES = 1;

/**
 * The filter policies the reconciler fills on a topic with this quota: the quota less {@link FREE_FILTER_POLICIES}
 * (none at a quota of 1).
 * @param quota the quota the reconciler was told (SNS "Filter policies per topic")
 */
export function fillableFilterPolicies(quota: number): number {
  return Math.max(0, quota - FREE_FILTER_POLICIES);
}

/** What a run stopped at the quota did ({@link withinQuota}): its removals and repairs, and what failed. */
export interface QuotaStopOutcome {
  readonly removed: number;
  readonly repaired: number;
  /** Operations that failed: SNS refused them, or the directory re-read they depend on failed. */
  readonly failed: number;
}

/**
 * The plan needs more subscription filter policies on the topic than the
 * reconciler fills: SNS's quota less the one it keeps free
 * ({@link FREE_FILTER_POLICIES}). The reconciler applies the plan {@link withinQuota}: its
 * removals and repairs (they add no filter policy), and only the creations
 * the quota leaves room for, first by `userId`; it records the states (the
 * owners left out `none`), then throws this with `applied` set
 * (docs/notifications.md, "Subscription reconciler", Quota).
 */
export class FilterPolicyQuotaError extends Error {
  override readonly name = 'FilterPolicyQuotaError';
  /** Owners the quota leaves without the subscription the plan wanted for them: the last by `userId`. */
  readonly leftOut: number;
  constructor(
    /** The quota the reconciler was told (SNS "Filter policies per topic"). */
    readonly quota: number,
    /** Filter policies the topic would need after the plan. */
    readonly needed: number,
    /** Owner subscriptions the plan would create (those that fit and the {@link leftOut} ones). */
    readonly creations: number,
    /** What the run did before stopping; `undefined` when it changed nothing (a dry run, or not applied yet). */
    readonly applied?: QuotaStopOutcome,
  ) {
    const leftOut = Math.min(creations, Math.max(0, needed - fillableFilterPolicies(quota)));
    super(
      `The topic would need ${needed} subscription filter policies (after ${creations} new owner ` +
        `subscription(s)), above the ${fillableFilterPolicies(quota)} the reconciler fills: the quota of ${quota} ` +
        `filter policies per topic less ${FREE_FILTER_POLICIES} kept free for a deployment's own filtered ` +
        "subscription (the relay queue's, a new admin address): " +
        `${fitText(creations, leftOut)} ` +
        `(recorded none)${applied === undefined ? '' : appliedText(applied)}. ` +
        'Raise the Amazon SNS quota "Filter policies per topic" in Service Quotas and set filterPolicyQuota ' +
        '(the construct prop, then deploy: the reconciler and pc-hygiene --stack read it) to the new value, ' +
        'or switch ownerDelivery ' +
        'to relay (one filter policy for all owners; docs/deploy.md, "Owner subscriptions: the SNS quota").',
    );
    this.leftOut = leftOut;
  }
}

/** Which of the new subscriptions the quota lets through: the first by `userId`, or none. */
function fitText(creations: number, leftOut: number): string {
  return leftOut === creations
    ? 'none of them fits, and those owners are left without a subscription'
    : `only the first ${creations - leftOut} of them by userId fit and are subscribed; the other ${leftOut} ` +
        'owner(s) are left without one';
}

function appliedText({ removed, repaired, failed }: QuotaStopOutcome): string {
  const refused = failed > 0 ? `, ${failed} operation(s) failed` : '';
  return ` (this run: ${removed} removed and ${repaired} repaired${refused}; owner states recorded)`;
}

/**
 * The plan a run stopped at the quota applies: the removals and repairs (they
 * add no filter policy), and as many of the creations as the quota, less the
 * filter policy kept free ({@link fillableFilterPolicies}), leaves room for
 * once the removals are done, first by `userId` — so every run picks
 * the same owners, and a slot left goes to an owner rather than to none — the
 * owners left out recorded `none` (they have no subscription). A repair keeps
 * its count: it replaces a policy the subscription already has (a recognised
 * owner subscription always has one). A plan within the quota comes back whole.
 * @param quota the quota the reconciler was told (SNS "Filter policies per topic")
 */
export function withinQuota(plan: SubscriptionPlan, quota: number): SubscriptionPlan {
  const creations = plan.operations.flatMap((o) => (o.kind === 'create' ? [o.userId] : []));
  const kept = plan.filterPolicies.planned - creations.length;
  return leavingOut(plan, creations.sort(collate).slice(Math.max(0, fillableFilterPolicies(quota) - kept)));
}

/** The plan without the creations for `userIds`, those owners recorded `none`. */
function leavingOut(plan: SubscriptionPlan, userIds: readonly string[]): SubscriptionPlan {
  if (userIds.length === 0) return plan;
  const notCreated = new Set(userIds);
  return {
    ...withoutCreationsFor(plan, notCreated),
    states: plan.states.map((s) => (notCreated.has(s.userId) ? { userId: s.userId, state: 'none' } : s)),
  };
}

/**
 * The quota error the plan would run into, or `undefined`: the plan creates
 * subscriptions and the topic would then hold more filter policies than the
 * reconciler fills, the quota less {@link FREE_FILTER_POLICIES}. Only a plan
 * that creates subscriptions can hit the quota: removals and repairs never add one.
 * @param quota the quota the reconciler was told (SNS "Filter policies per topic")
 */
export function filterPolicyQuotaProblem(
  plan: SubscriptionPlan,
  quota: number,
): FilterPolicyQuotaError | undefined {
  const creations = plan.operations.filter((o) => o.kind === 'create').length;
  if (creations === 0 || plan.filterPolicies.planned <= fillableFilterPolicies(quota)) return undefined;
  return new FilterPolicyQuotaError(quota, plan.filterPolicies.planned, creations);
}

/** A filter-policy quota setting that is not a whole number of at least 1. */
export class InvalidFilterPolicyQuotaError extends Error {
  override readonly name = 'InvalidFilterPolicyQuotaError';
  constructor(
    readonly value: string,
    readonly source: string,
  ) {
    super(
      `${source} = ${JSON.stringify(value)}: must be a whole number of at least 1 ` +
        `(the topic's "Filter policies per topic" quota; SNS's default is ${DEFAULT_FILTER_POLICY_QUOTA})`,
    );
  }
}

/**
 * Reads a filter-policy quota setting (environment variable or CLI option).
 * @param source what to name in the error, e.g. `SNS_FILTER_POLICY_QUOTA`
 * @throws {InvalidFilterPolicyQuotaError} unless `text` is an integer ≥ 1
 */
export function parseFilterPolicyQuota(text: string, source: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidFilterPolicyQuotaError(text, source);
  return value;
}
