/**
 * An import that moves an owner to another address leaves the subscription at
 * the old address on the topic until the reconciler's next run (hourly, or
 * later if it fails). Meanwhile the drain judges the owner unreachable
 * (`no-subscription`) and still publishes their digest: the owner filter's
 * `ownerReach` key (docs/notifications.md, "Message attributes and filter
 * policies") must keep it from the old mailbox — someone else's, perhaps —
 * while the admins' report carries the events. A real reconciler, import
 * plan, sweep and drain on DynamoDB Local, the real SDK SNS client and the
 * SNS-compatible local server, which delivers by filter policy as SNS does.
 */
import { describe, expect, it } from 'vitest';
import { RELAY_MAILBOXES } from '../../cli/use-cases/import-owners';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { DigestDocument } from '../../lambdas/hygiene/digest';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { planOwnerImport } from '../../lambdas/hygiene/owner-import';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { putItems } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import type { DeliveredMessage } from './fake-sns-server';
import { upsertNewOwners, useSnsPublisher } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
const active = (userId: string, email: string): ImportedOwner => ({ userId, email, status: 'active' });

const documentOf = <T>(m: DeliveredMessage): T => JSON.parse(m.delivered) as T;

describe('an owner moved by an import, before the reconciler’s next run', () => {
  const table = useTestTable('moved-owner', 'each');
  const owners = useTestDirectoryTable('moved-owner-owners', 'each');
  const wire = useSnsPublisher(TOPIC);

  const setUp = () => {
    const directory = new DynamoOwnerDirectory(owners.client, owners.tableName, {
      mailboxes: RELAY_MAILBOXES,
    });
    const topic = new SnsTopicSubscriptions(createSnsClient({ endpoint: wire.sns.endpoint }), TOPIC);
    const reconcile = () => reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
    return { directory, topic, reconcile };
  };

  /** `before` imported, subscribed by the reconciler and confirmed; then an import of `after`; then a sweep. */
  async function movedOwners(before: readonly ImportedOwner[], after: readonly ImportedOwner[]) {
    const { directory, topic, reconcile } = setUp();
    await upsertNewOwners(directory, before, iso(-2));
    await directory.recordFreshness({ asOf: iso(-2), owners: before.length }, iso(-2));
    await reconcile();
    for (const o of before) expect(wire.sns.confirm(o.email!)).toBe(1);
    await reconcile();
    const existing = new Map((await directory.listOwners()).map((o) => [o.userId, o]));
    const plan = planOwnerImport(existing, after, false, RELAY_MAILBOXES);
    expect((await directory.upsertOwners(plan.upserts, iso(-1))).refused).toEqual([]);
    await putItems(
      table.client,
      table.tableName,
      after.map((o) => ownedCredential(NOW, `${o.userId}-key`, o.userId, { expiresTime: iso(5) })),
    );
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config: parseConfig({ mode: 'enforce' }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    const drain = () =>
      runNotifier(
        {
          outbox: new DynamoDbOutboxStore(table.client, table.tableName),
          publisher: wire.publisher,
          clock: () => NOW,
          directory,
          topicSubscriptions: topic,
          sleep: timerSleep,
        },
        { ownerDelivery: 'sns-email', drainId: 'drain-1' },
      );
    return { drain, reconcile };
  }
  const subscriptionAt = (email: string) => wire.sns.subscriptionsOf(TOPIC).find((s) => s.endpoint === email);

  it('the old address receives nothing; the admins’ report has the events; a machine subscriber the digest', async () => {
    const { drain, reconcile } = await movedOwners(
      [active('u1', 'old-holder@example.com')],
      [active('u1', 'new-holder@example.com')],
    );
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    const machine = wire.sns.subscribe({ audience: ['owner'] });

    const summary = await drain();

    expect(summary).toMatchObject({ unreachableOwners: 1, reportParts: 1, unreportedEvents: 0 });
    expect(summary.unreachableReasons).toMatchObject({ 'no-subscription': 1 });
    const old = subscriptionAt('old-holder@example.com');
    expect(old).toMatchObject({ pending: false }); // the window: still on the topic, confirmed
    expect(old?.received).toEqual([]);
    const [report, ...moreReports] = admins.received.map((m) => documentOf<UnreachableReportDocument>(m));
    expect(moreReports).toEqual([]);
    expect(report?.owners.map((o) => [o.userId, o.reason, o.events.map((e) => e.credentialId)])).toEqual([
      ['u1', 'no-subscription', ['u1-key']],
    ]);
    // Still published: a subscriber without an owner filter gets it, marked unreachable.
    expect(machine.received.map((m) => [m.attributes.userId?.value, m.attributes.ownerReach?.value])).toEqual(
      [['u1', 'unreachable']],
    );
    expect(documentOf<DigestDocument>(machine.received[0]!).events.map((e) => e.credentialId)).toEqual([
      'u1-key',
    ]);
    // The reconciler's next run closes the window for good: the old address's subscription goes.
    await reconcile();
    expect(subscriptionAt('old-holder@example.com')).toBeUndefined();
    expect(subscriptionAt('new-holder@example.com')).toMatchObject({ pending: true });
  });

  it('two owners swapping addresses in one import: neither mailbox receives the other owner’s digest', async () => {
    const { drain } = await movedOwners(
      [active('u1', 'one@example.com'), active('u2', 'two@example.com')],
      [active('u1', 'two@example.com'), active('u2', 'one@example.com')],
    );
    const admins = wire.sns.subscribe({ audience: ['admin'] });

    const summary = await drain();

    expect(summary).toMatchObject({ unreachableOwners: 2, unreachableReasons: { 'no-subscription': 2 } });
    expect(subscriptionAt('one@example.com')?.received).toEqual([]);
    expect(subscriptionAt('two@example.com')?.received).toEqual([]);
    const report = documentOf<UnreachableReportDocument>(admins.received[0]!);
    expect(report.owners.map((o) => o.userId)).toEqual(['u1', 'u2']);
  });
});
