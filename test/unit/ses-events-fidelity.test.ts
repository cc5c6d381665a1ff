/**
 * SES events as event publishing really sends them ("Contents of event data that Amazon SES publishes to Amazon
 * SNS"; `lambdas/relay/ses-events.ts`, docs/notifications.md, "Email relay"), through `recordAddressProblems`: the
 * DSN-failure rule for a `Transient`/`General` bounce (SES's own `4.4.7`, `action: failed`, after it stopped retrying:
 * the digest is reported, no one marked; an automatic reply, with no DSN fields: only counted), a `Reject` (SES found
 * a virus and sent nothing: reported, no one marked), and the feedback types that are not a person's stop
 * (`auth-failure`, `virus`: counted, no opt-out; `abuse`, `fraud`, `other` and none still are). The records carry
 * every field SES documents for them.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import type { BouncedEmail } from '../../lambdas/relay/bounce-report';
import { digestEmailTags } from '../../lambdas/relay/email-tags';
import { type BounceDirectory, recordAddressProblems } from '../../lambdas/relay/ses-events';
import { addressProblemOf } from '../support/address-problem-of';

const NOW = Date.parse('2026-11-27T06:00:00.000Z');
const SENT_AT = '2026-11-26T05:00:00.000Z';
const EVENT_AT = '2026-11-27T05:00:00.000Z';
const PART = { userId: 'ada', drainId: 'drain-3', part: 1, eventsKey: 'AAAAAAAAAAAAAAAAAAAAAA' };
const SES_MESSAGE_ID = '0100019a-ses-1-000000';
/** The email's tags as event publishing lists them: SES's own among the relay's. */
const tags = Object.fromEntries(
  Object.entries({ 'ses:configuration-set': 'pc-hygiene-relay', ...digestEmailTags(PART) }).map(([k, v]) => [
    k,
    [v],
  ]),
);
const mail = {
  timestamp: SENT_AT,
  source: 'hygiene@corp.example',
  sendingAccountId: '123456789012',
  messageId: SES_MESSAGE_ID,
  destination: ['ada@example.com'],
  headersTruncated: false,
  tags,
};

/** A directory holding ada at `ada@example.com` that records every write it is asked for. */
function directory(): BounceDirectory & { writes: string[] } {
  const writes: string[] = [];
  const owner: OwnerRecord = { userId: 'ada', email: 'ada@example.com', status: 'active' };
  const write = (what: string) => async () => {
    writes.push(what);
    return true;
  };
  return {
    writes,
    getMany: async () => new Map([['ada', owner]]),
    markBouncing: write('bouncing'),
    recordComplaint: write('unsubscribed'),
    rememberOptedOutAddresses: write('remembered'),
  };
}

/** Runs `events` through the handler's use case with a reporter that records what it is handed. */
async function run(...events: object[]) {
  const reported: BouncedEmail[] = [];
  const dir = directory();
  const summary = await recordAddressProblems(
    dir,
    events.map((e) => JSON.stringify(e)),
    NOW,
    async (email) => {
      reported.push(email);
      return { status: 'reported', eventsReadBack: true, parts: 1 };
    },
  );
  return { reported, writes: dir.writes, summary };
}

/** A `Transient`/`General` bounce of ada's email, its one bounced recipient carrying `dsn`. */
function generalTransient(dsn: Record<string, string>) {
  return {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Transient',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: 'ada@example.com', ...dsn }],
      timestamp: EVENT_AT,
      feedbackId: '0100019a-feedback-000000',
      reportingMTA: 'dsn; a1-2.smtp-out.eu-west-1.amazonses.com',
    },
    mail,
  };
}

/** What the admins are handed for ada's part after a bounce SES did not call permanent. */
const handed = (bounceType: string, bounceSubType: string, bouncedAt = EVENT_AT): BouncedEmail => ({
  userId: 'ada',
  drainId: 'drain-3',
  part: 1,
  eventsKey: PART.eventsKey,
  sentTo: ['ada@example.com'],
  bouncedAt,
  sesMessageId: SES_MESSAGE_ID,
  bounceType: bounceType as 'Transient' | 'Undetermined',
  bounceSubType,
});

describe('a Transient/General bounce: the DSN-failure rule', () => {
  it('reports one SES gave up on (its own 4.4.7, action failed) as a MailboxFull one: the digest, no one marked', async () => {
    const { reported, writes, summary } = await run(
      generalTransient({ action: 'failed', status: '4.4.7', diagnosticCode: 'smtp; 421 4.4.7 try later' }),
    );

    expect(reported).toEqual([handed('Transient', 'General')]);
    expect(writes).toEqual([]);
    expect(summary).toMatchObject({
      bounces: 0,
      marked: 0,
      unattributed: 0,
      transient: 1,
      transientTypes: { 'Transient/General': 1 },
      digestsReported: 1,
    });
  });

  it('takes either DSN field alone, of class 4 or 5, however spelled', () => {
    const failures: Record<string, string>[] = [
      { action: 'failed' },
      { status: '5.0.0' },
      { status: '4.2.2' },
      { action: ' FAILED ' },
    ];
    for (const dsn of failures)
      expect(addressProblemOf(JSON.stringify(generalTransient(dsn)), NOW)).toMatchObject({
        kind: 'bounce',
        bounceType: 'Transient',
        bounceSubType: 'General',
      });
  });

  it('only counts one without a DSN failure (an automatic reply, such as an out-of-office)', async () => {
    const autoReply = generalTransient({});
    const notAFailure = generalTransient({ action: 'delivered', status: '2.0.0' });

    const { reported, writes, summary } = await run(autoReply, notAFailure);

    expect(reported).toEqual([]);
    expect(writes).toEqual([]);
    expect(summary).toMatchObject({
      bounces: 0,
      unattributed: 0,
      transient: 2,
      transientTypes: { 'Transient/General': 2 },
      digestsReported: 0,
    });
    expect(addressProblemOf(JSON.stringify(autoReply), NOW)).toBeUndefined();
  });
});

describe('a Reject event (SES found a virus and sent nothing)', () => {
  const reject = { eventType: 'Reject', reject: { reason: 'Bad content' }, mail };

  it('is reported as a delivery that did not happen, when the email was sent, and marks no one', async () => {
    const { reported, writes, summary } = await run(reject);

    expect(reported).toEqual([handed('Undetermined', 'Reject', SENT_AT)]);
    expect(writes).toEqual([]);
    expect(summary).toMatchObject({
      bounces: 0,
      complaints: 0,
      marked: 0,
      transient: 1,
      transientTypes: { 'Undetermined/Reject': 1 },
      digestsReported: 1,
    });
  });

  it('takes the arrival instant when the email names no send time', () => {
    const { timestamp: _timestamp, ...untimed } = mail;

    expect(addressProblemOf(JSON.stringify({ ...reject, mail: untimed }), NOW)).toMatchObject({
      kind: 'bounce',
      sentTo: ['ada@example.com'],
      at: new Date(NOW).toISOString(),
      bounceType: 'Undetermined',
      bounceSubType: 'Reject',
    });
  });
});

describe('a complaint by its feedback type', () => {
  /** A complaint about ada's email, of feedback type `type` (none when undefined). */
  const complaint = (type: string | undefined) => ({
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp: EVENT_AT,
      feedbackId: '0100019a-feedback-000001',
      complaintSubType: null,
      ...(type !== undefined && { complaintFeedbackType: type }),
      userAgent: 'ExampleCorp Feedback Loop (V0.01)',
      arrivalDate: EVENT_AT,
    },
    mail,
  });

  it('records no opt-out for an auth-failure or virus report (the provider’s finding), and counts it apart', async () => {
    const { reported, writes, summary } = await run(
      complaint('auth-failure'),
      complaint('virus'),
      complaint(' Auth-Failure '),
    );

    expect(writes).toEqual([]);
    expect(reported).toEqual([]);
    expect(summary).toMatchObject({
      bounces: 0,
      complaints: 0,
      optedOut: 0,
      unattributed: 0,
      notSpam: 0,
      authOrVirusReports: 3,
      authOrVirusTypes: { 'auth-failure': 2, virus: 1 },
    });
    expect(addressProblemOf(JSON.stringify(complaint('virus')), NOW)).toBeUndefined();
  });

  it('keeps abuse, fraud, other and a missing type the person’s opt-out', async () => {
    for (const type of ['abuse', 'fraud', 'other', undefined]) {
      const { writes, summary } = await run(complaint(type));

      expect(writes).toEqual(['unsubscribed']);
      expect(summary).toMatchObject({ complaints: 1, optedOut: 1, authOrVirusReports: 0 });
    }
  });
});
