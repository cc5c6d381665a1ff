/**
 * The events key that tells an owner's digests of one drain apart
 * (`lambdas/relay/events-key.ts`, docs/notifications.md "The relay's
 * guarantees"): the same for the same events in any order, different for
 * other events, and within an SES tag's alphabet.
 */
import { describe, expect, it } from 'vitest';
import { digestEventsKey } from '../../lambdas/relay/events-key';
import { outboxEvent } from './outbox-fakes';

const A = outboxEvent({ credentialId: 'pc-1', userId: 'bob' });
const B = outboxEvent({ credentialId: 'pc-2', userId: 'bob', type: 'stale-warning' });

describe('digestEventsKey', () => {
  it('depends on the (credentialId, eventId) pairs only, not their order or other fields', () => {
    const key = digestEventsKey([A, B]);

    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(digestEventsKey([B, A])).toBe(key);
    expect(digestEventsKey([{ ...A, displayName: 'renamed' }, B])).toBe(key);
    expect(digestEventsKey([A])).not.toBe(key);
    expect(digestEventsKey([B])).not.toBe(digestEventsKey([A]));
    expect(digestEventsKey([{ ...A, eventId: 'other' }, B])).not.toBe(key);
  });

  it('does not confuse ids that run together', () => {
    expect(digestEventsKey([{ credentialId: 'pc-1a', eventId: 'b' }])).not.toBe(
      digestEventsKey([{ credentialId: 'pc-1', eventId: 'ab' }]),
    );
  });
});
