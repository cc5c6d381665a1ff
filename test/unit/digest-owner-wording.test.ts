/**
 * What an owner's digest says beyond its events, in the text and the HTML alike (lambdas/hygiene/digest.ts,
 * lambdas/render/digest-html.ts, lambdas/relay/owner-email.ts; docs/notifications.md, "The message"): whom to ask
 * (the config's `ownerContact`, else the generic team, word for word), the stale warning's second way out (an
 * exemption), how to stop the emails on each route, and the grammar of advice shared by several credentials and
 * of notices read after their expiry.
 */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../lambdas/aws/sns-wire';
import { type DigestDocument, describeEvent, renderDigest } from '../../lambdas/hygiene/digest';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { SAMPLE_DRAIN_ID, SAMPLE_NOW, sampleDocuments, sampleEvent } from '../support/sample-digest';

const FROM = 'PersonalClient Hygiene <hygiene@corp.example>';
const CONTACT = 'the Platform team (#platform-help)';

/** The text SNS email subscribers get: the notifier's rendering. */
function snsText(events: readonly OutboxEvent[], ownerContact?: string): string {
  const [part] = renderDigest({
    userId: 'user-42',
    events,
    now: SAMPLE_NOW,
    drainId: SAMPLE_DRAIN_ID,
    budget: SNS_LIMITS,
    ...(ownerContact !== undefined && { ownerContact }),
  });
  if (part === undefined) throw new Error('no digest part');
  return part.message.text;
}

/** The relay's email of the events' first part, sent as it was rendered. */
function relayEmail(events: readonly OutboxEvent[], contact?: string) {
  const [document] = sampleDocuments(events);
  if (document === undefined) throw new Error('no digest part');
  return ownerEmail(
    document as DigestDocument,
    { email: 'ada@example.com' },
    FROM,
    new Date(SAMPLE_NOW),
    contact,
  );
}

const deletedAndStale = () => [
  sampleEvent('deleted-expired', 'pc-0c21'),
  sampleEvent('stale-warning', 'pc-19bd'),
];

describe('whom the owner asks', () => {
  it('is the generic team, word for word, without ownerContact', () => {
    const text = snsText(deletedAndStale());

    expect(text).toContain(
      'ask your platform/security team to restore it (credential id pc-0c21); otherwise nothing.',
    );
  });

  it('is ownerContact, when set, in every advice that needs a person and in the footer, text and HTML alike', () => {
    const texts = [snsText(deletedAndStale(), CONTACT), relayEmail(deletedAndStale(), CONTACT).text];
    const { html } = relayEmail(deletedAndStale(), CONTACT);

    for (const text of texts) {
      expect(text).toContain(`ask ${CONTACT} to restore it (credential id pc-0c21)`);
      expect(text).toContain(`ask ${CONTACT} to exempt it (credential id pc-19bd)`);
      expect(text).toContain(`Questions, or to stop these emails: ask ${CONTACT}.`);
      expect(text).not.toContain('platform/security team');
    }
    // Stored text in the HTML: escaped and direction-isolated, as every stored value.
    expect(html).toContain(`ask <span dir="auto">${CONTACT}</span> to restore it`);
    expect(html).toContain(`Questions, or to stop these emails: ask <span dir="auto">${CONTACT}</span>.`);
    expect(html).not.toContain('platform/<wbr>security team');
    expect(html).not.toContain('platform/security team');
  });

  it('escapes and flattens a contact in the HTML and the text', () => {
    const contact = 'help <b>desk</b>\u202e & co';

    const email = relayEmail(deletedAndStale(), contact);

    expect(email.html).toContain('ask <span dir="auto">help &lt;b&gt;desk&lt;/b&gt; &amp; co</span>');
    expect(email.html).not.toContain('\u202e');
    expect(email.text).toContain('ask help <b>desk</b> & co to restore it');
  });
});

describe('the stale warning', () => {
  it('offers an exemption besides using it, naming the credential, in text and HTML', () => {
    const events = [sampleEvent('stale-warning', 'pc-19bd')];

    const email = relayEmail(events);

    expect(email.text).toContain(
      'What to do: to keep it, use it once before that date (the flag clears by itself); if it is needed but rarely used, ask your platform/security team to exempt it (credential id pc-19bd); if you no longer need it, do nothing.',
    );
    expect(email.html).toContain(
      // A break offered after the slash: "platform/security" is wider than the column at 375 px.
      '>To keep it, use it once before that date (the flag clears by itself); if it is needed but rarely used, ask your platform/<wbr>security team to exempt it (credential id <span dir="auto">pc-19bd</span>); if you no longer need it, do nothing.',
    );
  });
});

describe('the footer', () => {
  const SENT_BY = 'Sent by PersonalClient Hygiene because you own the API credentials above.';
  const NO_SIGN_IN = 'Nothing in this notice asks you to sign in or enter a password.';

  it("on sns-email, gives SNS's unsubscribe link as the owner's own way to stop, and what follows", () => {
    const text = snsText(deletedAndStale());

    expect(text).toContain(SENT_BY);
    expect(text).toContain(
      'Questions, or to stop these emails: ask your platform/security team. Unsubscribing with the link below also stops them; your notices then go to the admins instead.',
    );
    // SNS puts its unsubscribe link right below: the footer does not say "click no link".
    expect(text.endsWith(NO_SIGN_IN)).toBe(true);
    expect(text).not.toContain('click a link');
  });

  it('on the relay, says marking the emails as spam stops them (an SES complaint), text and HTML alike', () => {
    const email = relayEmail(deletedAndStale());

    for (const body of [email.text, email.html]) {
      expect(body).toContain(SENT_BY);
      expect(body).toContain(
        'Marking them as spam also stops them; your notices then go to the admins instead.',
      );
      expect(body).toContain(NO_SIGN_IN);
      expect(body).not.toContain('Unsubscribing');
      expect(body).not.toContain('click a link');
    }
  });
});

describe('grammar', () => {
  it('says advice shared by several credentials once, in the plural', () => {
    const stale = [sampleEvent('stale-warning', 'pc-1'), sampleEvent('stale-warning', 'pc-2')];
    const expiring = [sampleEvent('expiry-warning', 'pc-3'), sampleEvent('expiry-warning', 'pc-4')];

    const text = snsText([...stale, ...expiring]);

    expect(text).toContain(
      'Will be deleted unless used (2)\nWhat to do: to keep them, use each once before its date (the flag clears by itself); if one is needed but rarely used, ask your platform/security team to exempt it (by its credential id, listed below); if you no longer need them, do nothing.\n  * ',
    );
    expect(text).toContain(
      'Expiring soon (2)\nWhat to do: renew them (set later expiries) before they expire if you still need them; otherwise nothing - each is soft-deleted once expired.\n  * ',
    );
    expect(text.match(/What to do/g)).toHaveLength(2);
  });

  it('says "Expires at an unknown time" for a notice without its expiry', () => {
    const { expiresTime: _dropped, ...unknown } = sampleEvent('expiry-warning', 'pc-1');

    expect(describeEvent(unknown as OutboxEvent, SAMPLE_NOW)[0]).toBe(
      'Expires at an unknown time. This is the 7-day notice.',
    );
  });

  it('heads a notice read after its expiry "Expired", not "Expiring soon", in text and HTML', () => {
    const expired = sampleEvent('expiry-warning', 'pc-1', {
      stageDays: 1,
      expiresTime: '2026-11-26T01:00:00.000Z',
    });

    const email = relayEmail([expired]);

    expect(email.text).toContain('\nExpired (1)\nWhat to do: renew it now');
    expect(email.text).toContain('Expired on 2026-11-26T01:00:00.000Z (1 hour ago)');
    expect(email.text).not.toContain('Expiring soon');
    expect(email.html).toMatch(/<h2[^>]*>Expired \(1\)<\/h2>/);
  });
});
