/**
 * An expiry warning overtaken by its own credential's deletion (docs/notifications.md, "The message"): the drain
 * sends it (it is not superseded), so a digest may carry it beside the deletion's notice; every rendering a person
 * reads — the subject, the text, the HTML email, the relay's email of a part, the admins' owner-unreachable report —
 * says it in the deletion's entry ("Its 1-day expiry notice, queued on …, had not been sent when it was
 * soft-deleted.") instead of "Expired on …; the next sweep may soft-delete it" and "renew it now", while the machine
 * document still lists both events. A warning queued after the deletion, of another credential, or with an
 * unreadable instant is rendered as before; a split digest (or report) keeps each overtaken warning in its
 * deletion's part, each part within the limit, unless the two do not fit one part (then apart, each part folding its
 * own); a split digest's parts line counts each folded warning once, as its deleted credential (`wholeDigest`'s
 * `overtaken`, which the relay checks); a list without expiry warnings reads no deletion's date.
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import {
  type DigestDocument,
  type DigestPart,
  digestText,
  foldOvertaken,
  renderDigest,
} from '../../lambdas/hygiene/digest';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import {
  renderUnreachableReport,
  type UnreachableReportDocument,
  type UnreachableReportInput,
} from '../../lambdas/hygiene/unreachable-report';
import {
  digestFromSnsEnvelope,
  parseDigestDocument,
  wholeDigestOf,
} from '../../lambdas/relay/digest-message';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { SAMPLE_NOW, sampleEvent, snsEnvelope } from '../support/sample-digest';

/** The sweep that deleted: the sample's `occurredAt`, a quarter of an hour before the drain ({@link SAMPLE_NOW}). */
const DELETED_AT = '2026-11-26T02:00:00.000Z';
/** The 1-day notice, queued the day before the expiry, pending since (a drain outage). */
const QUEUED_AT = '2026-11-24T00:00:00.000Z';
const FOLDED_LINE = `Its 1-day expiry notice, queued on ${QUEUED_AT} (2 days ago), had not been sent when it was soft-deleted.`;

/** The 1-day expiry warning of `credentialId`, queued at `queuedAt`, read after its expiry at the drain. */
function warning(credentialId: string, queuedAt = QUEUED_AT, more: Partial<OutboxEvent> = {}): OutboxEvent {
  return sampleEvent('expiry-warning', credentialId, {
    eventId: `expiry-warning:2026-11-25T00:00:00.000Z:1`,
    stageDays: 1,
    expiresTime: '2026-11-25T00:00:00.000Z',
    occurredAt: queuedAt,
    ...more,
  });
}

/** The sweep's deletion of `credentialId` (expired), at `deletedAt`. */
function deletion(credentialId: string, deletedAt = DELETED_AT): OutboxEvent {
  return sampleEvent('deleted-expired', credentialId, { occurredAt: deletedAt });
}

function digest(events: readonly OutboxEvent[], limit = 262_144): DigestPart[] {
  return renderDigest({
    userId: 'user-42',
    events,
    now: SAMPLE_NOW,
    drainId: 'drain-1',
    budget: snsLimits(limit),
  });
}

/** The one part of a digest that fits one message, its document typed. */
function only(events: readonly OutboxEvent[]) {
  const [part, ...rest] = digest(events);
  if (part === undefined || rest.length > 0) throw new Error('expected one part');
  return { ...part, message: { ...part.message, document: part.message.document as DigestDocument } };
}

function html(events: readonly OutboxEvent[], sentAt?: number): string {
  return renderDigestHtml({
    userId: 'user-42',
    events,
    generatedAt: '2026-11-26T02:15:00.000Z',
    part: 1,
    parts: 1,
    subject: 'subject',
    ...(sentAt !== undefined && { sentAt }),
  });
}

/** How many times `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('an expiry warning beside its own credential’s deletion notice', () => {
  const events = [warning('pc-x'), deletion('pc-x')];

  it('has no entry of its own in the text: its deletion’s entry says it, after its facts', () => {
    const { message } = only(events);

    expect(message.text).not.toContain('renew it now');
    expect(message.text).not.toContain('Expired on');
    expect(message.text).not.toMatch(/\n(Expired|Expiring soon|Expired or expiring soon) \(/);
    expect(message.text).toContain('\nDeleted (1)\n');
    expect(occurrences(message.text, '  * "Key pc-x"')).toBe(1);
    expect(message.text).toContain(
      [
        `    Soft-deleted on ${DELETED_AT} (less than an hour ago) because it expired on 2026-11-25T00:00:00.000Z (1 day ago).`,
        `    ${FOLDED_LINE}`,
      ].join('\n'),
    );
  });

  it('has the one-deletion subject, and the machine document still lists both events', () => {
    const { message } = only(events);

    expect(message.subject).toBe('API credential "Key pc-x" was deleted (expired)');
    expect(message.document.events).toEqual([deletion('pc-x'), warning('pc-x')]);
    expect(message.document.eventTypes).toEqual(['expiry-warning', 'deleted-expired']);
    expect(message.routing.eventTypes).toEqual(['expiry-warning', 'deleted-expired']);
  });

  it('has no row of its own in the HTML email: its deletion’s row says it', () => {
    const out = html(events);

    expect(out).not.toContain('Renew it now');
    expect(out).not.toContain('Expired on');
    expect(out).not.toMatch(/<h2[^>]*>(Expired|Expiring soon)/);
    expect(occurrences(out, '<tr><td')).toBe(1);
    expect(out).toContain(
      'Its 1-day expiry notice, queued on 2026-11-24 00:00&nbsp;UTC (2 days ago), had not been sent when it was soft-deleted.',
    );
  });

  it('without a stage, says "Its expiry notice"; several are each said, earliest queued first', () => {
    const { stageDays: _stage, ...unstaged } = warning('pc-x');
    const later = warning('pc-x', '2026-11-25T00:00:00.000Z', {
      eventId: 'expiry-warning:later:7',
      stageDays: 7,
    });
    const { message } = only([later, deletion('pc-x'), unstaged]);

    const unstagedLine = `    Its expiry notice, queued on ${QUEUED_AT} (2 days ago), had not been sent when it was soft-deleted.`;
    const laterLine =
      '    Its 7-day expiry notice, queued on 2026-11-25T00:00:00.000Z (1 day ago), had not been sent when it was soft-deleted.';
    expect(message.text).toContain(`${unstagedLine}\n${laterLine}\n`);
    expect(message.text).not.toContain('Expired on');
    expect(message.document.events).toHaveLength(3);
  });
});

describe('what is not overtaken renders as before, beside what is', () => {
  it('a warning queued after the deletion (restored, then warned again) keeps its entry', () => {
    const requeued = warning('pc-x', '2026-11-26T02:10:00.000Z', { eventId: 'expiry-warning:again:1' });
    const { message } = only([warning('pc-x'), deletion('pc-x'), requeued]);

    expect(occurrences(message.text, FOLDED_LINE)).toBe(1);
    expect(message.text).toContain('\nExpired (1)\n');
    expect(occurrences(message.text, 'Expired on 2026-11-25T00:00:00.000Z')).toBe(1);
    expect(message.subject).toBe('Your API credentials: 1 deleted, 1 expired');
  });

  it('a warning of another credential keeps its entry', () => {
    const { message } = only([warning('pc-x'), deletion('pc-x'), warning('pc-y')]);

    expect(occurrences(message.text, FOLDED_LINE)).toBe(1);
    expect(message.text).toContain('\nExpired (1)\nWhat to do: renew it now');
    expect(message.text).toContain('  * "Key pc-y" (id pc-y');
    expect(message.subject).toBe('Your API credentials: 1 deleted, 1 expired');
  });

  it('an unreadable instant on either side folds nothing: both are rendered', () => {
    const unreadableWarning = warning('pc-a', 'the day before');
    const unreadableDeletion = sampleEvent('deleted-expired', 'pc-b', { occurredAt: 'not an instant' });
    const events = [unreadableWarning, deletion('pc-a'), warning('pc-b'), unreadableDeletion];
    const { message } = only([...events, warning('pc-x'), deletion('pc-x')]);

    expect(occurrences(message.text, FOLDED_LINE)).toBe(1);
    expect(message.text).toContain('\nDeleted (3)\n');
    expect(message.text).toContain('\nExpired (2)\n');
    expect(message.document.events).toHaveLength(6);
    const out = html([...events, warning('pc-x'), deletion('pc-x')]);
    expect(occurrences(out, '<tr><td')).toBe(5);
  });
});

describe('a split digest keeps each overtaken warning in its deletion’s part', () => {
  /** 40 credentials, each with its deletion and its overtaken warning, long names; and some warnings on their own. */
  const events = Array.from({ length: 40 }, (_, i) => {
    const id = `pc-${String(i).padStart(2, '0')}`;
    const name = { displayName: `${id} ${'n'.repeat(200)}` };
    return [
      sampleEvent('deleted-expired', id, { ...name, occurredAt: DELETED_AT }),
      warning(id, QUEUED_AT, name),
      ...(i % 5 === 0 ? [sampleEvent('expiry-warning', `${id}-kept`, name)] : []),
    ];
  }).flat();
  const overtaken = events.filter((e) => e.type === 'expiry-warning' && !e.credentialId.endsWith('-kept'));

  it('every part within any limit, each warning in its deletion’s part, every part folding as the whole', () => {
    for (let limit = 6_000; limit <= 20_000; limit += 250) {
      const parts = digest(events, limit);

      expect(parts.length).toBeGreaterThan(1);
      expect(parts.flatMap((part) => part.events)).toHaveLength(events.length);
      for (const part of parts) {
        expect(part.bytes).toBeLessThanOrEqual(limit);
        const warnings = part.events.filter((e) => overtaken.includes(e));
        for (const w of warnings) {
          const own = part.events.some(
            (e) => e.type === 'deleted-expired' && e.credentialId === w.credentialId,
          );
          expect(own, `limit ${limit}: ${w.credentialId}`).toBe(true);
        }
        expect(occurrences(part.message.text, FOLDED_LINE)).toBe(warnings.length);
        expect(part.message.text).not.toContain('Expired on 2026-11-25');
      }
    }
  });

  it('the relay’s email of each part, rendered from its document alone, folds the same way', () => {
    const parts = digest(events, 9_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      const { document } = digestFromSnsEnvelope(snsEnvelope(snsEntryFields(part.message)));
      const email = ownerEmail(
        document,
        { email: 'ada@example.com' },
        'h@corp.example',
        new Date(SAMPLE_NOW),
      );
      const folded = document.events.filter((e) => foldOvertaken(document.events).isOvertaken(e)).length;

      expect(folded).toBe(part.events.filter((e) => overtaken.includes(e)).length);
      expect(document.events).toEqual(part.events);
      expect(occurrences(email.text, FOLDED_LINE)).toBe(folded);
      expect(email.text).not.toContain('renew it now');
      expect(occurrences(email.html, 'had not been sent when it was soft-deleted.')).toBe(folded);
      expect(email.html).not.toContain('Renew it now');
      expect(email.subject).toBe(part.message.subject);
    }
  });
});

describe('the relay’s email of a digest carrying a deletion and its overtaken warning', () => {
  it('has the one-deletion subject, and text and HTML with one entry and the added line', () => {
    const [part] = digest([warning('pc-x'), deletion('pc-x')]);
    if (part === undefined) throw new Error('no part');
    const { document } = digestFromSnsEnvelope(snsEnvelope(snsEntryFields(part.message)));

    const email = ownerEmail(document, { email: 'ada@example.com' }, 'h@corp.example', new Date(SAMPLE_NOW));

    expect(email.subject).toBe('API credential "Key pc-x" was deleted (expired)');
    expect(email.text).toContain(`    ${FOLDED_LINE}\n`);
    expect(email.text).not.toContain('renew it now');
    expect(occurrences(email.html, '<tr><td')).toBe(1);
    expect(email.html).not.toContain('Renew it now');
  });
});

describe('the admins’ owner-unreachable report', () => {
  function report(events: readonly OutboxEvent[], maxMessageBytes?: number) {
    const input: UnreachableReportInput = {
      budget: snsLimits(maxMessageBytes),
      drainId: 'drain-1',
      now: SAMPLE_NOW,
      route: 'sns-email',
      owners: [{ userId: 'user-42', reason: 'not-in-directory', events }],
      invalidEvents: [],
    };
    return renderUnreachableReport(input);
  }

  it('lists the deletion with the added line, counts its entries, and its document keeps both events', () => {
    const [part, ...rest] = report([warning('pc-x'), deletion('pc-x')]);
    if (part === undefined) throw new Error('no part');

    expect(rest).toEqual([]);
    expect(part.message.text).toContain(`      ${FOLDED_LINE}\n`);
    expect(part.message.text).not.toContain('Expired on');
    expect(occurrences(part.message.text, '    - "Key pc-x"')).toBe(1);
    expect(part.message.text).toContain('Most urgent first: no credential expires within 24 h, 1 deleted.');
    expect(part.message.subject).toBe('Hygiene: 1 owner unreachable, 1 notice for the admins');
    const document = part.message.document as UnreachableReportDocument;
    expect(document.owners[0]?.events).toHaveLength(2);
  });

  it('split, keeps each overtaken warning in its deletion’s part, each part within the limit', () => {
    const events = Array.from({ length: 30 }, (_, i) => {
      const id = `pc-${String(i).padStart(2, '0')}`;
      const name = { displayName: `${id} ${'n'.repeat(200)}` };
      return [
        sampleEvent('deleted-expired', id, { ...name, occurredAt: DELETED_AT }),
        warning(id, QUEUED_AT, name),
      ];
    }).flat();
    for (const limit of [5_000, 6_000, 7_000, 8_000, 10_000]) {
      const parts = report(events, limit);

      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part.bytes).toBeLessThanOrEqual(limit);
        const listed = part.owners.flatMap((owner) => owner.events);
        const warnings = listed.filter((e) => e.type === 'expiry-warning');
        for (const w of warnings)
          expect(listed.some((e) => e.type === 'deleted-expired' && e.credentialId === w.credentialId)).toBe(
            true,
          );
        expect(occurrences(part.message.text, FOLDED_LINE)).toBe(warnings.length);
        expect(part.message.text).not.toContain('Expired on');
      }
    }
  });
});

describe('a split digest’s parts line counts what the whole shows', () => {
  /** 40 deletions, each with its overtaken 1-day warning: 40 credentials, all deleted. */
  const pairs = Array.from({ length: 40 }, (_, i) => {
    const id = `pc-${String(i).padStart(2, '0')}`;
    return [deletion(id), warning(id)];
  }).flat();
  const kept = Array.from({ length: 8 }, (_, i) => sampleEvent('expiry-warning', `pc-kept-${i}`));
  const line = (part: number, parts: number, covered: string) =>
    `This digest is long: this is part ${part} of ${parts}; together the ${parts} parts cover ${covered}.`;

  it('says each folded warning once, as its deleted credential, in the text, the document and the relay’s email', () => {
    const parts = digest(pairs, 12_000);

    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      const expected = line(i + 1, parts.length, '40 credentials (40 deleted)');
      expect(part.message.text.split('\n')[3]).toBe(expected);
      expect((part.message.document as DigestDocument).wholeDigest).toEqual({
        events: 80,
        byType: { 'expiry-warning': 40, 'deleted-expired': 40 },
        overtaken: 40,
      });
      expect(part.bytes).toBeLessThanOrEqual(12_000);
      const { document } = digestFromSnsEnvelope(snsEnvelope(snsEntryFields(part.message)));
      const email = ownerEmail(
        document,
        { email: 'ada@example.com' },
        'h@corp.example',
        new Date(SAMPLE_NOW),
      );
      expect(email.text.split('\n')[3]).toBe(expected);
      expect(email.html).toContain(`<p style="margin:0 0 8px">${expected}</p>`);
    });
  });

  it('counts the warnings no deletion overtakes as expired or expiring', () => {
    const parts = digest([...pairs, ...kept], 12_000);

    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(part.message.text.split('\n')[3]).toBe(
        line(i + 1, parts.length, '48 credentials (40 deleted, 8 expired or expiring)'),
      );
    });
  });

  it('a document without the count (an older notifier) says every event, as before', () => {
    const [first] = digest(pairs, 12_000);
    const document = first?.message.document as DigestDocument;
    const { overtaken: _, ...older } = document.wholeDigest ?? { events: 0, byType: {} };

    const read = parseDigestDocument({ ...document, wholeDigest: older });

    expect(digestText(read).split('\n')[3]).toBe(
      line(1, first?.parts ?? 0, '80 credentials (40 deleted, 40 expired or expiring)'),
    );
  });

  it('the relay keeps a count it can check, and leaves out the whole field when the count is wrong', () => {
    const parts = digest([...pairs, ...kept], 12_000);
    const document = parts[0]?.message.document as DigestDocument;
    const whole = document.wholeDigest;
    if (whole === undefined) throw new Error('no wholeDigest');
    const ownFolded = document.events.filter((e) => foldOvertaken(document.events).isOvertaken(e)).length;
    expect(ownFolded).toBeGreaterThan(0);
    const check = (overtaken: unknown) => wholeDigestOf({ ...whole, overtaken }, document.events, 'doc');

    expect(parseDigestDocument(document).wholeDigest).toEqual(whole);
    expect(check(48)).toEqual({ ...whole, overtaken: 48 });
    expect(() => check(-1)).toThrow('doc: wholeDigest: overtaken -1 is not a non-negative integer');
    expect(() => check(1.5)).toThrow('doc: wholeDigest: overtaken 1.5 is not a non-negative integer');
    expect(() => check('40')).toThrow('doc: wholeDigest: overtaken "40" is not a non-negative integer');
    expect(() => check(49)).toThrow(
      'doc: wholeDigest: overtaken 49 is more than its 48 expiry-warning events',
    );
    expect(() => check(ownFolded - 1)).toThrow(
      `doc: wholeDigest: overtaken ${ownFolded - 1} is fewer than this part's ${ownFolded}`,
    );
    for (const wrong of [-1, 1.5, '40', 49, ownFolded - 1]) {
      const read = parseDigestDocument({ ...document, wholeDigest: { ...whole, overtaken: wrong } });
      expect(read).not.toHaveProperty('wholeDigest');
      expect(read.events).toEqual(document.events);
    }
  });
});

describe('a deletion whose overtaken warnings do not fit one message with it', () => {
  /**
   * Two credentials, each deleted with its overtaken warning, long non-ASCII names: each event fits 3,000 bytes
   * alone, not with its pair.
   */
  const LIMIT = 3_000;
  const name = { displayName: 'é'.repeat(200) };
  const events = ['pc-a', 'pc-b'].flatMap((id) => [
    sampleEvent('deleted-expired', id, { ...name, occurredAt: DELETED_AT }),
    warning(id, QUEUED_AT, name),
  ]);

  it('is split again: each event in a part within the limit, each part folding only its own events', () => {
    const parts = digest(events, LIMIT);

    expect(parts.flatMap((part) => part.events).sort((a, b) => a.eventId.localeCompare(b.eventId))).toEqual(
      [...events].sort((a, b) => a.eventId.localeCompare(b.eventId)),
    );
    for (const part of parts) {
      expect(part.bytes).toBeLessThanOrEqual(LIMIT);
      const folded = part.events.filter((e) => foldOvertaken(part.events).isOvertaken(e)).length;
      expect(occurrences(part.message.text, 'had not been sent when it was soft-deleted.')).toBe(folded);
      const alone = part.events.filter(
        (e) => e.type === 'expiry-warning' && !foldOvertaken(part.events).isOvertaken(e),
      );
      expect(occurrences(part.message.text, 'Expired on 2026-11-25')).toBe(alone.length);
    }
    expect(parts.some((part) => part.events.length === 1 && part.events[0]?.type === 'expiry-warning')).toBe(
      true,
    );
  });

  it('in the admins’ report too', () => {
    const parts = renderUnreachableReport({
      budget: snsLimits(LIMIT),
      drainId: 'drain-1',
      now: SAMPLE_NOW,
      route: 'sns-email',
      owners: [{ userId: 'user-42', reason: 'not-in-directory', events }],
      invalidEvents: [],
    });

    const listed = parts.flatMap((part) => part.owners.flatMap((owner) => owner.events));
    expect(listed).toHaveLength(events.length);
    for (const part of parts) {
      expect(part.bytes).toBeLessThanOrEqual(LIMIT);
      const own = part.owners.flatMap((owner) => owner.events);
      const folded = own.filter((e) => foldOvertaken(own).isOvertaken(e)).length;
      expect(occurrences(part.message.text, 'had not been sent when it was soft-deleted.')).toBe(folded);
    }
    expect(listed.filter((e) => e.type === 'expiry-warning')).toHaveLength(2);
  });
});

describe('foldOvertaken without an expiry warning', () => {
  it('reads no deletion’s date', () => {
    let reads = 0;
    const counted = (event: OutboxEvent): OutboxEvent => {
      const { occurredAt, ...rest } = event;
      return Object.defineProperty({ ...rest }, 'occurredAt', {
        enumerable: true,
        get: () => {
          reads += 1;
          return occurredAt;
        },
      }) as OutboxEvent;
    };
    const events = [counted(deletion('pc-x')), counted(sampleEvent('stale-warning', 'pc-y'))];

    const fold = foldOvertaken(events);

    expect(fold.shown).toEqual(events);
    expect(reads).toBe(0);
  });
});
