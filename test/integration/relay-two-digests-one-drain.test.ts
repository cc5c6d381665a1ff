/**
 * One drain can publish two digests for one owner (docs/notifications.md,
 * "The relay's guarantees"): a credential reassigned from ada to bob while
 * ada's notice is pending keeps ada as its outbox owner, so bob's notice on it
 * is drained in ada's chunk, and bob's own item in another: two "part 1"
 * digests for bob. The relay must email both, once each (a redelivery of
 * either is a duplicate), and a bounce of the second must report the second's
 * events. Real outbox store and drain, relay ledger and owner directory on
 * DynamoDB Local; SNS and SES as recording fakes at the ports.
 */
import { describe, expect, it } from 'vitest';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { reportBouncedDigest } from '../../lambdas/relay/bounced-digest';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { EVENTS_TAG } from '../../lambdas/relay/email-tags';
import type { OutgoingEmail } from '../../lambdas/relay/ports';
import { type RelayRecord, relayBatch, relayPartKey } from '../../lambdas/relay/relay';
import { recordAddressProblems } from '../../lambdas/relay/ses-events';
import { snsEnvelope } from '../support/sample-digest';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { createLocalTable, dynamoDbEndpoint, useLocalTable, useTestTable } from '../support/test-table';
import { outboxEvent, RecordingPublisher } from '../unit/outbox-fakes';
import { RecordingSender } from '../unit/support/relay-fakes';

const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const FROM = 'Hygiene <hygiene@corp.example>';
const SINCE = '2026-11-20T02:00:00.000Z';

/** ada's notice, queued before the credential went to bob, and bob's, queued after on the same item. */
const ADA_ON_SHARED = outboxEvent({ credentialId: 'pc-shared', userId: 'ada', eventId: 'stage-30' });
const BOB_ON_SHARED = outboxEvent({ credentialId: 'pc-shared', userId: 'bob', eventId: 'stage-7' });
const BOB_OWN = outboxEvent({ credentialId: 'pc-bob', userId: 'bob', type: 'stale-warning' });

const ITEMS = [
  {
    id: 'pc-shared',
    userId: 'bob',
    [OUTBOX_ATTR.owner]: 'ada',
    [OUTBOX_ATTR.since]: SINCE,
    [OUTBOX_ATTR.events]: [ADA_ON_SHARED, BOB_ON_SHARED],
  },
  {
    id: 'pc-bob',
    userId: 'bob',
    // The stale flag the sweep writes with its warning (without it the drain reads the warning as superseded).
    [HYGIENE_ATTR.staleFlaggedAt]: BOB_OWN.occurredAt,
    [HYGIENE_ATTR.staleDeleteAfter]: BOB_OWN.deleteAfter,
    [OUTBOX_ATTR.owner]: 'bob',
    [OUTBOX_ATTR.since]: SINCE,
    [OUTBOX_ATTR.events]: [BOB_OWN],
  },
];

describe('two digests for one owner in one drain, on the relay', () => {
  const table = useTestTable('two-digests', 'each', () => ITEMS);
  const owners = useTestDirectoryTable('two-digests-owners', 'each');
  const ledgerTable = useLocalTable(
    () =>
      createLocalTable(
        (client, name) => createRelayLedgerTable(client, name),
        'two-digests-ledger',
        dynamoDbEndpoint(),
      ),
    'two-digests-ledger',
    'each',
  );

  /**
   * Drains the table one item per chunk; returns the owner digests as the relay's queue receives them,
   * the one of the reassigned credential first (chunks run concurrently: publish order varies).
   */
  async function drainToQueue(): Promise<RelayRecord[]> {
    const publisher = new RecordingPublisher();
    const summary = await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher,
        clock: () => NOW,
        sleep: timerSleep,
      },
      { drainId: 'drain-1', maxBatchEntries: 1, readBatchItems: 1 },
    );
    expect(summary).toMatchObject({ eventsFailed: 0, invalidEvents: 1 });
    return publisher.delivered
      .filter((entry) => entry.MessageAttributes.audience?.StringValue === 'owner')
      .map((entry, i) => ({ messageId: `sqs-${i}`, body: snsEnvelope(entry, `sns-${i}`) }))
      .sort((a, b) => credentialOf(b) - credentialOf(a));
  }

  /** 1 for the digest carrying the reassigned credential's notice, else 0. */
  function credentialOf(record: RelayRecord): number {
    return digestFromSnsEnvelope(record.body).document.events.some((e) => e.credentialId === 'pc-shared')
      ? 1
      : 0;
  }

  /** Relays each record in a batch of its own, in order (as SQS may deliver them). */
  async function relayEach(deps: Awaited<ReturnType<typeof relayDeps>>, records: readonly RelayRecord[]) {
    const outcomes = [];
    for (const record of records) outcomes.push(...(await relayBatch(deps, [record])).outcomes);
    return outcomes;
  }

  async function relayDeps() {
    const directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
    await directory.upsertOwners(
      [
        {
          owner: { userId: 'bob', email: 'bob@example.com', status: 'active' },
          existed: false,
          resetRoute: false,
        },
      ],
      '2026-11-01T00:00:00.000Z',
    );
    const ledger = new DynamoRelayLedger(ledgerTable.client, ledgerTable.tableName);
    const sender = new RecordingSender();
    return { directory, ledger, sender, clock: () => NOW + 60_000, from: FROM, leaseMs: 60_000 };
  }

  /** The email's `Message-ID` header. */
  function messageIdOf(email: OutgoingEmail): string | undefined {
    return /^Message-ID: (.+)$/im.exec(Buffer.from(email.raw).toString('utf8'))?.[1];
  }

  /** SES's permanent bounce event for `email`, with its tags as SES copies them. */
  function bounceOf(email: OutgoingEmail, sesMessageId: string): string {
    const tags = Object.fromEntries(Object.entries(email.tags).map(([name, value]) => [name, [value]]));
    return JSON.stringify({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: email.to }],
        timestamp: '2026-11-26T03:00:00.000Z',
      },
      mail: { messageId: sesMessageId, destination: [email.to], tags },
    });
  }

  it('emails both, a redelivery of either is a duplicate, and a bounce of the second reports its own events', async () => {
    const records = await drainToQueue();
    const digests = records.map((r) => digestFromSnsEnvelope(r.body).document);
    expect(digests.map((d) => [d.userId, d.drainId, d.part, d.events.map((e) => e.credentialId)])).toEqual([
      ['bob', 'drain-1', 1, ['pc-shared']],
      ['bob', 'drain-1', 1, ['pc-bob']],
    ]);
    const deps = await relayDeps();

    const first = await relayEach(deps, records);
    const again = await relayEach(deps, [...records].reverse());

    expect(first.map((o) => o.status)).toEqual(['sent', 'sent']);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
    expect(deps.sender.sent.map((e) => e.to)).toEqual(['bob@example.com', 'bob@example.com']);
    const [one, two] = deps.sender.sent;
    if (one === undefined || two === undefined) throw new Error('not sent');
    expect(one.tags[EVENTS_TAG]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(two.tags[EVENTS_TAG]).not.toBe(one.tags[EVENTS_TAG]);
    // Two emails, not one sent twice: a mail client must not fold them into one.
    expect(messageIdOf(two)).not.toBe(messageIdOf(one));

    const publisher = new RecordingPublisher();
    const summary = await recordAddressProblems(
      deps.directory,
      [bounceOf(two, 'ses-2')],
      NOW + 120_000,
      (email) =>
        reportBouncedDigest(
          { ledger: deps.ledger, publisher, clock: () => NOW + 120_000, leaseMs: 60_000, sleep: timerSleep },
          email,
        ),
    );

    expect(summary).toMatchObject({ digestsReported: 1, digestsUnreadable: 0 });
    const [report] = publisher.documents() as unknown as {
      owners: { userId: string; events: { credentialId: string; eventId: string }[] }[];
    }[];
    expect(report?.owners).toEqual([
      expect.objectContaining({
        userId: 'bob',
        events: [expect.objectContaining({ credentialId: 'pc-bob' })],
      }),
    ]);
  });

  it('still finds the ledger entry of an email tagged before the events key, by the earlier key', async () => {
    const deps = await relayDeps();
    const legacy = { userId: 'bob', drainId: 'drain-0', part: 1 };
    const claim = await deps.ledger.claim(relayPartKey(legacy), NOW, 60_000, [BOB_OWN]);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    await deps.ledger.markSent(relayPartKey(legacy), claim.token, 'ses-0', NOW);
    const publisher = new RecordingPublisher();

    const outcome = await reportBouncedDigest(
      { ledger: deps.ledger, publisher, clock: () => NOW, leaseMs: 60_000, sleep: timerSleep },
      {
        ...legacy,
        sentTo: ['bob@example.com'],
        bouncedAt: '2026-11-26T03:00:00.000Z',
        sesMessageId: 'ses-0',
      },
    );

    expect(outcome).toEqual({ status: 'reported', eventsReadBack: true, parts: 1 });
    expect(relayPartKey(legacy)).toBe('relay#drain-0#1#bob');
  });
});
