/**
 * The report of a bounced relay email over in-memory ports
 * (docs/notifications.md, "Email relay"): its rendering (the drain's
 * `owner-unreachable` report naming the email, split within the budget with
 * the email named in every part, hostile values flattened; the notice when
 * the events cannot be read back; a suppressed send, which says SES did not
 * send the email; a bounce SES did not call permanent, which says the owner
 * was not marked and gives reason `email-undelivered`), and the use case: once per part (a
 * redelivery publishes nothing), a live claim makes the invocation fail for a
 * retry, a publish failure releases the claim and fails, a failed mark does
 * not, a bounce nothing can record is reported every time rather than never,
 * and the directory write and the report are each tried when the other fails.
 */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS, snsLimits } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { UNREACHABLE_REASON_TEXT } from '../../lambdas/hygiene/unreachable-report';
import {
  type BouncedEmail,
  renderBounceReport,
  renderUnreadableBounceNotice,
} from '../../lambdas/relay/bounce-report';
import {
  BounceReportInProgressError,
  BounceReportPublishError,
  bounceEntryKey,
  reportBouncedDigest,
} from '../../lambdas/relay/bounced-digest';
import { digestEmailTags } from '../../lambdas/relay/email-tags';
import { relayPartKey } from '../../lambdas/relay/relay';
import { type BounceDirectory, recordAddressProblems } from '../../lambdas/relay/ses-events';
import { sampleEvent } from '../support/sample-digest';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { RecordingPublisher } from './outbox-fakes';
import { MemoryRelayLedger } from './support/relay-fakes';

const NOW = Date.parse('2026-11-26T03:00:05.000Z');
const PART = { userId: 'ada', drainId: 'drain-1', part: 2 };
const EMAIL: BouncedEmail & typeof PART = {
  ...PART,
  name: 'Ada Lovelace',
  sentTo: ['ada@example.com'],
  bouncedAt: '2026-11-26T03:00:00.000Z',
  sesMessageId: 'ses-msg-1',
};
const EVENTS: OutboxEvent[] = [
  sampleEvent('deleted-stale', 'pc-1', {}, 'ada'),
  sampleEvent('expiry-warning', 'pc-2', {}, 'ada'),
];

/** The part claimed by the relay with its events, as the ledger holds it after the send. */
async function sentPart(ledger = new MemoryRelayLedger()): Promise<MemoryRelayLedger> {
  const claim = await ledger.claim(relayPartKey(PART), NOW - 3_600_000, 60_000, EVENTS);
  if (claim.status !== 'claimed') throw new Error('not claimed');
  await ledger.markSent(relayPartKey(PART), claim.token, 'ses-msg-1');
  return ledger;
}

function deps(ledger: MemoryRelayLedger, publisher = new RecordingPublisher()) {
  return { ledger, publisher, clock: () => NOW, leaseMs: 60_000, sleep: timerSleep };
}

/** The documents (as `sqs` receives them) and email texts a publisher delivered. */
function delivered(publisher: RecordingPublisher) {
  return publisher.delivered.map((entry) => ({
    document: deliveredDocument<Record<string, unknown>>(entry.Message),
    text: deliveredTo(entry.Message, 'email'),
  }));
}

describe('renderBounceReport', () => {
  it('is the drain’s owner-unreachable report of this owner, reason bouncing, naming the email', () => {
    const [part, ...more] = renderBounceReport({
      email: EMAIL,
      events: EVENTS,
      now: NOW,
      budget: SNS_LIMITS,
    });

    expect(more).toEqual([]);
    expect(part?.message.routing).toEqual({
      audience: 'admin',
      severity: 'high',
      eventTypes: ['owner-unreachable'],
    });
    expect(part?.message.document).toMatchObject({
      schema: 'personal-client-hygiene/owner-unreachable',
      drainId: 'drain-1',
      route: 'relay',
      owners: [{ userId: 'ada', name: 'Ada Lovelace', reason: 'bouncing', events: EVENTS }],
      bouncedEmail: {
        userId: 'ada',
        drainId: 'drain-1',
        part: 2,
        sentTo: ['ada@example.com'],
        bouncedAt: '2026-11-26T03:00:00.000Z',
        sesMessageId: 'ses-msg-1',
        eventsReadBack: true,
      },
    });
    expect(part?.message.text.split('\n').slice(0, 5)).toEqual([
      'Owner notices that reached no one, as of 2026-11-26T03:00:05.000Z (drain drain-1).',
      '',
      "The relay's email of digest part 2 of drain drain-1 to owner ada (Ada Lovelace) at ada@example.com bounced: " +
        'SES reported a permanent bounce at 2026-11-26T03:00:00.000Z, SES message id ses-msg-1. ' +
        'The notices it carried reached no one.',
      '',
      'Unreachable owners (1): their digests were published, but no person receives them on the relay route.',
    ]);
    expect(part?.bytes).toBe(SNS_LIMITS.measure(part!.message));
  });

  it('splits a long part so that every part, with the email named, fits the budget', () => {
    const events = Array.from({ length: 40 }, (_, i) => sampleEvent('expiry-warning', `pc-${i}`, {}, 'ada'));
    const budget = snsLimits(12_000);

    const parts = renderBounceReport({ email: EMAIL, events, now: NOW, budget });

    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.bytes).toBe(budget.measure(part.message));
      expect(part.bytes).toBeLessThanOrEqual(12_000);
      expect(part.message.text).toContain("The relay's email of digest part 2 of drain drain-1");
      // Each part is one email: it gives the reason's advice itself, once.
      expect(
        part.message.text.split(`[bouncing] ${UNREACHABLE_REASON_TEXT.bouncing.advice?.(undefined)}`),
      ).toHaveLength(2);
      expect(part.message.document).toMatchObject({ bouncedEmail: { part: 2 }, parts: parts.length });
    }
    const listed = parts.flatMap(
      (p) => (p.message.document as { owners: { events: OutboxEvent[] }[] }).owners[0]?.events ?? [],
    );
    expect(listed).toHaveLength(40);
  });

  it('flattens the values it did not write, so none can add a line', () => {
    const hostile = {
      ...EMAIL,
      userId: 'ada\r\nBcc: x',
      name: 'Ada\u202e evil',
      sentTo: ['ada@example.com\nInjected: yes'],
      sesMessageId: 'id\u2028more',
    };

    const [part] = renderBounceReport({ email: hostile, events: EVENTS, now: NOW, budget: SNS_LIMITS });
    const notice = renderUnreadableBounceNotice(hostile, 'no entry', NOW, SNS_LIMITS);

    for (const text of [part?.message.text ?? '', notice.message.text]) {
      const line = text.split('\n').find((l) => l.startsWith("The relay's email"));
      expect(line).toContain('owner ada Bcc: x (Ada evil) at ada@example.com Injected: yes');
      expect(line).toContain('SES message id id more.');
    }
  });
});

describe('renderUnreadableBounceNotice', () => {
  it('says what is known, that the events could not be read back, and what to do', () => {
    const email: BouncedEmail = { sentTo: ['x@example.com'], bouncedAt: '2026-11-26T03:00:00.000Z' };

    const notice = renderUnreadableBounceNotice(email, 'the email carries no tags', NOW, SNS_LIMITS);

    expect(notice.message.subject).toBe('Hygiene: a relay email bounced; its notices could not be read back');
    expect(notice.message.text.split('\n')).toEqual([
      'Owner notices that reached no one, as of 2026-11-26T03:00:05.000Z.',
      '',
      "The relay's email of digest part (part not tagged) of a drain not tagged to an owner it does not name " +
        '(no owner tag) at x@example.com bounced: SES reported a permanent bounce at 2026-11-26T03:00:00.000Z. ' +
        'The notices it carried reached no one.',
      'The events could not be read back: the email carries no tags.',
      // No owner tag: the clear-bouncing command names no one (the placeholder); no target given: it says to add it.
      `What to do: tell the owner about their credentials another way (pc-hygiene report lists each owner’s credentials; pc-hygiene runs list, the deletions of each run), and ${UNREACHABLE_REASON_TEXT.bouncing.todo(undefined, undefined)}`,
      // The reason's advice, as the drain's report gives it once per part.
      '',
      'What to do, by reason:',
      `  [bouncing] ${UNREACHABLE_REASON_TEXT.bouncing.advice?.(undefined)}`,
      '',
      '--',
      'All times are UTC. Sent by PersonalClient Hygiene to the admins (audience=admin).',
    ]);
    expect(notice.message.document).toMatchObject({
      drainId: '',
      owners: [],
      invalidEvents: [],
      bouncedEmail: { eventsReadBack: false, problem: 'the email carries no tags' },
    });
  });
});

describe('a suppressed send (SES did not send the email: the address is on its suppression list)', () => {
  const SUPPRESSED: BouncedEmail & typeof PART = { ...EMAIL, suppressed: true };
  const SAYS =
    "The relay's email of digest part 2 of drain drain-1 to owner ada (Ada Lovelace) at ada@example.com was not sent: " +
    "SES did not send it because the address is on the account's suppression list (a bounce or complaint there " +
    "before, possibly another owner's at a shared mailbox), reported at 2026-11-26T03:00:00.000Z, SES message id " +
    'ses-msg-1. The notices it carried reached no one.';

  it('says so in the report instead of a permanent bounce, and marks the document’s bouncedEmail suppressed', () => {
    const [part] = renderBounceReport({ email: SUPPRESSED, events: EVENTS, now: NOW, budget: SNS_LIMITS });

    const lines = part?.message.text.split('\n') ?? [];
    expect(lines[2]).toBe(SAYS);
    expect(part?.message.text).not.toContain('permanent bounce');
    expect(part?.message.document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'bouncing', events: EVENTS }],
      bouncedEmail: { part: 2, suppressed: true, eventsReadBack: true },
    });
    expect(part?.bytes).toBe(SNS_LIMITS.measure(part!.message));
  });

  it('says so in the notice without the events too, its subject included', () => {
    const notice = renderUnreadableBounceNotice(SUPPRESSED, 'no entry', NOW, SNS_LIMITS);

    expect(notice.message.text.split('\n')[2]).toBe(SAYS);
    // Not "bounced": SES never sent it. Still a subject SNS takes (printable ASCII, at most 100 characters).
    expect(notice.message.subject).toBe(
      'Hygiene: a relay email was not sent; its notices could not be read back',
    );
    expect(notice.message.subject).toMatch(/^[\x20-\x7e]{1,100}$/);
    expect(notice.message.document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'bouncing', events: [] }],
      bouncedEmail: { suppressed: true, eventsReadBack: false },
    });
  });

  it('leaves a bounce of an email SES sent without the field', () => {
    const [part] = renderBounceReport({ email: EMAIL, events: EVENTS, now: NOW, budget: SNS_LIMITS });

    const document = part?.message.document as { bouncedEmail?: object } | undefined;
    expect(document?.bouncedEmail).toBeDefined();
    expect(document?.bouncedEmail).not.toHaveProperty('suppressed');
  });
});

describe('a bounce SES did not call permanent (the owner was not marked bouncing: reason email-undelivered)', () => {
  const MAILBOX_FULL: BouncedEmail & typeof PART = {
    ...EMAIL,
    bounceType: 'Transient',
    bounceSubType: 'MailboxFull',
  };
  const NOT_MARKED =
    'The owner was not marked bouncing: SES did not report the address as bad, and the next email to it may be ' +
    'delivered; there is nothing to clear, and nothing to correct unless the address keeps bouncing.';
  const SAYS =
    "The relay's email of digest part 2 of drain drain-1 to owner ada (Ada Lovelace) at ada@example.com was not " +
    'delivered: SES gave up on it and reported a transient bounce, subtype MailboxFull (the mailbox is full), at ' +
    `2026-11-26T03:00:00.000Z, SES message id ses-msg-1. The notices it carried reached no one. ${NOT_MARKED}`;

  it('says which bounce it was and that the owner was not marked, and carries SES’s type and subtype', () => {
    const [part] = renderBounceReport({ email: MAILBOX_FULL, events: EVENTS, now: NOW, budget: SNS_LIMITS });

    expect(part?.message.text.split('\n')[2]).toBe(SAYS);
    expect(part?.message.text).not.toContain('permanent bounce');
    expect(part?.message.document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'email-undelivered', events: EVENTS }],
      bouncedEmail: { part: 2, bounceType: 'Transient', bounceSubType: 'MailboxFull', eventsReadBack: true },
    });
    expect(part?.bytes).toBe(SNS_LIMITS.measure(part!.message));
  });

  it('tells the admins only to tell the owner another way: nothing to correct or clear, no suppression list', () => {
    const [part] = renderBounceReport({ email: MAILBOX_FULL, events: EVENTS, now: NOW, budget: SNS_LIMITS });
    const [permanent] = renderBounceReport({ email: EMAIL, events: EVENTS, now: NOW, budget: SNS_LIMITS });
    const suppressionAdvice = `[bouncing] ${UNREACHABLE_REASON_TEXT.bouncing.advice?.(undefined)}`;

    const lines = part?.message.text.split('\n') ?? [];
    const owner = lines.indexOf(
      `  * ada (Ada Lovelace): ${UNREACHABLE_REASON_TEXT['email-undelivered'].why} [email-undelivered]`,
    );
    expect(owner).toBeGreaterThan(0);
    expect(lines[owner + 1]).toBe('    What to do: tell the owner about these credentials another way.');
    expect(part?.message.text).not.toContain('clear-bouncing');
    expect(part?.message.text).not.toContain(suppressionAdvice);
    expect(part?.message.text).not.toContain('What to do, by reason');
    expect(part?.bytes).toBe(SNS_LIMITS.measure(part!.message));
    // A permanent bounce marked the owner: correct or clear, and the suppression list.
    expect(permanent?.message.text).toContain(
      `    What to do: ${UNREACHABLE_REASON_TEXT.bouncing.todo('ada', undefined)}`,
    );
    expect(permanent?.message.text).toContain(
      "pc-hygiene owners clear-bouncing ada (add the deployment's --stack NAME).",
    );
    expect(permanent?.message.text).toContain(suppressionAdvice);
  });

  it('says so of an undetermined bounce too, and of a subtype it does not know, flattened', () => {
    const undetermined = renderUnreadableBounceNotice(
      { ...EMAIL, bounceType: 'Undetermined', bounceSubType: 'Undetermined' },
      'no entry',
      NOW,
      SNS_LIMITS,
    );
    const unknown = renderUnreadableBounceNotice(
      { ...EMAIL, bounceType: 'Transient', bounceSubType: 'Greylisted\nBcc: x' },
      'no entry',
      NOW,
      SNS_LIMITS,
    );

    expect(undetermined.message.text.split('\n')[2]).toContain(
      'was not delivered: SES gave up on it and reported a bounce of undetermined type, subtype Undetermined, at ' +
        '2026-11-26T03:00:00.000Z, SES message id ses-msg-1. The notices it carried reached no one. The owner was ' +
        'not marked bouncing',
    );
    expect(unknown.message.text.split('\n')[2]).toContain(
      'reported a transient bounce, subtype Greylisted Bcc: x, at 2026-11-26T03:00:00.000Z',
    );
    // A Reject (ses-events.ts reads it as Undetermined/Reject): SES sent nothing, and the paragraph says so.
    const rejected = renderUnreadableBounceNotice(
      { ...EMAIL, bounceType: 'Undetermined', bounceSubType: 'Reject' },
      'no entry',
      NOW,
      SNS_LIMITS,
    );
    expect(rejected.message.text.split('\n')[2]).toContain(
      'was not sent: SES rejected it (SES found a virus in it and did not try to deliver it), reported at ' +
        '2026-11-26T03:00:00.000Z',
    );
  });

  it('tells the admins, without the events, only to tell the owner another way: nothing to clear', () => {
    const notice = renderUnreadableBounceNotice(MAILBOX_FULL, 'no entry', NOW, SNS_LIMITS);

    expect(notice.message.subject).toBe(
      'Hygiene: a relay email was not delivered; its notices could not be read back',
    );
    expect(notice.message.text.split('\n').slice(2, 7)).toEqual([
      SAYS,
      'The events could not be read back: no entry.',
      'What to do: tell the owner about their credentials another way (pc-hygiene report lists each owner’s ' +
        'credentials; pc-hygiene runs list, the deletions of each run).',
      '',
      '--',
    ]);
    expect(notice.message.text).not.toContain('clear-bouncing');
    expect(notice.message.document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'email-undelivered', events: [] }],
      bouncedEmail: { bounceType: 'Transient', bounceSubType: 'MailboxFull', eventsReadBack: false },
    });
  });

  it('leaves a permanent bounce without the fields', () => {
    const [part] = renderBounceReport({ email: EMAIL, events: EVENTS, now: NOW, budget: SNS_LIMITS });

    const document = part?.message.document as { bouncedEmail?: object } | undefined;
    expect(document?.bouncedEmail).not.toHaveProperty('bounceType');
    expect(part?.message.text).not.toContain('not marked bouncing');
  });

  it('is reported once per part: a permanent bounce of the part after it publishes nothing more', async () => {
    const ledger = await sentPart();
    const publisher = new RecordingPublisher();

    const first = await reportBouncedDigest(deps(ledger, publisher), MAILBOX_FULL);
    const permanent = await reportBouncedDigest(deps(ledger, publisher), EMAIL);

    expect(first).toEqual({ status: 'reported', eventsReadBack: true, parts: 1 });
    expect(permanent).toEqual({ status: 'duplicate' });
    expect(delivered(publisher).map((d) => d.document)).toMatchObject([
      {
        owners: [{ reason: 'email-undelivered', events: EVENTS }],
        bouncedEmail: { bounceType: 'Transient' },
      },
    ]);
  });
});

describe('reportBouncedDigest', () => {
  it('publishes the part’s events once: a redelivered bounce publishes nothing', async () => {
    const ledger = await sentPart();
    const publisher = new RecordingPublisher();

    const first = await reportBouncedDigest(deps(ledger, publisher), EMAIL);
    const again = await reportBouncedDigest(deps(ledger, publisher), EMAIL);

    expect(first).toEqual({ status: 'reported', eventsReadBack: true, parts: 1 });
    expect(again).toEqual({ status: 'duplicate' });
    expect(publisher.calls).toHaveLength(1);
    expect(delivered(publisher)[0]?.document).toMatchObject({ owners: [{ events: EVENTS }] });
    expect(ledger.entries.get(relayPartKey(PART))).toMatchObject({
      state: 'sent',
      report: { state: 'reported' },
    });
  });

  it('aims its restore commands at the deployment it is given (the handler’s STACK_NAME), else asks to add it', async () => {
    const restoreLine = async (reportTargetFlags?: string) => {
      const publisher = new RecordingPublisher();
      const given = reportTargetFlags === undefined ? {} : { reportTargetFlags };
      await reportBouncedDigest({ ...deps(await sentPart(), publisher), ...given }, EMAIL);
      return delivered(publisher)[0]
        ?.text.split('\n')
        .find((l) => l.includes('pc-hygiene restore'));
    };

    expect(await restoreLine('--stack HygieneProd --region eu-west-1')).toMatch(
      /pc-hygiene restore pc-1 --reason "<why>" --stack HygieneProd --region eu-west-1$/,
    );
    expect(await restoreLine()).toMatch(
      /pc-hygiene restore pc-1 --reason "<why>" \(add the deployment's --stack NAME\)$/,
    );
  });

  it('fails, for a retry, while another invocation holds a live claim on the report', async () => {
    const ledger = await sentPart();
    await ledger.claimReport(relayPartKey(PART), NOW - 1_000, 60_000, true);
    const publisher = new RecordingPublisher();

    await expect(reportBouncedDigest(deps(ledger, publisher), EMAIL)).rejects.toThrow(
      BounceReportInProgressError,
    );
    expect(publisher.calls).toEqual([]);
  });

  it('releases the claim and fails when the topic refuses an entry or is down; the retry publishes', async () => {
    const ledger = await sentPart();
    const publisher = new RecordingPublisher();
    publisher.failEntry = () => 'KMSThrottling';

    await expect(reportBouncedDigest(deps(ledger, publisher), EMAIL)).rejects.toThrow(
      /not published \(KMSThrottling: KMSThrottling for bounce-p1\)/,
    );
    publisher.failEntry = undefined;
    publisher.down = new Error('connect ECONNREFUSED');
    await expect(reportBouncedDigest(deps(ledger, publisher), EMAIL)).rejects.toThrow(
      BounceReportPublishError,
    );
    publisher.down = undefined;
    const retried = await reportBouncedDigest(deps(ledger, publisher), EMAIL);

    expect(retried).toMatchObject({ status: 'reported' });
    expect(publisher.calls).toHaveLength(3);
    expect(publisher.delivered).toHaveLength(1);
  });

  it('does not fail once published when the mark fails (a redelivery after the lease may repeat it)', async () => {
    const ledger = await sentPart();
    ledger.markReported = async () => {
      throw new Error('throttled');
    };
    const publisher = new RecordingPublisher();

    expect(await reportBouncedDigest(deps(ledger, publisher), EMAIL)).toMatchObject({ status: 'reported' });
    expect(publisher.delivered).toHaveLength(1);
  });

  it('records a bounce whose part is not in the ledger by SES’s message id, with the notice', async () => {
    const ledger = new MemoryRelayLedger();
    const publisher = new RecordingPublisher();

    const first = await reportBouncedDigest(deps(ledger, publisher), EMAIL);
    const again = await reportBouncedDigest(deps(ledger, publisher), EMAIL);

    expect(first).toEqual({ status: 'reported', eventsReadBack: false, parts: 1 });
    expect(again).toEqual({ status: 'duplicate' });
    expect(ledger.entries.get(bounceEntryKey('ses-msg-1'))?.report?.state).toBe('reported');
    expect(delivered(publisher)[0]?.text).toContain(
      'The events could not be read back: the relay ledger has no entry for this digest part',
    );
  });

  it('reports a bounce nothing can record (no tags, no SES message id) every time rather than never', async () => {
    const ledger = new MemoryRelayLedger();
    const publisher = new RecordingPublisher();
    const bare: BouncedEmail = { sentTo: ['ada@example.com'], bouncedAt: EMAIL.bouncedAt };

    await reportBouncedDigest(deps(ledger, publisher), bare);
    await reportBouncedDigest(deps(ledger, publisher), bare);

    expect(publisher.delivered).toHaveLength(2);
    expect(ledger.entries.size).toBe(0);
    expect(delivered(publisher)[0]?.text).toContain("the email's tags do not name its userId, drainId, part");
  });

  it('sends the notice when an event cannot fit a report message even alone', async () => {
    const huge = sampleEvent('expiry-warning', 'pc-9', { displayName: 'n'.repeat(4_000) }, 'ada');
    const ledger = new MemoryRelayLedger();
    await ledger.claim(relayPartKey(PART), NOW, 60_000, [huge]);
    const publisher = Object.assign(new RecordingPublisher(), { limits: snsLimits(6_000) });

    expect(await reportBouncedDigest(deps(ledger, publisher), EMAIL)).toMatchObject({
      eventsReadBack: false,
    });
    expect(delivered(publisher)[0]?.text).toMatch(
      /could not be read back: an event is too large for a report message/,
    );
  });

  it('fails, for a retry, when the part’s entry is removed between the read and the claim', async () => {
    const ledger = await sentPart();
    const read = ledger.readDigest.bind(ledger);
    ledger.readDigest = async (key) => {
      const found = await read(key);
      ledger.entries.delete(key);
      return found;
    };
    const publisher = new RecordingPublisher();

    await expect(reportBouncedDigest(deps(ledger, publisher), EMAIL)).rejects.toThrow(
      /removed while reporting/,
    );
    expect(publisher.calls).toEqual([]);
  });
});

describe('recordAddressProblems with a reporter', () => {
  const bounce = JSON.stringify({
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent', timestamp: '2026-11-26T03:00:00.000Z' },
    mail: {
      messageId: 'ses-msg-1',
      destination: ['ada@example.com'],
      tags: Object.fromEntries(Object.entries(digestEmailTags(PART)).map(([k, v]) => [k, [v]])),
    },
  });

  it('hands the reporter the email’s tags, address, SES id and the owner’s name from the directory', async () => {
    const owner: OwnerRecord = {
      userId: 'ada',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      status: 'active',
    };
    const directory: BounceDirectory = {
      getMany: async () => new Map([['ada', owner]]),
      markBouncing: async () => true,
      recordComplaint: async () => true,
      rememberOptedOutAddresses: async () => true,
    };
    const reported: BouncedEmail[] = [];

    const summary = await recordAddressProblems(directory, [bounce], NOW, async (email) => {
      reported.push(email);
      return { status: 'reported', eventsReadBack: true, parts: 1 };
    });

    expect(reported).toEqual([EMAIL]);
    expect(summary).toMatchObject({
      marked: 1,
      digestsReported: 1,
      digestsUnreadable: 0,
      reportsRepeated: 0,
    });
  });

  it('reports the bounce although the directory write fails, then fails with the directory’s error', async () => {
    const directory: BounceDirectory = {
      getMany: async () => {
        throw new Error('directory unavailable');
      },
      markBouncing: async () => true,
      recordComplaint: async () => true,
      rememberOptedOutAddresses: async () => true,
    };
    const reported: BouncedEmail[] = [];

    const run = recordAddressProblems(directory, [bounce], NOW, async (email) => {
      reported.push(email);
      return { status: 'reported', eventsReadBack: true, parts: 1 };
    });

    await expect(run).rejects.toThrow('directory unavailable');
    const { name: _name, ...withoutName } = EMAIL;
    expect(reported).toEqual([withoutName]);
  });

  it('marks the owner although the report fails, then fails with the report’s error', async () => {
    const marks: string[] = [];
    const directory: BounceDirectory = {
      getMany: async () =>
        new Map([['ada', { userId: 'ada', email: 'ada@example.com', status: 'active' as const }]]),
      markBouncing: async (userId) => {
        marks.push(userId);
        return true;
      },
      recordComplaint: async () => true,
      rememberOptedOutAddresses: async () => true,
    };

    const run = recordAddressProblems(directory, [bounce], NOW, async () => {
      throw new BounceReportPublishError([
        { id: 'bounce-p1', code: 'Throttled', message: 'slow down', senderFault: false },
      ]);
    });

    await expect(run).rejects.toThrow(BounceReportPublishError);
    expect(marks).toEqual(['ada']);
  });
});
