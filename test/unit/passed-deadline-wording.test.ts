/**
 * Owner notices whose deadlines have passed when they are read say so truthfully (docs/notifications.md, "The
 * message", "The email"). A stale or orphan warning read at or after its `deleteAfter` (a drain late after the sweep,
 * a relay email sent late) says the deletion was due, that a sweep since may have made it, and what keeps the
 * credential before the next one (docs/rules.md: a use since the flag, or the owner no longer departed, clears the
 * flag before a deletion) — in its subject, text and HTML alike. A deletion notice the relay sends after its
 * `restorableUntil` promises no restore: the credential may be gone for good already, and the purge's hold is worded
 * as it ended on that route, when the digest was handed to the relay. The deadline's instant itself counts as passed.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { describeEvent, digestSubject, renderDigest } from '../../lambdas/hygiene/digest';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { SAMPLE_NOW, sampleDocuments, sampleEntries, sampleEvent } from '../support/sample-digest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = 'Hygiene <hygiene@corp.example>';

/** The one part a drain at `now` renders for `events` (the SNS email's subject and text). */
function drainedAt(now: number, events: readonly OutboxEvent[]) {
  const [part] = renderDigest({ userId: 'user-42', events, now, drainId: 'd-1', budget: snsLimits() });
  if (part === undefined) throw new Error('no digest part');
  return part.message;
}

/** The relay's email of the digest a drain rendered at SAMPLE_NOW for `events`, sent at `sentAt`. */
function emailAt(sentAt: number, events: readonly OutboxEvent[]) {
  const [document] = sampleDocuments(events);
  if (document === undefined) throw new Error('no digest part');
  return ownerEmail(document, { email: 'ada@example.com', name: 'Ada' }, FROM, new Date(sentAt));
}

const STALE_ADVICE_DUE =
  'What to do: to keep it, use it now, before the next sweep (the flag clears by itself); if it is needed but rarely used, ask your platform/security team to exempt it (credential id pc-2); if you no longer need it, do nothing.';

describe('a stale or orphan warning read at or after its deleteAfter', () => {
  it('rendered by a drain past the date (SNS): the stale subject and lines say it was due', () => {
    const stale = sampleEvent('stale-warning', 'pc-2');
    const message = drainedAt(Date.parse('2026-12-10T04:00:00.000Z'), [stale]);

    expect(message.subject).toBe(
      'Unused API credential "Key pc-2" was due to be deleted on 2026-12-10 02:00 UTC unless used',
    );
    expect(message.text.split('\n').slice(4, 8)).toEqual([
      'Was due to be deleted unless used (1)',
      STALE_ADVICE_DUE,
      '  * "Key pc-2" (id pc-2, client id client-pc-2)',
      '    Not used since 2026-08-20T16:41:07.000Z (111 days ago). It was due to be soft-deleted on 2026-12-10T02:00:00.000Z (2 hours ago): a sweep since then may have done so; if not, any later sweep may, unless it is used or exempted first.',
    ]);
  });

  it('rendered by a drain past the date (SNS): the orphan subject and lines say it was due', () => {
    const orphan = sampleEvent('orphan-flagged', 'pc-3');
    const message = drainedAt(Date.parse('2026-12-03T04:00:00.000Z'), [orphan]);

    expect(message.subject).toBe(
      'API credential "Key pc-3" was due to be deleted on 2026-12-03 02:00 UTC (owner departed)',
    );
    expect(message.text.split('\n').slice(4, 8)).toEqual([
      'Was due to be deleted: the owner has left (1)',
      'What to do: if it must keep working, hand it over or have an admin exempt it (credential id pc-3); otherwise nothing.',
      '  * "Key pc-3" (id pc-3, client id client-pc-3)',
      '    Its owner is marked departed in the owner directory. It was due to be soft-deleted on 2026-12-03T02:00:00.000Z (2 hours ago): a sweep since then may have done so; if not, any later sweep may, unless the owner is active again or an admin exempts it first.',
    ]);
  });

  it('several stale warnings: the subject says the first was due; each keeps its own tense', () => {
    const now = Date.parse('2026-12-10T04:00:00.000Z');
    const due = sampleEvent('stale-warning', 'pc-2');
    const ahead = sampleEvent('stale-warning', 'pc-5', { deleteAfter: '2026-12-12T00:00:00.000Z' });

    expect(digestSubject([ahead, due], now)).toBe(
      '2 unused API credentials will be deleted unless used, the first was due on 2026-12-10 02:00 UTC',
    );
    expect(digestSubject([ahead, due], now - 3 * HOUR)).toBe(
      '2 unused API credentials will be deleted unless used, first on 2026-12-10 02:00 UTC',
    );
    const text = drainedAt(now, [ahead, due]).text;
    expect(text).toContain(`\n    ${STALE_ADVICE_DUE}\n`);
    expect(text).toContain(
      'It will be soft-deleted on 2026-12-12T00:00:00.000Z (in 2 days) unless it is used before then.',
    );
    expect(text).toContain('\nWere due to be or will be deleted unless used (2)\n');
    expect(drainedAt(now - 3 * HOUR, [ahead, due]).text).toContain('\nWill be deleted unless used (2)\n');
  });

  it('several stale warnings all due: the subject and heading say they were due, none says "will be"', () => {
    const now = Date.parse('2026-12-12T04:00:00.000Z');
    const events = [
      sampleEvent('stale-warning', 'pc-2'),
      sampleEvent('stale-warning', 'pc-5', { deleteAfter: '2026-12-12T00:00:00.000Z' }),
    ];

    const message = drainedAt(now, events);

    expect(message.subject).toBe(
      '2 unused API credentials were due to be deleted unless used, the first on 2026-12-10 02:00 UTC',
    );
    expect(message.text).toContain('\nWere due to be deleted unless used (2)\n');
    expect(message.text).not.toContain('will be');
  });

  it('a split digest’s part counter leaves no room for the first date: the subject leaves the clause out, never cuts it', () => {
    const now = Date.parse('2026-12-12T04:00:00.000Z');
    const events = Array.from({ length: 120 }, (_, i) =>
      sampleEvent('stale-warning', `pc-${i}`, { deleteAfter: '2026-12-12T00:00:00.000Z' }),
    );

    expect(digestSubject(events, now, 12, 13)).toBe(
      '120 unused API credentials were due to be deleted unless used (part 12/13)',
    );
    const someDue = [
      ...events.slice(1),
      sampleEvent('stale-warning', 'pc-late', { deleteAfter: '2026-12-13T00:00:00.000Z' }),
    ];
    expect(digestSubject(someDue, now, 12, 13)).toBe(
      '120 unused API credentials were due to be or will be deleted unless used (part 12/13)',
    );
    expect(digestSubject(events, now - 5 * HOUR, 12, 13)).toBe(
      '120 unused API credentials will be deleted unless used, first on 2026-12-12 00:00 UTC (part 12/13)',
    );
  });

  it('orphan warnings: the heading says was due, were due, or both, as their dates have come', () => {
    const due = sampleEvent('orphan-flagged', 'pc-3');
    const ahead = sampleEvent('orphan-flagged', 'pc-6', { deleteAfter: '2026-12-05T00:00:00.000Z' });
    const heading = (now: number, events: readonly OutboxEvent[]) =>
      drainedAt(now, events).text.split('\n')[4];

    expect(heading(Date.parse('2026-12-03T04:00:00.000Z'), [due, ahead])).toBe(
      'Were due to be or will be deleted: the owner has left (2)',
    );
    expect(heading(Date.parse('2026-12-05T00:00:00.000Z'), [due, ahead])).toBe(
      'Were due to be deleted: the owner has left (2)',
    );
    expect(heading(Date.parse('2026-12-03T01:00:00.000Z'), [due, ahead])).toBe(
      'Will be deleted: the owner has left (2)',
    );
  });

  it('the HTML email heads its sections as the text does', () => {
    const due = sampleEvent('stale-warning', 'pc-2', { deleteAfter: '2026-11-26T06:00:00.000Z' });
    const ahead = sampleEvent('stale-warning', 'pc-5');
    const orphan = sampleEvent('orphan-flagged', 'pc-3', { deleteAfter: '2026-11-26T05:00:00.000Z' });

    const email = emailAt(SAMPLE_NOW + 6 * HOUR, [due, ahead, orphan]);

    for (const heading of [
      'Were due to be or will be deleted unless used (2)',
      'Was due to be deleted: the owner has left (1)',
    ]) {
      expect(email.text).toContain(`\n${heading}\n`);
      expect(email.html).toContain(`>${heading}</h2>`);
    }
  });

  it('a relay email sent past the date: subject, text and HTML say it was due', () => {
    const stale = sampleEvent('stale-warning', 'pc-2', { deleteAfter: '2026-11-26T06:00:00.000Z' });
    expect(sampleEntries([stale])[0]?.Subject).toBe(
      'Unused API credential "Key pc-2" will be deleted on 2026-11-26 06:00 UTC unless used',
    );

    const email = emailAt(SAMPLE_NOW + 6 * HOUR, [stale]);

    const subject =
      'Unused API credential "Key pc-2" was due to be deleted on 2026-11-26 06:00 UTC unless used';
    expect(email.subject).toBe(subject);
    expect(email.text.split('\n').slice(6, 10)).toEqual([
      'Was due to be deleted unless used (1)',
      STALE_ADVICE_DUE,
      '  * "Key pc-2" (id pc-2, client id client-pc-2)',
      '    Not used since 2026-08-20T16:41:07.000Z (98 days ago). It was due to be soft-deleted on 2026-11-26T06:00:00.000Z (2 hours ago): a sweep since then may have done so; if not, any later sweep may, unless it is used or exempted first.',
    ]);
    expect(email.html).toContain(`<title>${subject.replaceAll('"', '&quot;')}</title>`);
    expect(email.html).toContain(
      'It was due to be soft-deleted on 2026-11-26 06:00&nbsp;UTC (2 hours ago): a sweep since then may have done so; if not, any later sweep may, unless it is used or exempted first.',
    );
    expect(email.html).toContain(
      '>To keep it, use it now, before the next sweep (the flag clears by itself); if it is needed but rarely used',
    );
    expect(email.html).not.toContain('will be soft-deleted');
    expect(email.html).not.toContain('before that date');
  });

  it('at deleteAfter itself it was due; a millisecond before, it will be', () => {
    const stale = sampleEvent('stale-warning', 'pc-2');
    const orphan = sampleEvent('orphan-flagged', 'pc-3');
    const staleDue = Date.parse('2026-12-10T02:00:00.000Z');
    const orphanDue = Date.parse('2026-12-03T02:00:00.000Z');

    expect(describeEvent(stale, staleDue)[0]).toContain(
      'It was due to be soft-deleted on 2026-12-10T02:00:00.000Z (less than an hour ago): a sweep since then may have done so;',
    );
    expect(digestSubject([stale], staleDue)).toBe(
      'Unused API credential "Key pc-2" was due to be deleted on 2026-12-10 02:00 UTC unless used',
    );
    expect(describeEvent(stale, staleDue - 1)[0]).toContain(
      'It will be soft-deleted on 2026-12-10T02:00:00.000Z (in less than an hour) unless it is used before then.',
    );
    expect(digestSubject([stale], staleDue - 1)).toBe(
      'Unused API credential "Key pc-2" will be deleted on 2026-12-10 02:00 UTC unless used',
    );
    expect(digestSubject([orphan], orphanDue)).toBe(
      'API credential "Key pc-3" was due to be deleted on 2026-12-03 02:00 UTC (owner departed)',
    );
    expect(digestSubject([orphan], orphanDue - 1)).toBe(
      'API credential "Key pc-3" will be deleted on 2026-12-03 02:00 UTC (owner departed)',
    );
    const relayed = emailAt(Date.parse('2026-11-26T06:00:00.000Z'), [
      sampleEvent('stale-warning', 'pc-2', { deleteAfter: '2026-11-26T06:00:00.000Z' }),
    ]);
    expect(relayed.subject).toBe(
      'Unused API credential "Key pc-2" was due to be deleted on 2026-11-26 06:00 UTC unless used',
    );
  });
});

describe('a deletion notice the relay sends after its restorableUntil', () => {
  const deleted = (restorableUntil: string) => sampleEvent('deleted-expired', 'pc-4', { restorableUntil });

  it('due after the digest was handed to the relay: may be gone for good already; text and HTML', () => {
    const event = deleted('2026-11-27T02:00:00.000Z');
    const [published] = sampleEntries([event]);
    expect(published?.Message).toContain(
      'It can be restored until 2026-11-27T02:00:00.000Z (in 1 day); after that it is gone for good.',
    );

    const email = emailAt(SAMPLE_NOW + 3 * DAY, [event]);

    expect(email.subject).toBe('API credential "Key pc-4" was deleted (expired)');
    expect(email.subject).toBe(published?.Subject);
    expect(email.text).toContain(
      '\n    Its purge was due on 2026-11-27T02:00:00.000Z (2 days ago), after this notice was handed to the email relay on 2026-11-26T02:15:00.000Z (3 days ago): it may be gone for good already, or at any moment now.\n',
    );
    expect(email.html).toContain(
      'Its purge was due on 2026-11-27 02:00&nbsp;UTC (2 days ago), after this notice was handed to the email relay on 2026-11-26 02:15&nbsp;UTC (3 days ago): it may be gone for good already, or at any moment now.',
    );
    for (const body of [email.text, email.html]) {
      expect(body).not.toContain('can be restored until');
      expect(body).not.toContain('held back until this notice:');
    }
  });

  it('already due when the drain handed it to the relay: held back until then, not until this email', () => {
    const event = deleted('2026-11-26T00:00:00.000Z');
    expect(sampleEntries([event])[0]?.Message).toContain(
      'Its purge was due on 2026-11-26T00:00:00.000Z (2 hours ago) and was held back until this notice: it can be gone for good at any moment now.',
    );

    const email = emailAt(SAMPLE_NOW + 5 * HOUR, [event]);

    expect(email.text).toContain(
      '\n    Its purge was due on 2026-11-26T00:00:00.000Z (7 hours ago) and was held back until this notice was handed to the email relay on 2026-11-26T02:15:00.000Z (5 hours ago): it may be gone for good already, or at any moment now.\n',
    );
    expect(email.html).toContain(
      'Its purge was due on 2026-11-26 00:00&nbsp;UTC (7 hours ago) and was held back until this notice was handed to the email relay on 2026-11-26 02:15&nbsp;UTC (5 hours ago): it may be gone for good already, or at any moment now.',
    );
  });

  it('sent at restorableUntil itself: no restore promised; a millisecond before, it still is', () => {
    const until = '2026-11-27T02:00:00.000Z';
    const event = deleted(until);

    const at = emailAt(Date.parse(until), [event]);
    const before = emailAt(Date.parse(until) - 1, [event]);

    expect(at.text).toContain(
      '\n    Its purge was due on 2026-11-27T02:00:00.000Z (less than an hour ago), after this notice was handed to the email relay on 2026-11-26T02:15:00.000Z (1 day ago): it may be gone for good already, or at any moment now.\n',
    );
    expect(at.html).not.toContain('can be restored until');
    expect(before.text).toContain(
      '\n    It can be restored until 2026-11-27T02:00:00.000Z (in less than an hour); after that it is gone for good.\n',
    );
    expect(before.html).toContain(
      'It can be restored until 2026-11-27 02:00&nbsp;UTC (in less than an hour); after that it is gone for good.',
    );
  });
});
