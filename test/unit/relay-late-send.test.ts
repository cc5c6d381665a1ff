/**
 * A relay email rendered hours after its digest was generated (SES's daily quota held it back:
 * lambdas/relay/quota-deferral.ts; retries; a DLQ redrive) is true when the relay renders it (docs/notifications.md,
 * "The email"): the relative phrases of its subject and body (text and HTML) are computed at the relay's clock, an
 * expiry passed by then is said as passed; the absolute instants and the "as of" of the generation stay, and it says
 * when it was prepared. A relay clock behind the drain's (skew) reads as the drain's.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { relayBatch } from '../../lambdas/relay/relay';
import { SAMPLE_NOW, sampleEntries, sampleEvent, snsEnvelope } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const HOUR = 3_600_000;
const FROM = 'Hygiene <hygiene@corp.example>';
const OWNERS: OwnerRecord[] = [
  { userId: 'user-42', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' },
];

/** A 1-day notice of a credential that expires 6 hours after the digest is generated (SAMPLE_NOW, 02:15 UTC). */
const expiring = [
  sampleEvent('expiry-warning', 'pc-1', { stageDays: 1, expiresTime: '2026-11-26T08:15:00.000Z' }),
];

/** The SNS entry the drain published for `events` (an owner it judged reachable). */
function published(events = expiring) {
  const [entry] = sampleEntries(events, undefined, 'reachable');
  if (entry === undefined) throw new Error('no digest part');
  return entry;
}

/** The email of `events`' digest as the relay renders it at `sentAt` (its `Date`). */
function emailAt(sentAt: number, events = expiring) {
  const { document } = digestFromSnsEnvelope(snsEnvelope(published(events)));
  return ownerEmail(document, { email: 'ada@example.com', name: 'Ada Lovelace' }, FROM, new Date(sentAt));
}

describe('a relay email rendered hours after its digest was generated', () => {
  it('says, at the relay’s clock, that an expiry passed by then has expired: subject, text and HTML', async () => {
    const sender = new RecordingSender();
    const relayNow = SAMPLE_NOW + 8 * HOUR;
    expect(published().Subject).toBe('API credential "Key pc-1" expires in 6 hours');

    const result = await relayBatch(
      {
        directory: memoryDirectory(OWNERS),
        ledger: new MemoryRelayLedger(),
        sender,
        clock: () => relayNow,
        from: FROM,
        leaseMs: 60_000,
      },
      [{ messageId: 'm-1', body: snsEnvelope(published()) }],
    );

    expect(result.batchItemFailures).toEqual([]);
    const mail = await simpleParser(Buffer.from(sender.sent[0]?.raw ?? []));
    expect(mail.subject).toBe('API credential "Key pc-1" has expired');
    expect(mail.text?.split('\n').slice(0, 10)).toEqual([
      'This notice was prepared on 2026-11-26 02:15 UTC and is delivered 8 hours late: it lists what was pending then, with relative times as of its sending (2026-11-26 10:15 UTC).',
      '',
      'Hello Ada Lovelace,',
      '',
      'Here is what the credential hygiene worker did or will do to your personal API credentials (as of 2026-11-26T02:15:00.000Z).',
      '',
      'Expired (1)',
      'What to do: renew it now (set a later expiry) if you still need it; otherwise nothing.',
      '  * "Key pc-1" (id pc-1, client id client-pc-1)',
      '    Expired on 2026-11-26T08:15:00.000Z (2 hours ago); the next sweep may soft-delete it, unless it is renewed or exempted first. This is the 1-day notice.',
    ]);
    const html = String(mail.html);
    expect(html).toContain('<title>API credential &quot;Key pc-1&quot; has expired</title>');
    expect(html).toContain(
      '>This notice was prepared on 2026-11-26 02:15 UTC and is delivered 8 hours late: it lists what was pending then, with relative times as of its sending (2026-11-26 10:15 UTC).</p>',
    );
    expect(html).toContain('your personal API credentials (as of 2026-11-26 02:15&nbsp;UTC).</p>');
    expect(html).toContain('>Expired (1)</h2>');
    expect(html).toContain(
      '2026-11-26 08:15&nbsp;UTC</strong><br><span class="pc-muted" style="color:#57606a">2 hours ago</span>',
    );
    expect(html).toContain(
      'Expired on 2026-11-26 08:15&nbsp;UTC (2 hours ago); the next sweep may soft-delete it, unless it is renewed or exempted first. This is the 1-day notice.',
    );
    expect(html).toContain('>Renew it now (set a later expiry) if you still need it; otherwise nothing.');
    expect(html).not.toContain('in 6 hours');
  });

  it('counts every relative phrase from the send, days later, and keeps the absolute instants', () => {
    const stale = [sampleEvent('stale-warning', 'pc-2')];
    expect(published(stale).Subject).toBe(
      'Unused API credential "Key pc-2" will be deleted on 2026-12-10 02:00 UTC unless used',
    );

    const email = emailAt(SAMPLE_NOW + 3 * 24 * HOUR, stale);

    expect(email.subject).toBe(
      'Unused API credential "Key pc-2" will be deleted on 2026-12-10 02:00 UTC unless used',
    );
    expect(email.text.split('\n')[0]).toBe(
      'This notice was prepared on 2026-11-26 02:15 UTC and is delivered 3 days late: it lists what was pending then, with relative times as of its sending (2026-11-29 02:15 UTC).',
    );
    expect(email.text).toContain(
      '    Not used since 2026-08-20T16:41:07.000Z (100 days ago). It will be soft-deleted on 2026-12-10T02:00:00.000Z (in 11 days) unless it is used before then.',
    );
    expect(email.html).toContain(
      '2026-12-10 02:00&nbsp;UTC</strong><br><span class="pc-muted" style="color:#57606a">in 11 days</span>',
    );
  });

  it('within the hour: no note, but the phrases are still the send’s', () => {
    const soon = [
      sampleEvent('expiry-warning', 'pc-3', { stageDays: 1, expiresTime: '2026-11-26T03:15:00.000Z' }),
    ];
    expect(published(soon).Subject).toBe('API credential "Key pc-3" expires in 1 hour');

    const email = emailAt(SAMPLE_NOW + 50 * 60_000, soon);

    expect(email.subject).toBe('API credential "Key pc-3" expires in less than an hour');
    expect(email.text.startsWith('Hello Ada Lovelace,\n')).toBe(true);
    expect(email.text).toContain('Expires on 2026-11-26T03:15:00.000Z (in less than an hour).');
  });

  it('a relay clock behind the drain’s (skew) reads as the drain’s: the email says what the SNS digest says', () => {
    const entry = published();

    const email = emailAt(SAMPLE_NOW - 10 * 60_000);

    expect(email.subject).toBe(entry.Subject);
    expect(email.text).toContain('Expires on 2026-11-26T08:15:00.000Z (in 6 hours).');
  });

  it('refuses a send that is not an instant, naming it', () => {
    expect(() => emailAt(Number.NaN)).toThrow('date is not a valid Date: the send must be an instant');
  });
});
