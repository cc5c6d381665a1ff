/**
 * Which reason the relay's bounce report gives its owner (docs/notifications.md, "Email relay", "Owner reach"):
 * `bouncing` says the owner is marked bouncing (a permanent bounce, a suppressed send), so an email SES gave up on
 * without marking anyone (a transient or undetermined bounce, a reject) is reported with the report-only reason
 * `email-undelivered` instead, in the report with its events and in the notice without them, with the same advice as
 * before (tell the owner another way; nothing to correct or clear). The reason exists only in reports: it is not one
 * a drain judges an owner by, so no count by reason grows, and the document keeps its schema and version 1.
 */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../lambdas/aws/sns-wire';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { UNREACHABLE_REASONS } from '../../lambdas/hygiene/owner-directory';
import {
  REPORT_ONLY_REASONS,
  renderUnreachableReport,
  UNREACHABLE_REASON_TEXT,
  UNREACHABLE_REPORT_SCHEMA,
  UNREACHABLE_REPORT_SCHEMA_VERSION,
  type UnreachableReportDocument,
} from '../../lambdas/hygiene/unreachable-report';
import {
  type BouncedEmail,
  REJECTED,
  renderBounceReport,
  renderUnreadableBounceNotice,
} from '../../lambdas/relay/bounce-report';
import { sampleEvent } from '../support/sample-digest';

const NOW = Date.parse('2026-11-26T03:00:05.000Z');
const EMAIL = {
  userId: 'ada',
  drainId: 'drain-1',
  part: 2,
  name: 'Ada Lovelace',
  sentTo: ['ada@example.com'],
  bouncedAt: '2026-11-26T03:00:00.000Z',
  sesMessageId: 'ses-msg-1',
} satisfies BouncedEmail;
const EVENTS: OutboxEvent[] = [sampleEvent('deleted-stale', 'pc-1', {}, 'ada')];

/** Every kind of email the SES events function reports, and the reason its owner gets. */
const KINDS = [
  { kind: 'a permanent bounce', email: EMAIL, reason: 'bouncing' },
  { kind: 'a suppressed send', email: { ...EMAIL, suppressed: true as const }, reason: 'bouncing' },
  {
    kind: 'a transient bounce',
    email: { ...EMAIL, bounceType: 'Transient' as const, bounceSubType: 'MailboxFull' },
    reason: 'email-undelivered',
  },
  {
    kind: 'an undetermined bounce',
    email: { ...EMAIL, bounceType: 'Undetermined' as const, bounceSubType: 'Undetermined' },
    reason: 'email-undelivered',
  },
  { kind: 'a reject', email: { ...EMAIL, ...REJECTED }, reason: 'email-undelivered' },
] as const;

/** The document of a rendered message, as published. */
function documentOf(message: { readonly document: unknown }): UnreachableReportDocument {
  return message.document as UnreachableReportDocument;
}

/**
 * The checks a consumer of the published schema makes: its name and version 1, and each owner's reason one the
 * report defines (with its text), whether a drain judges it or not.
 */
function expectSchemaValid(document: UnreachableReportDocument): void {
  expect(document.schema).toBe(UNREACHABLE_REPORT_SCHEMA);
  expect(document.version).toBe(1);
  expect(UNREACHABLE_REPORT_SCHEMA_VERSION).toBe(1);
  const known: readonly string[] = [...UNREACHABLE_REASONS, ...REPORT_ONLY_REASONS];
  for (const owner of document.owners) {
    expect(known).toContain(owner.reason);
    expect(UNREACHABLE_REASON_TEXT[owner.reason].why.length).toBeGreaterThan(0);
  }
}

describe.each(KINDS)('the report of $kind', ({ email, reason }) => {
  it(`gives the owner reason ${reason}, in the document and on the owner’s line, in a valid document`, () => {
    const [part, ...more] = renderBounceReport({ email, events: EVENTS, now: NOW, budget: SNS_LIMITS });

    expect(more).toEqual([]);
    const document = documentOf(part!.message);
    expect(document.owners).toMatchObject([{ userId: 'ada', reason, events: EVENTS }]);
    expect(part?.message.text).toContain(
      `  * ada (Ada Lovelace): ${UNREACHABLE_REASON_TEXT[reason].why} [${reason}]`,
    );
    expectSchemaValid(document);
  });

  it(`gives the owner reason ${reason} in the notice without the events too`, () => {
    const notice = renderUnreadableBounceNotice(email, 'no entry', NOW, SNS_LIMITS);

    const document = documentOf(notice.message);
    expect(document.owners).toEqual([{ userId: 'ada', name: 'Ada Lovelace', reason, events: [] }]);
    expectSchemaValid(document);
  });
});

describe('reason email-undelivered', () => {
  it('tells the admins of a transient bounce or a reject only to tell the owner another way, as before', () => {
    for (const { email } of KINDS.filter((k) => k.reason === 'email-undelivered')) {
      const [part] = renderBounceReport({ email, events: EVENTS, now: NOW, budget: SNS_LIMITS });
      const text = part?.message.text ?? '';

      expect(text).toContain('\n    What to do: tell the owner about these credentials another way.\n');
      expect(text).toContain('The owner was not marked bouncing');
      expect(text).not.toContain('[bouncing]');
      expect(text).not.toContain('clear-bouncing');
      expect(text).not.toContain('What to do, by reason');
    }
  });

  it('is a reason of reports only, never one a drain judges an owner by', () => {
    expect(REPORT_ONLY_REASONS).toEqual(['email-undelivered']);
    expect(UNREACHABLE_REASONS.filter((r) => (REPORT_ONLY_REASONS as readonly string[]).includes(r))).toEqual(
      [],
    );
    expect(UNREACHABLE_REASON_TEXT['email-undelivered'].why).toContain('not marked bouncing');
  });

  it('renders in a drain-shaped report with its own text and no advice section', () => {
    const [part] = renderUnreachableReport({
      drainId: 'drain-1',
      now: NOW,
      route: 'relay',
      owners: [{ userId: 'ada', reason: 'email-undelivered', events: EVENTS }],
      invalidEvents: [],
      budget: SNS_LIMITS,
    });

    expect(part?.message.text).toContain(
      `  * ada: ${UNREACHABLE_REASON_TEXT['email-undelivered'].why} [email-undelivered]\n` +
        `    What to do: ${UNREACHABLE_REASON_TEXT['email-undelivered'].todo('ada', undefined)}\n`,
    );
    expect(part?.message.text).not.toContain('What to do, by reason');
    expectSchemaValid(documentOf(part!.message));
  });
});
