/**
 * The orphan rule's owner events (docs/rules.md, "Orphaned credentials";
 * docs/notifications.md): which actions queue which event, and how a digest
 * words them.
 */
import { describe, expect, it } from 'vitest';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { describeEvent, digestSubject, eventSeverity, orderEvents } from '../../lambdas/hygiene/digest';
import { eventsFor, type OutboxEvent } from '../../lambdas/hygiene/events';
import { parseOutboxEvent } from '../../lambdas/hygiene/outbox-item';
import { at, rawCredential, T0 } from './support/raw-credential';

const parsed = parseCredential(rawCredential({ displayName: 'ci-deploy' }));
if (!parsed.ok) throw new Error('fixture invalid');
const credential = parsed.credential;
const run = { runId: 'run-1', now: T0 };

describe('orphan events', () => {
  it('flag-orphan queues orphan-flagged, delete-orphaned queues deleted-orphaned, unflag is silent', () => {
    const events = eventsFor(
      credential,
      [
        { type: 'flag-orphan', deleteAfter: at(7) },
        { type: 'delete-orphaned', flaggedAt: at(-7), deleteAfter: at(0) },
        { type: 'unflag-orphan', reason: 'owner-not-departed' },
      ],
      run,
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'orphan-flagged',
        eventId: `orphan-flagged:${at(0)}`,
        deleteAfter: at(7),
      }),
      expect.objectContaining({
        type: 'deleted-orphaned',
        eventId: `deleted-orphaned:${at(0)}`,
        deleteAfter: at(0),
        reason: 'orphaned',
      }),
    ]);
  });

  it('reads back from the outbox (reason orphaned is valid)', () => {
    const [deleted] = eventsFor(
      credential,
      [{ type: 'delete-orphaned', flaggedAt: at(-7), deleteAfter: at(0) }],
      run,
    );
    expect(parseOutboxEvent(deleted)).toEqual({ ok: true, event: deleted });
  });

  it('words them for the owner and the subject, deletions first', () => {
    const [flagged, deleted] = eventsFor(
      credential,
      [
        { type: 'flag-orphan', deleteAfter: at(7) },
        { type: 'delete-orphaned', flaggedAt: at(-7), deleteAfter: at(0) },
      ],
      run,
    ) as [OutboxEvent, OutboxEvent];
    expect(describeEvent(flagged, T0)[0]).toContain('marked departed in the owner directory');
    expect(describeEvent(flagged, T0)[0]).toContain(`soft-deleted on ${at(7)} (in 7 days)`);
    expect(eventSeverity(flagged)).toBe('warning');
    expect(eventSeverity(deleted)).toBe('high');
    expect(digestSubject([flagged], T0)).toBe(
      // The deadline with its time and zone (a bare UTC date is the evening before west of UTC).
      `API credential "ci-deploy" will be deleted on ${at(7).slice(0, 10)} ${at(7).slice(11, 16)} UTC (owner departed)`,
    );
    expect(digestSubject([deleted], T0)).toBe('API credential "ci-deploy" was deleted (owner departed)');
    expect(orderEvents([flagged, deleted]).map((e) => e.type)).toEqual([
      'deleted-orphaned',
      'orphan-flagged',
    ]);
  });
});
