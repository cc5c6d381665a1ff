/**
 * `notify --dry-run` (cli/use-cases/preview-drain.ts) reads the pending items with the drain's own read step, so an
 * item another drain of the previous protocol still claims is left out of the preview as a drain leaves it out of
 * its digests, and counted in `claimConflicts` as the drain's summary counts it (docs/notifications.md, "One drain"),
 * rather than previewed as if it would be sent. A read that fails fails the preview with the store's own error (the
 * CLI names the table from it), where a drain would record it and leave the items pending.
 */
import { describe, expect, it } from 'vitest';
import { previewDrain } from '../../cli/use-cases/preview-drain';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { requireInstant } from '../../lambdas/hygiene/time';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

describe("notify --dry-run reads as a drain's read step does", () => {
  it('previews what a drain sends: the claimed item left out and counted as a claim conflict', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('alice-pc', [outboxEvent({ credentialId: 'alice-pc', userId: 'alice' })]);
    outbox.append('bob-pc', [outboxEvent({ credentialId: 'bob-pc', userId: 'bob' })]);
    outbox.holdClaim('bob-pc', 'previous-protocol-drain', NOW + 60_000);

    const preview = await previewDrain({ outbox, now: NOW, ownerDelivery: 'sns-email' });
    const publisher = new RecordingPublisher();
    const drained = await runNotifier({ outbox, publisher, clock: () => NOW, sleep: timerSleep }, {});

    const recipients = preview.entries.map((e) => e.MessageAttributes.userId?.StringValue);
    expect(recipients).toEqual(['alice']);
    expect(preview).toMatchObject({ owners: 1, claimConflicts: 1, malformedEvents: 0 });
    expect(drained).toMatchObject({ digests: 1, claimConflicts: preview.claimConflicts });
    expect(publisher.delivered.map((e) => e.MessageAttributes.userId?.StringValue)).toEqual(recipients);
  });

  it("fails with the store's own error when the items cannot be read", async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('alice-pc', [outboxEvent({ credentialId: 'alice-pc', userId: 'alice' })]);
    const denied = Object.assign(new Error('not authorized to perform dynamodb:BatchGetItem'), {
      name: 'AccessDeniedException',
    });
    outbox.read = () => Promise.reject(denied);

    await expect(previewDrain({ outbox, now: NOW, ownerDelivery: 'sns-email' })).rejects.toBe(denied);
  });
});
