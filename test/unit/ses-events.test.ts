/**
 * SES bounce and complaint events → the directory: which events mark an
 * owner bouncing (permanent bounces), which record them unsubscribed
 * (complaints), which change nothing, the owner tag that ties an event back
 * to its owner, and the address it is attributed by (what the relay sent to,
 * compared normalised, written on the exact spelling read); a complaint
 * about an address the owner has moved away from, remembered for it; a
 * `not-spam` feedback report, which records nothing; an IDN address, which SES
 * names in Punycode; a suppressed send (SES did not send the email: its
 * suppression list holds the address), reported as a bounce or as a complaint
 * with subtype `OnAccountSuppressionList`, which marks the owner bouncing and
 * is never an opt-out; a mailbox several owners share, once SES's suppression
 * list holds it; a bounce SES did not call permanent (`Transient` of a subtype
 * other than `General`, `Undetermined`), which is reported without marking
 * anyone, and a `Transient`/`General` one without DSN fields, only counted
 * (the DSN-failure rule, a `Reject` and the `auth-failure`/`virus` feedback
 * types: test/unit/ses-events-fidelity.test.ts); the handler's
 * metrics (a message that is not JSON counted as `UnreadableSesEvents`; a provider's `auth-failure` or `virus`
 * report as `EmailAuthOrVirusReports`, its summary logged as a warning). On DynamoDB Local:
 * test/integration/ses-bounce-attribution.test.ts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import type { BouncedEmail } from '../../lambdas/relay/bounce-report';
import { digestEmailTags, OWNER_TAG, ownerTags, userIdFromTag } from '../../lambdas/relay/email-tags';
import {
  AUTH_OR_VIRUS_LISTED,
  type BounceDirectory,
  BounceMarkContendedError,
  recordAddressProblems,
} from '../../lambdas/relay/ses-events';
import { addressProblemOf } from '../support/address-problem-of';
import { RecordingPublisher } from './outbox-fakes';
import { MemoryRelayLedger } from './support/relay-fakes';

const NOW = Date.parse('2026-11-26T04:00:00.000Z');

/** An SES bounce of `type` (and `subType`, when given) of the relay's email to `ada@example.com` for `userId`. */
function bounce(type: string, userId?: string, subType?: string) {
  return JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      bounceType: type,
      ...(subType !== undefined && { bounceSubType: subType }),
      bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp: '2026-11-26T03:00:00.000Z',
    },
    mail: { tags: userId === undefined ? {} : { [OWNER_TAG]: [ownerTags(userId)[OWNER_TAG]] } },
  });
}

/** An SES complaint about the relay's email to `ada@example.com` for `userId` (when tagged). */
function complaint(userId?: string) {
  return JSON.stringify({
    eventType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: 'ada@example.com' }] },
    mail: {
      destination: ['ada@example.com'],
      tags: userId === undefined ? {} : { [OWNER_TAG]: [ownerTags(userId)[OWNER_TAG]] },
    },
  });
}

/** A call of `rememberOptedOutAddresses`: the owner, the address it was conditional on, the digests. */
type Remembered = [string, string | undefined, readonly string[]];

/**
 * A directory holding `ada@example.com` for `ada` (an owner mapped to
 * `undefined` has no address) that records marks, complaints and remembered
 * addresses, each conditional on the exact stored spelling as DynamoDB's
 * is. `afterRead` changes the directory between a read and the write (an
 * import running meanwhile).
 */
function recorder(
  owners: Record<string, string | undefined> = { ada: 'ada@example.com' },
  afterRead?: (emails: Map<string, string | undefined>) => void,
): BounceDirectory & { marks: string[][]; complaints: string[][]; remembered: Remembered[] } {
  const marks: string[][] = [];
  const complaints: string[][] = [];
  const remembered: Remembered[] = [];
  const emails = new Map(Object.entries(owners));
  const holds = (userId: string, email: string | undefined) =>
    emails.has(userId) && emails.get(userId) === email;
  return {
    marks,
    complaints,
    remembered,
    async getMany(userIds) {
      const found = new Map<string, OwnerRecord>();
      for (const userId of userIds) {
        const email = emails.get(userId);
        if (emails.has(userId))
          found.set(userId, { userId, ...(email !== undefined && { email }), status: 'active' });
      }
      afterRead?.(emails);
      return found;
    },
    async markBouncing(userId, email, since) {
      marks.push([userId, email, since]);
      return holds(userId, email);
    },
    async recordComplaint(userId, email) {
      complaints.push([userId, email]);
      return holds(userId, email);
    },
    async rememberOptedOutAddresses(userId, email, digests) {
      remembered.push([userId, email, digests]);
      return holds(userId, email);
    },
  };
}

describe('owner tag', () => {
  it('round-trips any user id within SES’s tag alphabet, and refuses what it did not make', () => {
    for (const id of ['ada', 'user@example.com', 'Zoë/🚀 #1', 'x'.repeat(192)]) {
      const value = ownerTags(id)[OWNER_TAG];
      expect(value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(userIdFromTag(value)).toBe(id);
    }
    expect(ownerTags('x'.repeat(193))).toEqual({});
    expect(userIdFromTag('not base64!')).toBeUndefined();
    expect(userIdFromTag(undefined)).toBeUndefined();
  });
});

describe('addressProblemOf', () => {
  it('reads permanent bounces and complaints (event publishing and feedback notifications)', () => {
    const complaint = JSON.stringify({
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'ada@example.com' }] },
      mail: {},
    });

    expect(addressProblemOf(bounce('Permanent', 'ada'), NOW)).toEqual({
      kind: 'bounce',
      sentTo: ['ada@example.com'],
      userId: 'ada',
      at: '2026-11-26T03:00:00.000Z',
    });
    expect(addressProblemOf(complaint, NOW)).toEqual({
      kind: 'complaint',
      sentTo: ['ada@example.com'],
      at: '2026-11-26T04:00:00.000Z',
    });
  });

  it('takes the address the relay sent to (mail.destination), not the mailbox the DSN names', () => {
    const forwarded = {
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'ada@mailhost.example.net' }] },
      mail: { destination: ['Ada@Example.com'] },
    };
    const complaint = {
      complaint: { complainedRecipients: [{ emailAddress: 'ada@mailhost.example.net' }] },
      mail: { destination: ['Ada@Example.com'] },
    };

    expect(addressProblemOf(JSON.stringify({ eventType: 'Bounce', ...forwarded }), NOW)?.sentTo).toEqual([
      'Ada@Example.com',
    ]);
    expect(addressProblemOf(JSON.stringify({ eventType: 'Complaint', ...complaint }), NOW)?.sentTo).toEqual([
      'Ada@Example.com',
    ]);
  });

  it('ignores Transient/General bounces and other events', () => {
    expect(addressProblemOf(bounce('Transient', 'ada', 'General'), NOW)).toBeUndefined();
    expect(addressProblemOf(JSON.stringify({ eventType: 'Delivery', mail: {} }), NOW)).toBeUndefined();
  });
});

describe('recordAddressProblems', () => {
  it('marks the tagged owner at the bounced address, and counts what it could not attribute', async () => {
    const directory = recorder();

    const summary = await recordAddressProblems(
      directory,
      [
        bounce('Permanent', 'ada'),
        bounce('Permanent'),
        bounce('Permanent', 'bob'),
        bounce('Transient', 'ada', 'General'),
        '{oops',
      ],
      NOW,
    );

    // bob is not in the directory: nothing to mark.
    expect(directory.marks).toEqual([['ada', 'ada@example.com', '2026-11-26T03:00:00.000Z']]);
    expect(directory.complaints).toEqual([]);
    expect(summary).toEqual({
      bounces: 3,
      complaints: 0,
      suppressed: 0,
      marked: 1,
      optedOut: 0,
      optOutsRemembered: 0,
      unattributed: 2,
      unreadable: 1,
      notSpam: 0,
      authOrVirusReports: 0,
      authOrVirusTypes: {},
      authOrVirusEmails: [],
      // the Transient/General bounce: counted, nothing recorded
      transient: 1,
      transientTypes: { 'Transient/General': 1 },
      // no reporter given: nothing reported
      digestsReported: 0,
      digestsUnreadable: 0,
      reportsRepeated: 0,
    });
  });

  it('records the owner of a complaint unsubscribed, not bouncing, and counts it apart from the marks', async () => {
    const directory = recorder({ ada: 'ada@example.com', bob: 'bob@example.com' });

    const summary = await recordAddressProblems(
      directory,
      // bob's address is not the one the relay sent to: he is not recorded unsubscribed at his own
      [complaint('ada'), complaint(), complaint('bob'), bounce('Permanent', 'ada')],
      NOW,
    );

    expect(directory.complaints).toEqual([['ada', 'ada@example.com']]);
    expect(directory.marks).toEqual([['ada', 'ada@example.com', '2026-11-26T03:00:00.000Z']]);
    expect(summary).toEqual({
      bounces: 4,
      complaints: 3,
      suppressed: 0,
      marked: 1,
      optedOut: 1,
      // bob: the address complained about is remembered for him
      optOutsRemembered: 1,
      // the untagged complaint
      unattributed: 1,
      unreadable: 0,
      notSpam: 0,
      authOrVirusReports: 0,
      authOrVirusTypes: {},
      authOrVirusEmails: [],
      transient: 0,
      transientTypes: {},
      digestsReported: 0,
      digestsUnreadable: 0,
      reportsRepeated: 0,
    });
  });

  it('records a complaint on the spelling the directory holds, reading again when an import changed it after the read', async () => {
    let imports = 0;
    const directory = recorder({ ada: 'ADA@example.com' }, (emails) => {
      if (imports++ === 0) emails.set('ada', 'Ada@Example.com');
    });

    const summary = await recordAddressProblems(directory, [complaint('ada')], NOW);

    expect(directory.complaints.map(([, email]) => email)).toEqual(['ADA@example.com', 'Ada@Example.com']);
    expect(directory.marks).toEqual([]);
    expect(summary).toMatchObject({ marked: 0, optedOut: 1, unattributed: 0 });
  });

  it('marks on the spelling the directory holds, reading again when an import changed it after the read', async () => {
    let imports = 0;
    const directory = recorder({ ada: 'ADA@example.com' }, (emails) => {
      if (imports++ === 0) emails.set('ada', 'Ada@Example.com');
    });

    const summary = await recordAddressProblems(directory, [bounce('Permanent', 'ada')], NOW);

    expect(directory.marks.map(([, email]) => email)).toEqual(['ADA@example.com', 'Ada@Example.com']);
    expect(summary).toMatchObject({ marked: 1, unattributed: 0 });
  });

  it('does not mark an owner whose address changed to another one after the read', async () => {
    const directory = recorder({ ada: 'ada@example.com' }, (emails) => emails.set('ada', 'ada@new.example'));

    const summary = await recordAddressProblems(directory, [bounce('Permanent', 'ada')], NOW);

    expect(directory.marks).toHaveLength(1);
    expect(summary).toMatchObject({ marked: 0, unattributed: 1 });
  });

  it('fails the invocation, naming the owner, when the spelling changes between every read and mark', async () => {
    let flip = false;
    const directory = recorder({ ada: 'ada@example.com' }, (emails) => {
      flip = !flip;
      emails.set('ada', flip ? 'Ada@example.com' : 'ada@Example.com');
    });

    const failure = recordAddressProblems(directory, [bounce('Permanent', 'ada')], NOW);

    await expect(failure).rejects.toThrow(BounceMarkContendedError);
    await expect(failure).rejects.toThrow(/owner "ada": .* 3 attempts to record the address problem/);
    expect(directory.marks).toHaveLength(3);
  });
});

describe('a complaint about an address the owner has moved away from', () => {
  /** An SES complaint about the relay's email to `destination` (none: the event names no address) for `ada`. */
  function complaintTo(destination?: string) {
    return JSON.stringify({
      eventType: 'Complaint',
      complaint: {},
      mail: {
        ...(destination !== undefined && { destination: [destination] }),
        tags: { [OWNER_TAG]: [ownerTags('ada')[OWNER_TAG]] },
      },
    });
  }

  it('remembers the address complained about, on the owner’s current address as read, and counts it apart', async () => {
    const directory = recorder({ ada: 'Ada@New.example' });

    const summary = await recordAddressProblems(directory, [complaintTo(' ADA@example.com')], NOW);

    // the digest of the address the relay sent to (normalised), not of the current one; no state recorded there
    expect(directory.remembered).toEqual([
      ['ada', 'Ada@New.example', [optedOutAddressDigest('ada@example.com')]],
    ]);
    expect(directory.complaints).toEqual([]);
    expect(summary).toMatchObject({ complaints: 1, optedOut: 0, optOutsRemembered: 1, unattributed: 0 });
  });

  it('remembers it for an owner who has no address now, conditional on having none', async () => {
    const directory = recorder({ ada: undefined });

    const summary = await recordAddressProblems(directory, [complaintTo('ada@example.com')], NOW);

    expect(directory.remembered).toEqual([['ada', undefined, [optedOutAddressDigest('ada@example.com')]]]);
    expect(summary).toMatchObject({ optOutsRemembered: 1, unattributed: 0 });
  });

  it('keeps unattributed for an absent owner and a complaint naming no address; a bounce there marks nothing', async () => {
    const absent = recorder({});
    expect(await recordAddressProblems(absent, [complaintTo('ada@example.com')], NOW)).toMatchObject({
      optOutsRemembered: 0,
      unattributed: 1,
    });
    expect(absent.remembered).toEqual([]);

    const moved = recorder({ ada: 'ada@new.example' });
    const summary = await recordAddressProblems(moved, [complaintTo(), bounce('Permanent', 'ada')], NOW);
    expect(summary).toMatchObject({ bounces: 2, marked: 0, optOutsRemembered: 0, unattributed: 2 });
    expect(moved.remembered).toEqual([]);
    expect(moved.marks).toEqual([]);
  });

  it('reads again when an import changed the address after the read: back at the address complained about, it is the state', async () => {
    let imports = 0;
    const directory = recorder({ ada: 'ada@new.example' }, (emails) => {
      if (imports++ === 0) emails.set('ada', 'ada@example.com');
    });

    const summary = await recordAddressProblems(directory, [complaintTo('ada@example.com')], NOW);

    expect(directory.remembered).toEqual([
      ['ada', 'ada@new.example', [optedOutAddressDigest('ada@example.com')]],
    ]);
    expect(directory.complaints).toEqual([['ada', 'ada@example.com']]);
    expect(summary).toMatchObject({ optedOut: 1, optOutsRemembered: 0, unattributed: 0 });
  });
});

/** The handler module, imported with the environment its cold start checks. */
async function handlerModule() {
  vi.stubEnv('DIRECTORY_TABLE_NAME', 'unused');
  vi.stubEnv('RELAY_LEDGER_TABLE_NAME', 'unused');
  vi.stubEnv('TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:unused');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  try {
    return await import('../../lambdas/handlers/ses-events');
  } finally {
    vi.unstubAllEnvs();
  }
}

/**
 * The handler over `directory`, with the metric values it adds collected by name, and what it logs
 * (`[level, message, fields]`, level `info` or `warn`) pushed to `logged` when given.
 */
async function quietHandler(directory: ReturnType<typeof recorder>, logged?: unknown[]) {
  const { createSesEventsHandler } = await handlerModule();
  const metrics: Record<string, number> = {};
  const logAt = (level: string) => (message: string, fields: unknown) =>
    logged?.push([level, message, fields]);
  const handler = createSesEventsHandler({
    logger: { info: logAt('info'), warn: logAt('warn') } as unknown as Logger,
    metrics: {
      addMetric: (name: string, _unit: string, value: number) => {
        metrics[name] = value;
      },
    } as unknown as Metrics,
    tracer: {} as Tracer,
    directory,
    // No real waits: the hold after a report (test/unit/ses-events-report-hold.test.ts).
    bouncedDigests: {
      ledger: new MemoryRelayLedger(),
      publisher: new RecordingPublisher(),
      sleep: async () => undefined,
    },
    clock: () => NOW,
  });
  /** Runs the handler on one SNS record per SES notification, as the topic's subscription delivers them. */
  const handle = (messages: readonly string[]) =>
    handler({ Records: messages.map((Message) => ({ Sns: { Message } })) } as unknown as SNSEvent, {
      getRemainingTimeInMillis: () => 30_000,
    });
  return { handle, metrics };
}

describe('the SES events handler', () => {
  it('emits the owners opted out by a complaint apart from those marked bouncing', async () => {
    const { handle, metrics } = await quietHandler(recorder());

    await handle([complaint('ada'), bounce('Permanent', 'ada'), complaint()]);

    expect(metrics).toEqual({
      [SES_EVENTS_METRIC.bounces]: 3,
      [SES_EVENTS_METRIC.complaints]: 2,
      [SES_EVENTS_METRIC.suppressed]: 0,
      [SES_EVENTS_METRIC.marked]: 1,
      [SES_EVENTS_METRIC.optedOut]: 1,
      [SES_EVENTS_METRIC.unattributed]: 1,
      // the bounce's email carried no drain or part tag: the admins are told, without the events
      [SES_EVENTS_METRIC.digestsReported]: 1,
      [SES_EVENTS_METRIC.digestsUnreadable]: 1,
      [SES_EVENTS_METRIC.notSpam]: 0,
      [SES_EVENTS_METRIC.authOrVirusReports]: 0,
      [SES_EVENTS_METRIC.transient]: 0,
      [SES_EVENTS_METRIC.unreadable]: 0,
    });
  });

  it('emits the messages that were not JSON as UnreadableSesEvents, and logs the summary', async () => {
    const logged: unknown[] = [];
    const { handle, metrics } = await quietHandler(recorder(), logged);

    const summary = await handle(['not json', bounce('Permanent', 'ada'), '{"eventType": "Bou']);

    expect(summary).toMatchObject({ unreadable: 2, bounces: 1, marked: 1 });
    expect(metrics).toMatchObject({ [SES_EVENTS_METRIC.unreadable]: 2, [SES_EVENTS_METRIC.bounces]: 1 });
    expect(logged).toEqual([['warn', 'SES events', { summary }]]);
    // A warning for the unreadable ones alone: none is expected, and a bounce or complaint among them went unrecorded.
    logged.length = 0;
    const alone = await handle(['not json']);
    expect(alone).toMatchObject({ unreadable: 1, bounces: 0, unattributed: 0, digestsUnreadable: 0 });
    expect(logged).toEqual([['warn', 'SES events', { summary: alone }]]);
  });

  it('counts a complaint remembered for an address the owner moved away from as an owner opted out', async () => {
    // complaint() is about an email to ada@example.com: bob no longer holds it (moved away), cy is absent
    const { handle, metrics } = await quietHandler(
      recorder({ ada: 'ada@example.com', bob: 'bob@new.example' }),
    );

    const summary = await handle([complaint('ada'), complaint('bob'), complaint('cy')]);

    expect(summary).toMatchObject({ optedOut: 1, optOutsRemembered: 1, unattributed: 1 });
    expect(metrics).toMatchObject({
      [SES_EVENTS_METRIC.complaints]: 3,
      [SES_EVENTS_METRIC.optedOut]: 2,
      [SES_EVENTS_METRIC.unattributed]: 1,
    });
  });
});

describe('a not-spam feedback report', () => {
  /** An SES complaint about the relay's email to `ada@example.com` for `ada`, of feedback type `type`. */
  function feedback(type: string | undefined) {
    return JSON.stringify({
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'ada@example.com' }],
        ...(type !== undefined && { complaintFeedbackType: type }),
      },
      mail: { destination: ['ada@example.com'], tags: { [OWNER_TAG]: [ownerTags('ada')[OWNER_TAG]] } },
    });
  }

  it('records nothing (the person said the email is not spam), and is counted apart from complaints', async () => {
    const directory = recorder();

    const summary = await recordAddressProblems(directory, [feedback('not-spam'), feedback('Not-Spam')], NOW);

    expect(directory.complaints).toEqual([]);
    expect(directory.remembered).toEqual([]);
    expect(summary).toMatchObject({ bounces: 0, complaints: 0, optedOut: 0, unattributed: 0, notSpam: 2 });
    expect(addressProblemOf(feedback('not-spam'), NOW)).toBeUndefined();
  });

  it('leaves every other feedback type, or none, an opt-out', async () => {
    for (const type of ['abuse', 'fraud', 'other', undefined]) {
      const directory = recorder();

      const summary = await recordAddressProblems(directory, [feedback(type)], NOW);

      expect(directory.complaints).toEqual([['ada', 'ada@example.com']]);
      expect(summary).toMatchObject({ complaints: 1, optedOut: 1, notSpam: 0 });
    }
  });

  it('is logged with the handler’s summary, and adds to no complaint or bounce metric', async () => {
    const logged: unknown[] = [];
    const { handle, metrics } = await quietHandler(recorder(), logged);

    await handle([feedback('not-spam')]);

    expect(logged).toEqual([['info', 'SES events', { summary: expect.objectContaining({ notSpam: 1 }) }]]);
    expect(metrics).toMatchObject({
      [SES_EVENTS_METRIC.bounces]: 0,
      [SES_EVENTS_METRIC.complaints]: 0,
      [SES_EVENTS_METRIC.notSpam]: 1,
    });
  });
});

describe('an auth-failure or virus feedback report', () => {
  /** A provider's report of feedback type `type` about the relay's email to ada (SES message id `messageId`). */
  const report = (type: string, messageId = `ses-${type}`) =>
    JSON.stringify({
      eventType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'ada@example.com' }], complaintFeedbackType: type },
      mail: {
        messageId,
        destination: ['ada@example.com'],
        tags: { [OWNER_TAG]: [ownerTags('ada')[OWNER_TAG]] },
      },
    });

  it('is emitted as EmailAuthOrVirusReports with its count, and warns with the summary naming the types', async () => {
    const logged: unknown[] = [];
    const directory = recorder();
    const { handle, metrics } = await quietHandler(directory, logged);

    const summary = await handle([report('auth-failure'), report('virus'), report('Auth-Failure')]);

    expect(directory.complaints).toEqual([]);
    expect(summary).toMatchObject({
      authOrVirusReports: 3,
      authOrVirusTypes: { 'auth-failure': 2, virus: 1 },
      // Which owner's provider reported which email: the owner's id and SES's message id, never the address.
      authOrVirusEmails: [
        { feedbackType: 'auth-failure', userId: 'ada', sesMessageId: 'ses-auth-failure' },
        { feedbackType: 'virus', userId: 'ada', sesMessageId: 'ses-virus' },
        { feedbackType: 'auth-failure', userId: 'ada', sesMessageId: 'ses-Auth-Failure' },
      ],
    });
    expect(JSON.stringify(logged)).not.toContain('ada@example.com');
    expect(metrics).toMatchObject({
      [SES_EVENTS_METRIC.authOrVirusReports]: 3,
      [SES_EVENTS_METRIC.bounces]: 0,
      [SES_EVENTS_METRIC.complaints]: 0,
    });
    // The alarm's runbook reads the types from this warning (docs/deploy.md, "Runbook: Email authentication or virus reports").
    expect(logged).toEqual([['warn', 'SES events', { summary }]]);
  });

  it(`lists the first ${AUTH_OR_VIRUS_LISTED} reports of an invocation, and counts them all`, async () => {
    const { handle } = await quietHandler(recorder(), []);
    const reports = Array.from({ length: AUTH_OR_VIRUS_LISTED + 2 }, (_, i) => report('virus', `ses-${i}`));

    const summary = await handle(reports);

    expect(summary.authOrVirusReports).toBe(AUTH_OR_VIRUS_LISTED + 2);
    expect(summary.authOrVirusEmails.map((e) => e.sesMessageId)).toEqual(
      Array.from({ length: AUTH_OR_VIRUS_LISTED }, (_, i) => `ses-${i}`),
    );
  });

  it('lists a report without owner tag or message id by its type alone', async () => {
    const { handle } = await quietHandler(recorder(), []);
    const untagged = JSON.stringify({
      eventType: 'Complaint',
      complaint: { complaintFeedbackType: 'auth-failure' },
      mail: { destination: ['ada@example.com'] },
    });

    const summary = await handle([untagged]);

    expect(summary.authOrVirusEmails).toEqual([{ feedbackType: 'auth-failure' }]);
  });
});

describe('an event about an address with an IDN domain', () => {
  /** SES names the Punycode form the relay sent to; the directory holds the Unicode one. */
  const SENT_TO = 'bob@xn--bcher-kva.example';

  function event(kind: 'Bounce' | 'Complaint') {
    return JSON.stringify({
      eventType: kind,
      ...(kind === 'Bounce'
        ? { bounce: { bounceType: 'Permanent', timestamp: '2026-11-26T03:00:00.000Z' } }
        : { complaint: {} }),
      mail: { destination: [SENT_TO], tags: { [OWNER_TAG]: [ownerTags('bob')[OWNER_TAG]] } },
    });
  }

  it('is attributed to the owner whose address is the Unicode form, written on the spelling read', async () => {
    const directory = recorder({ bob: 'Bob@Bücher.example' });

    const summary = await recordAddressProblems(directory, [event('Complaint'), event('Bounce')], NOW);

    expect(directory.complaints).toEqual([['bob', 'Bob@Bücher.example']]);
    expect(directory.marks).toEqual([['bob', 'Bob@Bücher.example', '2026-11-26T03:00:00.000Z']]);
    expect(summary).toMatchObject({ optedOut: 1, marked: 1, unattributed: 0 });
  });

  it('remembers a complaint for an owner moved away under both spellings of the address', async () => {
    const directory = recorder({ bob: 'bob@new.example' });

    await recordAddressProblems(directory, [event('Complaint')], NOW);

    expect(directory.remembered).toEqual([
      [
        'bob',
        'bob@new.example',
        [optedOutAddressDigest(SENT_TO), optedOutAddressDigest('bob@bücher.example')].sort(),
      ],
    ]);
  });
});

/**
 * The `complaint` object of an SES event as SES's examples show it ("Amazon SES notification contents" and the
 * event-publishing examples): `complaintSubType` null for a person's complaint; `OnAccountSuppressionList` when SES
 * did not send the email at all (SES API reference, `Complaint.ComplaintSubType`), then with no feedback report.
 */
function complaintObject(recipient: string, subType: string | null, timestamp = '2026-11-27T04:00:00.000Z') {
  return {
    complainedRecipients: [{ emailAddress: recipient }],
    timestamp,
    feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
    complaintSubType: subType,
    ...(subType === null && {
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      complaintFeedbackType: 'abuse',
      arrivalDate: timestamp,
    }),
  };
}

/** A permanent `OnAccountSuppressionList` bounce object: SES did not send the email (suppressed for a bounce). */
function suppressedBounceObject(recipient: string, timestamp = '2026-11-27T04:00:00.000Z') {
  return {
    bounceType: 'Permanent',
    bounceSubType: 'OnAccountSuppressionList',
    bouncedRecipients: [{ emailAddress: recipient }],
    timestamp,
    feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000001',
  };
}

/** An SES event (`kind`, its object `detail`) of the relay's email to `to`, carrying `tags`. */
function sesEvent(kind: 'Bounce' | 'Complaint', to: string, tags: Record<string, string>, detail: object) {
  return JSON.stringify({
    eventType: kind,
    [kind === 'Bounce' ? 'bounce' : 'complaint']: detail,
    mail: {
      messageId: `ses-${kind}`,
      destination: [to],
      tags: Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]])),
    },
  });
}

describe('a suppressed send (SES did not send: the address is on its suppression list)', () => {
  const ADA_PART = { userId: 'ada', drainId: 'drain-2', part: 1 };
  const suppressedComplaint = (subType = 'OnAccountSuppressionList') =>
    sesEvent(
      'Complaint',
      'ada@example.com',
      digestEmailTags(ADA_PART),
      complaintObject('ada@example.com', subType),
    );

  it('reads a complaint with subtype OnAccountSuppressionList as a suppressed permanent bounce, one with null as a complaint', () => {
    const expected = {
      kind: 'bounce',
      sentTo: ['ada@example.com'],
      ...ADA_PART,
      sesMessageId: 'ses-Complaint',
      at: '2026-11-27T04:00:00.000Z',
      suppressed: true,
    };

    expect(addressProblemOf(suppressedComplaint(), NOW)).toEqual(expected);
    // Another letter case can only mean the same value (SES documents none other but null).
    expect(addressProblemOf(suppressedComplaint('onAccountSuppressionList '), NOW)).toEqual(expected);
    const ordinary = sesEvent(
      'Complaint',
      'ada@example.com',
      ownerTags('ada'),
      complaintObject('ada@example.com', null),
    );
    expect(addressProblemOf(ordinary, NOW)).toEqual({
      kind: 'complaint',
      sentTo: ['ada@example.com'],
      userId: 'ada',
      sesMessageId: 'ses-Complaint',
      at: '2026-11-27T04:00:00.000Z',
    });
  });

  it('marks a permanent OnAccountSuppressionList bounce suppressed, and no other bounce', () => {
    const tags = digestEmailTags(ADA_PART);

    expect(
      addressProblemOf(
        sesEvent('Bounce', 'ada@example.com', tags, suppressedBounceObject('ada@example.com')),
        NOW,
      ),
    ).toMatchObject({ kind: 'bounce', suppressed: true });
    expect(addressProblemOf(bounce('Permanent', 'ada'), NOW)).not.toHaveProperty('suppressed');
  });

  it('marks the owner bouncing and reports the digest, never records an opt-out, and counts it apart', async () => {
    const directory = recorder({ ada: 'ada@example.com', bob: 'bob@new.example' });
    const reported: BouncedEmail[] = [];
    // bob no longer holds the address: as for any bounce, nothing is remembered for him (a complaint would be)
    const bobs = sesEvent(
      'Complaint',
      'ada@example.com',
      ownerTags('bob'),
      complaintObject('ada@example.com', 'OnAccountSuppressionList'),
    );

    const summary = await recordAddressProblems(
      directory,
      [suppressedComplaint(), bobs],
      NOW,
      async (email) => {
        reported.push(email);
        return { status: 'reported', eventsReadBack: true, parts: 1 };
      },
    );

    expect(directory.marks).toEqual([['ada', 'ada@example.com', '2026-11-27T04:00:00.000Z']]);
    expect(directory.complaints).toEqual([]);
    expect(directory.remembered).toEqual([]);
    expect(summary).toEqual({
      bounces: 2,
      complaints: 0,
      suppressed: 2,
      marked: 1,
      optedOut: 0,
      optOutsRemembered: 0,
      unattributed: 1,
      unreadable: 0,
      notSpam: 0,
      authOrVirusReports: 0,
      authOrVirusTypes: {},
      authOrVirusEmails: [],
      transient: 0,
      transientTypes: {},
      digestsReported: 2,
      digestsUnreadable: 0,
      reportsRepeated: 0,
    });
    expect(reported[0]).toEqual({
      ...ADA_PART,
      sentTo: ['ada@example.com'],
      bouncedAt: '2026-11-27T04:00:00.000Z',
      sesMessageId: 'ses-Complaint',
      suppressed: true,
    });
  });

  it('is emitted as EmailsSuppressed, inside EmailBounces and never in EmailComplaints', async () => {
    const { handle, metrics } = await quietHandler(recorder());

    await handle([suppressedComplaint(), complaint('ada')]);

    expect(metrics).toMatchObject({
      [SES_EVENTS_METRIC.bounces]: 2,
      [SES_EVENTS_METRIC.complaints]: 1,
      [SES_EVENTS_METRIC.suppressed]: 1,
      [SES_EVENTS_METRIC.marked]: 1,
      [SES_EVENTS_METRIC.optedOut]: 1,
    });
  });
});

describe('a mailbox several owners share, with SES’s suppression list on for bounces and complaints', () => {
  /** The team alias alice and bob both have in the directory: the relay emails each their own digest there. */
  const TEAM = 'team@example.com';
  /** Bob's digest part of the next drain, as its email's tags name it. */
  const BOB_PART = { userId: 'bob', drainId: 'drain-2', part: 1 };
  /** What the admins are handed for bob's suppressed digest part. */
  const BOB_REPORTED: BouncedEmail = {
    ...BOB_PART,
    sentTo: [TEAM],
    bouncedAt: '2026-11-27T04:00:00.000Z',
    suppressed: true,
  };

  /** A reporter that records what it is handed. */
  function reporter() {
    const reported: BouncedEmail[] = [];
    const report = async (email: BouncedEmail) => {
      reported.push(email);
      return { status: 'reported' as const, eventsReadBack: true, parts: 1 };
    };
    return { reported, report };
  }

  it('after alice’s complaint, bob’s next email (a complaint OnAccountSuppressionList) marks him bouncing and reaches the admins, never unsubscribed', async () => {
    const directory = recorder({ alice: TEAM, bob: TEAM });
    const { reported, report } = reporter();

    // Someone reading the alias marks alice's digest as spam (complaintSubType null): SES suppresses the address.
    const afterComplaint = await recordAddressProblems(
      directory,
      [
        sesEvent(
          'Complaint',
          TEAM,
          ownerTags('alice'),
          complaintObject(TEAM, null, '2026-11-26T04:00:00.000Z'),
        ),
      ],
      NOW,
      report,
    );

    expect(directory.complaints).toEqual([['alice', TEAM]]);
    expect(directory.marks).toEqual([]);
    expect(afterComplaint).toMatchObject({
      complaints: 1,
      suppressed: 0,
      optedOut: 1,
      marked: 0,
      digestsReported: 0,
    });

    // The relay emails bob's next digest to the alias: SES accepts it, does not send it, and reports a complaint
    // with subtype OnAccountSuppressionList (the reason the address is on the list).
    const afterSuppressed = await recordAddressProblems(
      directory,
      [
        sesEvent(
          'Complaint',
          TEAM,
          digestEmailTags(BOB_PART),
          complaintObject(TEAM, 'OnAccountSuppressionList'),
        ),
      ],
      NOW,
      report,
    );

    expect(directory.marks).toEqual([['bob', TEAM, '2026-11-27T04:00:00.000Z']]);
    // bob did not complain: only alice's opt-out is recorded, nothing remembered for bob
    expect(directory.complaints).toEqual([['alice', TEAM]]);
    expect(directory.remembered).toEqual([]);
    expect(afterSuppressed).toMatchObject({
      bounces: 1,
      complaints: 0,
      suppressed: 1,
      marked: 1,
      optedOut: 0,
      unattributed: 0,
      digestsReported: 1,
    });
    // His digest part reaches the admins: every notice sent to the alias reaches a person.
    expect(reported).toEqual([{ ...BOB_REPORTED, sesMessageId: 'ses-Complaint' }]);
  });

  it('after a bounce suppressed the alias, bob’s next email (a bounce OnAccountSuppressionList) marks him bouncing and reaches the admins', async () => {
    const directory = recorder({ alice: TEAM, bob: TEAM });
    const { reported, report } = reporter();

    const summary = await recordAddressProblems(
      directory,
      [sesEvent('Bounce', TEAM, digestEmailTags(BOB_PART), suppressedBounceObject(TEAM))],
      NOW,
      report,
    );

    expect(directory.marks).toEqual([['bob', TEAM, '2026-11-27T04:00:00.000Z']]);
    expect(directory.complaints).toEqual([]);
    expect(summary).toMatchObject({
      bounces: 1,
      complaints: 0,
      suppressed: 1,
      marked: 1,
      digestsReported: 1,
    });
    expect(reported).toEqual([{ ...BOB_REPORTED, sesMessageId: 'ses-Bounce' }]);
  });
});

describe('a bounce SES did not call permanent', () => {
  const ADA_PART = { userId: 'ada', drainId: 'drain-3', part: 1 };
  /** SES's bounce of ada's digest part, of `type` and `subType` (none: SES gave no subtype). */
  const softBounce = (type: string, subType?: string) =>
    sesEvent('Bounce', 'ada@example.com', digestEmailTags(ADA_PART), {
      bounceType: type,
      ...(subType !== undefined && { bounceSubType: subType }),
      bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp: '2026-11-27T05:00:00.000Z',
    });
  /** What the admins are handed for ada's part after such a bounce (the owner's name when read). */
  const handed = (bounceType: string, bounceSubType?: string): BouncedEmail => ({
    ...ADA_PART,
    sentTo: ['ada@example.com'],
    bouncedAt: '2026-11-27T05:00:00.000Z',
    sesMessageId: 'ses-Bounce',
    bounceType: bounceType as 'Transient' | 'Undetermined',
    ...(bounceSubType !== undefined && { bounceSubType }),
  });

  /** A reporter that records what it is handed. */
  function reporter() {
    const reported: BouncedEmail[] = [];
    const report = async (email: BouncedEmail) => {
      reported.push(email);
      return { status: 'reported' as const, eventsReadBack: true, parts: 1 };
    };
    return { reported, report };
  }

  it('reads every transient subtype but General, none, and Undetermined as a bounce that is not permanent', () => {
    for (const subType of [
      'MailboxFull',
      'MessageTooLarge',
      'ContentRejected',
      'AttachmentRejected',
      undefined,
    ])
      expect(addressProblemOf(softBounce('Transient', subType), NOW)).toEqual({
        kind: 'bounce',
        sentTo: ['ada@example.com'],
        ...ADA_PART,
        sesMessageId: 'ses-Bounce',
        at: '2026-11-27T05:00:00.000Z',
        bounceType: 'Transient',
        ...(subType !== undefined && { bounceSubType: subType }),
      });
    expect(addressProblemOf(softBounce('Undetermined', 'Undetermined'), NOW)).toMatchObject({
      kind: 'bounce',
      bounceType: 'Undetermined',
      bounceSubType: 'Undetermined',
    });
    // A type SES does not document, or none, is read as Undetermined: reported, never marked.
    expect(addressProblemOf(softBounce('Soft'), NOW)).toMatchObject({ bounceType: 'Undetermined' });
    const bare = JSON.stringify({ eventType: 'Bounce', mail: { destination: ['ada@example.com'] } });
    expect(addressProblemOf(bare, NOW)).toMatchObject({ kind: 'bounce', bounceType: 'Undetermined' });
    // SES's API spells the types in capitals: compared trimmed and case-insensitively, as the subtypes.
    expect(addressProblemOf(softBounce('TRANSIENT', ' general '), NOW)).toBeUndefined();
    expect(addressProblemOf(softBounce('PERMANENT', 'General'), NOW)).not.toHaveProperty('bounceType');
  });

  it('reports the digest part saying which bounce it was, and marks no one', async () => {
    const directory = recorder();
    const { reported, report } = reporter();

    const summary = await recordAddressProblems(
      directory,
      [softBounce('Transient', 'MailboxFull'), softBounce('Undetermined', 'Undetermined')],
      NOW,
      report,
    );

    expect(directory.marks).toEqual([]);
    expect(reported).toEqual([handed('Transient', 'MailboxFull'), handed('Undetermined', 'Undetermined')]);
    expect(summary).toEqual({
      // not permanent: not in the bounce alarm's count, and nothing unattributed (nothing was to be recorded)
      bounces: 0,
      complaints: 0,
      suppressed: 0,
      marked: 0,
      optedOut: 0,
      optOutsRemembered: 0,
      unattributed: 0,
      unreadable: 0,
      notSpam: 0,
      authOrVirusReports: 0,
      authOrVirusTypes: {},
      authOrVirusEmails: [],
      transient: 2,
      transientTypes: { 'Transient/MailboxFull': 1, 'Undetermined/Undetermined': 1 },
      digestsReported: 2,
      digestsUnreadable: 0,
      reportsRepeated: 0,
    });
  });

  it('reports nothing for a Transient/General bounce (mostly automatic replies), and counts it', async () => {
    const directory = recorder();
    const { reported, report } = reporter();

    const summary = await recordAddressProblems(directory, [softBounce('Transient', 'General')], NOW, report);

    expect(reported).toEqual([]);
    expect(directory.marks).toEqual([]);
    expect(summary).toMatchObject({
      bounces: 0,
      unattributed: 0,
      transient: 1,
      transientTypes: { 'Transient/General': 1 },
      digestsReported: 0,
    });
  });

  it('names the owner as the directory holds them, and reports without the name when it cannot be read', async () => {
    const owner: OwnerRecord = {
      userId: 'ada',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      status: 'active',
    };
    const named = { ...recorder(), getMany: async () => new Map([['ada', owner]]) };
    const unreadable = {
      ...recorder(),
      getMany: async (): Promise<Map<string, OwnerRecord>> => {
        throw new Error('directory unavailable');
      },
    };
    const { reported, report } = reporter();

    await recordAddressProblems(named, [softBounce('Transient', 'MailboxFull')], NOW, report);
    // Nothing was to be written: the report goes out, and the invocation does not fail over a name.
    const summary = await recordAddressProblems(
      unreadable,
      [softBounce('Transient', 'MailboxFull')],
      NOW,
      report,
    );

    expect(reported).toEqual([
      { ...handed('Transient', 'MailboxFull'), name: 'Ada Lovelace' },
      handed('Transient', 'MailboxFull'),
    ]);
    expect(summary).toMatchObject({ transient: 1, digestsReported: 1 });
  });

  it('is emitted as TransientEmailBounces, never in EmailBounces, with the subtypes in the logged summary', async () => {
    const logged: unknown[] = [];
    const { handle, metrics } = await quietHandler(recorder(), logged);

    await handle([softBounce('Transient', 'General'), softBounce('Transient', 'MailboxFull')]);

    expect(metrics).toMatchObject({
      [SES_EVENTS_METRIC.bounces]: 0,
      [SES_EVENTS_METRIC.marked]: 0,
      [SES_EVENTS_METRIC.unattributed]: 0,
      [SES_EVENTS_METRIC.transient]: 2,
      // the MailboxFull one (its part is not in this ledger: reported without the events)
      [SES_EVENTS_METRIC.digestsReported]: 1,
    });
    expect(logged).toEqual([
      [
        // a warning: the MailboxFull digest was reported without its events (not read back)
        'warn',
        'SES events',
        {
          summary: expect.objectContaining({
            transient: 2,
            transientTypes: { 'Transient/General': 1, 'Transient/MailboxFull': 1 },
          }),
        },
      ],
    ]);
  });
});
