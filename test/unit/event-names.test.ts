/**
 * Huge names are cut in events: an event is stored on the item and rendered
 * into one SNS message, so a 100 KB displayName used to make the digest
 * undeliverable (DigestTooLargeError, the event pending forever).
 */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../lambdas/aws/sns-wire';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { renderDigest } from '../../lambdas/hygiene/digest';
import { EVENT_NAME_MAX_CHARS, eventsFor, shortenedName } from '../../lambdas/hygiene/events';

describe('shortenedName', () => {
  it('keeps names up to the limit as they are', () => {
    const name = 'é'.repeat(EVENT_NAME_MAX_CHARS);
    expect(shortenedName(name)).toBe(name);
    expect(shortenedName('🔑'.repeat(EVENT_NAME_MAX_CHARS))).toBe('🔑'.repeat(EVENT_NAME_MAX_CHARS));
  });

  it('cuts longer names to the limit, ending with an ellipsis, never splitting a surrogate pair', () => {
    const cut = shortenedName('🔑'.repeat(EVENT_NAME_MAX_CHARS + 1));
    expect(Array.from(cut)).toHaveLength(EVENT_NAME_MAX_CHARS);
    expect(cut.endsWith('🔑…')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('eventsFor with a huge displayName and clientId', () => {
  it('carries shortened names, and the digest of such an event fits one message', () => {
    const parsed = parseCredential({
      id: 'c1',
      userId: 'u1',
      displayName: 'x'.repeat(150_000),
      clientId: 'y'.repeat(100_000),
      expiresTime: '2026-11-25T00:00:00Z',
    });
    if (!parsed.ok) throw new Error('fixture must be valid');
    const now = Date.UTC(2026, 10, 26);

    const [event] = eventsFor(
      parsed.credential,
      [{ type: 'delete-expired', expiresTime: '2026-11-25T00:00:00.000Z' }],
      {
        runId: 'run-1',
        now,
      },
    );

    expect(Array.from(event?.displayName ?? '')).toHaveLength(EVENT_NAME_MAX_CHARS);
    expect(Array.from(event?.clientId ?? '')).toHaveLength(EVENT_NAME_MAX_CHARS);
    expect(
      renderDigest({ userId: 'u1', events: [event!], now, drainId: 'd1', budget: SNS_LIMITS }),
    ).toHaveLength(1);
  });
});
