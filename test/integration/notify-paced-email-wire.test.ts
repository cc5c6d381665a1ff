/**
 * SNS's email limit on the wire (docs/notifications.md, "Size limits,
 * splitting, batching and pacing"): SNS suspends an `email` or `email-json`
 * subscription sent more than 10 messages a second — it goes back to
 * `PendingConfirmation`, receives nothing more, and is deleted 48 hours later
 * unless someone re-confirms it. The SNS-compatible local server models that
 * limit at delivery; a real sweep on DynamoDB Local, the owner directory on
 * its own table and the real `SnsPublisher` then drain an owner digest and
 * an owner-unreachable report of 12 parts and more each, on virtual time
 * (the notifier's `sleep` and the server's clock share one
 * `test/unit/support/virtual-time.ts`; no real waiting): the admins' and the
 * owner's email subscriptions stay confirmed and receive every part.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { RECIPIENT_SPACING_MS } from '../../lambdas/hygiene/notifier/pacing';
import type { NotificationPublisher } from '../../lambdas/hygiene/outbox-ports';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { ownedCredential } from '../support/owned-credential';
import { deliveredDocument } from '../support/sns-delivery';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { VirtualTime } from '../unit/support/virtual-time';
import type { DeliveredMessage } from './fake-sns-server';
import { addOwnerEmailSubscription, seedSweptFleet, useSnsPublisher } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
const key = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) => `${e.credentialId}/${e.eventId}`;

/** The events of the machine documents (`default`) of the messages an email subscription received. */
const documentsOf = <T>(received: readonly DeliveredMessage[]) =>
  received.map((m) => deliveredDocument<T>(m.message));

/** `publisher`, counting its calls not yet answered: virtual time must not pass under a publish on the wire. */
function publishesInFlight(publisher: NotificationPublisher) {
  let inFlight = 0;
  const counted: NotificationPublisher = {
    limits: publisher.limits,
    async publishBatch(messages) {
      inFlight += 1;
      try {
        return await publisher.publishBatch(messages);
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { publisher: counted, inFlight: () => inFlight };
}

describe('SNS email subscriptions and their 10 messages a second, over the SNS-compatible server', () => {
  const table = useTestTable('notify-paced', 'each');
  const owners = useTestDirectoryTable('notify-paced-owners', 'each');
  const wire = useSnsPublisher(TOPIC);
  let directory: DynamoOwnerDirectory;

  beforeEach(() => {
    directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
  });

  const adminsByEmail = () =>
    wire.sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'email',
      endpoint: 'security-team@example.com',
      filterPolicy: { audience: ['admin'] },
    });

  it('the server suspends an email subscription at its 11th message within a second, until re-confirmed', async () => {
    const admins = adminsByEmail();
    const machine = wire.sns.subscribe({ audience: ['admin'] });
    let now = NOW;
    wire.sns.clock = () => now;
    const notice = (i: number): OutgoingMessage => ({
      id: `n${i}`,
      subject: `notice ${i}`,
      text: `notice ${i}`,
      document: { i },
      routing: { audience: 'admin', severity: 'info', eventTypes: ['run-summary'] },
    });
    const publish = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) await wire.publisher.publishBatch([notice(i)]);
    };

    await publish(0, 10);
    now += 999;
    await publish(10, 1);

    expect(admins.received).toHaveLength(10);
    expect(admins.pending).toBe(true);
    expect(wire.sns.suspended).toEqual([admins]);
    // Pending: `ListSubscriptionsByTopic` lists it `PendingConfirmation`. The sqs subscription is not limited.
    expect(machine.received).toHaveLength(11);
    now += 60_000;
    await publish(11, 1);
    expect(admins.received).toHaveLength(10);

    expect(wire.sns.confirm('security-team@example.com')).toBe(1);
    await publish(12, 10);
    now += 1_000;
    await publish(22, 10);
    expect(admins.received).toHaveLength(30);
    expect(wire.sns.suspended).toHaveLength(1);
  });

  it('a drain paces a 12-part report and a 12-part digest: both email subscriptions stay confirmed and get every part', async () => {
    const ownerCredentials = 100;
    const unreachable = 50;
    // alice is reachable (her confirmed subscription); the gone-* owners are in no directory: the admins' report.
    await seedSweptFleet(table, directory, NOW, {
      credentials: [
        ...Array.from({ length: ownerCredentials }, (_, i) =>
          ownedCredential(NOW, `a${i}`, 'alice', { expiresTime: iso(5) }),
        ),
        ...Array.from({ length: unreachable }, (_, i) =>
          ownedCredential(NOW, `g${i}`, `gone-${i}`, { expiresTime: iso(5) }),
        ),
      ],
      owners: [{ userId: 'alice', email: 'alice@example.com', status: 'active' }],
      subscriptions: { alice: 'confirmed' },
    });
    const alice = addOwnerEmailSubscription(wire.sns, TOPIC, 'alice', 'alice@example.com');
    const admins = adminsByEmail();

    // The server times deliveries on the drain's virtual clock, which stands still while a publish is in flight.
    const time = new VirtualTime(NOW);
    wire.sns.clock = time.clock;
    const publishing = publishesInFlight(wire.publisher);
    // Small messages, so a hundred events make 12 parts and more (SNS's 256 KiB takes ~2,000 owners: 19 parts).
    const summary = await time.runBesideIo(
      runNotifier(
        {
          outbox: new DynamoDbOutboxStore(table.client, table.tableName),
          publisher: publishing.publisher,
          clock: time.clock,
          sleep: time.sleep,
          directory,
        },
        { maxMessageBytes: 5_000, drainId: 'drain-1' },
      ),
      () => publishing.inFlight() > 0,
    );

    expect(summary).toMatchObject({ status: 'complete', eventsFailed: 0, unreportedEvents: 0 });
    expect(wire.sns.suspended).toEqual([]);
    expect([alice.pending, admins.pending]).toEqual([false, false]);
    const digests = documentsOf<{ part: number; parts: number; events: OutboxEvent[] }>(alice.received);
    expect(digests.length).toBeGreaterThanOrEqual(12);
    expect(digests.map((d) => d.part).sort((x, y) => x - y)).toEqual(digests.map((_, i) => i + 1));
    expect(digests.flatMap((d) => d.events)).toHaveLength(ownerCredentials);
    const reports = documentsOf<UnreachableReportDocument>(admins.received);
    expect(reports.length).toBeGreaterThanOrEqual(12);
    expect(summary.reportParts).toBe(reports.length);
    const reported = reports.flatMap((r) => r.owners.flatMap((o) => o.events.map(key)));
    expect(new Set(reported).size).toBe(unreachable);
    expect(await new DynamoDbOutboxStore(table.client, table.tableName).read(['a0', 'g0'])).toEqual([]);
    // What pacing costs on the virtual clock: 200 ms between two parts to one recipient, the digest's and then the
    // report's.
    const pacedParts = digests.length - 1 + reports.length - 1;
    expect(time.now - NOW).toBeGreaterThanOrEqual(pacedParts * RECIPIENT_SPACING_MS);
  });
});
