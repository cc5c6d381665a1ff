/**
 * The reconciler handler's `AdminSubscriptions` (the `NoAdminSubscription` alarm's metric) on the wire: the real SDK
 * SNS client and `SnsTopicSubscriptions` against the SNS-compatible local server (test/integration/fake-sns-server.ts),
 * which lists the topic and answers each subscription's attributes. Counted from the listing the run already makes
 * (no other SNS action), with a warning at 0; a quota stop reports it too (docs/notifications.md, "Subscription
 * reconciler", "Admin reach").
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  importReconcilerHandler,
  LAMBDA_CONTEXT,
  type ReconcilerHandlerModule,
  reconcilerWithFakeTools,
} from '../infra/reconciler-handler-module';
import { MemoryOwnerRegistry } from '../unit/support/memory-owner-registry';
import { FakeSnsServer } from './fake-sns-server';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const NO_ADMIN_WARNING = /^no admin subscription: /;

let handlerModule: ReconcilerHandlerModule;
let sns: FakeSnsServer;

beforeAll(async () => {
  handlerModule = await importReconcilerHandler();
  sns = await FakeSnsServer.start();
});
afterAll(() => sns.stop());
beforeEach(() => {
  sns.reset();
  sns.calls.clear();
  sns.filterPolicyQuota = 200;
});

const ada: OwnerRecord = { userId: 'ada', email: 'ada@example.com', status: 'active' };

/** One invocation of the handler over the fake topic, ada the only owner, with the quota given. */
async function reconcile(filterPolicyQuota = 200) {
  const { handler, metrics, logs } = reconcilerWithFakeTools(handlerModule, {
    topic: new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TOPIC),
    directory: new MemoryOwnerRegistry([ada]),
    filterPolicyQuota,
  });
  const outcome = await handler({}, LAMBDA_CONTEXT).catch((error: unknown) => error);
  return { outcome, metrics, logs: logs.map((l) => `${l.level}: ${l.message}`) };
}

/** The topic as an operator left it: the security team's address just subscribed (pending), and a pager. */
function adminPendingAndPager(): void {
  sns.addSubscription({
    topicArn: TOPIC,
    protocol: 'email',
    endpoint: 'security@example.com',
    filterPolicy: { audience: ['admin'] },
    pending: true,
  });
  // Guard trips only: misses the run summaries and owner-unreachable reports.
  sns.addSubscription({
    topicArn: TOPIC,
    protocol: 'sms',
    endpoint: '+15555550100',
    filterPolicy: { audience: ['admin'], eventTypes: ['guard-tripped'] },
  });
}

describe('reconciler handler: admin subscriptions of the notification topic', () => {
  it('emits AdminSubscriptions = 0 and warns while no confirmed subscription receives every admin message', async () => {
    adminPendingAndPager();

    const { outcome, metrics, logs } = await reconcile();

    expect(outcome).toMatchObject({ adminSubscriptions: 0 });
    expect(metrics[RECONCILER_METRIC.adminSubscriptions]).toBe(0);
    expect(logs.filter((l) => l.startsWith('warn: ')).map((l) => l.slice('warn: '.length))).toEqual([
      expect.stringMatching(NO_ADMIN_WARNING),
    ]);
  });

  it('emits AdminSubscriptions = 1, without the warning, once the security team confirms', async () => {
    adminPendingAndPager();
    sns.confirm('security@example.com');

    const { outcome, metrics, logs } = await reconcile();

    expect(outcome).toMatchObject({ adminSubscriptions: 1 });
    expect(metrics[RECONCILER_METRIC.adminSubscriptions]).toBe(1);
    expect(logs).toEqual(['info: subscription reconciler summary']);
  });

  it('counts from the run’s own listing: no SNS action beyond the reconciler’s', async () => {
    adminPendingAndPager();
    sns.confirm('security@example.com');

    await reconcile();

    expect(Object.fromEntries(sns.calls)).toEqual({
      ListSubscriptionsByTopic: 1,
      // one read per confirmed subscription listed (the pager, the security team), as every run makes
      GetSubscriptionAttributes: 2,
      Subscribe: 1,
    });
  });

  it.each([
    [0, false],
    [1, true],
  ])('a quota stop reports AdminSubscriptions = %i too', async (expected, confirmed) => {
    adminPendingAndPager();
    if (confirmed) sns.confirm('security@example.com');

    // 2 filter policies held, ada's creation would make 3; the quota of 2 less the one kept free fills 1.
    const { outcome, metrics, logs } = await reconcile(2);

    // The invocation succeeds with the stopped run's summary (a quota stop is no failure to retry).
    expect(outcome).not.toBeInstanceOf(Error);
    expect(outcome).toMatchObject({ created: 0, adminSubscriptions: expected });
    expect(metrics).toMatchObject({
      [RECONCILER_METRIC.quotaExceeded]: 1,
      [RECONCILER_METRIC.adminSubscriptions]: expected,
    });
    expect(logs.some((l) => NO_ADMIN_WARNING.test(l.slice('warn: '.length)))).toBe(expected === 0);
  });
});
