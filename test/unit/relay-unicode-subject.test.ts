/**
 * The relay's email subject keeps the credential's real name (docs/notifications.md, "The email": Subject): the
 * same wording and 100-character budget as the SNS digest's subject, counted in code points and cut only between
 * grapheme clusters, the name flattened as the body flattens it (no line break, no bidi control); the SNS subject
 * of the same digest stays printable ASCII. Also the MIME: the `Subject` header is RFC 2047 UTF-8 encoded-words
 * that mailparser decodes back, and the relay's ledger and dedupe keys do not depend on the subject.
 */
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { type DigestDocument, digestSubject, plainName } from '../../lambdas/hygiene/digest';
import type { EventType, OutboxEvent } from '../../lambdas/hygiene/events';
import { EVENT_TYPES } from '../../lambdas/hygiene/events';
import { subjectText } from '../../lambdas/hygiene/message';
import { composeMime, digestId, ownerEmail } from '../../lambdas/relay/owner-email';
import { SAMPLE_NOW, sampleDocuments, sampleEntries, sampleEvent } from '../support/sample-digest';

const FROM = 'PersonalClient Hygiene <hygiene@corp.example>';
const HOUR = 3_600_000;

/** One expiry warning (expires 2026-12-03T09:00Z: "in 7 days" at {@link SAMPLE_NOW}) named `displayName`. */
function named(displayName: string, type: EventType = 'expiry-warning', id = 'pc-1'): OutboxEvent {
  return sampleEvent(type, id, { displayName });
}

/** The SNS subject and the relay's (Unicode) subject of the same events at {@link SAMPLE_NOW}. */
function both(events: readonly OutboxEvent[], part = 1, parts = 1): { sns: string; email: string } {
  return {
    sns: digestSubject(events, SAMPLE_NOW, part, parts),
    email: digestSubject(events, SAMPLE_NOW, part, parts, 'unicode'),
  };
}

const codePoints = (text: string) => [...text].length;
const graphemes = (text: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)];

describe('digestSubject: the Unicode subject of the relay’s email', () => {
  it('keeps accents, Greek, CJK and emoji; the SNS subject of the same digest still folds them', () => {
    expect(both([named('Déploiement prod')])).toEqual({
      sns: 'API credential "Deploiement prod" expires in 7 days',
      email: 'API credential "Déploiement prod" expires in 7 days',
    });
    expect(both([named('Κλειδί παραγωγής')])).toEqual({
      sns: 'API credential "?????? ?????????" expires in 7 days',
      email: 'API credential "Κλειδί παραγωγής" expires in 7 days',
    });
    expect(both([named('本番デプロイ鍵')])).toEqual({
      sns: 'API credential "???????" expires in 7 days',
      email: 'API credential "本番デプロイ鍵" expires in 7 days',
    });
    // An emoji ZWJ sequence keeps its joiner (between two emoji: how it is written, untrusted-text.ts).
    expect(both([named('CI 🚀 deploy 👩🏽‍💻', 'deleted-stale')])).toEqual({
      sns: 'API credential "CI ? deploy ????" was deleted (unused)',
      email: 'API credential "CI 🚀 deploy 👩🏽‍💻" was deleted (unused)',
    });
  });

  it('flattens a name as the body does: no bidi override, line separator or line break reaches the subject', () => {
    const bidi = both([named('payroll \u202eexe.gpj', 'stale-warning')]);
    expect(bidi.email).toBe(
      'Unused API credential "payroll exe.gpj" will be deleted on 2026-12-10 02:00 UTC unless used',
    );
    expect(bidi.sns).toBe(
      'Unused API credential "payroll exe.gpj" will be deleted on 2026-12-10 02:00 UTC unless used',
    );
    const lines = both([named('prod\u2028key\r\nBcc: x@example.com\u2029')]);
    expect(lines.email).toBe('API credential "prod key Bcc: x@example.com" expires in 7 days');
    // A name of invisible characters only is no name, as in the body: the credential's id instead, flattened too.
    expect(
      digestSubject([named('\u200b\u2066', 'expiry-warning', 'pc-\u202e9\n')], SAMPLE_NOW, 1, 1, 'unicode'),
    ).toBe('API credential "pc- 9" expires in 7 days');
  });

  it('cuts a long name to 100 code points, never inside a surrogate pair, a combining sequence or an emoji sequence', () => {
    // 'API credential "' … '" expires in 7 days': 64 code points for the name, 61 before "...".
    const cases: [string, string][] = [
      ['e\u0301'.repeat(60), 'e\u0301'.repeat(30)], // 2 code points each: the 31st would make 62
      ['🚀'.repeat(70), '🚀'.repeat(61)], // 1 code point, 2 UTF-16 units each
      ['👩🏽‍💻'.repeat(20), '👩🏽‍💻'.repeat(15)], // 4 code points each
      ['🇯🇵'.repeat(40), '🇯🇵'.repeat(30)], // a flag: 2 regional indicators
      [`${'設定'.repeat(30)} prod`, '設定'.repeat(30)], // a space at the cut: not kept before the "..."
      // A cluster ending in a joiner (ZWNJ) at the cut: the joiner is not kept before the "..." (nor shown as a space).
      [`x${'می\u200c'.repeat(30)}`, `x${'می\u200c'.repeat(19)}می`],
    ];
    for (const [name, kept] of cases) {
      const { email } = both([named(name)]);
      expect(email).toBe(`API credential "${kept}..." expires in 7 days`);
      expect(codePoints(email)).toBeLessThanOrEqual(100);
    }
    // A split part's counter comes off the budget, as on SNS.
    expect(both([named('Ωμέγα '.repeat(30))], 2, 3).email).toBe(
      `API credential "${'Ωμέγα '.repeat(8)}Ωμ..." expires in 7 days (part 2/3)`,
    );
  });

  it('refuses a budget with no room for a character and "..."', () => {
    expect(() => subjectText('Clé', 3, 'unicode')).toThrow(
      'subject maxChars 3: must be an integer of at least 4',
    );
    expect(() => subjectText('Cle', 2.5)).toThrow(RangeError);
    // A grapheme cluster longer than the budget (a letter with 200 marks) is left out whole, never split.
    expect(subjectText(`a${'\u0301'.repeat(200)}`, 10, 'unicode')).toBe('...');
  });

  it('is the SNS subject when no name is in it: several credentials, mixed kinds, a split part', () => {
    const mixed = [
      named('Clé 1', 'deleted-expired', 'a'),
      named('鍵 2', 'expiry-warning', 'b'),
      named('Ключ 3', 'stale-warning', 'c'),
    ];
    expect(both(mixed)).toEqual({
      sns: 'Your API credentials: 1 deleted, 1 unused, 1 expiring in 7 days',
      email: 'Your API credentials: 1 deleted, 1 unused, 1 expiring in 7 days',
    });
    const expiring = [named('Clé', 'expiry-warning', 'a'), named('鍵', 'expiry-warning', 'b')];
    expect(both(expiring, 2, 3)).toEqual({
      sns: '2 API credentials expire, the first in 7 days (part 2/3)',
      email: '2 API credentials expire, the first in 7 days (part 2/3)',
    });
  });

  it('stays within 100 code points, well formed, with no control, bidi or line-separator character', () => {
    const unsafe = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b\ufeff]/u;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
        ),
        fc.constantFrom(...EVENT_TYPES),
        fc.integer({ min: 1, max: 12 }),
        (displayName, type, parts) => {
          const subject = digestSubject([named(displayName, type)], SAMPLE_NOW, parts, parts, 'unicode');
          expect(codePoints(subject)).toBeLessThanOrEqual(100);
          // Well formed: no lone surrogate (a cut inside a pair would leave one).
          expect(subject).not.toMatch(/\p{Cs}/u);
          expect(subject).not.toMatch(unsafe);
          // The name shown is the body's name, whole or cut between two of its grapheme clusters.
          const shown = subject
            .slice(subject.indexOf('"') + 1, subject.lastIndexOf('"'))
            .replace(/\.\.\.$/, '');
          const full = plainName(displayName) ?? 'pc-1';
          const prefix = graphemes(full)
            .slice(0, graphemes(shown).length)
            .map((s) => s.segment)
            .join('');
          expect(shown).toBe(prefix.replace(/[\s\u200c\u200d]+$/u, ''));
        },
      ),
    );
  });
});

/** The one document of these events as the relay receives it. */
function documentOf(events: readonly OutboxEvent[]): DigestDocument {
  const [document] = sampleDocuments(events);
  if (document === undefined) throw new Error('no digest part');
  return document;
}

describe('the relay’s email subject', () => {
  it('is the Unicode subject, encoded-word UTF-8 in a 7-bit header that mailparser decodes back', async () => {
    const events = [named('Déploiement 本番 🚀 \u202eevil\u2028x')];
    const document = documentOf(events);
    const email = ownerEmail(document, { email: 'ada@example.com', name: 'Ada' }, FROM, new Date(SAMPLE_NOW));

    expect(email.subject).toBe('API credential "Déploiement 本番 🚀 evil x" expires in 7 days');
    expect(email.html).toContain(
      '<title>API credential &quot;Déploiement 本番 🚀 evil x&quot; expires in 7 days</title>',
    );
    const raw = await composeMime(email);
    const head = raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
    const header = head.match(/^Subject: .*(?:\r\n[ \t].*)*/m)?.[0] ?? '';
    expect([...head].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(header).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect((await simpleParser(raw)).subject).toBe(email.subject);
    // The SNS digest of the same events: printable ASCII, SNS's rule.
    expect(sampleEntries(events)[0]?.Subject).toBe(
      'API credential "Deploiement ?? ? evil x" expires in 7 days',
    );
  });

  it('does not enter the digest id or the Message-ID: a subject worded later is the same part', () => {
    const document = documentOf([named('Clé de déploiement')]);
    const early = ownerEmail(document, { email: 'ada@example.com' }, FROM, new Date(SAMPLE_NOW));
    const late = ownerEmail(document, { email: 'ada@example.com' }, FROM, new Date(SAMPLE_NOW + 200 * HOUR));

    expect(early.subject).toBe('API credential "Clé de déploiement" expires in 7 days');
    expect(late.subject).toBe('API credential "Clé de déploiement" has expired');
    expect(late.digestId).toBe(early.digestId);
    expect(late.messageId).toBe(early.messageId);
    expect(early.digestId).toBe(digestId(document));
  });
});
