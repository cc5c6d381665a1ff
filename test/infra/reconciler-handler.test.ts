/**
 * The subscription reconciler handler's own logic, with in-memory ports: the
 * metrics it emits (the `SubscriptionQuotaExceeded` alarm's input), the quota
 * stop, and reading the quota from the environment.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import {
  FilterPolicyQuotaError,
  InvalidFilterPolicyQuotaError,
  ownerFilterPolicy,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { MemoryOwnerRegistry } from '../unit/support/memory-owner-registry';

type HandlerModule = typeof import('../../lambdas/handlers/reconciler');
let handlerModule: HandlerModule;

beforeAll(async () => {
  // The module builds its deployed dependencies at import: give it a valid environment first.
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:unused';
  process.env.DIRECTORY_TABLE_NAME = 'unused';
  process.env.AWS_REGION = 'us-east-1';
  handlerModule = await import('../../lambdas/handlers/reconciler');
});

function fakeTools() {
  const metrics: Record<string, number> = {};
  const logs: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => logs.push({ level, message });
  const logger = { appendKeys: () => undefined, info: log('info'), warn: log('warn'), error: log('error') };
  const metricsTool = {
    addMetric: (name: string, _unit: string, value: number) => {
      metrics[name] = value;
    },
  };
  return {
    metrics,
    logs,
    tools: {
      logger: logger as unknown as Logger,
      metrics: metricsTool as unknown as Metrics,
      tracer: {} as Tracer,
    },
  };
}

function topicWith(subscriptions: TopicSubscription[]): TopicSubscriptions & { writes: number } {
  return {
    writes: 0,
    list: async () => subscriptions,
    async create() {
      this.writes++;
      return 'arn:new';
    },
    async setFilterPolicy() {
      this.writes++;
    },
    async remove() {
      this.writes++;
    },
  };
}

const owner = (userId: string) => ({ userId, email: `${userId}@x`, status: 'active' as const });

/**
 * The handler over a topic holding `subscriptions` and a directory of two
 * active owners (ada, bob) on sns-email, with fake tools and the quota given.
 */
function reconcilerOver(subscriptions: TopicSubscription[], filterPolicyQuota: number) {
  const { metrics, logs, tools } = fakeTools();
  const topic = topicWith(subscriptions);
  const handler = handlerModule.createReconcilerHandler({
    ...tools,
    topic,
    directory: new MemoryOwnerRegistry([owner('ada'), owner('bob')]),
    route: 'sns-email',
    filterPolicyQuota,
  });
  return { handler, topic, metrics, logs };
}

describe('reconciler handler', () => {
  it('reconciles and emits the run’s metrics with SubscriptionQuotaExceeded = 0', async () => {
    const gone: TopicSubscription = {
      arn: 'arn:gone',
      protocol: 'email',
      endpoint: 'gone@x',
      filterPolicy: ownerFilterPolicy('gone'),
      pending: false,
    };
    const { handler, topic, metrics, logs } = reconcilerOver([gone], 200);

    const summary = await handler({ job: 'reconcile' });

    expect(topic.writes).toBe(3);
    expect(summary).toMatchObject({ created: 2, removed: 1 });
    expect(metrics).toEqual({
      [RECONCILER_METRIC.quotaExceeded]: 0,
      [RECONCILER_METRIC.filterPolicies]: 2,
      [RECONCILER_METRIC.created]: 2,
      [RECONCILER_METRIC.repaired]: 0,
      [RECONCILER_METRIC.removed]: 1,
      [RECONCILER_METRIC.failed]: 0,
      [RECONCILER_METRIC.pendingOwners]: 2,
      [RECONCILER_METRIC.conflicts]: 0,
    });
    expect(logs).toEqual([{ level: 'info', message: 'subscription reconciler summary' }]);
  });

  it('on a quota stop emits SubscriptionQuotaExceeded = 1, logs an error and fails with FilterPolicyQuotaError', async () => {
    const { handler, topic, metrics, logs } = reconcilerOver([], 1);

    await expect(handler({})).rejects.toThrow(FilterPolicyQuotaError);
    expect(metrics).toEqual({ [RECONCILER_METRIC.quotaExceeded]: 1 });
    expect(logs).toEqual([{ level: 'error', message: 'subscription filter-policy quota exceeded' }]);
    expect(topic.writes).toBe(0);
  });

  it('reads the quota from SNS_FILTER_POLICY_QUOTA (default 200), naming the variable when bad', () => {
    expect(handlerModule.filterPolicyQuotaFromEnvironment({})).toBe(200);
    expect(handlerModule.filterPolicyQuotaFromEnvironment({ SNS_FILTER_POLICY_QUOTA: '1000' })).toBe(1000);
    for (const bad of ['0', '-5', '2.5', 'lots']) {
      expect(() => handlerModule.filterPolicyQuotaFromEnvironment({ SNS_FILTER_POLICY_QUOTA: bad })).toThrow(
        InvalidFilterPolicyQuotaError,
      );
    }
    expect(() => handlerModule.filterPolicyQuotaFromEnvironment({ SNS_FILTER_POLICY_QUOTA: 'lots' })).toThrow(
      /SNS_FILTER_POLICY_QUOTA = "lots": must be a whole number of at least 1/,
    );
  });
});
