/**
 * The reconciler handler and its summary with an email subscription that admits every admin message but also the
 * owners' digests (no filter policy, `{"audience":["admin","owner"]}`): SNS suspends an email subscription sent more
 * than 10 messages a second, which one drain's owner digests pass, so it is not counted in `AdminSubscriptions`
 * (`NoAdminSubscription` fires when it is the only one) and the summary and the warning say why
 * (`emailSubscriptionsWithOwnerDigests`; docs/notifications.md, "Admin reach"). The handler emits their count as
 * `EmailSubscriptionsWithOwnerDigests` (the `WideAdminEmailSubscription` alarm's metric) from a finished run (also
 * one on an empty directory with no owner subscription: day one) and from the refusal of an empty directory (one
 * that would remove an owner subscription), 0 when there is none. An unfiltered queue still counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
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

/** The security team's address subscribed with `filterPolicy` (none when undefined), confirmed. */
const teamEmail = (filterPolicy?: string) =>
  confirmedEmail(`${TOPIC}:team`, 'security-team@example.com', filterPolicy);

/** An owner's subscription (ada's): an empty directory would remove it, so the run is refused. */
const adaOwnerEmail = confirmedEmail(`${TOPIC}:ada`, 'ada@x', ownerFilterPolicy('ada'));

/** The handler over a topic holding `subscriptions` and a directory of `owners` (default: ada) on sns-email. */
function reconcilerOver(subscriptions: TopicSubscription[], owners?: OwnerRecord[]) {
  return reconcilerWithFakeTools(handlerModule, {
    topic: memoryTopic(subscriptions),
    directory: new MemoryOwnerRegistry(owners ?? [activeOwner('ada')]),
  });
}

const WHY =
  /email subscriptions that also receive owner digests: 1 \(not counted: SNS suspends an email subscription past 10 messages a second: filter it to \{"audience": \["admin"\]\}\)/;

describe('reconciler handler: an email subscription that also receives owner digests', () => {
  it.each([
    ['no filter policy', undefined],
    ['{"audience":["admin","owner"]}', '{"audience":["admin","owner"]}'],
  ])(
    'with %s it does not count: AdminSubscriptions 0, and the warning says why',
    async (_case, filterPolicy) => {
      const { handler, metrics, logs } = reconcilerOver([teamEmail(filterPolicy)]);

      const summary = await handler({}, LAMBDA_CONTEXT);

      expect(summary).toMatchObject({ adminSubscriptions: 0, emailSubscriptionsWithOwnerDigests: 1 });
      expect(metrics[RECONCILER_METRIC.adminSubscriptions]).toBe(0);
      expect(metrics[RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]).toBe(1);
      expect(logs.filter((l) => l.level === 'warn')).toEqual([
        { level: 'warn', message: expect.stringMatching(/^no admin subscription: /) },
      ]);
      expect(logs.find((l) => l.level === 'warn')?.message).toMatch(WHY);
    },
  );

  it('warns about it even while another subscription counts (SNS will suspend it)', async () => {
    const { handler, metrics, logs } = reconcilerOver([teamEmail(), teamEmail('{"audience":["admin"]}')]);

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(summary).toMatchObject({ adminSubscriptions: 1, emailSubscriptionsWithOwnerDigests: 1 });
    expect(metrics[RECONCILER_METRIC.adminSubscriptions]).toBe(1);
    // Only a log line said so: the metric pages (WideAdminEmailSubscription) while another subscription counts.
    expect(metrics[RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]).toBe(1);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: expect.stringMatching(WHY) },
    ]);
    expect(logs.some((l) => /^no admin subscription: /.test(l.message))).toBe(false);
  });

  it('still counts an unfiltered queue, without the field or a warning', async () => {
    const { handler, metrics, logs } = reconcilerOver([OPS_QUEUE]);

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(summary).toHaveProperty('adminSubscriptions', 1);
    expect(summary).not.toHaveProperty('emailSubscriptionsWithOwnerDigests');
    expect(metrics[RECONCILER_METRIC.adminSubscriptions]).toBe(1);
    expect(metrics[RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]).toBe(0);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('emits the count from a run on an empty directory with no owner subscription (day one), and warns why', async () => {
    const { handler, metrics, logs } = reconcilerOver([teamEmail()], []);

    const summary = await handler({}, LAMBDA_CONTEXT);

    expect(summary).toMatchObject({ owners: 0, operations: [], adminSubscriptions: 0 });
    expect(summary).toHaveProperty('emailSubscriptionsWithOwnerDigests', 1);
    expect(metrics[RECONCILER_METRIC.adminSubscriptions]).toBe(0);
    expect(metrics[RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]).toBe(1);
    expect(metrics[RECONCILER_METRIC.completed]).toBe(1);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: expect.stringMatching(WHY) },
    ]);
  });

  it('carries the count on the refusal of an empty directory, emits it, and warns why', async () => {
    const { handler, metrics, logs } = reconcilerOver([teamEmail(), adaOwnerEmail], []);

    const error = await handler({}, LAMBDA_CONTEXT).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EmptyOwnerDirectoryError);
    expect(error).toMatchObject({ adminSubscriptions: 0, emailSubscriptionsWithOwnerDigests: 1 });
    expect(metrics).toEqual({
      [RECONCILER_METRIC.adminSubscriptions]: 0,
      [RECONCILER_METRIC.emailSubscriptionsWithOwnerDigests]: 1,
    });
    expect(logs).toEqual([{ level: 'warn', message: expect.stringMatching(WHY) }]);
  });
});
