/**
 * The relay's email: the HTML rendering (every section, hostile display
 * names, long digests), the text part (the notifier's email text, greeting by
 * name), and the MIME parsed back with mailparser (headers, both parts,
 * charset, transfer encoding, CRLF line ends).
 */
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { type DigestDocument, digestSubject, digestText, SECTION_ORDER } from '../../lambdas/hygiene/digest';
import { composeMime, digestMessageId, ownerEmail } from '../../lambdas/relay/owner-email';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { escapeHtml } from '../../lambdas/render/html-escape';
import {
  HOSTILE_NAMES,
  representativeEvents,
  SAMPLE_NOW,
  sampleDocuments,
  sampleEntries,
  sampleEvent,
} from '../support/sample-digest';

const FROM = 'PersonalClient Hygiene <hygiene@corp.example>';
const DATE = new Date(SAMPLE_NOW + 3_000);

/** A credential id with a bidi override, markup and a line break. */
const HOSTILE_ID = 'pc-\u202eevil <b>\nline';

function onlyDocument(events = representativeEvents()): DigestDocument {
  const [document] = sampleDocuments(events);
  if (document === undefined) throw new Error('no digest part');
  return document;
}

function html(document: DigestDocument, ownerName?: string): string {
  return renderDigestHtml({
    userId: document.userId,
    ...(ownerName !== undefined && { ownerName }),
    events: document.events,
    generatedAt: document.generatedAt,
    part: document.part,
    parts: document.parts,
    subject: 'subject',
  });
}

describe('renderDigestHtml', () => {
  it('renders one table per section, in digest order, each with its count and one row per event', () => {
    const document = onlyDocument();

    const out = html(document);

    const titles = [...out.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]);
    const expected = SECTION_ORDER.map((s) => ({
      title: s.title,
      n: document.events.filter((e) => s.types.includes(e.type)).length,
    }))
      .filter((s) => s.n > 0)
      .map((s) => `${s.title} (${s.n})`);
    expect(titles).toEqual(expected);
    expect(expected).toHaveLength(SECTION_ORDER.length); // the sample has every section
    expect(out.match(/<table /g)).toHaveLength(expected.length);
    expect(out.match(/<tr><td /g)).toHaveLength(document.events.length);
    for (const event of document.events) {
      expect(out).toContain(`id <code`);
      expect(out).toContain(`>${escapeHtml(event.credentialId)}</code>`);
      expect(out).toContain(`>${escapeHtml(event.clientId ?? '')}</code>`);
    }
  });

  it('shows each row’s date with its relative phrase and what to do', () => {
    const document = onlyDocument([
      sampleEvent('stale-warning', 'pc-1'),
      sampleEvent('expiry-warning', 'pc-2'),
    ]);

    const out = html(document);

    expect(out).toContain(
      '2026-12-10 02:00&nbsp;UTC</strong><br><span class="pc-muted" style="color:#57606a">in 14 days',
    );
    expect(out).toContain(
      '2026-12-03 09:00&nbsp;UTC</strong><br><span class="pc-muted" style="color:#57606a">in 7 days',
    );
    expect(out).toContain('>To keep it, use it once before that date');
    expect(out).toContain('>Renew it (set a later expiry) before then');
  });

  it('escapes hostile display names and isolates their direction', () => {
    const out = html(onlyDocument());

    expect(out).not.toMatch(/<(script|img|b)[\s>]/i);
    expect(out).not.toMatch(/<[^>]+\son\w+=/i);
    expect(out).toContain(
      '&lt;img src=&quot;https://evil.example/p.png&quot; onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;&amp;amp;',
    );
    // Bidi controls are flattened; the name's own right-to-left text stays, isolated.
    expect(out).toContain(
      '<span dir="auto" style="font-weight:600">RTL override gpj.exe \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627</span>',
    );
    expect(out).toContain(`<span dir="auto" style="font-weight:600">${HOSTILE_NAMES.emoji}</span>`);
    // Line breaks are flattened: a name is one line.
    expect(out).not.toContain('\r');
    expect(out).toContain('>deploy Bcc: victim@example.com &lt;b&gt;injected&lt;/b&gt;</span>');
  });

  it('flattens a hostile credential id and client id and isolates their direction, wherever they show', () => {
    const document = onlyDocument([
      sampleEvent('deleted-expired', HOSTILE_ID, { clientId: 'cli-\u202ex\r\ny' }),
    ]);

    const out = html(document);

    expect(out).not.toMatch(/[\u202e\r]/);
    expect(out).not.toContain('evil\n');
    // The id cell and the client id cell: flattened, escaped, isolated.
    expect(out).toMatch(/id <code class="pc-code" dir="auto" [^>]*>pc- evil &lt;b&gt; line<\/code>/);
    expect(out).toMatch(/client id <code class="pc-code" dir="auto" [^>]*>cli- x y<\/code>/);
    // The advice names the id inside a sentence: isolated there too.
    expect(out).toContain(
      '(credential id <span dir="auto">pc- evil &lt;b&gt; line</span>); otherwise nothing.',
    );
    // The machine contract keeps the raw value.
    expect(document.events[0]?.credentialId).toBe(HOSTILE_ID);
  });

  it('flattens and isolates the other stored values it shows: a user id it greets, a date that is not an instant', () => {
    const [document] = sampleDocuments([
      sampleEvent('stale-warning', 'pc-1', { deleteAfter: 'soon\u202e\n<i>x</i>' }, 'user-\u202e42\nBcc'),
    ]);
    if (document === undefined) throw new Error('no digest part');

    const out = html(document);

    expect(out).not.toMatch(/[\u202e]/);
    expect(out).toContain('Hello <span dir="auto">user- 42 Bcc</span>,');
    // The date cell, and the sentence that says when.
    expect(out).toContain('<span dir="auto">soon &lt;i&gt;x&lt;/i&gt;</span></td>');
    expect(out).toContain('soft-deleted on <span dir="auto">soon &lt;i&gt;x&lt;/i&gt;</span> unless');
  });

  it('loads nothing and runs nothing: no remote resources, no scripts, no event handlers', () => {
    const out = html(onlyDocument());

    expect(out).not.toMatch(/<[^>]+\s(src|href|background|srcset|poster|on\w+)=/i);
    expect(out).not.toMatch(/url\(|@import|<link|<script|<iframe|<object|<embed|<form/i);
    // The only URL-looking text is the escaped hostile name.
    expect(out.match(/https?:/g)).toEqual(['https:']);
  });

  it('declares light and dark colour schemes and a mobile viewport', () => {
    const out = html(onlyDocument());

    expect(out).toContain('<meta name="color-scheme" content="light dark">');
    expect(out).toContain('@media (prefers-color-scheme: dark)');
    expect(out).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(out).toContain('table-layout:fixed');
  });

  it('greets the owner by name when known (escaped), else by user id', () => {
    const document = onlyDocument();

    expect(html(document, 'Zoë <Admin>')).toContain('Hello <span dir="auto">Zoë &lt;Admin&gt;</span>,');
    expect(html(document)).toContain('Hello <span dir="auto">user-42</span>,');
    expect(html(document)).toContain('your personal API credentials (as of 2026-11-26 02:15&nbsp;UTC).');
  });

  it('renders every event of a long digest across its parts, each part saying which it is', () => {
    const events = Array.from({ length: 240 }, (_, i) =>
      sampleEvent(i % 3 === 0 ? 'stale-warning' : 'expiry-warning', `pc-${String(i).padStart(4, '0')}`),
    );
    const documents = sampleDocuments(events, 40_000);

    const pages = documents.map((d) => html(d));

    expect(documents.length).toBeGreaterThan(2);
    const rows = pages.reduce((n, page) => n + (page.match(/<tr><td /g)?.length ?? 0), 0);
    expect(rows).toBe(events.length);
    pages.forEach((page, i) => {
      expect(page).toContain(`this is part ${i + 1} of ${documents.length}.`);
    });
  });

  it('rejects a document whose generatedAt is not an instant', () => {
    const document = onlyDocument();

    expect(() => html({ ...document, generatedAt: 'yesterday' })).toThrow(/generatedAt "yesterday"/);
  });
});

describe('the text part', () => {
  it('is the text the notifier publishes for email, rendered again from the document', () => {
    const [entry] = sampleEntries(representativeEvents());
    const document = onlyDocument();

    expect(digestText(document)).toBe(JSON.parse(entry?.Message ?? '{}').email);
  });

  it('flattens a hostile credential id and client id: no line added, no bidi control', () => {
    const document = onlyDocument([
      sampleEvent('deleted-expired', HOSTILE_ID, { clientId: 'cli-\u202ex\r\ny' }),
    ]);

    const text = digestText(document);

    expect(text).not.toMatch(/[\u202e\r]/);
    expect(text).toContain('  * "Key pc- evil <b> line" (id pc- evil <b> line, client id cli- x y)');
    expect(text).toContain('(credential id pc- evil <b> line); otherwise nothing.');
    expect(text.split('\n').filter((l) => l.startsWith('line'))).toEqual([]);
  });

  it('greets the owner by name with control and bidi characters flattened', () => {
    const document = onlyDocument();

    const text = digestText(document, 'Ada\r\nBcc: x@y.example\u202e Lovelace');

    expect(text.split('\n')[0]).toBe('Hello Ada Bcc: x@y.example Lovelace,');
  });
});

async function parsed(document: DigestDocument, name?: string): Promise<ParsedMail> {
  const email = ownerEmail(
    document,
    { email: 'ada@example.com', ...(name !== undefined && { name }) },
    FROM,
    DATE,
  );
  return simpleParser(await composeMime(email));
}

describe('composeMime', () => {
  it('builds multipart/alternative with the text and HTML parts and RFC 5322 headers', async () => {
    const document = onlyDocument();
    const email = ownerEmail(document, { email: 'ada@example.com', name: 'Ada Lovelace' }, FROM, DATE);

    const raw = await composeMime(email);
    const mail = await simpleParser(raw);

    expect(mail.from?.value).toEqual([{ address: 'hygiene@corp.example', name: 'PersonalClient Hygiene' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada Lovelace' }] });
    expect(mail.subject).toBe(digestSubject(document.events, SAMPLE_NOW));
    expect(mail.date?.toISOString()).toBe(DATE.toISOString());
    expect(mail.messageId).toBe(digestMessageId(document, FROM));
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.text).toBe(email.text);
    expect(mail.html).toBe(email.html);
    const head = raw.toString('latin1');
    expect(
      head.match(/Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable/g),
    ).toHaveLength(1);
    expect(
      head.match(/Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable/g),
    ).toHaveLength(1);
    // 7-bit clean: every non-ASCII character of the names is encoded.
    expect([...head].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });

  it('ends every line with CRLF, the bodies too (RFC 5322: no bare CR or LF), the parts read back unchanged', async () => {
    const email = ownerEmail(onlyDocument(), { email: 'ada@example.com', name: 'Ada' }, FROM, DATE);
    // Both parts have line breaks of their own for the composer to carry.
    expect(email.text).toContain('\n');
    expect(email.html).toContain('\n');

    const raw = await composeMime(email);

    const bytes = raw.toString('latin1');
    expect(bytes).not.toMatch(/(?<!\r)\n/);
    expect(bytes).not.toMatch(/\r(?!\n)/);
    const mail = await simpleParser(raw);
    expect(mail.text).toBe(email.text);
    expect(mail.html).toBe(email.html);
  });

  it('keeps a hostile owner name inside the To header (no injected headers)', async () => {
    const mail = await parsed(onlyDocument(), 'Eve\r\nBcc: victim@example.com');

    expect(mail.bcc).toBeUndefined();
    expect(mail.to).toMatchObject({
      value: [{ address: 'ada@example.com', name: 'Eve Bcc: victim@example.com' }],
    });
  });

  it('round-trips non-ASCII names and emoji through the encoding', async () => {
    const mail = await parsed(onlyDocument(), 'Zoë 🚀 \u05e9\u05dc\u05d5\u05dd');

    expect(mail.to).toMatchObject({ value: [{ name: 'Zoë 🚀 \u05e9\u05dc\u05d5\u05dd' }] });
    expect(mail.text).toContain(HOSTILE_NAMES.emoji);
    expect(mail.html).toContain(HOSTILE_NAMES.emoji);
  });
});

describe('digestMessageId', () => {
  it('is stable for one (drainId, part, userId) and events, and differs otherwise', () => {
    const document = onlyDocument();

    const id = digestMessageId(document, FROM);

    expect(id).toMatch(/^<digest\.[0-9a-f]{32}@corp\.example>$/);
    expect(digestMessageId({ ...document }, FROM)).toBe(id);
    expect(digestMessageId({ ...document, part: 2 }, FROM)).not.toBe(id);
    expect(digestMessageId({ ...document, userId: 'user-43' }, FROM)).not.toBe(id);
    expect(digestMessageId({ ...document, drainId: 'other' }, FROM)).not.toBe(id);
    // Another digest of the same owner, drain and part (docs/notifications.md, "The relay's guarantees").
    expect(digestMessageId({ ...document, events: document.events.slice(1) }, FROM)).not.toBe(id);
    expect(digestMessageId(document, 'no-at-sign')).toMatch(/@pc-hygiene\.invalid>$/);
  });
});

describe('a send long after the digest was rendered', () => {
  const HOUR = 3_600_000;
  /** The sample digest (rendered at SAMPLE_NOW) as the relay sends it `lateBy` ms later (its Date header). */
  const sentAfter = (lateBy: number) =>
    ownerEmail(onlyDocument(), { email: 'ada@example.com' }, FROM, new Date(SAMPLE_NOW + lateBy));
  const NOTE =
    'This notice was prepared on 2026-11-26 02:15 UTC and is delivered 18 hours late: it lists what was pending then, with relative times as of its sending (2026-11-26 20:15 UTC).';

  it('opens the text and the HTML by saying when it was prepared and how late it is', () => {
    const email = sentAfter(18 * HOUR);

    expect(email.text.split('\n').slice(0, 3)).toEqual([NOTE, '', 'Hello user-42,']);
    expect(email.html).toContain(`>${NOTE}</p>`);
    expect(email.html.indexOf(NOTE)).toBeLessThan(email.html.indexOf('Hello'));
    expect(sentAfter(3 * 24 * HOUR).text).toContain('is delivered 3 days late');
  });

  it('says nothing of it when sent within the hour', () => {
    for (const email of [sentAfter(3_000), sentAfter(HOUR)]) {
      expect(email.text.startsWith('Hello user-42,')).toBe(true);
      expect(email.html).not.toContain('This notice was prepared');
    }
  });
});

describe('the Reply-To header', () => {
  const mailWith = async (contact?: string) =>
    simpleParser(
      await composeMime(ownerEmail(onlyDocument(), { email: 'ada@example.com' }, FROM, DATE, contact)),
    );

  it('is ownerContact when it is one email address', async () => {
    const mail = await mailWith('hygiene-help@corp.example');

    expect(mail.replyTo?.value).toEqual([{ address: 'hygiene-help@corp.example', name: '' }]);
    expect(mail.text).toContain('ask hygiene-help@corp.example to restore it');
  });

  it('is absent without one, or for a contact that is not one address (never a header built from its text)', async () => {
    for (const contact of [
      undefined,
      'the Platform team (#platform-help on Slack)',
      'a@corp.example, b@corp.example',
      'Help <help@corp.example>',
      'help@corp.example\r\nBcc: victim@example.com',
    ]) {
      const mail = await mailWith(contact);
      expect(mail.replyTo).toBeUndefined();
      expect(mail.bcc).toBeUndefined();
    }
  });
});
