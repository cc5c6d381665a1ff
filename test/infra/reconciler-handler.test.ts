/**
 * The subscription reconciler handler's own logic, with in-memory ports: the
 * metrics it emits (the `SubscriptionQuotaExceeded`, `MassUnsubscribeGuardTripped`, `NoAdminSubscription`,
 * `WideAdminEmailSubscription` and `ReconcilerHeartbeat` alarms' input, and the `ConfirmationExhaustedOwners` gauge; the admin count on the wire:
 * test/integration/reconciler-admin-subscriptions.test.ts), the quota stop (the same metrics for what the stopped
 * run did; not a completed run; the invocation resolves with its summary: a steady state, not a failure for Lambda
 * to retry and dead-letter), an empty directory refused when it would remove an owner subscription (the admins'
 * reach only: no completion) and completed when there is none (day one), the mailbox rule it
 * wires (the relay's, Punycode-aware), and reading the quota from the environment.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { MAX_CONFIRMATION_EMAILS } from '../../lambdas/hygiene/subscription-confirmations';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import { InvalidFilterPolicyQuotaError } from '../../lambdas/hygiene/subscription-quota';
import { EmptyOwnerDirectoryError } from '../../lambdas/hygiene/subscription-reconciler';
import { MemoryOwnerRegistry } from '../unit/support/memory-owner-registry';
import {
  activeOwner,
  confirmedEmail,
  importReconcilerHandler,
  LAMBDA_CONTEXT,
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

/** The warning of a topic without an admin subscription, as collected. */
const NO_ADMIN_WARNING = { level: 'warn', message: expect.stringMatching(/^no admin subscription: /) };

/**
 * The handler over a topic holding `subscriptions` and a directory of
 * `owners` (default: two active owners, ada and bob) on sns-email, with fake
 * tools and the quota given.
 */
function reconcilerOver(
  subscriptions: TopicSubscription[],
  filterPolicyQuota: number,
  options: { readonly owners?: OwnerRecord[]; readonly refused?: readonly string[] } = {},
) {
  const topic = memoryTopic(subscriptions, options.refused);
  const directory = new MemoryOwnerRegistry(options.owners ?? [activeOwner('ada'), activeOwner('bob')]);
  return { topic, ...reconcilerWithFakeTools(handlerModule, { topic, directory, filterPolicyQuota }) };
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
    const { handler, topic, metrics, logs } = reconcilerOver([gone, OPS_QUEUE], 200);

    const summary = await handler({ job: 'reconcile' }, LAMBDA_CONTEXT);

    expect(topic.writes).toBe(3);
    expect(summary).toMatchObject({ created: 2, removed: 1 });
    expect(metrics).toEqual({
      [RECONCILER_METRIC.quotaExceeded]: 0,
      [RECONCILER_METRIC.incomplete]: 0,
      [RECONCILER_METRIC.filterPolicies]: 2,
      [RECONCILER_METRIC.created]: 2,
      [RECONCILER_METRIC.repaired]: 0,
      [RECONCILER_METRIC.removed]: 1,
      [RECONCILER_METRIC.withdrawn]: 0,
      [RECONCILER_METRIC.failed]: 0,
      [RECONCILER_METRIC.pendingOwners]: 2,
      [RECONCILER_METRIC.unsubscribedOwners]: 0,
      [RECONCILER_METRIC.confirmationExhaustedOwners]: 0,
      [RECONCILER_METRIC.conflicts]: 0,
      [RECONCILER_METRIC.optOutsHeldBack]: 0,
      [RECONCILER_METRIC.adminSubscriptions]: 1,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 0,
      [RECONCILER_METRIC.completed]: 1,
    });
    expect(logs).toEqual([{ level: 'info', message: 'subscription reconciler summary' }]);
  });

  it('on a quota stop emits SubscriptionQuotaExceeded = 1, logs an error and resolves with the stopped run’s summary', async () => {
    // ada and bob to subscribe, room for one (a quota of 2 less the one kept free): ada (first by userId) is
    // subscribed, bob left out
    const { handler, topic, metrics, logs } = reconcilerOver([], 2);

    // Resolves: a failed invocation would be retried twice by Lambda and then dead-lettered, every hour.
    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(summary).toMatchObject({
      created: 1,
      operations: [{ kind: 'create', userId: 'ada' }],
      filterPolicies: { current: 0, planned: 1, quota: 2 },
    });
    expect(metrics).toEqual({
      [RECONCILER_METRIC.quotaExceeded]: 1,
      [RECONCILER_METRIC.incomplete]: 0,
      [RECONCILER_METRIC.filterPolicies]: 1,
      [RECONCILER_METRIC.created]: 1,
      [RECONCILER_METRIC.repaired]: 0,
      [RECONCILER_METRIC.removed]: 0,
      [RECONCILER_METRIC.withdrawn]: 0,
      [RECONCILER_METRIC.failed]: 0,
      [RECONCILER_METRIC.pendingOwners]: 1,
      [RECONCILER_METRIC.unsubscribedOwners]: 0,
      [RECONCILER_METRIC.confirmationExhaustedOwners]: 0,
      [RECONCILER_METRIC.conflicts]: 0,
      [RECONCILER_METRIC.optOutsHeldBack]: 0,
      [RECONCILER_METRIC.adminSubscriptions]: 0,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 0,
      // It left an owner without a subscription: not a completed run (the heartbeat fires if every run stops so).
      [RECONCILER_METRIC.completed]: 0,
    });
    expect(logs).toEqual([
      { level: 'error', message: 'subscription filter-policy quota exceeded' },
      NO_ADMIN_WARNING,
    ]);
    expect(topic.writes).toBe(1);
  });

  it('a quota stop is no failed invocation: it resolves, with SubscriptionQuotaExceeded = 1 put and the stop logged as an error', async () => {
    // ada, bob and cy to subscribe; a quota of 2 fills 1 (one kept free for the relay queue): only ada fits
    const { handler, metrics, logger } = reconcilerOver([], 2, {
      owners: [activeOwner('ada'), activeOwner('bob'), activeOwner('cy')],
    });
    const errors: Record<string, unknown>[] = [];
    const levels = logger as unknown as Record<string, (message: string, fields?: object) => void>;
    levels.error = (message, fields) => errors.push({ message, ...fields });

    const outcome = await handler({}, LAMBDA_CONTEXT).then(
      (summary) => ({ resolved: summary }),
      (error: unknown) => ({ rejected: error }),
    );

    expect(outcome).toEqual({ resolved: expect.objectContaining({ created: 1 }) });
    expect(metrics[RECONCILER_METRIC.quotaExceeded]).toBe(1);
    expect(metrics[RECONCILER_METRIC.completed]).toBe(0);
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'subscription filter-policy quota exceeded',
        quota: 2,
        needed: 3,
        error: expect.stringContaining(
          'above the 1 the reconciler fills: the quota of 2 filter policies per topic',
        ),
      }),
    ]);
  });

  it('on a quota stop emits the metrics of what the run still did: removed, repaired, refused, pending, conflicts', async () => {
    const { handler, topic, metrics } = reconcilerOver(
      [
        // Owners gone from the directory: one removed, one SNS refuses to remove.
        confirmedEmail('arn:gone', 'gone@x', ownerFilterPolicy('gone')),
        confirmedEmail('arn:left', 'left@x', ownerFilterPolicy('left')),
        // cy's filter also lets admin messages through: repaired.
        confirmedEmail('arn:cy', 'cy@x', '{"userId":["cy"],"audience":["owner","admin"]}'),
        // bob has not confirmed yet: pending (counts as holding a filter policy).
        { arn: 'PendingConfirmation', protocol: 'email', endpoint: 'bob@x', pending: true },
        // dee's address is an admin subscription: a conflict, not subscribed.
        confirmedEmail('arn:admin', 'dee@x', '{"audience":["admin"]}'),
      ],
      // 5 policies now − 2 removals + ada's creation = 4 > 3 (a quota of 4 less the one kept free): ada is not
      // subscribed.
      4,
      {
        owners: [activeOwner('ada'), activeOwner('bob'), activeOwner('cy'), activeOwner('dee')],
        refused: ['arn:left'],
      },
    );

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(summary).toMatchObject({
      created: 0,
      removed: 1,
      repaired: 1,
      failed: [{ operation: { kind: 'remove', subscriptionArn: 'arn:left' } }],
    });
    expect(topic.writes).toBe(2);
    expect(metrics).toEqual({
      [RECONCILER_METRIC.quotaExceeded]: 1,
      [RECONCILER_METRIC.incomplete]: 0,
      // What the topic holds after the stopped run as planned: ada's creation left out.
      [RECONCILER_METRIC.filterPolicies]: 3,
      [RECONCILER_METRIC.created]: 0,
      [RECONCILER_METRIC.repaired]: 1,
      [RECONCILER_METRIC.removed]: 1,
      [RECONCILER_METRIC.withdrawn]: 0,
      [RECONCILER_METRIC.failed]: 1,
      [RECONCILER_METRIC.pendingOwners]: 1,
      [RECONCILER_METRIC.unsubscribedOwners]: 0,
      [RECONCILER_METRIC.confirmationExhaustedOwners]: 0,
      [RECONCILER_METRIC.conflicts]: 1,
      [RECONCILER_METRIC.optOutsHeldBack]: 0,
      // dee's address: the admins' subscription
      [RECONCILER_METRIC.adminSubscriptions]: 1,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 0,
      [RECONCILER_METRIC.completed]: 0,
    });
  });

  it('completes on an empty directory on sns-email with no owner subscription to remove (day one): the heartbeat’s ReconcilerCompleted and the admins’ reach', async () => {
    const { handler, topic, metrics, logs } = reconcilerOver([OPS_QUEUE], 200, { owners: [] });

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(topic.writes).toBe(0);
    expect(summary).toMatchObject({ owners: 0, operations: [], created: 0, removed: 0, failed: [] });
    expect(metrics).toEqual({
      [RECONCILER_METRIC.quotaExceeded]: 0,
      [RECONCILER_METRIC.incomplete]: 0,
      [RECONCILER_METRIC.filterPolicies]: 0,
      [RECONCILER_METRIC.created]: 0,
      [RECONCILER_METRIC.repaired]: 0,
      [RECONCILER_METRIC.removed]: 0,
      [RECONCILER_METRIC.withdrawn]: 0,
      [RECONCILER_METRIC.failed]: 0,
      [RECONCILER_METRIC.pendingOwners]: 0,
      [RECONCILER_METRIC.unsubscribedOwners]: 0,
      [RECONCILER_METRIC.confirmationExhaustedOwners]: 0,
      [RECONCILER_METRIC.conflicts]: 0,
      [RECONCILER_METRIC.optOutsHeldBack]: 0,
      [RECONCILER_METRIC.adminSubscriptions]: 1,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 0,
      [RECONCILER_METRIC.completed]: 1,
    });
    expect(logs).toEqual([{ level: 'info', message: 'subscription reconciler summary' }]);
  });

  it('refuses an empty directory on sns-email that would remove an owner subscription, emitting the admins’ reach only (admin subscriptions, wide email ones): no completion for the heartbeat', async () => {
    const ada = confirmedEmail('arn:ada', 'ada@x', ownerFilterPolicy('ada'));
    const { handler, topic, metrics, logs } = reconcilerOver([ada, OPS_QUEUE], 200, { owners: [] });

    await expect(handler({}, LAMBDA_CONTEXT)).rejects.toThrow(EmptyOwnerDirectoryError);
    expect(topic.writes).toBe(0);
    // Not a completed run (no ReconcilerCompleted), but NoAdminSubscription still watches while runs are refused.
    expect(metrics).toEqual({
      [RECONCILER_METRIC.adminSubscriptions]: 1,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 0,
    });
    expect(logs).toEqual([]);
  });

  it('refuses an empty directory on a topic without an admin subscription: AdminSubscriptions 0 and the warning', async () => {
    const owners = confirmedEmail('arn:ada', 'ada@x', ownerFilterPolicy('ada'));
    const { handler, metrics, logs } = reconcilerOver([owners], 200, { owners: [] });

    await expect(handler({}, LAMBDA_CONTEXT)).rejects.toThrow(EmptyOwnerDirectoryError);
    expect(metrics).toEqual({
      [RECONCILER_METRIC.adminSubscriptions]: 0,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 0,
    });
    expect(logs).toEqual([NO_ADMIN_WARNING]);
  });

  it('counts the owners who unsubscribed by the link (recorded confirmed, subscription gone): not subscribed again', async () => {
    const { handler, topic, metrics } = reconcilerOver([], 200, {
      owners: [
        { ...activeOwner('ada'), subscription: 'confirmed', subscriptionArn: `${TOPIC}:ada` },
        activeOwner('bob'),
      ],
    });

    await handler({}, LAMBDA_CONTEXT);

    expect(topic.writes).toBe(1); // bob's subscription only
    expect(metrics).toMatchObject({
      [RECONCILER_METRIC.created]: 1,
      [RECONCILER_METRIC.pendingOwners]: 1,
      [RECONCILER_METRIC.unsubscribedOwners]: 1,
    });
  });

  it('gauges the owners sent no more confirmation links (MAX_CONFIRMATION_EMAILS unanswered), on a quota stop too', async () => {
    // ada and bob got every link and confirmed none (recorded none, nothing pending); cy's last link is still
    // pending (not at the limit yet); dee has a link left: subscribed again.
    const exhausted = (userId: string, subscription?: 'none') => ({
      ...activeOwner(userId),
      ...(subscription !== undefined && { subscription }),
      confirmationEmailsSent: MAX_CONFIRMATION_EMAILS,
    });
    const cyPending = {
      arn: 'PendingConfirmation',
      protocol: 'email',
      endpoint: 'cy@x',
      pending: true,
    } as const;
    const owners = [
      exhausted('ada', 'none'),
      exhausted('bob'),
      { ...exhausted('cy'), subscription: 'pending' as const },
      { ...activeOwner('dee'), confirmationEmailsSent: MAX_CONFIRMATION_EMAILS - 1 },
    ];
    const finished = reconcilerOver([cyPending], 200, { owners });

    const summary = await finished.handler({}, LAMBDA_CONTEXT);

    expect(summary).toMatchObject({
      confirmationsExhausted: [{ userId: 'ada' }, { userId: 'bob' }],
      created: 1,
    });
    expect(finished.metrics).toMatchObject({
      [RECONCILER_METRIC.confirmationExhaustedOwners]: 2,
      [RECONCILER_METRIC.pendingOwners]: 2,
    });

    // cy's pending subscription holds the only filter policy the quota of 2 leaves to fill: dee is left out, ada and
    // bob still counted.
    const stopped = reconcilerOver([cyPending], 2, { owners });
    await expect(stopped.handler({}, LAMBDA_CONTEXT)).resolves.toMatchObject({ created: 0 });
    expect(stopped.metrics).toMatchObject({
      [RECONCILER_METRIC.quotaExceeded]: 1,
      [RECONCILER_METRIC.confirmationExhaustedOwners]: 2,
    });
  });

  it('counts the subscriptions it created and withdrew because the owner opted out while it ran', async () => {
    const directory = new MemoryOwnerRegistry([activeOwner('ada'), activeOwner('bob')]);
    const removed: string[] = [];
    const { handler, metrics } = reconcilerWithFakeTools(handlerModule, {
      topic: {
        ...memoryTopic([]),
        create: async (email: string) => {
          // `owners unsubscribe bob` lands while the creations run
          directory.owners = [activeOwner('ada'), { ...activeOwner('bob'), subscription: 'unsubscribed' }];
          return `arn:new-${email}`;
        },
        remove: async (arn: string) => {
          removed.push(arn);
        },
      },
      directory,
    });

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(removed).toEqual(['arn:new-bob@x']);
    expect(summary).toMatchObject({ created: 2, withdrawnAfterCreate: [{ userId: 'bob' }] });
    expect(metrics).toMatchObject({
      [RECONCILER_METRIC.created]: 2,
      [RECONCILER_METRIC.withdrawn]: 1,
      [RECONCILER_METRIC.unsubscribedOwners]: 1,
    });
  });

  it('counts them in OptOutsHeldBack (its alarm’s metric) and warns, naming them, when the mass-unsubscribe guard holds back the run’s new opt-outs', async () => {
    // Every confirmed owner's subscription gone from the topic at once: a re-created topic, not five opt-outs.
    const ids = ['ada', 'bob', 'cy', 'dee', 'eve'];
    const { handler, topic, metrics, logs } = reconcilerOver([], 200, {
      owners: ids.map((id) => ({
        ...activeOwner(id),
        subscription: 'confirmed',
        subscriptionArn: `${TOPIC}:${id}`,
      })),
    });

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(topic.writes).toBe(0);
    expect(summary).toHaveProperty('unsubscribeGuard', {
      tripped: true,
      overridden: false,
      newlyUnsubscribed: ids,
      confirmedBefore: 5,
    });
    expect(metrics[RECONCILER_METRIC.unsubscribedOwners]).toBe(0);
    expect(metrics[RECONCILER_METRIC.optOutsHeldBack]).toBe(5);
    expect(logs).toEqual([
      { level: 'info', message: 'subscription reconciler summary' },
      {
        level: 'warn',
        message:
          'mass-unsubscribe guard: 5 of 5 confirmed owners have no subscription left on the topic; none recorded ' +
          'unsubscribed: recorded none (unreachable), and the next run subscribes them again. Was the topic deleted ' +
          'and re-created? See docs/notifications.md, "Subscription reconciler".',
      },
      // A re-created topic has lost its admin subscriptions too.
      NO_ADMIN_WARNING,
    ]);
  });

  it('tells mailboxes apart as the relay does: a domain re-spelled in Punycode keeps its confirmed subscription', async () => {
    // Bob confirmed at his Unicode domain; an import re-spelled it in Punycode (one mailbox: no move, state kept).
    const bobs = confirmedEmail(`${TOPIC}:bob`, 'bob@bücher.example', ownerFilterPolicy('bob'));
    const { handler, topic, metrics } = reconcilerOver([bobs], 200, {
      owners: [
        {
          userId: 'bob',
          email: 'bob@xn--bcher-kva.example',
          status: 'active',
          subscription: 'confirmed',
          subscriptionArn: bobs.arn,
        },
      ],
    });

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(topic.writes).toBe(0); // no Unsubscribe, no Subscribe: no new confirmation email
    expect(summary).toMatchObject({ operations: [], stateChanges: [], states: { confirmed: 1, pending: 0 } });
    expect(metrics).toMatchObject({ [RECONCILER_METRIC.created]: 0, [RECONCILER_METRIC.removed]: 0 });
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
