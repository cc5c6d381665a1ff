/**
 * The whole notification path on the wire: a real sweep on DynamoDB Local,
 * the real SDK SNS client and `SnsPublisher`, and an SNS-compatible local
 * server (test/integration/fake-sns-server.ts) that enforces SNS's limits and
 * routes by filter policy like the subscriptions in docs/notifications.md.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { DigestDocument } from '../../lambdas/hygiene/digest';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { publishAdminReport } from '../../lambdas/render/admin-report';
import { TOPIC_SUBSCRIPTION_PROTOCOLS } from '../../lib/notification-topics';
import { putItems } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { useTestTable } from '../support/test-table';
import type { ReceivedMessage } from './fake-sns-server';
import { useSnsPublisher } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
let sweepNo = 0;

const credential = (id: string, userId: string, extra: Record<string, unknown> = {}) =>
  ownedCredential(NOW, id, userId, extra);

const userOf = (m: ReceivedMessage) => m.attributes.userId?.value;

describe('notifications over an SNS-compatible server', () => {
  const table = useTestTable('notify-wire', 'each');
  const wire = useSnsPublisher(TOPIC);
  let store: DynamoDbOutboxStore;

  beforeEach(() => {
    store = new DynamoDbOutboxStore(table.client, table.tableName);
  });

  const sweep = (configInput: Record<string, unknown> = { maxDeletePercent: 100 }) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      {
        config: parseConfig({ mode: 'enforce', ...configInput }),
        now: NOW,
        runId: `run-${++sweepNo}`,
        mode: 'enforce',
      },
    );
  const drain = (at = NOW) =>
    runNotifier({ outbox: store, publisher: wire.publisher, clock: () => at, sleep: timerSleep });

  it('routes each owner digest to that owner’s userId subscription and deletions to an audit subscription', async () => {
    await putItems(table.client, table.tableName, [
      credential('a1', 'alice', { expiresTime: iso(5) }),
      credential('a2', 'alice', { expiresTime: iso(-1) }),
      credential('b1', 'bob', { lastUsedAt: iso(-120) }),
      credential('c1', 'carol'),
    ]);
    // The filter the reconciler gives an owner: without a directory, digests are `unverified` and delivered.
    const alice = wire.sns.subscribe(JSON.parse(ownerFilterPolicy('alice')));
    const deletions = wire.sns.subscribe({
      audience: ['owner'],
      eventTypes: ['deleted-expired', 'deleted-stale'],
    });
    const admin = wire.sns.subscribe({ audience: ['admin'] });
    await sweep();

    const first = await drain();
    const requestsAfterFirst = wire.sns.requests;
    const second = await drain();

    expect(first).toMatchObject({ digests: 2, eventsPublished: 3, eventsFailed: 0 });
    expect(second.eventsPublished).toBe(0);
    expect(wire.sns.requests).toBe(requestsAfterFirst);
    expect(alice.received.map(userOf)).toEqual(['alice']);
    expect(JSON.parse(alice.received[0]!.attributes.eventTypes!.value)).toEqual([
      'expiry-warning',
      'deleted-expired',
    ]);
    expect(deletions.received.map(userOf)).toEqual(['alice']);
    expect(admin.received).toEqual([]);
    expect(deliveredTo(alice.received[0]!.message, 'email')).toContain(
      '"Key a2" (id a2, client id client-a2)',
    );
    expect(JSON.parse(alice.received[0]!.delivered)).toMatchObject({
      schema: 'personal-client-hygiene/digest',
      version: 1,
      userId: 'alice',
    });
  });

  it('delivers each protocol the topic allows what SNS would: the text to email, the document to every other', async () => {
    await putItems(table.client, table.tableName, [credential('a1', 'alice', { expiresTime: iso(5) })]);
    const subscriptions = TOPIC_SUBSCRIPTION_PROTOCOLS.map((protocol) =>
      wire.sns.addSubscription({
        topicArn: TOPIC,
        protocol,
        endpoint: `${protocol}-alice`,
        filterPolicy: { userId: ['alice'] },
      }),
    );
    await sweep();

    expect(await drain()).toMatchObject({ digests: 1, eventsPublished: 1 });

    for (const subscription of subscriptions) {
      expect(subscription.received, subscription.protocol).toHaveLength(1);
      const delivered = subscription.received[0]!.delivered;
      if (subscription.protocol === 'email') {
        expect(delivered).toMatch(/^Hello alice,\n/);
        expect(delivered).toContain('"Key a1" (id a1, client id client-a1)');
      } else {
        expect(JSON.parse(delivered), subscription.protocol).toMatchObject({
          schema: 'personal-client-hygiene/digest',
          userId: 'alice',
          events: [{ credentialId: 'a1', type: 'expiry-warning' }],
        });
      }
    }
  });

  it('keeps events pending through a three-drain outage and delivers each exactly once after it', async () => {
    await putItems(
      table.client,
      table.tableName,
      Array.from({ length: 12 }, (_, i) => credential(`o${i}`, `owner-${i % 5}`, { expiresTime: iso(3) })),
    );
    await sweep();
    wire.sns.outage = { status: 503, code: 'ServiceUnavailable' };

    for (let i = 0; i < 3; i++) {
      expect(await drain(NOW + i * 900_000)).toMatchObject({ eventsPublished: 0, eventsFailed: 12 });
    }
    wire.sns.outage = undefined;
    const recovered = await drain(NOW + 2_700_000);

    expect(recovered).toMatchObject({ eventsPublished: 12, digests: 5 });
    const delivered = wire.sns.accepted.flatMap((m) =>
      deliveredDocument<DigestDocument>(m.message).events.map((e) => e.credentialId),
    );
    expect(delivered.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `o${i}`).sort());
  });

  it('retries exactly the entries SNS failed, on the next drain', async () => {
    await putItems(table.client, table.tableName, [
      credential('a1', 'alice', { expiresTime: iso(5) }),
      credential('b1', 'bob', { expiresTime: iso(5) }),
    ]);
    await sweep();
    wire.sns.failEntry = (m) => (userOf(m) === 'bob' ? 'InternalError' : undefined);

    const first = await drain();
    wire.sns.failEntry = undefined;
    const second = await drain();

    expect(first.failures.records).toEqual([
      { userId: 'bob', code: 'InternalError', message: 'injected', senderFault: false, events: 1 },
    ]);
    expect(second).toMatchObject({ digests: 1, eventsPublished: 1 });
    expect(wire.sns.accepted.map(userOf)).toEqual(['alice', 'bob']);
  });

  it('splits a digest too large for one message into parts SNS accepts', async () => {
    await putItems(
      table.client,
      table.tableName,
      // Names are cut to 256 characters in events: 300 such events (about 1.45 KB each once in the
      // document and the text) take about 435 KB, two messages.
      Array.from({ length: 300 }, (_, i) =>
        credential(`big-${i}`, 'dana', { expiresTime: iso(4), displayName: `${'Ω'.repeat(500)} ${i}` }),
      ),
    );
    await sweep();

    const summary = await drain();

    expect(summary).toMatchObject({ eventsPublished: 300, eventsFailed: 0, digests: 1 });
    expect(summary.parts).toBeGreaterThan(1);
    // Parts too large to share a PublishBatch go in requests of their own, in flight together: any order.
    const subject = new RegExp(
      `^\\d+ API credentials expire, the first in 4 days \\(part (\\d+)/${summary.parts}\\)$`,
    );
    const partNumbers = wire.sns.accepted.map((m) => Number(subject.exec(m.subject ?? '')?.[1]));
    expect(partNumbers.sort((a, b) => a - b)).toEqual(Array.from({ length: summary.parts }, (_, i) => i + 1));
    const counts = wire.sns.accepted.map((m) => deliveredDocument<DigestDocument>(m.message).events.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('publishes run summaries to the admin audience and guard trips to a guard-only subscription', async () => {
    await putItems(
      table.client,
      table.tableName,
      Array.from({ length: 4 }, (_, i) => credential(`x${i}`, 'erin', { expiresTime: iso(-1) })),
    );
    const admin = wire.sns.subscribe({ audience: ['admin'] });
    const guard = wire.sns.subscribe({ audience: ['admin'], eventTypes: ['guard-tripped'] });
    const erin = wire.sns.subscribe({ userId: ['erin'] });

    const tripped = await sweep({}); // 4 of 4 deletions exceed the default 10 %
    const allowed = await sweep({ maxDeletePercent: 100 });
    const results = [
      await publishAdminReport(wire.publisher, tripped),
      await publishAdminReport(wire.publisher, allowed),
    ];

    expect(results).toEqual([{ published: true }, { published: true }]);
    expect(admin.received.map((m) => m.attributes.severity?.value)).toEqual(['high', 'info']);
    expect(guard.received).toHaveLength(1);
    expect(guard.received[0]!.subject).toBe('Hygiene GUARD TRIPPED: 4 deletions planned, none made');
    expect(erin.received).toEqual([]);
  });
});
