/**
 * `notify --dry-run` (cli/use-cases/preview-drain.ts) judges reach as a drain
 * does, with the reconciler's mailbox rule (`mailboxKey`) for an owner
 * recorded `confirmed` without an ARN: a confirmed subscription listed at
 * another spelling of their mailbox (the domain in Unicode, the directory in
 * Punycode) counts, so the preview shows their digest and no admin report.
 */
import { describe, expect, it } from 'vitest';
import { previewDrain } from '../../cli/use-cases/preview-drain';
import type { TopicSubscriptionListing } from '../../lambdas/hygiene/subscription-ports';
import { requireInstant } from '../../lambdas/hygiene/time';
import { InMemoryOutbox, outboxEvent } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';
import { PUNYCODE, UNICODE } from './support/bob-mailbox';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hygiene';
const NOW = requireInstant('2026-12-05T02:00:00.000Z', 'now');

describe('notify --dry-run and an owner matched by address', () => {
  it('counts a confirmed subscription at another spelling of the owner’s mailbox: their digest, no report', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('bob-pc', [outboxEvent({ credentialId: 'bob-pc', userId: 'bob' })]);
    const topicSubscriptions: TopicSubscriptionListing = {
      topicArn: TOPIC,
      listUnread: async () => [{ arn: `${TOPIC}:bob`, protocol: 'email', endpoint: UNICODE, pending: false }],
    };

    const preview = await previewDrain({
      outbox,
      now: NOW,
      directory: new InMemoryOwnerDirectory([{ ...reachableOwner('bob'), email: PUNYCODE }]),
      ownerDelivery: 'sns-email',
      topicSubscriptions,
    });

    expect(preview).toMatchObject({ subscriptionCheck: 'listed', owners: 1 });
    expect(preview.entries.map((e) => e.MessageAttributes.audience?.StringValue)).toEqual(['owner']);
  });
});
