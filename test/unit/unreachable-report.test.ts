/**
 * The admins' `owner-unreachable` report (lambdas/hygiene/unreachable-report.ts; docs/notifications.md, "Owner
 * reach: the `owner-unreachable` report", "The report message"): owner, reason, advice and each credential named,
 * per route; stored and directory values (names, addresses, forged notices, the drain id) flattened so they add no
 * line, kept raw in the document; each reason's long advice once per part; long reports split within the limit, an
 * event too large alone a named error; and, with SNS mocked at the client boundary, its own entry, events pending
 * when SNS fails it.
 */
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import {
  publishEntryBytes,
  SNS_MESSAGE_LIMIT_BYTES,
  snsEntryFields,
  snsLimits,
} from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { EVENT_TYPES } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { UnreachableReason } from '../../lambdas/hygiene/owner-directory';
import { requireInstant } from '../../lambdas/hygiene/time';
import {
  renderUnreachableReport as renderParts,
  UNREACHABLE_REASON_TEXT,
  type UnreachableReportDocument,
  type UnreachableReportInput,
  UnreachableReportTooLargeError,
  unreachableSubject,
} from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument } from '../support/sns-delivery';
import { boundedEvent, InMemoryOutbox, outboxEvent } from './outbox-fakes';
import { InMemoryOwnerDirectory } from './owner-directory-fake';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

/** A report input under SNS's budget (`maxMessageBytes` lowering its limit). */
function input({
  maxMessageBytes,
  ...overrides
}: Partial<UnreachableReportInput> & { readonly maxMessageBytes?: number } = {}): UnreachableReportInput {
  return {
    budget: snsLimits(maxMessageBytes),
    drainId: 'drain-1',
    now: NOW,
    route: 'sns-email',
    owners: [
      {
        userId: 'carol',
        reason: 'not-in-directory',
        events: [outboxEvent({ credentialId: 'c1', userId: 'carol', type: 'deleted-stale' })],
      },
    ],
    invalidEvents: [],
    ...overrides,
  };
}

/** The report's parts, each with the SNS entry it is sent as. */
function renderUnreachableReport(reportInput: UnreachableReportInput) {
  return renderParts(reportInput).map((part) => ({ ...part, entry: snsEntryFields(part.message) }));
}

describe('renderUnreachableReport', () => {
  it('renders nothing when there is nothing to report', () => {
    expect(renderUnreachableReport(input({ owners: [] }))).toEqual([]);
  });

  it('names owner, reason, what to do and each credential in the email text', () => {
    const [part] = renderUnreachableReport(input());
    const text = JSON.parse(part?.entry.Message ?? '{}').email as string;

    expect(text.split('\n').slice(0, 8)).toEqual([
      'Owner notices that reached no one, as of 2026-11-26T02:00:00.000Z (drain drain-1).',
      '',
      'Unreachable owners (1): their digests were published, but no person receives them on the sns-email route.',
      'Please make sure each owner learns about these credentials, and fix what keeps them unreachable.',
      'Most urgent first: no credential expires within 24 h, 1 deleted.',
      '',
      '  * carol: not in the owner directory [not-in-directory]',
      // No target given: the command says to add the deployment's (unreachable-report-commands.test.ts).
      "    What to do: add the owner to the directory (pc-hygiene owners import FILE (add the deployment's --stack NAME)) or reassign the credential.",
    ]);
    expect(text).toContain('    - "Key c1" (id c1, client id client-c1)');
    expect(part?.entry.MessageAttributes.severity?.StringValue).toBe('high');
  });

  it.each(['sns-email', 'relay'] as const)(
    'says on route %s that an owner who unsubscribed gets no email from SNS or the relay, and the way back',
    (route) => {
      const [part] = renderUnreachableReport(
        input({
          route,
          owners: [
            {
              userId: 'ada',
              reason: 'unsubscribed',
              events: [outboxEvent({ credentialId: 'c1', userId: 'ada' })],
            },
          ],
        }),
      );
      const lines = (part?.message.text ?? '').split('\n');
      const at = lines.indexOf(
        '  * ada: opted out (the unsubscribe link of an SNS email, a complaint about a relay email, or recorded by an operator with pc-hygiene owners unsubscribe), so no email is sent to them (neither by SNS nor by the relay) [unsubscribed]',
      );

      expect(at).toBeGreaterThan(0);
      expect(lines[at + 1]).toBe(
        '    What to do: tell the owner about these credentials another way; if they want the emails again, ' +
          "run pc-hygiene owners resubscribe ada (add the deployment's --stack NAME) (route sns-email: SNS then sends a new confirmation link; " +
          'route relay: the next digest is emailed; SES’s suppression list: see “What to do, by reason” below). ' +
          'A move by the import to an address they did not opt out at also ends it.',
      );
      // The suppression list's advice, once for the part, after the owners.
      expect(lines.slice(lines.indexOf('What to do, by reason:'), -3)).toEqual([
        'What to do, by reason:',
        '  [unsubscribed] ' +
          // Conditional: only an opt-out that came from a complaint put the address on SES's suppression list.
          'On route relay, an opt-out that came from a complaint (not from the SNS unsubscribe link or pc-hygiene owners ' +
          'unsubscribe) also put the address on SES’s suppression list, so resubscribing alone is not enough: ' +
          'SES keeps an address that bounced or complained on the account’s suppression list until it is removed, and ' +
          'suppresses every later email to it (reported as a bounce or a complaint with subtype OnAccountSuppressionList, ' +
          'which the relay reads as a suppressed send: the owner is marked bouncing and the digest goes to the admins); ' +
          'aws sesv2 get-suppressed-destination --email-address "<address>" tells whether it is there, and ' +
          'aws sesv2 delete-suppressed-destination --email-address "<address>" removes it (in the stack’s account and region); ' +
          // A resubscribe before the address came off the list: a suppressed send may have marked the owner since.
          'an owner resubscribed before the address came off the list may have been marked bouncing by a suppressed ' +
          'send meanwhile: then, once it is off, also run pc-hygiene owners clear-bouncing "<userId>" (add the deployment\'s --stack NAME).',
      ]);
      expect(part?.owners.map((o) => o.reason)).toEqual(['unsubscribed']);
    },
  );

  it('tells of an owner recorded pending both ways: a link to click, or a confirmation the reconciler has yet to record', () => {
    const [part] = renderUnreachableReport(
      input({
        owners: [
          {
            userId: 'bob',
            reason: 'subscription-pending',
            events: [outboxEvent({ credentialId: 'c1', userId: 'bob' })],
          },
        ],
      }),
    );
    const lines = (part?.message.text ?? '').split('\n');

    expect(
      lines[
        lines.indexOf('  * bob: has not confirmed the SNS email subscription [subscription-pending]') + 1
      ],
    ).toBe(
      '    What to do: ask the owner to click the link in the confirmation email SNS sent them; no pc-hygiene ' +
        'command sends another while it is pending: if they cannot find it, SNS deletes it unconfirmed after 48 ' +
        'hours and the reconciler’s next run (hourly) subscribes them again, sending a new link, up to 3 links to ' +
        'one address in all (then it sends no more: subscription-unconfirmed). If they already ' +
        "clicked it, the next run (or now: pc-hygiene owners sync-subscriptions (add the deployment's --stack NAME)) records it, and their digests " +
        'reach them again.',
    );
  });

  it('flattens line breaks in a directory name so it cannot add lines to the report', () => {
    const [part] = renderUnreachableReport(
      input({
        owners: [
          {
            userId: 'carol',
            name: 'Carol\nFAKE LINE',
            reason: 'departed',
            events: [outboxEvent({ credentialId: 'c1', userId: 'carol' })],
          },
        ],
      }),
    );
    expect(JSON.parse(part?.entry.Message ?? '{}').email).toContain(
      '  * carol (Carol FAKE LINE): marked departed in the owner directory [departed]',
    );
  });

  it('names the owner’s address from the directory on their line and in the document, for any reason', () => {
    const owner = (userId: string, reason: UnreachableReason, email?: string) => ({
      userId,
      ...(userId === 'bob' && { name: 'Bob Builder' }),
      ...(email !== undefined && { email }),
      reason,
      events: [outboxEvent({ credentialId: `${userId}-c1`, userId })],
    });
    const owners = [
      owner('bob', 'bouncing', 'bob@corp.example'),
      owner('dave', 'departed', 'dave@corp.example'),
      owner('erin', 'no-email'),
    ];

    const [part] = renderUnreachableReport(input({ route: 'relay', owners }));

    const lines = (JSON.parse(part?.entry.Message ?? '{}').email as string).split('\n');
    expect(lines.filter((line) => line.startsWith('  * '))).toEqual([
      `  * bob (Bob Builder) at bob@corp.example: ${UNREACHABLE_REASON_TEXT.bouncing.why} [bouncing]`,
      `  * dave at dave@corp.example: ${UNREACHABLE_REASON_TEXT.departed.why} [departed]`,
      // No address in the directory: none named, and none in the document.
      `  * erin: ${UNREACHABLE_REASON_TEXT['no-email'].why} [no-email]`,
    ]);
    const document = deliveredDocument<UnreachableReportDocument>(part?.entry.Message ?? '{}');
    expect(document.owners.map((o) => [o.userId, o.email])).toEqual([
      ['bob', 'bob@corp.example'],
      ['dave', 'dave@corp.example'],
      ['erin', undefined],
    ]);
    expect(Object.keys(document.owners[2] ?? {})).not.toContain('email');
  });

  it('tells the admins how to keep a departed owner’s credential the sweep already deleted: restore, then reassign or exempt', () => {
    const owners = [
      {
        userId: 'dave',
        reason: 'departed' as const,
        events: [outboxEvent({ credentialId: 'dave-c1', userId: 'dave' })],
      },
    ];

    const [part] = renderUnreachableReport(input({ owners }));

    const text = JSON.parse(part?.entry.Message ?? '{}').email as string;
    expect(text).toContain(
      '    What to do: reassign the credential to an active owner, or let it be deleted (one already deleted: ' +
        'restore it with the pc-hygiene restore command under its deletion notice, then reassign or exempt it, or ' +
        'the next sweep flags it orphaned again).\n',
    );
  });

  it('flattens a directory address: a CR/LF or U+202E in it adds no line, the document keeps it raw', () => {
    const footer = 'All times are UTC. Sent by PersonalClient Hygiene to the admins (audience=admin).';
    const email = `bob@corp.example\r\n\n--\n${footer}\n\u202eelpmaxe.evil@x`;
    const report = (address: string) =>
      renderUnreachableReport(
        input({
          route: 'relay',
          owners: [
            {
              userId: 'bob',
              email: address,
              reason: 'bouncing',
              events: [outboxEvent({ credentialId: 'c1', userId: 'bob' })],
            },
          ],
        }),
      )[0];

    const part = report(email);
    const clean = report('bob@corp.example');

    const text = JSON.parse(part?.entry.Message ?? '{}').email as string;
    const cleanText = JSON.parse(clean?.entry.Message ?? '{}').email as string;
    expect(text.split('\n')).toHaveLength(cleanText.split('\n').length);
    expect(text.split('\n').filter((l) => l.startsWith('All times are UTC'))).toEqual([footer]);
    expect(text).not.toMatch(/[\u202e\r]/);
    expect(text).toContain(
      `\n  * bob at bob@corp.example -- ${footer} elpmaxe.evil@x: ${UNREACHABLE_REASON_TEXT.bouncing.why} [bouncing]\n`,
    );
    expect(deliveredDocument<UnreachableReportDocument>(part?.entry.Message ?? '{}').owners[0]?.email).toBe(
      email,
    );
  });

  it('flattens every stored value of a forged notice: it adds no line (no fake footer), the document keeps it raw', () => {
    const footer = 'All times are UTC. Sent by PersonalClient Hygiene to the admins (audience=admin).';
    const injected = `\n\n--\n${footer}\n\u202e\r\n`;
    const forged = outboxEvent({
      credentialId: `pc-7${injected}`,
      userId: `mallory${injected}`,
      eventId: `e1${injected}`,
      clientId: `cli${injected}`,
    });
    const report = (event: typeof forged, ownerId: string, itemId: string) =>
      input({
        owners: [{ userId: ownerId, reason: 'departed', events: [event] }],
        invalidEvents: [
          { credentialId: itemId, itemUserId: ownerId, problem: 'owner-mismatch', event },
          { credentialId: itemId, itemUserId: ownerId, problem: 'credential-mismatch', event },
        ],
      });
    const clean = outboxEvent({ credentialId: 'pc-7', userId: 'mallory', eventId: 'e1', clientId: 'cli' });

    const [part] = renderUnreachableReport(report(forged, `alice${injected}`, `pc-8${injected}`));
    const [cleanPart] = renderUnreachableReport(report(clean, 'alice', 'pc-8'));

    const text = JSON.parse(part?.entry.Message ?? '{}').email as string;
    const cleanText = JSON.parse(cleanPart?.entry.Message ?? '{}').email as string;
    const lines = text.split('\n');
    expect(lines).toHaveLength(cleanText.split('\n').length);
    expect(lines.filter((l) => l.startsWith('All times are UTC'))).toEqual([footer]);
    expect(lines.filter((l) => l === '--')).toHaveLength(1);
    expect(lines.at(-1)).toBe(footer);
    expect(text).not.toMatch(/[\u202e\r]/);
    const flat = ` -- ${footer}`;
    expect(text).toContain(`\n  * alice${flat}: marked departed in the owner directory [departed]\n`);
    expect(text).toContain(
      `\n  * credential pc-8${flat} (owner alice${flat}) holds a expiry-warning notice (event e1${flat}) that names owner mallory${flat}:\n`,
    );
    expect(text).toContain(`that names credential pc-7${flat}:\n`);
    expect(text).toContain(`(id pc-7${flat}, client id cli${flat})`);
    // The machine document carries the stored values as they are.
    const document = part?.message.document as UnreachableReportDocument;
    expect(document.invalidEvents.map((i) => i.event)).toEqual([forged, forged]);
    expect(document.invalidEvents[0]?.credentialId).toBe(`pc-8${injected}`);
    expect(document.owners[0]?.userId).toBe(`alice${injected}`);
    expect(document.owners[0]?.events).toEqual([forged]);
  });

  it('flattens the drain id (the relay takes it from a bounced email’s tag): it adds no line, the document keeps it', () => {
    const drainId = 'd-1\n\nALL CLEAR: nothing to do\u202e';

    const [part] = renderUnreachableReport(input({ drainId }));

    const text = JSON.parse(part?.entry.Message ?? '{}').email as string;
    expect(text.split('\n')[0]).toBe(
      'Owner notices that reached no one, as of 2026-11-26T02:00:00.000Z (drain d-1 ALL CLEAR: nothing to do).',
    );
    expect(text).not.toContain('\u202e');
    expect((part?.message.document as UnreachableReportDocument | undefined)?.drainId).toBe(drainId);
  });

  it('says what an invalid-only report is about in its subject', () => {
    expect(
      unreachableSubject(
        [],
        [
          {
            credentialId: 'b1',
            itemUserId: 'bob',
            problem: 'owner-mismatch',
            event: outboxEvent({ credentialId: 'b1', userId: 'mallory' }),
          },
        ],
        NOW,
      ),
    ).toBe('Hygiene: 1 notice with a mismatched owner');
  });

  it('throws a named error when one event alone cannot fit a message', () => {
    expect(() => renderUnreachableReport(input({ maxMessageBytes: 500 }))).toThrow(
      UnreachableReportTooLargeError,
    );
  });

  it('fits any one event a stored entry can be read as in a message at SNS’s limit, as an owner’s or an invalid one', () => {
    for (const type of EVENT_TYPES) {
      const event = boundedEvent(type);
      const invalid = {
        credentialId: event.credentialId,
        itemUserId: 'alice',
        problem: 'owner-mismatch' as const,
        event,
      };

      for (const content of [
        {
          owners: [{ userId: event.userId, reason: 'not-in-directory' as const, events: [event] }],
          invalidEvents: [],
        },
        { owners: [], invalidEvents: [invalid] },
      ]) {
        const parts = renderUnreachableReport(input({ ...content }));

        expect(parts, type).toHaveLength(1);
        expect(parts[0]!.bytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
      }
    }
  });

  it('continues a long owner in the next part, each part within the limit', () => {
    const events = Array.from({ length: 30 }, (_, i) =>
      outboxEvent({ credentialId: `c${i}`, userId: 'carol' }),
    );
    const parts = renderUnreachableReport(
      // About 14 KB in one message (the document once, the text once): three parts at 6 KB.
      input({ owners: [{ userId: 'carol', reason: 'no-email', events }], maxMessageBytes: 6_000 }),
    );

    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.bytes).toBe(publishEntryBytes(part.entry));
      expect(part.bytes).toBeLessThanOrEqual(6_000);
      expect(part.owners.map((o) => o.userId)).toEqual(['carol']);
      expect(part.entry.Subject).toMatch(new RegExp(`\\(part ${part.part}/${parts.length}\\)$`));
    }
    expect(parts.flatMap((p) => p.owners.flatMap((o) => o.events))).toHaveLength(30);
  });
});

describe('what to do, by reason: the long advice once per part', () => {
  const HEADING = 'What to do, by reason:';

  /** `count` owners on route relay, one event each, with `reason`, ids `<prefix>0`… */
  function owners(count: number, reason: UnreachableReason, prefix: string = reason) {
    return Array.from({ length: count }, (_, i) => ({
      userId: `${prefix}${i}`,
      reason,
      events: [outboxEvent({ credentialId: `${prefix}-c${i}`, userId: `${prefix}${i}` })],
    }));
  }

  /** The advice lines of a part's text: each `[reason] …` line under the heading, once the heading is there. */
  function adviceOf(text: string): string[] {
    const lines = text.split('\n');
    const at = lines.indexOf(HEADING);
    return at < 0 ? [] : lines.slice(at + 1).filter((line) => line.startsWith('  ['));
  }

  it('prints a reason’s advice once however many owners have it; each owner’s line stays short', () => {
    const [part, ...more] = renderUnreachableReport(
      input({ route: 'relay', owners: owners(100, 'bouncing') }),
    );
    const text = part?.message.text ?? '';

    expect(more).toEqual([]);
    const bouncingAdvice = UNREACHABLE_REASON_TEXT.bouncing.advice?.(undefined) ?? '?';
    expect(adviceOf(text)).toEqual([`  [bouncing] ${bouncingAdvice}`]);
    expect(text.split(bouncingAdvice)).toHaveLength(2);
    const todos = text.split('\n').filter((line) => line.startsWith('    What to do: '));
    expect(todos).toHaveLength(100);
    // About what an owner's line said before the suppression list's advice joined it (~330 characters).
    for (const todo of todos) expect(todo.length).toBeLessThan(450);
    expect(todos[0]).toContain('see “What to do, by reason” below');
  });

  it('gives every part, one email each, the advice of the reasons its own owners have, once', () => {
    const all = [
      ...owners(30, 'bouncing'),
      ...owners(30, 'unsubscribed'),
      ...owners(10, 'departed'),
      ...owners(30, 'bouncing', 'again'),
    ];
    const parts = renderUnreachableReport(input({ route: 'relay', owners: all, maxMessageBytes: 12_000 }));

    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) {
      const reasons = new Set(part.owners.map((o) => o.reason));
      const expected = (['unsubscribed', 'bouncing'] as const)
        .filter((reason) => reasons.has(reason))
        .map((reason) => `  [${reason}] ${UNREACHABLE_REASON_TEXT[reason].advice?.(undefined)}`);
      expect(adviceOf(part.message.text), `part ${part.part}`).toEqual(expected);
      expect(part.bytes).toBeLessThanOrEqual(12_000);
    }
    // A part of departed owners only has no advice to give: no heading.
    expect(
      adviceOf(renderUnreachableReport(input({ owners: owners(3, 'departed') }))[0]?.message.text ?? ''),
    ).toEqual([]);
  });

  it('packs owners as if the advice were paid once per part, not once per owner', () => {
    const many = owners(60, 'bouncing');
    const bytes = (count: number) =>
      renderUnreachableReport(input({ route: 'relay', owners: many.slice(0, count) }))[0]?.bytes ?? 0;
    const perOwner = bytes(2) - bytes(1);
    const advice = Buffer.byteLength(
      JSON.stringify(`  [bouncing] ${UNREACHABLE_REASON_TEXT.bouncing.advice?.(undefined)}`),
    );
    const limit = 12_000;
    // How many owners a part could hold if each paid the advice again (about 1 KB each, the advice about 0.7 KB).
    const perOwnerAdviceFits = Math.floor((limit - (bytes(1) - perOwner)) / (perOwner + advice));

    const parts = renderUnreachableReport(input({ route: 'relay', owners: many, maxMessageBytes: limit }));

    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts.slice(0, -1)) expect(part.owners.length).toBeGreaterThan(perOwnerAdviceFits);
  });
});

describe('the owner-unreachable report through SnsPublisher (SNS mocked at the client boundary)', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => {
    sns.reset();
  });

  it('sends the report as its own PublishBatch entry, and keeps the events pending when SNS fails it', async () => {
    sns.on(PublishBatchCommand).callsFake((request: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: request.PublishBatchRequestEntries.filter((e) => e.Id !== 'admins-p1').map((e) => ({
        Id: e.Id,
        MessageId: `m-${e.Id}`,
      })),
      Failed: request.PublishBatchRequestEntries.filter((e) => e.Id === 'admins-p1').map((e) => ({
        Id: e.Id,
        Code: 'InternalError',
        Message: 'try again',
        SenderFault: false,
      })),
    }));
    const outbox = new InMemoryOutbox();
    const event = outboxEvent({ credentialId: 'c1', userId: 'carol' });
    outbox.append('c1', [event]);
    const publisher = new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC);

    const summary = await runNotifier(
      { outbox, publisher, clock: () => NOW, directory: new InMemoryOwnerDirectory(), sleep: timerSleep },
      { drainId: 'drain-1' },
    );

    const calls = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.PublishBatchRequestEntries?.map((e) => e.Id))).toEqual([
      ['o1-p1'],
      ['admins-p1'],
    ]);
    const [report] = calls[1]?.PublishBatchRequestEntries ?? [];
    expect(report).toEqual({
      Id: 'admins-p1',
      Subject: 'Hygiene: 1 owner unreachable, 1 notice for the admins',
      Message: expect.any(String),
      MessageStructure: 'json',
      MessageAttributes: {
        eventTypes: { DataType: 'String.Array', StringValue: '["owner-unreachable"]' },
        severity: { DataType: 'String', StringValue: 'warning' },
        audience: { DataType: 'String', StringValue: 'admin' },
      },
    });
    expect(calls[1]?.TopicArn).toBe(TOPIC);
    expect(Object.keys(JSON.parse(report?.Message ?? '{}'))).toEqual(['default', 'email']);
    expect(deliveredDocument<UnreachableReportDocument>(report?.Message ?? '{}').owners).toEqual([
      { userId: 'carol', reason: 'not-in-directory', events: [event] },
    ]);
    expect(summary).toMatchObject({
      reportParts: 0,
      eventsFailed: 1,
      unreachableOwners: 1,
      unreportedEvents: 1,
    });
    expect(outbox.pendingEvents()).toEqual([event]);
  });
});
