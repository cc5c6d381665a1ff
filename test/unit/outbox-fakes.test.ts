/**
 * The in-memory outbox marks as the DynamoDB store does (`lambdas/aws/outbox-marks.ts`, through
 * `DynamoDbOutboxStore`): a removal whose entry guard fails (another entry with the same `eventId` but another
 * `runId` at its index) re-plans by whole content, so the fake never removes an unsent entry in place of the
 * published one — the unit tests
 * that rely on it would otherwise pass on a loss the real store cannot make.
 */
import { describe, expect, it } from 'vitest';
import { markRequest } from '../../lambdas/hygiene/notifier/mark';
import { InMemoryOutbox, outboxEvent } from './outbox-fakes';

describe('InMemoryOutbox.markSent', () => {
  it('re-plans by content when an entry with the same id but another run sits at the published index', async () => {
    const outbox = new InMemoryOutbox();
    const other = outboxEvent({ credentialId: 'pc-1', userId: 'ada', eventId: 'other' });
    const sent = outboxEvent({ credentialId: 'pc-1', userId: 'ada', eventId: 'e', runId: 'run-1' });
    const again = outboxEvent({ credentialId: 'pc-1', userId: 'ada', eventId: 'e', runId: 'run-2' });
    outbox.append('pc-1', [other, sent]);
    const [item] = await outbox.read(['pc-1']);
    if (item === undefined) throw new Error('not read');
    const request = markRequest({ item, published: new Set([item.events[1] as (typeof item.events)[1]]) });
    if (request === undefined) throw new Error('no mark request');
    // Meanwhile another drain removed `other`, and a sweep queued the same notice again (run-2): `again`
    // is now where `sent` was read.
    const stored = outbox.items.get('pc-1');
    if (stored === undefined) throw new Error('no item');
    stored.outbox = [sent, again];

    const [outcome] = await outbox.markSent([request]);

    expect(outcome).toEqual({ status: 'marked', removed: 1, alreadyGone: 0, remaining: 1 });
    expect(outbox.pendingEvents()).toEqual([again]);
  });
});
