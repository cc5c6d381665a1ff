/**
 * Digest documents for the relay's tests and `npm run render:email`, made by
 * the real notifier rendering (`renderDigest`) and read back from what SNS
 * delivers to the `sqs` protocol, exactly as the relay's queue receives them: every section,
 * hostile display names (markup, CRLF, right-to-left, emoji, a 256-character
 * word), long digests.
 */

import { type PublishEntry, snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import type { DigestDocument } from '../../lambdas/hygiene/digest';
import { renderDigest } from '../../lambdas/hygiene/digest';
import type { EventType, OutboxEvent } from '../../lambdas/hygiene/events';
import type { OwnerReachVerdict } from '../../lambdas/hygiene/message';
import { type OwnerEmail, ownerEmail } from '../../lambdas/relay/owner-email';
import { deliveredDocument, deliveredTo, notificationEnvelope } from './sns-delivery';

/** The drain instant of the samples. */
export const SAMPLE_NOW = Date.parse('2026-11-26T02:15:00.000Z');
export const SAMPLE_DRAIN_ID = '3f0c9a52-8d7e-4f7e-9a51-2b8d3c1e0f11';
/** The topic of the sample envelopes. */
const SAMPLE_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

/** Display names a credential's owner (or anyone who can rename it) might set. */
export const HOSTILE_NAMES = {
  markup: '<img src="https://evil.example/p.png" onerror="alert(1)"><script>alert(2)</script>&amp;',
  crlf: 'deploy\r\nBcc: victim@example.com\r\n\r\n<b>injected</b>',
  rtl: '\u202eRTL override gpj.exe \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627',
  emoji: 'CI 🚀 deploy 👩🏽‍💻 Clé',
  longWord: 'x'.repeat(256),
} as const;

/** One event of `type` for `userId`, with the fields the sweep would set. */
export function sampleEvent(
  type: EventType,
  credentialId: string,
  overrides: Partial<OutboxEvent> = {},
  userId = 'user-42',
): OutboxEvent {
  const base = {
    eventId: `${type}:${credentialId}`,
    type,
    credentialId,
    userId,
    displayName: `Key ${credentialId}`,
    clientId: `client-${credentialId}`,
    runId: 'sweep-2026-11-26T02:00:00.000Z-k3v9',
    occurredAt: '2026-11-26T02:00:00.000Z',
  };
  const byType: Partial<Record<EventType, Partial<OutboxEvent>>> = {
    'expiry-warning': { stageDays: 7, expiresTime: '2026-12-03T09:00:00.000Z' },
    'stale-warning': { deleteAfter: '2026-12-10T02:00:00.000Z', lastActivity: '2026-08-20T16:41:07.000Z' },
    'deleted-expired': { expiresTime: '2026-11-25T00:00:00.000Z', reason: 'expired' },
    'deleted-stale': {
      deleteAfter: '2026-11-26T00:00:00.000Z',
      lastActivity: '2026-07-01T00:00:00.000Z',
      reason: 'stale',
    },
    'orphan-flagged': { deleteAfter: '2026-12-03T02:00:00.000Z' },
    'deleted-orphaned': { deleteAfter: '2026-11-26T00:00:00.000Z', reason: 'orphaned' },
  };
  return { ...base, ...byType[type], ...overrides } as OutboxEvent;
}

/** A digest with every section (deleted, will be deleted unless used, orphaned, expiring) and every hostile name. */
export function representativeEvents(userId = 'user-42'): OutboxEvent[] {
  return [
    sampleEvent('deleted-expired', 'pc-0c21', { displayName: 'old terraform' }, userId),
    sampleEvent('deleted-stale', 'pc-5e11', { displayName: HOSTILE_NAMES.markup }, userId),
    sampleEvent('deleted-orphaned', 'pc-0rf1', { displayName: 'team bot (left)' }, userId),
    sampleEvent('stale-warning', 'pc-19bd', { displayName: HOSTILE_NAMES.crlf }, userId),
    sampleEvent('stale-warning', 'pc-77aa', { displayName: HOSTILE_NAMES.rtl }, userId),
    sampleEvent('orphan-flagged', 'pc-0rf2', { displayName: 'shared deploy key' }, userId),
    sampleEvent('expiry-warning', 'pc-7f3a', { displayName: 'CI deploy (GitHub Actions)' }, userId),
    sampleEvent(
      'expiry-warning',
      'pc-8b02',
      { displayName: HOSTILE_NAMES.emoji, stageDays: 1, expiresTime: '2026-11-26T20:00:00.000Z' },
      userId,
    ),
    sampleEvent(
      'expiry-warning',
      `pc-${'9'.repeat(60)}`,
      {
        displayName: HOSTILE_NAMES.longWord,
        clientId: `client-${'y'.repeat(200)}`,
        stageDays: 30,
        expiresTime: '2026-12-24T00:00:00.000Z',
      },
      userId,
    ),
  ];
}

/** The SNS entries the notifier would publish for these events (no batch `Id`), with the drain's verdict on the owner when given. */
export function sampleEntries(
  events: readonly OutboxEvent[],
  maxMessageBytes?: number,
  ownerReach?: OwnerReachVerdict,
): Omit<PublishEntry, 'Id'>[] {
  const userId = events[0]?.userId ?? 'user-42';
  return renderDigest({
    userId,
    events,
    now: SAMPLE_NOW,
    drainId: SAMPLE_DRAIN_ID,
    budget: snsLimits(maxMessageBytes),
    ...(ownerReach !== undefined && { ownerReach }),
  }).map((p) => snsEntryFields(p.message));
}

/** The digest document of each part, as the `sqs` protocol delivers it. */
export function sampleDocuments(events: readonly OutboxEvent[], maxMessageBytes?: number): DigestDocument[] {
  return sampleEntries(events, maxMessageBytes).map((entry) =>
    deliveredDocument<DigestDocument>(entry.Message),
  );
}

/**
 * The representative digest's first part (every section, hostile names) as
 * the relay's email to Ada Lovelace from `from`, dated {@link SAMPLE_NOW}:
 * the email the browser check and `npm run render:email` look at.
 */
export function sampleOwnerEmail(from: string): OwnerEmail {
  const [document] = sampleDocuments(representativeEvents());
  if (document === undefined) throw new Error('the sample digest rendered no part');
  return ownerEmail(document, { email: 'ada@example.com', name: 'Ada Lovelace' }, from, new Date(SAMPLE_NOW));
}

/** How an entry reached SNS: as the notifier publishes it, or its document published with structure String. */
export type EnvelopePublish = 'as published' | 'string publish';

/**
 * The SQS body SNS delivers for an entry (raw message delivery off): the
 * notification envelope (test/support/sns-delivery.ts), with `Message` = what
 * SNS delivers to the `sqs` protocol. `as published` (the notifier's
 * `MessageStructure: 'json'`) carries no `MessageAttributes`, as SNS sends
 * none then; `string publish` is the entry's document published with structure
 * String and the entry's attributes (another publisher, an older test), whose
 * notification carries them.
 */
export function snsEnvelope(
  entry: Omit<PublishEntry, 'Id'>,
  messageId = 'sns-msg-1',
  publish: EnvelopePublish = 'as published',
): string {
  const json = publish === 'as published';
  return JSON.stringify(
    notificationEnvelope(
      {
        topicArn: SAMPLE_TOPIC_ARN,
        subject: entry.Subject,
        message: json ? entry.Message : deliveredTo(entry.Message, 'sqs'),
        ...(json && { messageStructure: entry.MessageStructure }),
        attributes: Object.fromEntries(
          Object.entries(entry.MessageAttributes).map(([name, a]) => [
            name,
            { type: a.DataType, value: a.StringValue },
          ]),
        ),
      },
      'sqs',
      {
        messageId,
        timestamp: '2026-11-26T02:15:01.000Z',
        subscriptionArn: `${SAMPLE_TOPIC_ARN}:relay-queue`,
      },
    ),
  );
}

/**
 * The SQS record of `userId`'s digest of `events` expiry warnings, as a drain that judged the owner `ownerReach`
 * published it (`'no verdict'`: a digest published without one, as an older notifier did), as SNS delivers it.
 */
export function digestRecord(
  userId: string,
  messageId = `msg-${userId}`,
  events = 1,
  ownerReach: OwnerReachVerdict | 'no verdict' = 'reachable',
): { readonly messageId: string; readonly body: string } {
  const list = Array.from({ length: events }, (_, i) =>
    sampleEvent('expiry-warning', `pc-${userId}-${i}`, {}, userId),
  );
  const [entry] = sampleEntries(list, undefined, ownerReach === 'no verdict' ? undefined : ownerReach);
  if (entry === undefined) throw new Error('no entry');
  return { messageId, body: snsEnvelope(entry) };
}
