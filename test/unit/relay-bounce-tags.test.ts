/**
 * What a relay email carries so that its bounce can be reported
 * (docs/notifications.md, "Email relay"): the SES tags naming the owner, drain
 * and part (within SES's tag alphabet and length, read back from an event's
 * `mail.tags`), and the part's events as the ledger keeps them (compressed,
 * bounded, read back through the outbox event parser).
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DRAIN_TAG,
  digestEmailTags,
  digestPartFromTags,
  EVENTS_TAG,
  OWNER_TAG,
  PART_TAG,
} from '../../lambdas/relay/email-tags';
import { digestEventsKey } from '../../lambdas/relay/events-key';
import {
  decodeDigestEvents,
  encodeDigestEvents,
  MAX_STORED_DIGEST_BYTES,
} from '../../lambdas/relay/stored-digest';
import { representativeEvents, sampleEvent } from '../support/sample-digest';

/** Tags as an SES event's `mail.tags` carries them: each name → a list of values. */
function asSesEvent(tags: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]]));
}

describe('digest email tags', () => {
  it('names the owner, drain and part within SES’s tag alphabet, and reads them back', () => {
    for (const ref of [
      { userId: 'ada', drainId: '3f0c9a52-8d7e-4f7e-9a51-2b8d3c1e0f11', part: 1 },
      { userId: 'Zoë/🚀 #1', drainId: 'drain with spaces & #', part: 12 },
      { userId: 'x'.repeat(192), drainId: 'd'.repeat(192), part: 999 },
    ]) {
      const tags = digestEmailTags(ref);
      expect(Object.keys(tags).sort()).toEqual([DRAIN_TAG, PART_TAG, OWNER_TAG].sort());
      for (const value of Object.values(tags)) expect(value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(digestPartFromTags(asSesEvent(tags))).toEqual(ref);
    }
  });

  it('carries the part’s events key, and reads it back', () => {
    const events = representativeEvents('ada');
    const ref = { userId: 'ada', drainId: 'd-1', part: 1, eventsKey: digestEventsKey(events) };

    const tags = digestEmailTags(ref);

    expect(tags[EVENTS_TAG]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(digestPartFromTags(asSesEvent(tags))).toEqual(ref);
    for (const value of ['short', `${ref.eventsKey}x`, `${'a'.repeat(21)}!`])
      expect(digestPartFromTags({ [EVENTS_TAG]: [value] })).toEqual({});
  });

  it('leaves out a tag whose value would not fit, and reads what is left', () => {
    const tags = digestEmailTags({ userId: 'u'.repeat(193), drainId: 'd'.repeat(193), part: 2 });

    expect(tags).toEqual({ [PART_TAG]: '2' });
    expect(digestPartFromTags(asSesEvent(tags))).toEqual({ part: 2 });
  });

  it('reads nothing from tags it did not make', () => {
    expect(digestPartFromTags(undefined)).toEqual({});
    expect(
      digestPartFromTags({
        [OWNER_TAG]: ['not base64!'],
        [DRAIN_TAG]: 'not a list',
        [PART_TAG]: ['0'],
        'ses:configuration-set': ['pc-hygiene-relay'],
      }),
    ).toEqual({});
    for (const part of ['-1', '01', '1.5', '1e3', '', '1234567890'])
      expect(digestPartFromTags({ [PART_TAG]: [part] })).toEqual({});
  });
});

describe('the events the ledger keeps', () => {
  it('round-trips a digest’s events, compressed well below the item limit', () => {
    const events = representativeEvents('ada');
    const bytes = encodeDigestEvents(events);

    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes?.length).toBeLessThan(JSON.stringify(events).length / 2);
    expect(decodeDigestEvents(bytes as Uint8Array)).toEqual({ ok: true, events });
  });

  it('stores nothing beyond its bound (incompressible events): the bounce report then says so', () => {
    const huge = sampleEvent('expiry-warning', 'pc-1', {
      displayName: randomBytes(450_000).toString('base64'),
    });

    expect(encodeDigestEvents([huge])).toBeUndefined();
    expect(MAX_STORED_DIGEST_BYTES).toBeLessThan(400_000);
  });

  it('says what is wrong with a value it cannot read back, never throwing', () => {
    const gz = (value: unknown) => new Uint8Array(gzipSync(JSON.stringify(value)));

    expect(decodeDigestEvents(new Uint8Array([1, 2, 3]))).toEqual({
      ok: false,
      problem: expect.stringMatching(/^the stored events are not gzip-compressed JSON/),
    });
    expect(decodeDigestEvents(gz({ v: 2, events: [] }))).toEqual({
      ok: false,
      problem: 'the stored events are not version 1',
    });
    expect(decodeDigestEvents(gz({ v: 1, events: [] }))).toEqual({
      ok: false,
      problem: 'the stored events are missing or empty',
    });
    expect(decodeDigestEvents(gz({ v: 1, events: [{ type: 'nonsense' }] }))).toEqual({
      ok: false,
      problem: expect.stringMatching(/^stored event 0 /),
    });
  });
});
