/**
 * `notify --dry-run` (cli/use-cases/preview-drain.ts) judges reach as a drain
 * does, with the live subscription check on `sns-email` (docs/notifications.md,
 * "Owner reach"): an owner recorded `confirmed` whose recorded subscription is
 * no longer listed, or who has no recorded ARN (even with a confirmed
 * subscription at their mailbox: it may be the admins'), is `no-subscription`:
 * the preview shows their events in the admins' report, as the next drain
 * would send them. So the runbook can send operators to it for what the next
 * drain decides (docs/deploy.md, "Runbook: Unreachable owners").
 */
import { describe, expect, it } from 'vitest';
import { previewDrain } from '../../cli/use-cases/preview-drain';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import type { TopicSubscriptionListing } from '../../lambdas/hygiene/subscription-ports';
import { requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hygiene';
const NOW = requireInstant('2026-12-05T02:00:00.000Z', 'now');

/** The preview of one pending event of `bob`'s, the topic listing a confirmed subscription at his address per ARN. */
async function previewFor(bob: OwnerRecord, listedArns: readonly string[]) {
  const outbox = new InMemoryOutbox();
  outbox.append('bob-pc', [outboxEvent({ credentialId: 'bob-pc', userId: 'bob' })]);
  const topicSubscriptions: TopicSubscriptionListing = {
    topicArn: TOPIC,
    listUnread: async () =>
      listedArns.map((arn) => ({ arn, protocol: 'email', endpoint: 'bob@example.com', pending: false })),
  };
  const preview = await previewDrain({
    outbox,
    now: NOW,
    directory: new InMemoryOwnerDirectory([bob]),
    ownerDelivery: 'sns-email',
    topicSubscriptions,
  });
  const reported = preview.entries
    .filter((e) => e.MessageAttributes.audience?.StringValue === 'admin')
    .flatMap((e) => deliveredDocument<UnreachableReportDocument>(e.Message).owners)
    .map((o) => [o.userId, o.reason]);
  return { preview, reported };
}

describe('notify --dry-run and the live subscription check', () => {
  it('shows an owner whose recorded subscription is listed as reachable: their digest, no report', async () => {
    const { preview, reported } = await previewFor(
      { ...reachableOwner('bob'), subscriptionArn: `${TOPIC}:bob` },
      [`${TOPIC}:bob`],
    );

    expect(preview).toMatchObject({ subscriptionCheck: 'listed', owners: 1 });
    expect(reported).toEqual([]);
  });

  it('reports an owner whose recorded subscription is no longer listed as no-subscription', async () => {
    const { reported } = await previewFor({ ...reachableOwner('bob'), subscriptionArn: `${TOPIC}:bob-old` }, [
      `${TOPIC}:bob`,
    ]);

    expect(reported).toEqual([['bob', 'no-subscription']]);
  });

  it('reports an owner recorded confirmed without an ARN as no-subscription, a subscription at the address or not', async () => {
    const { reported } = await previewFor(reachableOwner('bob'), [`${TOPIC}:admins`]);

    expect(reported).toEqual([['bob', 'no-subscription']]);
  });
});
