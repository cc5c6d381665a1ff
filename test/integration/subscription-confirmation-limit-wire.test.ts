/**
 * The limit of confirmation emails end to end (docs/notifications.md,
 * "Pending subscriptions"): the reconciler with the real SDK SNS client over
 * the SNS-compatible local server (a pending email subscription lapses with
 * `expirePending()`, as SNS deletes one unconfirmed after 48 hours), the owner
 * directory on DynamoDB Local, a real sweep and drain for the admins' report,
 * and `pc-hygiene owners resubscribe` as a child process. An owner who never
 * confirms gets three confirmation emails and no fourth, the admins' report
 * names them `subscription-unconfirmed`, `owners resubscribe` sends exactly
 * one more, and an import that moves them to another address starts over.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { planOwnerImport } from '../../lambdas/hygiene/owner-import';
import { MAX_CONFIRMATION_EMAILS } from '../../lambdas/hygiene/subscription-confirmations';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { ownedCredential } from '../support/owned-credential';
import { directoryFlags, runCli } from '../support/run-cli';
import { deliveredTo } from '../support/sns-delivery';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { seedSweptFleet, useSnsPublisher } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const NOW = Date.parse('2026-12-07T02:00:00.000Z');
const BOB = 'bob@example.com';

describe('the limit of confirmation emails over an SNS-compatible server and DynamoDB Local', () => {
  const table = useTestTable('confirmation-limit', 'each');
  const owners = useTestDirectoryTable('confirmation-limit-owners', 'each');
  const wire = useSnsPublisher(TOPIC);
  let directory: DynamoOwnerDirectory;

  beforeEach(() => {
    directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
    wire.sns.calls.clear(); // the server's reset keeps its call counts
  });

  const reconcile = () =>
    reconcileSubscriptions(
      {
        topic: new SnsTopicSubscriptions(createSnsClient({ endpoint: wire.sns.endpoint }), TOPIC),
        directory,
      },
      { route: 'sns-email' },
    );
  const bob = async () => (await directory.getMany(['bob'])).get('bob');
  /** bob, active, with a credential expiring in five days: the sweep queues him a notice. */
  const seedBob = () =>
    seedSweptFleet(table, directory, NOW, {
      credentials: [
        ownedCredential(NOW, 'b1', 'bob', {
          expiresTime: formatInstant(addDays(NOW, 5)),
          scopedRoles: undefined,
          allowSourceCidr: undefined,
        }),
      ],
      owners: [{ userId: 'bob', email: BOB, status: 'active' }],
      subscriptions: {},
    });
  /** Runs the reconciler once per link, each link lapsing unconfirmed (SNS deletes it after 48 hours). */
  const lapseEveryLink = async () => {
    for (let link = 0; link < MAX_CONFIRMATION_EMAILS; link++) {
      await reconcile();
      wire.sns.expirePending();
    }
  };

  it('sends no fourth confirmation email; the admins learn why; owners resubscribe sends exactly one more', async () => {
    await seedBob();
    await lapseEveryLink();

    const fourth = await reconcile();
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher: wire.publisher,
        clock: () => NOW,
        directory,
        sleep: timerSleep,
      },
      { ownerDelivery: 'sns-email', drainId: 'drain-1' },
    );

    expect(wire.sns.callCount('Subscribe')).toBe(3);
    expect(fourth).toMatchObject({ created: 0, confirmationsExhausted: [{ userId: 'bob', email: BOB }] });
    expect(await bob()).toMatchObject({ subscription: 'none', confirmationEmailsSent: 3 });
    expect(admins.received).toHaveLength(1);
    const report = JSON.parse(admins.received[0]!.delivered) as UnreachableReportDocument;
    expect(report.owners.map((o) => [o.userId, o.reason])).toEqual([['bob', 'subscription-unconfirmed']]);
    expect(deliveredTo(admins.received[0]!.message, 'email')).toContain(
      `* bob at ${BOB}: did not confirm any of the 3 SNS confirmation emails sent to this address, so ` +
        'pc-hygiene sends no more [subscription-unconfirmed]',
    );

    // the owner asks for a link: the operator resubscribes them, and the next run sends exactly one
    const resubscribe = await runCli(['owners', 'resubscribe', 'bob', ...directoryFlags(owners)]);
    const afterResubscribe = await reconcile();
    const next = await reconcile();

    expect(resubscribe).toMatchObject({ code: 0, stderr: '' });
    expect(resubscribe.stdout).toContain('bob: resubscribe recorded in');
    expect(resubscribe.stdout).toContain('confirmation-email limit reset (count removed)');
    expect(resubscribe.stdout).not.toContain('suppression list');
    expect(afterResubscribe.created).toBe(1);
    expect(next.created).toBe(0);
    expect(wire.sns.callCount('Subscribe')).toBe(4);
    expect(await bob()).toMatchObject({ subscription: 'pending', confirmationEmailsSent: 1 });
  });

  it('an owner who confirms the second link: the count is gone once the run records it', async () => {
    await seedBob();
    await reconcile();
    wire.sns.expirePending();
    await reconcile();
    const second = await bob();
    wire.sns.confirm(BOB);

    await reconcile();

    expect(second?.confirmationEmailsSent).toBe(2);
    const confirmed = await bob();
    expect(confirmed?.subscription).toBe('confirmed');
    expect(confirmed).not.toHaveProperty('confirmationEmailsSent');
  });

  it('an import that moves the owner to another address starts over: a link to the new address', async () => {
    await seedBob();
    await lapseEveryLink();
    await reconcile();
    const exhausted = await bob();

    const moved = await directory.upsertOwners(
      planOwnerImport(
        await directory.getMany(['bob']),
        [{ userId: 'bob', email: 'robert@example.com', status: 'active' }],
        false,
      ).upserts,
      formatInstant(NOW),
    );
    const afterMove = await reconcile();

    expect(exhausted).toMatchObject({ subscription: 'none', confirmationEmailsSent: 3 });
    expect(moved).toEqual({ written: 1, refused: [] });
    expect(afterMove.created).toBe(1);
    expect(wire.sns.callCount('Subscribe')).toBe(4);
    expect(await bob()).toMatchObject({
      email: 'robert@example.com',
      subscription: 'pending',
      confirmationEmailsSent: 1,
    });
  });
});
