/**
 * Pacing per recipient (docs/notifications.md, "Size limits, splitting,
 * batching and pacing"; `lambdas/hygiene/notifier/pacing.ts`): SNS suspends
 * an email subscription sent more than 10 messages a second, so the one
 * publish path sends no recipient (the admins, one owner) more than 5 in any
 * second: one message per recipient in a `PublishBatch`, calls carrying the
 * same recipient 200 ms apart, distinct owners still batched together. On
 * virtual time (no real sleeps): the rule, the batching, a pacer shared by
 * concurrent publishes, a clock that steps back, the time budget (a message
 * whose wait would end past it is not published and stays pending), a
 * drain's split digest and split report, and a bounce report's parts.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import type { NotificationRouting, OutgoingMessage } from '../../lambdas/hygiene/message';
import { type NotifierOptions, runNotifier } from '../../lambdas/hygiene/notifier';
import {
  RECIPIENT_MESSAGES_PER_SECOND,
  RECIPIENT_SPACING_MS,
  RecipientPacer,
  recipientOf,
} from '../../lambdas/hygiene/notifier/pacing';
import { batchEntries, publishInBatches, type SizedMessage } from '../../lambdas/hygiene/notifier/publish';
import type { FailedEntry } from '../../lambdas/hygiene/outbox-ports';
import { requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { reportBouncedDigest } from '../../lambdas/relay/bounced-digest';
import { relayPartKey } from '../../lambdas/relay/relay';
import { sampleEvent } from '../support/sample-digest';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';
import { MemoryRelayLedger } from './support/relay-fakes';
import { VirtualTime } from './support/virtual-time';

const T0 = requireInstant('2026-11-26T02:00:00.000Z', 'now');

/** One publish call as the publisher saw it: when it started (virtual clock) and whom its entries were for. */
interface Send {
  readonly at: number;
  readonly recipients: readonly string[];
}

/** A {@link RecordingPublisher} that notes when each call starts and whom it carries (read from the attributes). */
class TimedPublisher extends RecordingPublisher {
  readonly sends: Send[] = [];
  constructor(private readonly clock: () => number) {
    super();
  }

  override async publishBatch(messages: readonly OutgoingMessage[]): Promise<{ failed: FailedEntry[] }> {
    const recipients = messages.map((m) =>
      m.routing.audience === 'admin' ? 'the admins' : `owner ${m.routing.userId}`,
    );
    this.sends.push({ at: this.clock(), recipients });
    return super.publishBatch(messages);
  }

  /** Per recipient, the start of every call carrying them. */
  timesByRecipient(): Map<string, number[]> {
    const times = new Map<string, number[]>();
    for (const send of this.sends)
      for (const r of send.recipients) times.set(r, [...(times.get(r) ?? []), send.at]);
    return times;
  }
}

/**
 * The pacing rule, checked on what the publisher saw: no call carries a recipient twice, and per recipient calls
 * start ≥ 200 ms apart, so no 1-second window (t − 1000, t] holds more than 5.
 */
function expectPaced(publisher: TimedPublisher): void {
  for (const send of publisher.sends) expect(new Set(send.recipients).size).toBe(send.recipients.length);
  for (const [recipient, times] of publisher.timesByRecipient()) {
    times.forEach((t, i) => {
      if (i > 0) expect(t - (times[i - 1] as number), recipient).toBeGreaterThanOrEqual(RECIPIENT_SPACING_MS);
      const inWindow = times.filter((u) => u > t - 1000 && u <= t).length;
      expect(inWindow, `${recipient} at ${t}`).toBeLessThanOrEqual(RECIPIENT_MESSAGES_PER_SECOND);
    });
  }
}

const ADMIN: NotificationRouting = { audience: 'admin', severity: 'high', eventTypes: ['owner-unreachable'] };
const ownerRouting = (userId: string): NotificationRouting => ({
  audience: 'owner',
  severity: 'info',
  eventTypes: ['expiry-warning'],
  userId,
});

function sized(id: string, routing: NotificationRouting, bytes = 1_000): SizedMessage {
  return { message: { id, subject: `message ${id}`, text: 'text', document: { id }, routing }, bytes };
}

/** `parts` admin report parts, `parts` digest parts for alice, and one message for each of `others` owners. */
function mixedMessages(parts: number, others: number): SizedMessage[] {
  return [
    ...Array.from({ length: parts }, (_, i) => sized(`admins-p${i + 1}`, ADMIN)),
    ...Array.from({ length: parts }, (_, i) => sized(`alice-p${i + 1}`, ownerRouting('alice'))),
    ...Array.from({ length: others }, (_, i) => sized(`o${i}`, ownerRouting(`user-${i}`))),
  ];
}

function publish(
  time: VirtualTime,
  publisher: TimedPublisher,
  messages: readonly SizedMessage[],
  extra: { pacer?: RecipientPacer; remainingMs?: () => number; concurrency?: number } = {},
) {
  return publishInBatches(publisher, messages, {
    limits: { maxBatchEntries: 10, maxBatchBytes: 262_144 },
    concurrency: extra.concurrency ?? 4,
    pacing: {
      pacer: extra.pacer ?? new RecipientPacer(),
      clock: time.clock,
      sleep: time.sleep,
      ...(extra.remainingMs !== undefined && { remainingMs: extra.remainingMs }),
    },
  });
}

describe('recipientOf', () => {
  it('is the admins for every admin message, and the owner for an owner message', () => {
    expect(recipientOf(sized('a', ADMIN).message)).toBe('admins');
    expect(recipientOf(sized('b', { ...ADMIN, origin: 'operator' }).message)).toBe('admins');
    expect(recipientOf(sized('c', ownerRouting('alice')).message)).toBe('owner:alice');
    expect(recipientOf(sized('d', ownerRouting('bob')).message)).not.toBe(
      recipientOf(sized('e', ownerRouting('alice')).message),
    );
  });
});

describe('batchEntries with a recipient key', () => {
  const keyed = (entries: { key: string; bytes: number }[], maxEntries = 10, maxBytes = 10_000) =>
    batchEntries(entries, maxEntries, maxBytes, (e) => e.key).map((b) => b.map((e) => e.key));

  it('batches distinct recipients exactly as without a key: ceil(owners / 10) calls', () => {
    const owners = Array.from({ length: 25 }, (_, i) => ({ key: `u${i}`, bytes: 10 }));

    expect(batchEntries(owners, 10, 10_000, (e) => e.key)).toEqual(batchEntries(owners, 10, 10_000));
    expect(keyed(owners).map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('puts at most one entry per recipient in a call; the ones deferred lead the next call, in order', () => {
    const entries = ['a', 'a', 'a', 'b', 'c', 'b'].map((key) => ({ key, bytes: 10 }));

    expect(keyed(entries)).toEqual([['a', 'b', 'c'], ['a', 'b'], ['a']]);
  });

  it('still closes a call at 10 entries or at the byte budget', () => {
    const entries = [
      { key: 'a', bytes: 600 },
      { key: 'a', bytes: 100 },
      { key: 'b', bytes: 300 },
      { key: 'c', bytes: 200 },
    ];

    expect(keyed(entries, 10, 1_000)).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
    const many = Array.from({ length: 12 }, (_, i) => ({ key: `u${i}`, bytes: 1 }));
    expect(keyed(many).map((b) => b.length)).toEqual([10, 2]);
  });
});

describe('publishInBatches pacing', () => {
  it('sends 12 admin parts, 12 parts of one owner and 28 other owners paced, in 12 calls, all accepted', async () => {
    const time = new VirtualTime(T0);
    const publisher = new TimedPublisher(time.clock);

    const failed = await time.run(publish(time, publisher, mixedMessages(12, 28)));

    expect(failed.size).toBe(0);
    expect(publisher.delivered).toHaveLength(52);
    expectPaced(publisher);
    // Distinct owners still share calls: 12 calls, under ceil(30 recipients / 10) + 22 split parts.
    expect(publisher.sends).toHaveLength(12);
    expect(publisher.timesByRecipient().get('the admins')).toEqual(
      Array.from({ length: 12 }, (_, i) => T0 + i * RECIPIENT_SPACING_MS),
    );
    // The other owners ride along in the first calls, waiting at most for the paced recipients beside them.
    const others = publisher.sends.flatMap((s, call) =>
      s.recipients.filter((r) => r.startsWith('owner user-')).map(() => call),
    );
    expect(others).toHaveLength(28);
    expect(Math.max(...others)).toBeLessThan(4);
  });

  it('waits for nothing when every message is for a different recipient (one part per owner)', async () => {
    const time = new VirtualTime(T0);
    const publisher = new TimedPublisher(time.clock);

    await time.run(publish(time, publisher, mixedMessages(1, 28)));

    expect(publisher.sends).toHaveLength(3);
    expect(time.waits.filter((ms) => ms > 0)).toEqual([]);
    expect(time.now).toBe(T0);
  });

  it('paces a recipient across concurrent publishes that share the pacer (two chunks of one drain)', async () => {
    const time = new VirtualTime(T0);
    const publisher = new TimedPublisher(time.clock);
    const pacer = new RecipientPacer();
    const chunk = (tag: string) =>
      Array.from({ length: 6 }, (_, i) => sized(`${tag}-p${i + 1}`, ownerRouting('alice')));

    await time.run(
      Promise.all([
        publish(time, publisher, chunk('one'), { pacer }),
        publish(time, publisher, chunk('two'), { pacer }),
      ]),
    );

    expect(publisher.delivered).toHaveLength(12);
    expectPaced(publisher);
  });

  it('does not publish a call whose wait would end past the time budget: its entries fail TimeBudgetSpent', async () => {
    const time = new VirtualTime(T0);
    const publisher = new TimedPublisher(time.clock);
    const pacer = new RecipientPacer();
    const end = T0 + 1_000;

    const failed = await time.run(
      publish(time, publisher, mixedMessages(12, 0), { pacer, remainingMs: () => end - time.now }),
    );

    // Calls at +0, +200, … +800; the next would wait until +1000, when the budget is spent.
    expect(publisher.sends.map((s) => s.at - T0)).toEqual([0, 200, 400, 600, 800]);
    expect(publisher.delivered).toHaveLength(10);
    expect(failed.size).toBe(14);
    expect(new Set([...failed.values()].map((f) => f.code))).toEqual(new Set(['TimeBudgetSpent']));
    expect([...failed.keys()].sort()).toEqual(
      [...Array.from({ length: 7 }, (_, i) => [`admins-p${i + 6}`, `alice-p${i + 6}`])].flat().sort(),
    );
    expect(pacer.heldBack).toBe(14);
    expect(time.now).toBeLessThan(end);
  });
});

describe('RecipientPacer', () => {
  it('keeps the spacing on a clock that stands still or steps back', () => {
    const pacer = new RecipientPacer();
    const first = pacer.turn(['admins'], 10_000);
    pacer.take(['admins'], first);
    pacer.arrived(first);

    const again = pacer.turn(['admins'], 10_000);
    const earlier = pacer.turn(['admins'], 0);

    expect(first).toEqual({ at: 10_000, waitMs: 0 });
    expect(again).toEqual({ at: 10_000 + RECIPIENT_SPACING_MS, waitMs: RECIPIENT_SPACING_MS });
    // A clock that stepped back reads the timeline's latest point: the wait is the spacing, not the step.
    expect(earlier).toEqual(again);
    expect(pacer.turn(['owner:bob'], 0)).toEqual({ at: 10_000, waitMs: 0 });
  });
});

describe('a drain, paced', () => {
  const key = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) => `${e.credentialId}/${e.eventId}`;
  const seed = (outbox: InMemoryOutbox, userId: string, credentials: number) =>
    Array.from({ length: credentials }, (_, i) => {
      const event = outboxEvent({ credentialId: `${userId}-pc${i}`, userId });
      outbox.append(event.credentialId, [event]);
      return event;
    });
  const reports = (publisher: RecordingPublisher) =>
    publisher.delivered
      .filter((e) => e.MessageAttributes.audience?.StringValue === 'admin')
      .map((e) => deliveredDocument<UnreachableReportDocument>(e.Message));
  const ownerParts = (publisher: RecordingPublisher, userId: string) =>
    publisher.delivered.filter((e) => e.MessageAttributes.userId?.StringValue === userId);
  /** Small messages: a few events each, so one owner's digest and the report split into many parts. */
  const OPTIONS: NotifierOptions = { maxMessageBytes: 6_000, stopMarginMs: 0, drainId: 'd1' };

  function setup() {
    const time = new VirtualTime(T0);
    const publisher = new TimedPublisher(time.clock);
    const outbox = new InMemoryOutbox();
    const directory = new InMemoryOwnerDirectory([reachableOwner('alice')]);
    const drain = (remainingMs?: () => number) =>
      time.run(
        runNotifier(
          {
            outbox,
            publisher,
            clock: time.clock,
            sleep: time.sleep,
            directory,
            ...(remainingMs !== undefined && { remainingMs }),
          },
          OPTIONS,
        ),
      );
    return { time, publisher, outbox, drain };
  }

  it('sends a 12-part digest and a 12-part report paced, every event once, the drain complete', async () => {
    const { publisher, outbox, drain } = setup();
    // Enough for 12 parts or more of 6,000 bytes, packed as full as they allow (docs/notifications.md).
    seed(outbox, 'alice', 110);
    for (let i = 0; i < 30; i++) seed(outbox, `gone-${i}`, 2);

    const summary = await drain();

    expect(ownerParts(publisher, 'alice').length).toBeGreaterThanOrEqual(12);
    expect(reports(publisher).length).toBeGreaterThanOrEqual(12);
    expectPaced(publisher);
    expect(summary).toMatchObject({ status: 'complete', eventsFailed: 0, unreportedEvents: 0 });
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('leaves the digest parts it had no time to pace pending, unmarked, and a later drain sends them', async () => {
    const { time, publisher, outbox, drain } = setup();
    const events = seed(outbox, 'alice', 80);
    const end = T0 + 1_000;

    const first = await drain(() => end - time.now);

    const sent = ownerParts(publisher, 'alice').flatMap(
      (e) => deliveredDocument<{ events: OutboxEvent[] }>(e.Message).events,
    );
    expect(sent).toHaveLength(first.eventsPublished);
    expect(first.parts).toBe(5);
    expect(first).toMatchObject({ status: 'incomplete', digests: 0 });
    expect(first.eventsFailed).toBe(events.length - sent.length);
    expect(first.failures.records).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: 'alice', code: 'TimeBudgetSpent' })]),
    );
    expect(outbox.pendingEvents().map(key).sort()).toEqual(
      events
        .map(key)
        .filter((k) => !sent.map(key).includes(k))
        .sort(),
    );

    // The next scheduled drain, 15 minutes on.
    time.now += 15 * 60_000;
    const second = await drain();
    expect(second).toMatchObject({ status: 'complete', eventsFailed: 0 });
    expect(outbox.pendingEvents()).toEqual([]);
    expectPaced(publisher);
  });

  it('leaves the report parts it had no time to pace unsent: their events stay pending for the next report', async () => {
    const { time, publisher, outbox, drain } = setup();
    const gone = Array.from({ length: 30 }, (_, i) => seed(outbox, `gone-${i}`, 2)).flat();
    const end = T0 + 1_000;

    const first = await drain(() => end - time.now);

    const reported = reports(publisher).flatMap((r) => r.owners.flatMap((o) => o.events.map(key)));
    expect(first.reportParts).toBe(5);
    expect(first.status).toBe('incomplete');
    expect(first.unreportedEvents).toBe(gone.length - reported.length);
    expect(first.failures.records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'TimeBudgetSpent',
          message: expect.stringMatching(/^admin report: /),
        }),
      ]),
    );
    // Reported: marked. Not reported: pending (digest and report go again next drain), never marked sent.
    expect(outbox.pendingEvents().map(key).sort()).toEqual(
      gone
        .map(key)
        .filter((k) => !reported.includes(k))
        .sort(),
    );

    time.now += 15 * 60_000;
    const second = await drain();
    expect(second).toMatchObject({ status: 'complete', unreportedEvents: 0 });
    expect(outbox.pendingEvents()).toEqual([]);
  });
});

describe('a drain whose owner has digests in two chunks', () => {
  it('paces that owner across the chunks: the drain has one pacer', async () => {
    const time = new VirtualTime(T0);
    const publisher = new TimedPublisher(time.clock);
    const outbox = new InMemoryOutbox();
    // bob's credential c1 was reassigned to him while anne's notice on it was pending: it keeps anne's outbox,
    // so bob's notice on it is drained in anne's chunk, beside bob's own (docs/notifications.md, "Flow").
    outbox.append('b1', [outboxEvent({ credentialId: 'b1', userId: 'bob' })]);
    outbox.append('c1', [outboxEvent({ credentialId: 'c1', userId: 'bob' })]);
    const reassigned = outbox.items.get('c1');
    if (reassigned === undefined) throw new Error('no c1');
    reassigned.owner = 'anne';

    // One owner a chunk, the chunks at once.
    const summary = await time.run(
      runNotifier(
        { outbox, publisher, clock: time.clock, sleep: time.sleep },
        { maxBatchEntries: 1, readBatchItems: 1, groupConcurrency: 4 },
      ),
    );

    expect(summary).toMatchObject({ digests: 2, eventsFailed: 0 });
    expect(publisher.timesByRecipient().get('owner bob')).toEqual([T0, T0 + RECIPIENT_SPACING_MS]);
    expect(outbox.pendingEvents()).toEqual([]);
  });
});

describe('a bounce report, paced', () => {
  it('publishes its parts to the admins 200 ms apart, one a call', async () => {
    const time = new VirtualTime(T0);
    const publisher = new (class extends TimedPublisher {
      override readonly limits = snsLimits(12_000);
    })(time.clock);
    const part = { userId: 'ada', drainId: 'drain-1', part: 2 };
    const events = Array.from({ length: 40 }, (_, i) => sampleEvent('expiry-warning', `pc-${i}`, {}, 'ada'));
    const ledger = new MemoryRelayLedger();
    const claim = await ledger.claim(relayPartKey(part), T0 - 3_600_000, 60_000, events);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    await ledger.markSent(relayPartKey(part), claim.token, 'ses-msg-1');

    const outcome = await time.run(
      reportBouncedDigest(
        { ledger, publisher, clock: time.clock, sleep: time.sleep, leaseMs: 60_000 },
        { ...part, sentTo: ['ada@example.com'], bouncedAt: '2026-11-26T01:59:00.000Z', sesMessageId: 'm-1' },
      ),
    );

    expect(outcome).toMatchObject({ status: 'reported' });
    expect(publisher.sends.length).toBeGreaterThan(1);
    expect(publisher.sends.map((s) => s.at - T0)).toEqual(
      publisher.sends.map((_, i) => i * RECIPIENT_SPACING_MS),
    );
    expectPaced(publisher);
  });
});
