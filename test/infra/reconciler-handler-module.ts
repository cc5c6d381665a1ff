/**
 * The subscription reconciler Lambda module for handler tests: it builds its
 * deployed dependencies at import, so the environment they read is set first,
 * as `importSweepHandler` does for the sweep (`sweep-handler-module.ts`). With
 * the fixtures the reconciler handler tests share, so each is written once: an
 * in-memory topic, an active owner, a confirmed email subscription, the
 * operators' queue, and the handler over them with the collecting Powertools
 * stand-ins (`handler-tools.ts`).
 */
import type { OwnerRecord, OwnerSubscriptionRegistry } from '../../lambdas/hygiene/owner-directory';
import type { TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { DEFAULT_FILTER_POLICY_QUOTA } from '../../lambdas/hygiene/subscription-quota';
import { fakeTools } from './handler-tools';

/** What `lambdas/handlers/reconciler` exports. */
export type ReconcilerHandlerModule = typeof import('../../lambdas/handlers/reconciler');

/** Sets a valid (unused) deployed environment, then imports `lambdas/handlers/reconciler`. */
export async function importReconcilerHandler(): Promise<ReconcilerHandlerModule> {
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:unused';
  process.env.DIRECTORY_TABLE_NAME = 'unused';
  process.env.AWS_REGION = 'us-east-1';
  return import('../../lambdas/handlers/reconciler');
}

/** The invocation's context: the 5-minute timeout ahead (its time budget: test/infra/reconciler-handler-budget.test.ts). */
export const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 300_000 };

/** The notification topic of the in-memory fixtures: the prefix of its owners' subscription ARNs. */
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hygiene';

/** An active owner at `<userId>@x`, with no subscription state recorded. */
export const activeOwner = (userId: string): OwnerRecord => ({
  userId,
  email: `${userId}@x`,
  status: 'active',
});

/** A confirmed email subscription of `endpoint` with `filterPolicy` (none when undefined). */
export const confirmedEmail = (arn: string, endpoint: string, filterPolicy?: string): TopicSubscription => ({
  arn,
  protocol: 'email',
  endpoint,
  ...(filterPolicy !== undefined && { filterPolicy }),
  pending: false,
});

/** An operators' queue without a filter policy: it receives every admin message (no rate limit, so it counts). */
export const OPS_QUEUE: TopicSubscription = {
  arn: 'arn:ops',
  protocol: 'sqs',
  endpoint: 'arn:aws:sqs:us-east-1:123456789012:ops',
  pending: false,
};

/**
 * {@link TOPIC} holding `subscriptions`, counting its `writes` (creations, repairs, removals); SNS refuses to
 * unsubscribe the ARNs in `refused`.
 */
export function memoryTopic(
  subscriptions: readonly TopicSubscription[],
  refused: readonly string[] = [],
): TopicSubscriptions & { writes: number } {
  return {
    topicArn: TOPIC,
    writes: 0,
    list: async () => subscriptions,
    async create() {
      this.writes++;
      return 'arn:new';
    },
    async setFilterPolicy() {
      this.writes++;
    },
    async remove(arn: string) {
      if (refused.includes(arn)) throw new Error(`AuthorizationError: refused ${arn}`);
      this.writes++;
    },
  };
}

/** What a reconciler handler test gives the handler: the rest is fixed (route sns-email, fake tools). */
export interface ReconcilerFixture {
  readonly topic: TopicSubscriptions;
  readonly directory: OwnerSubscriptionRegistry;
  /** The filter-policy quota the run keeps to (default: SNS's, 200). */
  readonly filterPolicyQuota?: number;
}

/**
 * The handler over `fixture` on `sns-email`, with the collecting Powertools stand-ins: the metrics (last value per
 * name) and log lines it reported, and its logger (a test may wrap a level to keep the lines' fields).
 */
export function reconcilerWithFakeTools(handlerModule: ReconcilerHandlerModule, fixture: ReconcilerFixture) {
  const { metrics, logs, tools } = fakeTools();
  const handler = handlerModule.createReconcilerHandler({
    ...tools,
    topic: fixture.topic,
    directory: fixture.directory,
    route: 'sns-email',
    filterPolicyQuota: fixture.filterPolicyQuota ?? DEFAULT_FILTER_POLICY_QUOTA,
  });
  return { handler, metrics, logs, logger: tools.logger };
}
