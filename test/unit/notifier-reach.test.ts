/**
 * Owner reach in the drain (lambdas/hygiene/notifier.ts, `reachabilityOf` in lambdas/hygiene/owner-directory.ts;
 * docs/notifications.md, "Owner reach: the `owner-unreachable` report"), over the in-memory outbox, publisher and
 * directory: each unreachable reason on each route, ids SNS cannot filter on; no directory or a never-imported one
 * (reach unverified, except on relay); one admin report per drain, split within the size limit; events kept pending
 * while a report, digest or directory read fails; events addressed to another owner reported, never in a digest.
 */
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { type NotifierOptions, runNotifier } from '../../lambdas/hygiene/notifier';
import {
  type OwnerDeliveryRoute,
  type OwnerRecord,
  reachabilityOf,
  type UnreachableReason,
} from '../../lambdas/hygiene/owner-directory';
import { requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

function setup(directory?: InMemoryOwnerDirectory) {
  const outbox = new InMemoryOutbox();
  const publisher = new RecordingPublisher();
  let now = NOW;
  const drain = (options: NotifierOptions = {}) =>
    runNotifier(
      { outbox, publisher, clock: () => now, ...(directory && { directory }), sleep: timerSleep },
      options,
    );
  const advance = (ms: number) => {
    now += ms;
  };
  return { outbox, publisher, drain, advance };
}

const audienceOf = (entry: PublishEntry) => entry.MessageAttributes.audience?.StringValue;
const key = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) => `${e.credentialId}/${e.eventId}`;

/** The owner digests delivered, as machine documents. */
function digests(publisher: RecordingPublisher) {
  return publisher.delivered
    .filter((e) => audienceOf(e) === 'owner')
    .map((e) => deliveredDocument<{ userId: string; events: OutboxEvent[] }>(e.Message));
}

/**
 * Each owner digest's `userId` and `ownerReach` attributes (what filter policies route on), checked equal to its
 * document's (what the relay acts on: SNS delivers no attributes of a JSON publish): the drain's verdict.
 */
function ownerReachOf(publisher: RecordingPublisher): [string | undefined, string | undefined][] {
  return publisher.delivered
    .filter((e) => audienceOf(e) === 'owner')
    .map((e) => {
      const attributes: [string | undefined, string | undefined] = [
        e.MessageAttributes.userId?.StringValue,
        e.MessageAttributes.ownerReach?.StringValue,
      ];
      const document = deliveredDocument<{ userId: string; ownerReach?: string }>(e.Message);
      expect([document.userId, document.ownerReach]).toEqual(attributes);
      return attributes;
    });
}

/** The owner-unreachable report parts delivered, as machine documents. */
function reports(publisher: RecordingPublisher): UnreachableReportDocument[] {
  return publisher.delivered
    .filter((e) => audienceOf(e) === 'admin')
    .map((e) => deliveredDocument<UnreachableReportDocument>(e.Message));
}

function seed(outbox: InMemoryOutbox, userId: string, credentials = 1): OutboxEvent[] {
  return Array.from({ length: credentials }, (_, i) => {
    const event = outboxEvent({ credentialId: `${userId}-pc${i}`, userId });
    outbox.append(event.credentialId, [event]);
    return event;
  });
}

describe('reachabilityOf on the relay route', () => {
  const BOUNCED = '2026-11-20T00:00:00.000Z';

  it('judges an owner who unsubscribed unreachable (reason unsubscribed), as on sns-email', () => {
    const ada: OwnerRecord = { ...reachableOwner('ada'), subscription: 'unsubscribed' };

    expect(reachabilityOf(ada, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(ada, 'sns-email')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });

  it('reports unsubscribed before bouncing (the person’s own choice), after departed and no-email', () => {
    const ada: OwnerRecord = { ...reachableOwner('ada'), subscription: 'unsubscribed' };

    expect(reachabilityOf({ ...ada, bouncingSince: BOUNCED }, 'relay')).toEqual({
      reachable: false,
      reason: 'unsubscribed',
    });
    expect(reachabilityOf({ ...ada, status: 'departed' }, 'relay')).toEqual({
      reachable: false,
      reason: 'departed',
    });
    expect(
      reachabilityOf({ userId: 'ada', status: 'active', subscription: 'unsubscribed' }, 'relay'),
    ).toEqual({
      reachable: false,
      reason: 'no-email',
    });
  });

  it.each(['confirmed', 'pending', 'none', undefined] as const)(
    'keeps an owner in subscription state %s reachable unless the address bounces',
    (subscription) => {
      const owner: OwnerRecord = {
        userId: 'ada',
        email: 'ada@example.com',
        status: 'active',
        ...(subscription !== undefined && { subscription }),
      };

      expect(reachabilityOf(owner, 'relay')).toEqual({ reachable: true });
      expect(reachabilityOf({ ...owner, bouncingSince: BOUNCED }, 'relay')).toEqual({
        reachable: false,
        reason: 'bouncing',
      });
    },
  );
});

describe('reachabilityOf and ids SNS cannot filter on', () => {
  // Recorded confirmed by a reconciler older than the `unfilterable-id` refusal: the subscription is listed,
  // but its filter policy never matches a digest, so SNS drops every one of them.
  it.each(['CORP\\jdoe', 'a"b'])(
    'judges %s no-subscription on sns-email, whatever state is recorded',
    (userId) => {
      const owner: OwnerRecord = {
        ...reachableOwner(userId),
        subscriptionArn: `arn:aws:sns:x:1:t:${userId}`,
      };

      for (const subscription of ['confirmed', 'pending', 'none'] as const) {
        expect(reachabilityOf({ ...owner, subscription }, 'sns-email')).toEqual({
          reachable: false,
          reason: 'no-subscription',
        });
      }
      // The owner's own "stop" is still told as such.
      expect(reachabilityOf({ ...owner, subscription: 'unsubscribed' }, 'sns-email')).toEqual({
        reachable: false,
        reason: 'unsubscribed',
      });
    },
  );

  it.each(['CORP\\jdoe', 'a"b'])('keeps %s reachable on relay, which filters on nothing', (userId) => {
    // The id, not the address, is in question: an address with a backslash or `"` before the @ is unsendable on its own.
    const owner: OwnerRecord = { ...reachableOwner(userId), email: 'jdoe@example.com' };
    expect(reachabilityOf(owner, 'relay')).toEqual({ reachable: true });
  });

  it('keeps an id without those characters reachable on sns-email when confirmed', () => {
    expect(reachabilityOf(reachableOwner("CORP/jdoe'x"), 'sns-email')).toEqual({ reachable: true });
  });
});

describe('runNotifier without an owner directory', () => {
  it('publishes digests exactly as before, sends no report, and says reach is unverified', async () => {
    const { outbox, publisher, drain } = setup();
    seed(outbox, 'alice');

    const summary = await drain();

    expect(digests(publisher).map((d) => d.userId)).toEqual(['alice']);
    expect(reports(publisher)).toEqual([]);
    expect(outbox.pendingEvents()).toEqual([]);
    expect(summary).toMatchObject({
      reach: 'unverified',
      ownerDelivery: 'sns-email',
      unreachableOwners: 0,
      unreachableEvents: 0,
      reportParts: 0,
    });
  });

  it('treats a directory that was never imported as none: no lookups, reach unverified', async () => {
    const directory = new InMemoryOwnerDirectory();
    directory.imported = undefined;
    const { outbox, publisher, drain } = setup(directory);
    seed(outbox, 'alice');

    const summary = await drain();

    expect(directory.lookups).toEqual([]);
    expect(summary.reach).toBe('unverified');
    expect(reports(publisher)).toEqual([]);
    expect(digests(publisher)).toHaveLength(1);
    expect(ownerReachOf(publisher)).toEqual([['alice', 'unverified']]);
  });

  it('on the relay route judges even a never-imported directory: nobody can be emailed, the admins get it all', async () => {
    const directory = new InMemoryOwnerDirectory();
    directory.imported = undefined;
    const { outbox, publisher, drain } = setup(directory);
    const events = seed(outbox, 'alice');

    const summary = await drain({ ownerDelivery: 'relay' });

    expect(directory.lookups).toEqual([['alice']]);
    expect(summary).toMatchObject({ reach: 'verified', unreachableOwners: 1, reportParts: 1 });
    expect(reports(publisher)[0]?.owners).toEqual([
      { userId: 'alice', reason: 'not-in-directory', events: expect.any(Array) },
    ]);
    expect(reports(publisher)[0]?.owners[0]?.events.map(key)).toEqual(events.map(key));
    // The relay skips this digest silently only because it says the admins were told.
    expect(ownerReachOf(publisher)).toEqual([['alice', 'unreachable']]);
  });
});

describe('runNotifier with an owner directory', () => {
  const rows: readonly (readonly [UnreachableReason, OwnerDeliveryRoute, OwnerRecord | undefined])[] = [
    ['not-in-directory', 'sns-email', undefined],
    ['departed', 'sns-email', { ...reachableOwner('bob'), status: 'departed' }],
    ['no-email', 'relay', { userId: 'bob', status: 'active', subscription: 'confirmed' }],
    ['no-email', 'sns-email', { userId: 'bob', email: '', status: 'active' }],
    ['subscription-pending', 'sns-email', { ...reachableOwner('bob'), subscription: 'pending' }],
    ['unsubscribed', 'sns-email', { ...reachableOwner('bob'), subscription: 'unsubscribed' }],
    ['no-subscription', 'sns-email', { userId: 'bob', email: 'bob@example.com', status: 'active' }],
    ['no-subscription', 'sns-email', { ...reachableOwner('bob'), subscription: 'none' }],
    ['bouncing', 'relay', { ...reachableOwner('bob'), bouncingSince: '2026-11-20T00:00:00.000Z' }],
    // SES cannot send to an address that is not ASCII before the @: the admins get the events, not the DLQ.
    ['unsendable-address', 'relay', { ...reachableOwner('bob'), email: 'bób@example.com' }],
    // The owner said "stop" by the SNS email's link: the relay does not email them either.
    ['unsubscribed', 'relay', { ...reachableOwner('bob'), subscription: 'unsubscribed' }],
  ];
  const cases = rows.map(([reason, route, record]) => ({ reason, route, record }));

  it.each(cases)(
    'reports an owner unreachable for $reason on $route: digest still published, events in the report',
    async ({ reason, route, record }) => {
      const directory = new InMemoryOwnerDirectory([reachableOwner('alice'), ...(record ? [record] : [])]);
      const { outbox, publisher, drain } = setup(directory);
      seed(outbox, 'alice');
      const bobEvents = seed(outbox, 'bob', 2);

      const summary = await drain({ ownerDelivery: route, drainId: 'd1' });

      expect(
        digests(publisher)
          .map((d) => d.userId)
          .sort(),
      ).toEqual(['alice', 'bob']);
      const bobDigest = digests(publisher).find((d) => d.userId === 'bob');
      const [report, ...more] = reports(publisher);
      expect(more).toEqual([]);
      expect(report).toMatchObject({
        schema: 'personal-client-hygiene/owner-unreachable',
        version: 1,
        audience: 'admin',
        eventTypes: ['owner-unreachable'],
        drainId: 'd1',
        route,
        part: 1,
        parts: 1,
        invalidEvents: [],
      });
      // The directory's address when it holds one (whatever the reason): what the admin corrects or looks up.
      const email = record?.email ? { email: record.email } : {};
      expect(report?.owners).toEqual([{ userId: 'bob', reason, ...email, events: bobDigest?.events }]);
      expect(report?.owners[0]?.events.map(key).sort()).toEqual(bobEvents.map(key).sort());
      expect(outbox.pendingEvents()).toEqual([]);
      expect(summary).toMatchObject({
        reach: 'verified',
        ownerDelivery: route,
        unreachableOwners: 1,
        unreachableEvents: 2,
        reportParts: 1,
        eventsFailed: 0,
      });
      expect(summary.unreachableReasons[reason]).toBe(1);
      expect(ownerReachOf(publisher).sort()).toEqual([
        ['alice', 'reachable'],
        ['bob', 'unreachable'],
      ]);
    },
  );

  it('publishes the report as an admin message: MessageStructure json, email text naming owner, reason and credential', async () => {
    const directory = new InMemoryOwnerDirectory([
      { userId: 'bob', name: 'Bob Builder', status: 'departed', email: 'bob@example.com' },
    ]);
    const { outbox, publisher, drain } = setup(directory);
    seed(outbox, 'bob');

    await drain();

    const entry = publisher.delivered.find((e) => audienceOf(e) === 'admin');
    expect(entry?.MessageStructure).toBe('json');
    expect(entry?.MessageAttributes).toEqual({
      eventTypes: { DataType: 'String.Array', StringValue: '["owner-unreachable"]' },
      severity: { DataType: 'String', StringValue: 'warning' },
      audience: { DataType: 'String', StringValue: 'admin' },
    });
    expect(entry?.Subject).toBe('Hygiene: 1 owner unreachable, 1 notice for the admins');
    const text = deliveredTo(entry?.Message ?? '{}', 'email');
    expect(text).toContain(
      '* bob (Bob Builder) at bob@example.com: marked departed in the owner directory [departed]',
    );
    expect(text).toContain('- "Key bob-pc0" (id bob-pc0, client id client-bob-pc0)');
    expect(deliveredDocument<UnreachableReportDocument>(entry?.Message ?? '{}').owners[0]).toMatchObject({
      userId: 'bob',
      name: 'Bob Builder',
      email: 'bob@example.com',
    });
  });

  it('greets a reachable owner by the directory name and keeps them out of the report', async () => {
    const directory = new InMemoryOwnerDirectory([reachableOwner('alice', 'Alice Liddell')]);
    const { outbox, publisher, drain } = setup(directory);
    seed(outbox, 'alice');

    const summary = await drain();

    expect(JSON.parse(publisher.delivered[0]?.Message ?? '{}').email).toMatch(/^Hello Alice Liddell,\n/);
    expect(reports(publisher)).toEqual([]);
    expect(summary).toMatchObject({ reach: 'verified', unreachableOwners: 0 });
  });

  it('judges the relay route by the address alone: no subscription needed', async () => {
    const directory = new InMemoryOwnerDirectory([
      { userId: 'alice', email: 'alice@example.com', status: 'active' },
    ]);
    const { outbox, publisher, drain } = setup(directory);
    seed(outbox, 'alice');

    expect((await drain({ ownerDelivery: 'relay' })).unreachableOwners).toBe(0);
    expect(reports(publisher)).toEqual([]);
  });

  it('looks owners up once per owner group and sends ONE report per drain across groups', async () => {
    const directory = new InMemoryOwnerDirectory();
    const { outbox, publisher, drain } = setup(directory);
    for (let i = 0; i < 25; i++) seed(outbox, `owner-${i}`);

    const summary = await drain({ maxBatchEntries: 10, readBatchItems: 10 });

    // Groups run concurrently: the order of the lookups varies, their sizes do not.
    expect(directory.lookups.map((ids) => ids.length).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    expect(reports(publisher)).toHaveLength(1);
    expect(reports(publisher)[0]?.owners).toHaveLength(25);
    expect(summary).toMatchObject({ unreachableOwners: 25, unreachableEvents: 25, reportParts: 1 });
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('splits a large report into numbered parts within the size limit, every event in exactly one part', async () => {
    const directory = new InMemoryOwnerDirectory();
    const { outbox, publisher, drain } = setup(directory);
    const events = Array.from({ length: 6 }, (_, i) => seed(outbox, `owner-${i}`, 4)).flat();

    const summary = await drain({ maxMessageBytes: 12_000 });

    const parts = reports(publisher);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => [p.part, p.parts])).toEqual(parts.map((_, i) => [i + 1, parts.length]));
    for (const entry of publisher.delivered) {
      expect(Buffer.byteLength(entry.Message) + Buffer.byteLength(entry.Subject)).toBeLessThanOrEqual(12_000);
    }
    const reported = parts.flatMap((p) => p.owners.flatMap((o) => o.events.map(key)));
    expect(reported.sort()).toEqual(events.map(key).sort());
    expect(summary.reportParts).toBe(parts.length);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('keeps an unreachable owner’s events pending when the report fails, and republishes digest and report next drain', async () => {
    const directory = new InMemoryOwnerDirectory([reachableOwner('alice')]);
    const { outbox, publisher, drain, advance } = setup(directory);
    seed(outbox, 'alice');
    const bobEvents = seed(outbox, 'bob');
    publisher.failEntry = (entry) => (audienceOf(entry) === 'admin' ? 'InternalError' : undefined);

    const first = await drain();

    expect(first).toMatchObject({ digests: 2, reportParts: 0, eventsFailed: 1 });
    expect(first.failures.records).toEqual([
      expect.objectContaining({ userId: 'bob', code: 'InternalError', events: 1 }),
    ]);
    expect(outbox.pendingEvents().map(key)).toEqual(bobEvents.map(key));
    publisher.failEntry = undefined;
    // Bob's digest went out unmarked when his report part failed: the first drain kept its lease until it lapsed.
    advance(15 * 60_000);
    const second = await drain();
    expect(second).toMatchObject({ digests: 1, reportParts: 1, eventsFailed: 0 });
    expect(digests(publisher).map((d) => d.userId)).toEqual(['alice', 'bob', 'bob']);
    expect(reports(publisher).map((r) => r.owners.map((o) => o.userId))).toEqual([['bob']]);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('does not report an unreachable owner whose digest failed: both are retried next drain', async () => {
    const directory = new InMemoryOwnerDirectory();
    const { outbox, publisher, drain } = setup(directory);
    seed(outbox, 'bob');
    publisher.failEntry = (entry) => (audienceOf(entry) === 'owner' ? 'InternalError' : undefined);

    const first = await drain();

    expect(first).toMatchObject({
      eventsFailed: 1,
      reportParts: 0,
      unreachableOwners: 1,
      unreportedEvents: 1,
    });
    expect(reports(publisher)).toEqual([]);
    expect(outbox.pendingEvents()).toHaveLength(1);
    publisher.failEntry = undefined;
    await drain();
    expect(reports(publisher)).toHaveLength(1);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('leaves the group pending when the directory cannot be read, and delivers it once it can', async () => {
    const directory = new InMemoryOwnerDirectory([reachableOwner('alice')]);
    const { outbox, publisher, drain } = setup(directory);
    seed(outbox, 'alice');
    directory.failWith = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });

    const first = await drain();

    expect(publisher.calls).toEqual([]);
    expect(first).toMatchObject({ eventsFailed: 1, eventsPublished: 0 });
    expect(first.failures.records).toEqual([
      {
        userId: 'alice',
        code: 'ProvisionedThroughputExceededException',
        message: 'owner directory: Rate exceeded',
        senderFault: false,
        events: 1,
      },
    ]);
    directory.failWith = undefined;
    expect(await drain()).toMatchObject({ digests: 1, eventsPublished: 1 });
    expect(outbox.pendingEvents()).toEqual([]);
  });
});

describe('runNotifier and events whose owner does not match their credential', () => {
  it.each([
    ['without', undefined],
    ['with', new InMemoryOwnerDirectory([reachableOwner('bob'), reachableOwner('mallory')])],
  ] as const)(
    '%s a directory: sends a forged event to no digest and reports it to the admins as invalid',
    async (_, directory) => {
      const { outbox, publisher, drain } = setup(directory);
      const genuine = outboxEvent({ credentialId: 'b1', userId: 'bob' });
      // Not a deletion: the fake's item would then hold its deletedAt, which supersedes bob's genuine warning.
      const forged = outboxEvent({ credentialId: 'b1', userId: 'mallory', type: 'stale-warning' });
      outbox.append('b1', [genuine, forged]);

      const summary = await drain();

      expect(digests(publisher)).toEqual([expect.objectContaining({ userId: 'bob', events: [genuine] })]);
      expect(publisher.delivered.some((e) => e.MessageAttributes.userId?.StringValue === 'mallory')).toBe(
        false,
      );
      const [report] = reports(publisher);
      expect(report).toMatchObject({ eventTypes: ['event-owner-mismatch'], severity: 'high', owners: [] });
      expect(report?.invalidEvents).toEqual([
        { credentialId: 'b1', itemUserId: 'bob', problem: 'owner-mismatch', event: forged },
      ]);
      expect(summary).toMatchObject({ invalidEvents: 1, reportParts: 1, eventsPublished: 1 });
      expect(outbox.pendingEvents()).toEqual([]);
    },
  );

  it('reports an event about another credential as credential-mismatch, never in a digest', async () => {
    const { outbox, publisher, drain } = setup();
    const misplaced = outboxEvent({ credentialId: 'other', userId: 'bob' });
    outbox.append('b1', [outboxEvent({ credentialId: 'b1', userId: 'bob' }), misplaced]);

    await drain();

    expect(digests(publisher)[0]?.events.map(key)).toEqual(['b1/expiry-warning:b1']);
    expect(reports(publisher)[0]?.invalidEvents).toEqual([
      { credentialId: 'b1', itemUserId: 'bob', problem: 'credential-mismatch', event: misplaced },
    ]);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('keeps a mismatched event pending while the report cannot be published', async () => {
    const { outbox, publisher, drain } = setup();
    const forged = outboxEvent({ credentialId: 'b1', userId: 'mallory', eventId: 'forged-1' });
    outbox.append('b1', [outboxEvent({ credentialId: 'b1', userId: 'bob' }), forged]);
    publisher.failEntry = (entry) => (audienceOf(entry) === 'admin' ? 'InternalError' : undefined);

    const summary = await drain();

    expect(summary).toMatchObject({ eventsPublished: 1, eventsFailed: 1, invalidEvents: 1 });
    expect(outbox.pendingEvents()).toEqual([forged]);
  });
});

describe('runNotifier and stored entries that could hold back the report', () => {
  /** `n` control characters: 1 byte each in UTF-8, 7 in the doubly escaped JSON document SNS carries. */
  const controls = (n: number) => '\u0001'.repeat(n);
  const ownerDigestsOf = (publisher: RecordingPublisher, userId: string) =>
    digests(publisher).filter((d) => d.userId === userId);

  it('reads an entry with an id beyond the key limit as malformed: the report goes, each digest once', async () => {
    const directory = new InMemoryOwnerDirectory([reachableOwner('carol')]); // alice, bob: not in it
    const { outbox, publisher, drain, advance } = setup(directory);
    seed(outbox, 'alice');
    seed(outbox, 'bob');
    const good = outboxEvent({ credentialId: 'carol-pc', userId: 'carol' });
    const forged = outboxEvent({
      credentialId: 'carol-pc',
      userId: 'mallory',
      eventId: 'forged',
      runId: 'r'.repeat(60_000),
    });
    outbox.append('carol-pc', [good, forged]);

    const summaries = [];
    for (let i = 0; i < 3; i++) {
      summaries.push(await drain());
      advance(15 * 60_000);
    }

    expect(ownerDigestsOf(publisher, 'alice')).toHaveLength(1);
    expect(ownerDigestsOf(publisher, 'bob')).toHaveLength(1);
    expect(reports(publisher)).toHaveLength(1);
    expect(summaries.map((s) => [s.malformedEvents, s.invalidEvents, s.eventsFailed])).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    expect(outbox.pendingEvents()).toEqual([forged]);
  });

  it('leaves out of the report an event too large for a message even alone; the rest is reported and marked', async () => {
    const directory = new InMemoryOwnerDirectory([reachableOwner('carol')]);
    const { outbox, publisher, drain } = setup(directory);
    const aliceEvents = seed(outbox, 'alice');
    // Addressed to someone else, every id and instant at the key limit: about 73 KB in the document. Within SNS's
    // 256 KiB any entry within the bounds fits alone (the document is carried once): a 50 KB budget.
    const forged = {
      ...outboxEvent({ credentialId: 'carol-pc', userId: 'mallory', type: 'deleted-stale' }),
      ...Object.fromEntries(
        ['eventId', 'runId', 'occurredAt', 'deleteAfter', 'lastActivity'].map((f) => [f, controls(2048)]),
      ),
    };
    outbox.append('carol-pc', [outboxEvent({ credentialId: 'carol-pc', userId: 'carol' }), forged]);

    const first = await drain({ maxMessageBytes: 50_000 });
    const second = await drain({ maxMessageBytes: 50_000 });

    expect(ownerDigestsOf(publisher, 'alice')).toHaveLength(1);
    const [report, ...more] = reports(publisher);
    expect(more).toEqual([]);
    expect(report?.owners.flatMap((o) => o.events.map(key))).toEqual(aliceEvents.map(key));
    expect(report?.invalidEvents).toEqual([]);
    // One part published (alice's event), the forged event in none: reported partly, and the summary says which.
    expect(first).toMatchObject({
      reportParts: 1,
      unreachableEvents: 1,
      invalidEvents: 1,
      unreportedEvents: 1,
    });
    expect(first).toMatchObject({ eventsFailed: 1 });
    expect(first.failures.records).toEqual([
      expect.objectContaining({ userId: 'carol', code: 'UnreachableReportTooLargeError', events: 1 }),
    ]);
    expect(second).toMatchObject({ reportParts: 0, eventsFailed: 1 });
    expect(outbox.pendingEvents()).toEqual([forged]);
  });

  it.each([
    ['after', false],
    ['before', true],
  ])(
    'keeps an event addressed to someone else, listed %s its owner’s event with the same id, pending until its report part is accepted',
    async (_, forgedFirst) => {
      const { outbox, publisher, drain } = setup();
      const good = outboxEvent({ credentialId: 'carol-pc', userId: 'carol', type: 'deleted-expired' });
      const forged = { ...good, userId: 'mallory' };
      outbox.append('carol-pc', [good]); // the credential's owner: carol
      outbox.items.get('carol-pc')?.outbox.splice(forgedFirst ? 0 : 1, 0, forged);
      publisher.failEntry = (entry) => (audienceOf(entry) === 'admin' ? 'InternalError' : undefined);

      const first = await drain();

      expect(first).toMatchObject({ invalidEvents: 1, reportParts: 0, eventsPublished: 1, eventsFailed: 1 });
      expect(outbox.pendingEvents()).toEqual([forged]);

      publisher.failEntry = undefined;
      const second = await drain();

      expect(second).toMatchObject({ invalidEvents: 1, reportParts: 1, eventsPublished: 0 });
      expect(ownerDigestsOf(publisher, 'carol')).toHaveLength(1);
      expect(reports(publisher)[0]?.invalidEvents.map((i) => i.event)).toEqual([forged]);
      expect(outbox.pendingEvents()).toEqual([]);
    },
  );
});
