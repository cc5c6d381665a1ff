/**
 * Owner reach on the wire (docs/notifications.md, "Owner reach"): a real
 * sweep on DynamoDB Local, the owner directory on its own DynamoDB Local
 * table, the real SDK SNS client and `SnsPublisher`, and the SNS-compatible
 * local server, which delivers only to confirmed subscriptions whose filter
 * policy matches — so the test sees what SNS drops and what reaches the admins.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { OwnerDeliveryRoute } from '../../lambdas/hygiene/owner-directory';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { ownedCredential } from '../support/owned-credential';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import type { DeliveredMessage } from './fake-sns-server';
import { addOwnerEmailSubscription, seedSweptFleet, useSnsPublisher } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));

/** Unscoped and open to any source, expiring in five days. */
const credential = (id: string, userId: string) =>
  ownedCredential(NOW, id, userId, {
    expiresTime: iso(5),
    scopedRoles: undefined,
    allowSourceCidr: undefined,
  });

/** The document a machine subscription received (the fake delivers what its protocol gets). */
const documentOf = <T>(m: DeliveredMessage): T => JSON.parse(m.delivered) as T;
const key = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) => `${e.credentialId}/${e.eventId}`;

describe('owner reach over an SNS-compatible server and a directory table', () => {
  const table = useTestTable('notify-reach', 'each');
  const owners = useTestDirectoryTable('notify-reach-owners', 'each');
  const wire = useSnsPublisher(TOPIC);
  let directory: DynamoOwnerDirectory;

  beforeEach(() => {
    directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
  });

  /** alice reachable, bob's subscription pending, carol in no directory, dave departed; swept. */
  const seedFleet = () =>
    seedSweptFleet(table, directory, NOW, {
      credentials: [
        credential('a1', 'alice'),
        credential('b1', 'bob'),
        credential('c1', 'carol'),
        credential('d1', 'dave'),
      ],
      owners: [
        { userId: 'alice', email: 'alice@example.com', name: 'Alice Liddell', status: 'active' },
        { userId: 'bob', email: 'bob@example.com', status: 'active' },
        { userId: 'dave', email: 'dave@example.com', name: 'Dave', status: 'departed' },
      ],
      subscriptions: { alice: 'confirmed', bob: 'pending' },
    });

  const drain = (route: OwnerDeliveryRoute = 'sns-email') =>
    runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher: wire.publisher,
        clock: () => NOW,
        directory,
        sleep: timerSleep,
      },
      { ownerDelivery: route, drainId: 'drain-1' },
    );

  it('publishes every digest, and ONE owner-unreachable report reaches the admin subscription', async () => {
    await seedFleet();
    const alice = addOwnerEmailSubscription(wire.sns, TOPIC, 'alice', 'alice@example.com');
    const bob = addOwnerEmailSubscription(wire.sns, TOPIC, 'bob', 'bob@example.com', true);
    const machine = wire.sns.subscribe({ audience: ['owner'] });
    const admins = wire.sns.subscribe({ audience: ['admin'] });

    const summary = await drain();

    expect(machine.received.map((m) => m.attributes.userId?.value).sort()).toEqual([
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
    expect(alice.received).toHaveLength(1);
    expect(alice.received[0]!.delivered).toMatch(/^Hello Alice Liddell,\n/);
    // What the report exists for: SNS accepted bob's digest and delivered it to nobody.
    expect(bob.received).toEqual([]);
    expect(admins.received).toHaveLength(1);
    const message = admins.received[0]!;
    expect(message.messageStructure).toBe('json');
    expect(message.attributes).toEqual({
      eventTypes: { dataType: 'String.Array', value: '["owner-unreachable"]' },
      severity: { dataType: 'String', value: 'warning' },
      audience: { dataType: 'String', value: 'admin' },
    });
    expect(message.subject).toBe('Hygiene: 3 owners unreachable, 3 notices for the admins');
    const report = documentOf<UnreachableReportDocument>(message);
    expect(report).toMatchObject({
      schema: 'personal-client-hygiene/owner-unreachable',
      version: 1,
      route: 'sns-email',
      drainId: 'drain-1',
      part: 1,
      parts: 1,
      invalidEvents: [],
    });
    const digestEvents = new Map(
      machine.received.map((m) => [
        m.attributes.userId?.value,
        documentOf<{ events: OutboxEvent[] }>(m).events,
      ]),
    );
    expect(
      report.owners
        .map((o) => ({ userId: o.userId, email: o.email, reason: o.reason, events: o.events }))
        .sort((a, b) => a.userId.localeCompare(b.userId)),
    ).toEqual([
      // The directory's address when it holds one: none for carol, who is not in it.
      {
        userId: 'bob',
        email: 'bob@example.com',
        reason: 'subscription-pending',
        events: digestEvents.get('bob'),
      },
      { userId: 'carol', email: undefined, reason: 'not-in-directory', events: digestEvents.get('carol') },
      { userId: 'dave', email: 'dave@example.com', reason: 'departed', events: digestEvents.get('dave') },
    ]);
    expect(deliveredTo(message.message, 'email')).toContain(
      '* bob at bob@example.com: has not confirmed the SNS email subscription [subscription-pending]',
    );
    expect(summary).toMatchObject({
      reach: 'verified',
      digests: 4,
      unreachableOwners: 3,
      unreachableEvents: 3,
      reportParts: 1,
      eventsFailed: 0,
    });
    const requests = wire.sns.requests;
    expect(await drain()).toMatchObject({ pendingItems: 0, reportParts: 0 });
    expect(wire.sns.requests).toBe(requests);
  });

  it('on the relay route judges by the address: bob’s pending subscription does not matter', async () => {
    await seedFleet();
    const admins = wire.sns.subscribe({ audience: ['admin'] });

    await drain('relay');

    const report = documentOf<UnreachableReportDocument>(admins.received[0]!);
    expect(report.owners.map((o) => [o.userId, o.reason]).sort()).toEqual([
      ['carol', 'not-in-directory'],
      ['dave', 'departed'],
    ]);
  });

  it('sends an outbox event addressed to another owner to no digest, and to the admins as invalid', async () => {
    await seedFleet();
    const mallory = wire.sns.subscribe({ userId: ['mallory'] });
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    const forged: OutboxEvent = {
      eventId: 'forged-1',
      type: 'deleted-expired',
      credentialId: 'a1',
      userId: 'mallory',
      runId: 'run-x',
      occurredAt: iso(0),
      reason: 'expired',
    };
    // Someone with write access to the table appends a notice to alice's credential addressed to mallory.
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id: 'a1' },
        UpdateExpression: 'SET #events = list_append(#events, :forged)',
        ExpressionAttributeNames: { '#events': OUTBOX_ATTR.events },
        ExpressionAttributeValues: { ':forged': [forged] },
      }),
    );

    const summary = await drain();

    expect(mallory.received).toEqual([]);
    const report = documentOf<UnreachableReportDocument>(admins.received[0]!);
    expect(report.eventTypes).toEqual(['owner-unreachable', 'event-owner-mismatch']);
    expect(report.invalidEvents).toEqual([
      { credentialId: 'a1', itemUserId: 'alice', problem: 'owner-mismatch', event: forged },
    ]);
    expect(summary).toMatchObject({ invalidEvents: 1, eventsFailed: 0 });
    const delivered = wire.sns.accepted
      .filter((m) => m.attributes.audience?.value === 'owner')
      .flatMap((m) => deliveredDocument<{ events: OutboxEvent[] }>(m.message).events.map(key));
    expect(delivered).not.toContain('a1/forged-1');
    expect(await drain()).toMatchObject({ pendingItems: 0 });
  });
});
