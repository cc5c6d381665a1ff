/**
 * `notify --dry-run` (cli/use-cases/preview-drain.ts) shows what a drain would
 * do with an event too large for any message: a drain leaves it out of the
 * digest and keeps it pending, so the preview must not count it as sent (nor
 * put it in the admins' report as an unreachable owner's delivered notice),
 * and it names it among what a drain would leave pending.
 *
 * Within SNS's 256 KiB any entry within the bounds of docs/data-model.md fits
 * alone (the document is carried once), so the preview and the drain here get
 * a 50 KB budget in its place: the oversize entry below takes about 73 KB.
 */
import { describe, expect, it, vi } from 'vitest';
import { previewDrain } from '../../cli/use-cases/preview-drain';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';

vi.mock('../../lambdas/aws/sns-wire', async (importOriginal) => {
  const wire = await importOriginal<typeof import('../../lambdas/aws/sns-wire')>();
  return { ...wire, SNS_LIMITS: wire.snsLimits(50_000) };
});

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const key = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) => `${e.credentialId}/${e.eventId}`;
const audienceOf = (entry: PublishEntry) => entry.MessageAttributes.audience?.StringValue;
const documentOf = <T>(entry: PublishEntry) => deliveredDocument<T>(entry.Message);

/** An outbox with one ordinary and one oversize event of `userId` (every id and instant at the key limit, 7 bytes a character in the document). */
function outboxWithOversizeEvent(userId: string) {
  const outbox = new InMemoryOutbox();
  const ok = outboxEvent({ credentialId: 'pc-ok', userId });
  const big = {
    ...outboxEvent({ credentialId: 'pc-big', userId, type: 'deleted-stale' }),
    ...Object.fromEntries(
      ['eventId', 'runId', 'occurredAt', 'deleteAfter', 'lastActivity'].map((f) => [
        f,
        '\u0001'.repeat(2048),
      ]),
    ),
  } as OutboxEvent;
  outbox.append('pc-ok', [ok]);
  outbox.append('pc-big', [big]);
  return { outbox, ok, big };
}

describe('notify --dry-run and an event too large for any message', () => {
  it('previews what a drain sends: the digest and the report without it, and names it as left pending', async () => {
    // alice is not in the directory: unreachable, so her delivered notices go to the admins too.
    const directory = new InMemoryOwnerDirectory([reachableOwner('carol')]);
    const { outbox, ok, big } = outboxWithOversizeEvent('alice');

    const preview = await previewDrain({ outbox, now: NOW, directory, ownerDelivery: 'sns-email' });

    const publisher = new RecordingPublisher();
    const drained = await runNotifier(
      { outbox, publisher, clock: () => NOW, directory, sleep: timerSleep },
      {},
    );
    const sent = publisher.delivered;
    expect(preview.entries.map(audienceOf)).toEqual(sent.map(audienceOf));
    const reportOf = (entries: readonly PublishEntry[]) =>
      entries.filter((e) => audienceOf(e) === 'admin').map((e) => documentOf<UnreachableReportDocument>(e));
    const reported = reportOf(preview.entries).flatMap((r) => r.owners.flatMap((o) => o.events.map(key)));
    expect(reported).toEqual([key(ok)]);
    expect(reportOf(sent).flatMap((r) => r.owners.flatMap((o) => o.events.map(key)))).toEqual(reported);
    expect(preview.eventsLeftPending).toBe(1);
    expect(drained.eventsFailed).toBe(preview.eventsLeftPending);
    expect(preview.leftPending.records).toEqual([
      expect.objectContaining({ userId: 'alice', code: 'DigestTooLargeError', events: 1 }),
    ]);
    expect(outbox.pendingEvents()).toEqual([big]);
  });
});
