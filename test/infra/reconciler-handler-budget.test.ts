/**
 * The subscription reconciler handler's time budget: Lambda's remaining time less `RECONCILER_SAFETY_MARGIN_MS`
 * (`remaining-budget.ts`). With SNS slow (each call moves a virtual clock that the fake context reads: no
 * wall-clock wait), the run stops starting calls inside the margin, and the handler emits `ReconcilerIncomplete = 1`
 * and `ReconcilerCompleted = 0` (the `ReconcilerHeartbeat` alarm's metric) with the figures of what the run did,
 * logs a warning counting what it left, and succeeds: no Lambda retry, the next hourly run continues. A quota stop
 * cut short says both, and succeeds too. A budget spent while the run still lists or reads the topic's subscriptions (the SNS adapter
 * over a mocked client whose listing pages and attribute reads move the clock) ends it before its plan: no further
 * page or read, only `ReconcilerIncomplete = 1` and `ReconcilerCompleted = 0`, a warning saying how far it got (read
 * of listed, or listed before the listing stopped) and what to do, and success.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import { RECONCILER_SAFETY_MARGIN_MS } from '../../lambdas/handlers/safety-margins';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import { listedEmailSubscription } from '../support/listed-email-subscription';
import { MemoryOwnerRegistry } from '../unit/support/memory-owner-registry';
import {
  activeOwner,
  confirmedEmail,
  importReconcilerHandler,
  memoryTopic,
  OPS_QUEUE,
  type ReconcilerHandlerModule,
  reconcilerWithFakeTools,
  TOPIC,
} from './reconciler-handler-module';

let handlerModule: ReconcilerHandlerModule;

beforeAll(async () => {
  handlerModule = await importReconcilerHandler();
});

/** What each SNS change costs on the virtual clock: a slow, throttled SNS. */
const CALL_MS = 10_000;

/** Wraps `logger`'s `warn` to keep each warning with its fields (the collected log keeps the message only). */
function keepWarningFields(logger: Logger): Record<string, unknown>[] {
  const warnings: Record<string, unknown>[] = [];
  const levels = logger as unknown as Record<string, (message: string, fields?: object) => void>;
  const warn = levels.warn!;
  levels.warn = (message, fields) => {
    warn(message);
    warnings.push({ message, ...fields });
  };
  return warnings;
}

/**
 * The handler over a slow topic (`gone` owner subscriptions to remove, an operators' queue) and a directory of
 * `owners`, invoked with `leftMs` of Lambda's time beyond the margin; the warnings' fields are kept.
 */
async function invoke(options: {
  readonly owners: readonly string[];
  readonly gone?: readonly string[];
  readonly leftMs: number;
  readonly filterPolicyQuota?: number;
}) {
  let now = 0;
  const calls: string[] = [];
  const slow = (call: string) => {
    calls.push(call);
    now += CALL_MS;
  };
  const listed = [
    OPS_QUEUE,
    ...(options.gone ?? []).map((id) => confirmedEmail(`arn:${id}`, `${id}@x`, ownerFilterPolicy(id))),
  ];
  const { handler, metrics, logs, logger } = reconcilerWithFakeTools(handlerModule, {
    topic: {
      ...memoryTopic(listed),
      create: async (email) => {
        slow(`create ${email}`);
        return `arn:new-${email}`;
      },
      setFilterPolicy: async (arn) => slow(`repair ${arn}`),
      remove: async (arn) => slow(`remove ${arn}`),
    },
    directory: new MemoryOwnerRegistry(options.owners.map(activeOwner)),
    filterPolicyQuota: options.filterPolicyQuota,
  });
  const warnings = keepWarningFields(logger);
  const context = {
    getRemainingTimeInMillis: () => RECONCILER_SAFETY_MARGIN_MS + options.leftMs - now,
  };
  const outcome = await handler({}, context).catch((error: unknown) => error);
  return { outcome, calls, metrics, logs, warnings };
}

describe('reconciler handler time budget', () => {
  it('stops starting SNS calls at the safety margin, reports the run incomplete, and succeeds', async () => {
    const { outcome, calls, metrics, logs, warnings } = await invoke({
      owners: ['ada', 'bob', 'cy', 'dee', 'eve'],
      // Two calls' time beyond the margin: the third would start inside it.
      leftMs: 2 * CALL_MS,
    });

    expect(outcome).toMatchObject({
      created: 2,
      deferred: [{ userId: 'cy' }, { userId: 'dee' }, { userId: 'eve' }],
    });
    expect(calls).toEqual(['create ada@x', 'create bob@x']);
    expect(metrics).toMatchObject({
      [RECONCILER_METRIC.incomplete]: 1,
      [RECONCILER_METRIC.completed]: 0,
      [RECONCILER_METRIC.created]: 2,
      [RECONCILER_METRIC.pendingOwners]: 2,
      [RECONCILER_METRIC.filterPolicies]: 2,
      [RECONCILER_METRIC.failed]: 0,
      [RECONCILER_METRIC.quotaExceeded]: 0,
      [RECONCILER_METRIC.adminSubscriptions]: 1,
    });
    expect(logs.map((l) => l.level)).toEqual(['warn', 'warn']);
    expect(warnings).toEqual([
      {
        message: 'subscription reconciler summary',
        // The deferred operations counted, not listed (thousands on a first run).
        summary: expect.objectContaining({ created: 2, deferred: { remove: 0, repair: 0, create: 3 } }),
      },
      {
        message: expect.stringMatching(/^subscription reconciler stopped at its time budget: /),
        deferred: { remove: 0, repair: 0, create: 3 },
        safetyMarginMs: RECONCILER_SAFETY_MARGIN_MS,
      },
    ]);
  });

  it('completes when the budget outlasts the run', async () => {
    const { calls, metrics, logs } = await invoke({ owners: ['ada', 'bob'], leftMs: 2 * CALL_MS + 1 });

    expect(calls).toEqual(['create ada@x', 'create bob@x']);
    expect(metrics).toMatchObject({ [RECONCILER_METRIC.incomplete]: 0, [RECONCILER_METRIC.completed]: 1 });
    expect(logs).toEqual([{ level: 'info', message: 'subscription reconciler summary' }]);
  });

  it('reports a quota stop cut short by the budget as both', async () => {
    const { outcome, calls, metrics } = await invoke({
      owners: ['ada', 'bob'],
      gone: ['g1', 'g2'],
      leftMs: CALL_MS,
      // 2 policies now − 2 removals + 2 creations > 0 (a quota of 1 less the one kept free): a quota stop, which
      // still removes (one, in its time).
      filterPolicyQuota: 1,
    });

    // Both stops resolve: neither is a failure for Lambda to retry.
    expect(outcome).toMatchObject({ removed: 1, created: 0, deferred: [{ kind: 'remove' }] });
    expect(calls).toEqual(['remove arn:g1']);
    expect(metrics).toMatchObject({
      [RECONCILER_METRIC.quotaExceeded]: 1,
      [RECONCILER_METRIC.incomplete]: 1,
      [RECONCILER_METRIC.completed]: 0,
      [RECONCILER_METRIC.removed]: 1,
    });
  });
});

describe('reconciler handler time budget spent while listing the topic', () => {
  it('plans and changes nothing, reports the run incomplete with what it read, and succeeds', async () => {
    const sns = mockClient(SNSClient);
    const subscribed = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: subscribed.map((id) => listedEmailSubscription(TOPIC, id, `${id}@x`)),
    });
    let now = 0;
    sns.on(GetSubscriptionAttributesCommand).callsFake(async () => {
      now += CALL_MS;
      return { Attributes: { PendingConfirmation: 'false', FilterPolicy: ownerFilterPolicy('x') } };
    });
    const directory = new MemoryOwnerRegistry(['ada', 'new'].map(activeOwner));
    const { handler, metrics, logs, logger } = reconcilerWithFakeTools(handlerModule, {
      // One read at a time: the budget's arithmetic is exact.
      topic: new SnsTopicSubscriptions(new SNSClient({ region: 'us-east-1' }), TOPIC, 1),
      directory,
    });
    const warnings = keepWarningFields(logger);

    try {
      // Two reads' time beyond the margin: the third would start inside it.
      const outcome = await handler(
        {},
        { getRemainingTimeInMillis: () => RECONCILER_SAFETY_MARGIN_MS + 2 * CALL_MS - now },
      );

      expect(outcome).toEqual({ listingStopped: { listed: 6, listingFinished: true, read: 2 } });
      expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toHaveLength(2);
      expect(sns.commandCalls(SubscribeCommand)).toEqual([]);
      expect(sns.commandCalls(UnsubscribeCommand)).toEqual([]);
      expect(directory.recorded).toEqual([]);
      // Only the stop: the admins' reach of a partial listing would be a guess (a false NoAdminSubscription).
      expect(metrics).toEqual({ [RECONCILER_METRIC.incomplete]: 1, [RECONCILER_METRIC.completed]: 0 });
      expect(logs.map((l) => l.level)).toEqual(['warn']);
      expect(warnings).toEqual([
        {
          message: expect.stringMatching(
            /^subscription reconciler stopped reading the topic at its time budget: 2 of 6 subscriptions read; nothing planned or changed .*reconcilerTimeout.*pc-hygiene owners sync-subscriptions/,
          ),
          listed: 6,
          listingFinished: true,
          read: 2,
          safetyMarginMs: RECONCILER_SAFETY_MARGIN_MS,
        },
      ]);
    } finally {
      sns.restore();
    }
  });

  it('requests no page after the budget is spent, and says the listing did not finish', async () => {
    const sns = mockClient(SNSClient);
    let now = 0;
    // Two pages, each moving the clock by a call: ada and bob on the first, cy on the second.
    sns.on(ListSubscriptionsByTopicCommand).callsFake(async ({ NextToken }: { NextToken?: string }) => {
      now += CALL_MS;
      const ids = NextToken === undefined ? ['ada', 'bob'] : ['cy'];
      return {
        Subscriptions: ids.map((id) => listedEmailSubscription(TOPIC, id, `${id}@x`)),
        ...(NextToken === undefined && { NextToken: 'page-2' }),
      };
    });
    const directory = new MemoryOwnerRegistry(['ada', 'new'].map(activeOwner));
    const { handler, metrics, logs, logger } = reconcilerWithFakeTools(handlerModule, {
      topic: new SnsTopicSubscriptions(new SNSClient({ region: 'us-east-1' }), TOPIC, 1),
      directory,
    });
    const warnings = keepWarningFields(logger);

    try {
      // One page's time beyond the margin: the second page would start inside it.
      const outcome = await handler(
        {},
        { getRemainingTimeInMillis: () => RECONCILER_SAFETY_MARGIN_MS + CALL_MS - now },
      );

      expect(outcome).toEqual({ listingStopped: { listed: 2, listingFinished: false, read: 0 } });
      expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input)).toEqual([
        { TopicArn: TOPIC },
      ]);
      expect(sns.commandCalls(GetSubscriptionAttributesCommand)).toEqual([]);
      expect(sns.commandCalls(SubscribeCommand)).toEqual([]);
      expect(sns.commandCalls(UnsubscribeCommand)).toEqual([]);
      expect(directory.recorded).toEqual([]);
      expect(metrics).toEqual({ [RECONCILER_METRIC.incomplete]: 1, [RECONCILER_METRIC.completed]: 0 });
      expect(logs.map((l) => l.level)).toEqual(['warn']);
      expect(warnings).toEqual([
        {
          message: expect.stringMatching(
            /^subscription reconciler stopped reading the topic at its time budget: 2 subscriptions listed, the listing did not finish \(none read\); nothing planned or changed /,
          ),
          listed: 2,
          listingFinished: false,
          read: 0,
          safetyMarginMs: RECONCILER_SAFETY_MARGIN_MS,
        },
      ]);
    } finally {
      sns.restore();
    }
  });
});
