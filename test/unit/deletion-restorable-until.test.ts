/**
 * Until when a deleted credential can be restored (docs/notifications.md, "Event types", "The message"): with
 * `purgeAfterDays`, the sweep writes each deletion notice with `restorableUntil`, the purge time its write holds back
 * (never a later instant than the truth); the owner's digest says it in its text, its HTML and its JSON document, and
 * the admins' report for a departed owner says it too. Without a purge, and for a notice an earlier version queued,
 * nothing new is said. The field survives the outbox's stored form and the relay's read-back.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { parseConfig } from '../../lambdas/hygiene/config';
import { describeEvent, renderDigest } from '../../lambdas/hygiene/digest';
import { eventsFor, type OutboxEvent } from '../../lambdas/hygiene/events';
import { parseOutboxEvent, readPendingItem, storedEvent } from '../../lambdas/hygiene/outbox-item';
import { purgeAt, runSweep } from '../../lambdas/hygiene/sweep';
import { DAY_MS, formatInstant, MAX_INSTANT_MS, requireInstant } from '../../lambdas/hygiene/time';
import { renderUnreachableReport } from '../../lambdas/hygiene/unreachable-report';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { outboxEvent } from './outbox-fakes';
import { NOW, oneOfEachRule } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';
import { credentialOf, T0 } from './support/raw-credential';

const PURGE_DAYS = 30;

async function sweepEvents(purgeAfterDays?: number) {
  const table = new MemoryTable(oneOfEachRule());
  const writer = new MemoryWriter(table);
  const config = parseConfig({
    maxDeletePercent: 100,
    ...(purgeAfterDays !== undefined && { purgeAfterDays }),
  });
  await runSweep(
    { clock: Date.now, scanner: new MemoryScanner(table, 3), writer },
    { config, now: NOW, runId: 'run-1', mode: 'enforce' },
  );
  return writer.received;
}

describe('the sweep writes restorableUntil on deletion notices', () => {
  it('with purgeAfterDays: the purge time its write holds back, on deletions only', async () => {
    const transitions = await sweepEvents(PURGE_DAYS);
    const deletions = transitions.filter((t) => t.purgeAt !== undefined);
    expect(deletions.length).toBeGreaterThan(0);
    for (const t of deletions) {
      expect(t.purgeAt).toBe(purgeAt(NOW, PURGE_DAYS));
      expect(t.events.map((e) => e.restorableUntil)).toEqual([
        formatInstant(purgeAt(NOW, PURGE_DAYS) * 1000),
      ]);
    }
    const others = transitions.filter((t) => t.purgeAt === undefined).flatMap((t) => t.events);
    expect(others.length).toBeGreaterThan(0);
    for (const event of others) expect(event).not.toHaveProperty('restorableUntil');
  });

  it('without purgeAfterDays: no deletion notice carries it', async () => {
    const events = (await sweepEvents()).flatMap((t) => t.events);
    expect(events.some((e) => e.type.startsWith('deleted-'))).toBe(true);
    for (const event of events) expect(event).not.toHaveProperty('restorableUntil');
  });

  it('is never later than the purge instant, and left out past the last instant the worker writes', () => {
    const credential = credentialOf({ expiresTime: formatInstant(T0 - DAY_MS) });
    const action = { type: 'delete-expired', expiresTime: formatInstant(T0 - DAY_MS) } as const;
    const [event] = eventsFor(credential, [action], {
      runId: 'r',
      now: T0 + 999,
      purgeAt: purgeAt(T0 + 999, 1),
    });
    expect(requireInstant(event?.restorableUntil ?? '', 'restorableUntil')).toBeLessThanOrEqual(
      T0 + 999 + DAY_MS,
    );
    const [late] = eventsFor(credential, [action], { runId: 'r', now: T0, purgeAt: MAX_INSTANT_MS });
    expect(late).not.toHaveProperty('restorableUntil');
  });

  it('survives the outbox’s stored form and the relay’s read-back of the document; an entry without it still reads', () => {
    const event = outboxEvent({ credentialId: 'pc-1', userId: 'ada', type: 'deleted-expired' });
    const withField = { ...event, restorableUntil: '2026-12-26T02:00:00.000Z' };
    const item = (entries: unknown[]) =>
      readPendingItem({
        id: 'pc-1',
        userId: 'ada',
        displayName: event.displayName,
        clientId: event.clientId,
        hygieneOutbox: entries,
        hygieneOutboxOwner: 'ada',
      });
    expect(item([storedEvent(withField), storedEvent(event)])).toMatchObject({
      events: [withField, event],
      malformed: [],
    });
    expect(parseOutboxEvent(withField)).toEqual({ ok: true, event: withField });
    expect(parseOutboxEvent({ ...withField, restorableUntil: 42 })).toEqual({
      ok: false,
      problem: 'restorableUntil is not a string',
    });
  });
});

describe('the digest says until when a deletion can be restored', () => {
  const DRAIN = requireInstant('2026-11-26T02:15:00.000Z', 'now');
  const UNTIL = '2026-12-26T02:00:00.000Z';
  const deletions: OutboxEvent[] = (['deleted-expired', 'deleted-stale', 'deleted-orphaned'] as const).map(
    (type) =>
      outboxEvent({
        credentialId: `pc-${type}`,
        userId: 'ada',
        type,
        deleteAfter: '2026-11-26T00:00:00.000Z',
      }),
  );
  const LINE = `It can be restored until ${UNTIL} (in 30 days); after that it is gone for good.`;

  it('in the text, after what happened, for each kind of deletion', () => {
    for (const event of deletions) {
      const before = describeEvent(event, DRAIN);
      expect(describeEvent({ ...event, restorableUntil: UNTIL }, DRAIN)).toEqual([
        ...before.slice(0, -1),
        LINE,
        ...before.slice(-1),
      ]);
    }
  });

  it('an event without it (no purge, or queued by an earlier version) renders as before', () => {
    for (const event of deletions) {
      const lines = describeEvent(event, DRAIN);
      expect(lines).toHaveLength(2);
      expect(lines.join('\n')).not.toMatch(/restored until|gone for good|purge/);
    }
  });

  it('read after that instant (a late notice): the purge is due from now on, no restore promised', () => {
    const [event] = deletions;
    const late = describeEvent({ ...(event as OutboxEvent), restorableUntil: UNTIL }, DRAIN + 40 * DAY_MS);
    expect(late).toContain(
      `Its purge was due on ${UNTIL} (10 days ago) and was held back until this notice: it can be gone for good at any moment now.`,
    );
    expect(late.join('\n')).not.toContain('can be restored until');
  });

  it('in the HTML email, the instant in its one form, and in the JSON document', () => {
    const events = deletions.map((e) => ({ ...e, restorableUntil: UNTIL }));
    const [part] = renderDigest({ userId: 'ada', events, now: DRAIN, drainId: 'd1', budget: snsLimits() });
    const document = part?.message.document as { events: OutboxEvent[] };
    expect(document.events.map((e) => e.restorableUntil)).toEqual([UNTIL, UNTIL, UNTIL]);
    expect(part?.message.text).toContain(LINE);
    const html = renderDigestHtml({
      userId: 'ada',
      events,
      generatedAt: formatInstant(DRAIN),
      part: 1,
      parts: 1,
      subject: 'API credentials were deleted',
    });
    expect(
      html.split('It can be restored until 2026-12-26 02:00&nbsp;UTC (in 30 days); after that it is gone'),
    ).toHaveLength(4);
    const without = renderDigestHtml({
      userId: 'ada',
      events: deletions,
      generatedAt: formatInstant(DRAIN),
      part: 1,
      parts: 1,
      subject: 'API credentials were deleted',
    });
    expect(without).not.toContain('restored until');
  });

  it('in the admins’ report for a departed owner', () => {
    const orphaned = { ...(deletions[2] as OutboxEvent), restorableUntil: UNTIL };
    const [part] = renderUnreachableReport({
      budget: snsLimits(),
      drainId: 'd1',
      now: DRAIN,
      route: 'sns-email',
      owners: [{ userId: 'ada', reason: 'departed', events: [orphaned] }],
      invalidEvents: [],
    });
    expect(part?.message.text).toContain(LINE);
  });
});
