/**
 * The relay use case over in-memory ports: who is emailed and who is skipped
 * (and why), once per (drainId, part, userId, events) across redeliveries, claims
 * released on failure, and the partial batch response naming only failed records.
 */
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { digestPartFromTags } from '../../lambdas/relay/email-tags';
import { digestEventsKey } from '../../lambdas/relay/events-key';
import type { RelayLedger } from '../../lambdas/relay/ports';
import {
  RelayInProgressError,
  relayBatch,
  relayKey,
  relayPartKey,
  tallyOutcomes,
} from '../../lambdas/relay/relay';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const FROM = 'Hygiene <hygiene@corp.example>';

const OWNERS: OwnerRecord[] = [
  { userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' },
  { userId: 'bob', email: 'bob@example.com', status: 'active' },
  { userId: 'cy', email: 'cy@example.com', status: 'departed' },
  { userId: 'dee', status: 'active' },
  { userId: 'eve', email: 'eve@example.com', status: 'active', bouncingSince: '2026-11-20T00:00:00.000Z' },
];

let ledger: MemoryRelayLedger;
let sender: RecordingSender;
let now: number;

function deps() {
  return {
    directory: memoryDirectory(OWNERS),
    ledger,
    sender,
    clock: () => now,
    from: FROM,
    leaseMs: 60_000,
  };
}

/**
 * Microtask ticks each ledger call waits before it runs, by call number (cycling): each list another interleaving of
 * a batch's records, relayed at once (the first: none delayed).
 */
const INTERLEAVINGS = [
  [0, 0, 0],
  [6, 3, 0],
  [0, 6, 3],
  [3, 0, 6],
  [6, 0, 0],
  [0, 6, 0],
  [0, 0, 6],
];

/** `inner` with each call delayed by `delays` ticks (cycling over the calls), and the writes asked of it. */
function delayedLedger(inner: MemoryRelayLedger, delays: readonly number[]) {
  let calls = 0;
  const writes: string[] = [];
  const delayed = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let tick = delays[calls++ % delays.length] ?? 0; tick > 0; tick--) await Promise.resolve();
    return call();
  };
  const write = <T>(what: string, key: string, call: () => Promise<T>): Promise<T> => {
    writes.push(`${what} ${key}`);
    return delayed(call);
  };
  const ledger: RelayLedger = {
    claim: (key, now, leaseMs, events, generatedAt) =>
      write('claim', key, () => inner.claim(key, now, leaseMs, events, generatedAt)),
    markSent: (key, token, messageId) => write('markSent', key, () => inner.markSent(key, token, messageId)),
    release: (key, token) => write('release', key, () => inner.release(key, token)),
    partState: (key, now) => delayed(() => inner.partState(key, now)),
  };
  return { ledger, writes };
}

beforeEach(() => {
  ledger = new MemoryRelayLedger();
  sender = new RecordingSender();
  now = SAMPLE_NOW + 5_000;
});

describe('relayPartKey', () => {
  const ref = {
    drainId: '0f8e2c4a-9d3b-4e1f-8a6c-2b5d7e9f1a3c',
    part: 999_999_999,
    eventsKey: 'A'.repeat(22),
  };

  it('carries the owner as is up to 1 KB, and stays within a 2,048-byte partition key for any id import accepts', () => {
    expect(relayPartKey({ ...ref, userId: 'ada' })).toBe(
      `relay#${ref.drainId}#999999999#ada#${'A'.repeat(22)}`,
    );
    const longest = 'é'.repeat(1024); // 2,048 bytes in UTF-8
    const key = relayPartKey({ ...ref, userId: longest });
    expect(Buffer.byteLength(key, 'utf8')).toBeLessThanOrEqual(2048);
    expect(key).toMatch(/#sha256:[0-9a-f]{64}#/);
    expect(relayPartKey({ ...ref, userId: `${longest.slice(1)}x` })).not.toBe(key);
    expect(Buffer.byteLength(relayPartKey({ ...ref, userId: 'u'.repeat(1024) }), 'utf8')).toBeLessThanOrEqual(
      2048,
    );
  });

  it('an email tagged before the events key keeps the earlier form', () => {
    expect(relayPartKey({ drainId: 'd', part: 1, userId: 'bob' })).toBe('relay#d#1#bob');
  });
});

describe('relayBatch', () => {
  it('emails a reachable owner at the directory address, tagged with the owner, drain, part and events key', async () => {
    const message = digestRecord('ada');
    const result = await relayBatch(deps(), [message]);
    const { document } = digestFromSnsEnvelope(message.body);

    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      {
        recordId: 'msg-ada',
        status: 'sent',
        userId: 'ada',
        key: `relay#${document.drainId}#1#ada#${digestEventsKey(document.events)}`,
        messageId: 'ses-1',
      },
    ]);
    expect(sender.sent).toHaveLength(1);
    const [email] = sender.sent;
    expect(email?.to).toBe('ada@example.com');
    expect(email?.from).toBe(FROM);
    const sesTags = Object.fromEntries(
      Object.entries(email?.tags ?? {}).map(([name, value]) => [name, [value]]),
    );
    expect(digestPartFromTags(sesTags)).toEqual({
      userId: 'ada',
      drainId: document.drainId,
      part: 1,
      eventsKey: digestEventsKey(document.events),
    });
    const mail = await simpleParser(Buffer.from(email?.raw ?? []));
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada Lovelace' }] });
    expect(mail.text?.split('\n')[0]).toBe('Hello Ada Lovelace,');
    expect(mail.date?.getTime()).toBe(now);
    // the claim kept the part's events, for the report of a bounce
    expect([...ledger.entries.values()]).toEqual([
      expect.objectContaining({ state: 'sent', messageId: 'ses-1', events: document.events }),
    ]);
  });

  it('skips unreachable owners the drain reported, without sending or recording anything, and says why', async () => {
    const records = ['zed', 'cy', 'dee', 'eve'].map((id) => digestRecord(id, undefined, 1, 'unreachable'));

    const result = await relayBatch(deps(), records);

    expect(sender.sent).toEqual([]);
    expect(ledger.entries.size).toBe(0);
    expect(result.batchItemFailures).toEqual([]);
    expect(tallyOutcomes(result.outcomes).skipped).toEqual([
      { userId: 'zed', reason: 'not-in-directory' },
      { userId: 'cy', reason: 'departed' },
      { userId: 'dee', reason: 'no-email' },
      { userId: 'eve', reason: 'bouncing' },
    ]);
  });

  // Three deliveries of one part (the drain judged eve reachable; she bounces since) in one batch, relayed at once.
  // Whatever order their ledger calls interleave in, each fails for SQS to retry as a notice nobody was told of:
  // none is acknowledged, none sent, none counted as anything else, and the ledger is left as it was. (Were the
  // ledger asked by claiming, a record meeting another's claim would fail as "in progress" instead.)
  it.each(INTERLEAVINGS.map((delays) => ({ delays })))(
    'fails, for SQS retries and then the DLQ, an unreachable owner the drain did not report (ledger calls delayed $delays ticks)',
    async ({ delays }) => {
      const verdicts = ['reachable', 'unverified', 'no verdict'] as const;
      const records = verdicts.map((v, i) => digestRecord('eve', `msg-${i}`, 1, v));
      const slow = delayedLedger(ledger, delays);

      const result = await relayBatch({ ...deps(), ledger: slow.ledger }, records);

      expect(sender.sent).toEqual([]);
      expect(slow.writes).toEqual([]);
      expect(ledger.entries.size).toBe(0);
      expect(result.batchItemFailures).toEqual(records.map((r) => ({ itemIdentifier: r.messageId })));
      const { failures, failed, unreportedUnreachable } = tallyOutcomes(result.outcomes);
      expect({ failed, unreportedUnreachable }).toEqual({ failed: 3, unreportedUnreachable: 3 });
      expect(failures.map((f) => f.error)).toEqual([
        expect.stringMatching(
          /^UnreportedUnreachableOwnerError: owner "eve" cannot be emailed \(bouncing\) but the drain judged them reachable,/,
        ),
        expect.stringMatching(/\(bouncing\) but the drain judged them unverified,/),
        expect.stringMatching(
          /\(bouncing\) but the drain judged them reachable \(the digest carries no ownerReach\), so the admins were not told, unless this digest is of a notifier before 6 December 2026 .*owner-unreachable report:/,
        ),
      ]);
    },
  );

  it('sends to an owner the drain judged unreachable who can be emailed now', async () => {
    const result = await relayBatch(deps(), [digestRecord('ada', undefined, 1, 'unreachable')]);

    expect(result.batchItemFailures).toEqual([]);
    expect(sender.sent.map((e) => e.to)).toEqual(['ada@example.com']);
  });

  it('looks every owner of the batch up in one directory call', async () => {
    const d = deps();

    await relayBatch(d, [digestRecord('ada'), digestRecord('bob'), digestRecord('zed')]);

    expect(d.directory.calls).toEqual([['ada', 'bob', 'zed']]);
  });

  it('does not send a redelivered digest part twice', async () => {
    const message = digestRecord('ada');
    await relayBatch(deps(), [message]);

    now += 3_600_000;
    const again = await relayBatch(deps(), [message]);

    expect(sender.sent).toHaveLength(1);
    expect(again.outcomes).toEqual([expect.objectContaining({ status: 'duplicate', userId: 'ada' })]);
    expect(again.batchItemFailures).toEqual([]);
  });

  it('reports only the failed record of three (partial batch response)', async () => {
    sender.failFor.set(
      'bob@example.com',
      Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' }),
    );

    const result = await relayBatch(deps(), [
      digestRecord('ada'),
      digestRecord('bob'),
      digestRecord('zed', undefined, 1, 'unreachable'),
    ]);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }]);
    expect(sender.sent.map((e) => e.to)).toEqual(['ada@example.com']);
    expect(tallyOutcomes(result.outcomes)).toMatchObject({
      sent: 1,
      skippedUnreachable: 1,
      failed: 1,
      unreportedUnreachable: 0,
      failures: [{ userId: 'bob', error: 'MessageRejected: Email address is not verified' }],
    });
  });

  it('releases the claim of a failed send, so the retried record sends', async () => {
    sender.failures.push(new Error('socket hang up'));
    const message = digestRecord('ada');

    const first = await relayBatch(deps(), [message]);
    const retry = await relayBatch(deps(), [message]);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ada' }]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(sender.sent).toHaveLength(1);
  });

  it('fails a record another delivery is sending, and takes it over once that claim lapses', async () => {
    const message = digestRecord('ada');
    // Another delivery claimed the same part a moment ago (and crashed, or is still sending).
    await ledger.claim(relayKey(digestFromSnsEnvelope(message.body)), now, 60_000);

    const during = await relayBatch(deps(), [message]);
    now += 60_001;
    const after = await relayBatch(deps(), [message]);

    expect(during.outcomes[0]).toMatchObject({ status: 'failed', error: expect.any(RelayInProgressError) });
    expect(after.outcomes[0]).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it('fails a record that is not an owner digest, and every record when the directory cannot be read', async () => {
    const broken = { messageId: 'msg-broken', body: '{"Type":"Notification","Message":"{}"}' };
    const unreadable = {
      ...deps(),
      directory: {
        getMany: async () => {
          throw new Error('directory down');
        },
      },
    };

    const bad = await relayBatch(deps(), [digestRecord('ada'), broken]);
    const down = await relayBatch(unreadable, [digestRecord('bob'), digestRecord('ada', 'msg-ada-2')]);

    expect(bad.batchItemFailures).toEqual([{ itemIdentifier: 'msg-broken' }]);
    expect(down.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }, { itemIdentifier: 'msg-ada-2' }]);
    expect(sender.sent.map((e) => e.to)).toEqual(['ada@example.com']);
  });

  it('acknowledges a sent email whose mark failed; its redelivery sends again only after the lease (the one duplicate window)', async () => {
    const message = digestRecord('ada');
    const failingMark = Object.assign(Object.create(ledger), {
      markSent: async () => {
        throw new Error('DynamoDB unavailable');
      },
    });

    const first = await relayBatch({ ...deps(), ledger: failingMark }, [message]);
    const withinLease = await relayBatch(deps(), [message]);
    now += 60_001;
    const afterLease = await relayBatch(deps(), [message]);

    expect(first.outcomes[0]).toMatchObject({ status: 'sent' });
    expect(first.batchItemFailures).toEqual([]);
    expect(withinLease.outcomes[0]).toMatchObject({
      status: 'failed',
      error: expect.any(RelayInProgressError),
    });
    expect(afterLease.outcomes[0]).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(2);
  });
});
