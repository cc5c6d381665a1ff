/**
 * An expiry warning overtaken by its own credential's deletion (docs/notifications.md, "The message"): the drain
 * sends it (it is not superseded), so a digest may carry it beside the deletion's notice; every rendering a person
 * reads — the subject, the text, the HTML email, the relay's email of a part, the admins' owner-unreachable report —
 * says it in the deletion's entry ("Its 1-day expiry notice, queued on …, is delivered only with this deletion
 * notice.") instead of "Expired on …; the next sweep may soft-delete it" and "renew it now", while the machine
 * document still lists both events. A warning queued after the deletion, of another credential, or with an
 * unreadable instant is rendered as before; a split digest (or report) keeps each overtaken warning in its
 * deletion's part, each part within the limit.
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import {
  type DigestDocument,
  type DigestPart,
  foldOvertaken,
  renderDigest,
} from '../../lambdas/hygiene/digest';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import {
  renderUnreachableReport,
  type UnreachableReportDocument,
  type UnreachableReportInput,
} from '../../lambdas/hygiene/unreachable-report';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { SAMPLE_NOW, sampleEvent, snsEnvelope } from '../support/sample-digest';

/** The sweep that deleted: the sample's `occurredAt`, a quarter of an hour before the drain ({@link SAMPLE_NOW}). */
const DELETED_AT = '2026-11-26T02:00:00.000Z';
/** The 1-day notice, queued the day before the expiry, pending since (a drain outage). */
const QUEUED_AT = '2026-11-24T00:00:00.000Z';
const FOLDED_LINE = `Its 1-day expiry notice, queued on ${QUEUED_AT} (2 days ago), is delivered only with this deletion notice.`;

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
      'Its 1-day expiry notice, queued on 2026-11-24 00:00&nbsp;UTC (2 days ago), is delivered only with this deletion notice.',
    );
  });

  it('without a stage, says "Its expiry notice"; several are each said, earliest queued first', () => {
    const { stageDays: _stage, ...unstaged } = warning('pc-x');
    const later = warning('pc-x', '2026-11-25T00:00:00.000Z', {
      eventId: 'expiry-warning:later:7',
      stageDays: 7,
    });
    const { message } = only([later, deletion('pc-x'), unstaged]);

    const unstagedLine = `    Its expiry notice, queued on ${QUEUED_AT} (2 days ago), is delivered only with this deletion notice.`;
    const laterLine =
      '    Its 7-day expiry notice, queued on 2026-11-25T00:00:00.000Z (1 day ago), is delivered only with this deletion notice.';
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
      expect(occurrences(email.html, 'is delivered only with this deletion notice.')).toBe(folded);
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
