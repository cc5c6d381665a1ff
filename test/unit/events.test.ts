/**
 * Which outbox events the sweep's actions make (lambdas/hygiene/events.ts; docs/notifications.md, "Event types"): an
 * expiry notice keyed by expiry and stage so a retry makes the same event, a stale warning with its deletion date,
 * last activity and limit, deletions with their reason, unflagging silent, one event per notifying action in order;
 * and the data contract's outbox names, prefixed `hygiene`, with event types only ever appended.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, OUTBOX_ATTR, OUTBOX_INDEX } from '../../lambdas/hygiene/data-contract';
import { EVENT_TYPES, eventsFor } from '../../lambdas/hygiene/events';
import { type Action, decide } from '../../lambdas/hygiene/policy';
import { at, credentialOf, T0 } from './support/raw-credential';
import { EVENT_BASE, RUN } from './support/run-events';

describe('eventsFor', () => {
  it('an expiry notice becomes an expiry-warning keyed by expiry and stage (stable across retries)', () => {
    const action: Action = { type: 'notify-expiry', stageDays: 7, expiresTime: at(5) };
    expect(eventsFor(credentialOf({ expiresTime: at(5) }), [action], RUN)).toEqual([
      {
        ...EVENT_BASE,
        eventId: `expiry-warning:${at(5)}:7`,
        type: 'expiry-warning',
        stageDays: 7,
        expiresTime: at(5),
      },
    ]);
  });

  it('a stale flag becomes a stale-warning with the deletion date, last activity and the limit that applied', () => {
    const credential = credentialOf({ lastUsedAt: at(-100) });
    const [event] = eventsFor(credential, decide(credential, DEFAULT_CONFIG, T0), RUN);
    // The base limit: no risk tier set it, so the event names none (test/unit/stale-warning-limit.test.ts).
    expect(event).toEqual({
      ...EVENT_BASE,
      eventId: `stale-warning:${at(0)}`,
      type: 'stale-warning',
      deleteAfter: at(14),
      lastActivity: at(-100),
      staleAfterDays: 90,
    });
  });

  it('a lastUsedAt older than createdAt: the warning and the deletion notice name the same last activity', () => {
    const flagged = credentialOf({ createdAt: at(-100), lastUsedAt: at(-400) });
    const [warning] = eventsFor(flagged, decide(flagged, DEFAULT_CONFIG, T0), RUN);
    const due = credentialOf({
      createdAt: at(-100),
      lastUsedAt: at(-400),
      [HYGIENE_ATTR.staleFlaggedAt]: at(-20),
      [HYGIENE_ATTR.staleDeleteAfter]: at(-6),
    });
    const [deleted] = eventsFor(due, decide(due, DEFAULT_CONFIG, T0), RUN);
    expect(warning).toMatchObject({ type: 'stale-warning', lastActivity: at(-100) });
    expect(deleted).toMatchObject({ type: 'deleted-stale', lastActivity: at(-100) });
  });

  it('deletions carry their reason', () => {
    const expired = credentialOf({ expiresTime: at(-1) });
    expect(eventsFor(expired, decide(expired, DEFAULT_CONFIG, T0), RUN)).toEqual([
      {
        ...EVENT_BASE,
        eventId: `deleted-expired:${at(0)}`,
        type: 'deleted-expired',
        expiresTime: at(-1),
        reason: 'expired',
      },
    ]);
    const stale = credentialOf({
      lastUsedAt: at(-120),
      [HYGIENE_ATTR.staleFlaggedAt]: at(-20),
      [HYGIENE_ATTR.staleDeleteAfter]: at(-6),
    });
    expect(eventsFor(stale, decide(stale, DEFAULT_CONFIG, T0), RUN)).toEqual([
      {
        ...EVENT_BASE,
        eventId: `deleted-stale:${at(0)}`,
        type: 'deleted-stale',
        deleteAfter: at(-6),
        lastActivity: at(-120),
        reason: 'stale',
      },
    ]);
  });

  it('unflagging is silent', () => {
    expect(eventsFor(credentialOf(), [{ type: 'unflag-stale', reason: 'used-since-flagged' }], RUN)).toEqual(
      [],
    );
  });

  it('omits displayName and clientId when the credential has none', () => {
    const credential = credentialOf({ displayName: undefined, clientId: undefined });
    const [event] = eventsFor(credential, [{ type: 'delete-expired', expiresTime: at(-1) }], RUN);
    expect(event).not.toHaveProperty('displayName');
    expect(event).not.toHaveProperty('clientId');
  });

  it('one event per notifying action, in action order', () => {
    const credential = credentialOf({ lastUsedAt: at(-100), expiresTime: at(5) });
    const events = eventsFor(credential, decide(credential, DEFAULT_CONFIG, T0), RUN);
    expect(events.map((e) => e.type)).toEqual(['expiry-warning', 'stale-warning']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });
});

describe('outbox names (data contract)', () => {
  it('are prefixed hygiene and stable', () => {
    expect(Object.values(OUTBOX_ATTR).every((name) => name.startsWith('hygiene'))).toBe(true);
    expect(OUTBOX_INDEX).toBe('hygiene-outbox');
    // Appended, never reordered: the orphan rule's two types came last.
    expect(EVENT_TYPES).toEqual([
      'expiry-warning',
      'stale-warning',
      'deleted-expired',
      'deleted-stale',
      'orphan-flagged',
      'deleted-orphaned',
    ]);
  });
});
