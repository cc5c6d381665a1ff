/**
 * Every command the admins' `owner-unreachable` report tells them to run is aimed where it works
 * (docs/notifications.md, "The report message"): the `pc-hygiene owners …` commands of the owners' `What to do` and
 * of the reasons' advice carry the target flags the restore command carries — the deployment's `--stack NAME
 * --region REGION`, nothing for the local demo (`''`), or, when the deployment is not known, the words to add its
 * `--stack NAME` after the command — and name the owner by their id, quoted for a shell, where the command takes one.
 * A CLI drain of a table named directly aims them at the owner directory it read (`--directory-table`: the owner
 * commands take no `--table`). The relay's bounce report, and its notice when the events cannot be read back, say
 * the same.
 */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../lambdas/aws/sns-wire';
import { UNREACHABLE_REASONS, type UnreachableReason } from '../../lambdas/hygiene/owner-directory';
import { requireInstant } from '../../lambdas/hygiene/time';
import {
  OPT_OUT_SUPPRESSION_ADVICE,
  renderUnreachableReport,
  type UnreachableReportInput,
} from '../../lambdas/hygiene/unreachable-report';
import {
  type BouncedEmail,
  renderBounceReport,
  renderUnreadableBounceNotice,
} from '../../lambdas/relay/bounce-report';
import { reportBouncedDigest } from '../../lambdas/relay/bounced-digest';
import { sampleEvent } from '../support/sample-digest';
import { deliveredTo } from '../support/sns-delivery';
import { outboxEvent, RecordingPublisher } from './outbox-fakes';
import { MemoryRelayLedger } from './support/relay-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const STACK = '--stack HygieneProd --region eu-west-1';
const UNKNOWN = " (add the deployment's --stack NAME)";

/**
 * The three ways a report's commands are aimed, and what each appends to a command: `given`, the caller's
 * `targetFlags`; `after`, the text after each command; for a command naming an id that starts with `-` (put last,
 * after `--`), `before`, the text before the `--`, and `note`, the text after the id.
 */
const TARGETS = [
  { target: 'a deployment', given: STACK, after: ` ${STACK}`, before: ` ${STACK}`, note: '' },
  { target: 'none (the local demo)', given: '', after: '', before: '', note: '' },
  {
    target: 'not known',
    given: undefined,
    after: UNKNOWN,
    before: '',
    note: " (add the deployment's --stack NAME before the --)",
  },
] as const;

/** The report of one owner `userId` with `reason` (one expiry warning), aimed by `targetFlags`. */
function reportText(
  reason: UnreachableReason,
  targetFlags: string | undefined,
  userId = 'ada',
  extra: Partial<UnreachableReportInput> = {},
): string[] {
  const [part] = renderUnreachableReport({
    drainId: 'drain-1',
    now: NOW,
    route: 'relay',
    owners: [{ userId, reason, events: [outboxEvent({ credentialId: 'c1', userId })] }],
    invalidEvents: [],
    budget: SNS_LIMITS,
    ...(targetFlags !== undefined && { targetFlags }),
    ...extra,
  });
  return (part?.message.text ?? '').split('\n');
}

/** The owner's `What to do` line. */
function todoOf(lines: readonly string[]): string | undefined {
  return lines.find((line) => line.startsWith('    What to do: '));
}

/** The `[reason] …` advice line. */
function adviceOf(lines: readonly string[], reason: string): string | undefined {
  return lines.find((line) => line.startsWith(`  [${reason}] `));
}

describe.each(TARGETS)('the report’s commands, target $target', ({ given, after }) => {
  it('not-in-directory: the owner import, aimed at the directory', () => {
    expect(todoOf(reportText('not-in-directory', given))).toBe(
      `    What to do: add the owner to the directory (pc-hygiene owners import FILE${after}) or reassign the credential.`,
    );
  });

  it('subscription-pending: sync-subscriptions, aimed', () => {
    expect(todoOf(reportText('subscription-pending', given))).toBe(
      '    What to do: ask the owner to click the link in the confirmation email SNS sent them; no pc-hygiene ' +
        'command sends another while it is pending: if they cannot find it, SNS deletes it unconfirmed after 48 ' +
        'hours and the reconciler’s next run (hourly) subscribes them again, sending a new link, up to 3 links to ' +
        'one address in all (then it sends no more: subscription-unconfirmed). If they already clicked it, the ' +
        `next run (or now: pc-hygiene owners sync-subscriptions${after}) records it, and their digests reach them again.`,
    );
  });

  it('subscription-unconfirmed: resubscribe with the owner’s id, then sync-subscriptions, aimed', () => {
    expect(todoOf(reportText('subscription-unconfirmed', given))).toBe(
      '    What to do: tell the owner about these credentials another way; 3 confirmation emails went unanswered ' +
        'and pc-hygiene sends no more to this address. When the owner asks for one, run ' +
        `pc-hygiene owners resubscribe ada${after}: the reconciler’s next run (hourly, or now: ` +
        `pc-hygiene owners sync-subscriptions${after}) sends one new link. A new address from the import also starts over.`,
    );
  });

  it('unsubscribed: resubscribe with the owner’s id; the advice’s clear-bouncing, aimed', () => {
    const lines = reportText('unsubscribed', given);

    expect(todoOf(lines)).toBe(
      '    What to do: tell the owner about these credentials another way; if they want the emails again, run ' +
        `pc-hygiene owners resubscribe ada${after} (route sns-email: SNS then sends a new confirmation link; ` +
        'route relay: the next digest is emailed; SES’s suppression list: see “What to do, by reason” below). ' +
        'A move by the import to an address they did not opt out at also ends it.',
    );
    // Once per part for every owner with the reason: the owner is named by the placeholder, the target is not.
    const end =
      'an owner resubscribed before the address came off the list may have been marked bouncing by a ' +
      `suppressed send meanwhile: then, once it is off, also run pc-hygiene owners clear-bouncing "<userId>"${after}.`;
    expect(endOf(adviceOf(lines, 'unsubscribed'), end)).toBe(end);
  });

  it('no-subscription: sync-subscriptions and its dry run, aimed', () => {
    expect(todoOf(reportText('no-subscription', given))).toBe(
      `    What to do: run pc-hygiene owners sync-subscriptions${after} (or wait for the scheduled reconciler); if ` +
        'it stops at the filter-policy quota (SubscriptionQuotaExceeded), or SNS refuses the subscription with ' +
        'FilterPolicyLimitExceeded (the account’s quota), raise the quota and filterPolicyQuota, or switch to relay. ' +
        'If another active owner, or an admin or other email subscription, has the same address ' +
        `(pc-hygiene owners sync-subscriptions --dry-run${after} lists it as a conflict), a sync changes nothing: ` +
        'give the owner an address of their own, or switch to relay.',
    );
  });

  it('bouncing: clear-bouncing with the owner’s id, aimed', () => {
    expect(todoOf(reportText('bouncing', given))).toBe(
      '    What to do: correct the address in the directory source and import it again (a new address is not on ' +
        'SES’s suppression list); if the address works again unchanged (a mailbox restored, or an alias several ' +
        'owners share that SES suppressed after one owner’s complaint), remove it from the suppression list first ' +
        `(see “What to do, by reason” below), then run pc-hygiene owners clear-bouncing ada${after}.`,
    );
  });
});

describe.each(TARGETS)(
  'an id that starts with -, target $target: last, after --',
  ({ given, before, note }) => {
    it('restore: the credential id after the flags and --', () => {
      const [part] = renderUnreachableReport({
        drainId: 'drain-1',
        now: NOW,
        route: 'relay',
        owners: [
          {
            userId: 'ada',
            reason: 'departed',
            events: [outboxEvent({ credentialId: '-c1', userId: 'ada', type: 'deleted-stale' })],
          },
        ],
        invalidEvents: [],
        budget: SNS_LIMITS,
        ...(given !== undefined && { targetFlags: given }),
      });

      expect(part?.message.text.split('\n')).toContain(
        `      To restore it if the owner still needs it: pc-hygiene restore --reason "<why>"${before} -- -c1${note}`,
      );
    });

    it('resubscribe: the owner id after the flags and --', () => {
      expect(todoOf(reportText('unsubscribed', given, '-ada'))).toContain(
        `if they want the emails again, run pc-hygiene owners resubscribe${before} -- -ada${note} (route sns-email: `,
      );
      expect(todoOf(reportText('subscription-unconfirmed', given, '-ada'))).toContain(
        `When the owner asks for one, run pc-hygiene owners resubscribe${before} -- -ada${note}: the reconciler’s `,
      );
    });

    it('clear-bouncing: the owner id after the flags and --', () => {
      const end = `then run pc-hygiene owners clear-bouncing${before} -- -ada${note}.`;
      expect(endOf(todoOf(reportText('bouncing', given, '-ada')), end)).toBe(end);
    });
  },
);

/** The end of `line` as long as `expected`, to compare with it (a line's end is where a command ends). */
function endOf(line: string | undefined, expected: string): string | undefined {
  return line?.slice(-expected.length);
}

describe('the report’s owner commands', () => {
  it('quote an owner id a shell would split or expand, as the restore command quotes a credential id', () => {
    const lines = reportText('bouncing', STACK, "o'neil $(x)");

    expect(todoOf(lines)).toMatch(
      /then run pc-hygiene owners clear-bouncing 'o'\\''neil \$\(x\)' --stack HygieneProd --region eu-west-1\.$/,
    );
  });

  it('quote an id that starts with - as any other, after the --', () => {
    const lines = reportText('bouncing', STACK, "-o'neil $(x)");

    expect(todoOf(lines)).toMatch(
      /then run pc-hygiene owners clear-bouncing --stack HygieneProd --region eu-west-1 -- '-o'\\''neil \$\(x\)'\.$/,
    );
  });

  it('name the topic a CLI drain named in its sync-subscriptions commands, and only in those', () => {
    const directory = '--endpoint http://127.0.0.1:8000 --directory-table Owners';
    const topic =
      '--topic-arn arn:aws:sns:eu-west-1:123456789012:hygiene --sns-endpoint http://127.0.0.1:9911';
    const aimed = {
      targetFlags: '--endpoint http://127.0.0.1:8000 --table Creds',
      directoryTargetFlags: directory,
      topicTargetFlags: topic,
    };

    const noSubscription = todoOf(reportText('no-subscription', STACK, 'ada', aimed));
    const unconfirmed = todoOf(reportText('subscription-unconfirmed', STACK, 'ada', aimed));
    const pending = todoOf(reportText('subscription-pending', STACK, 'ada', aimed));
    const unsubscribed = reportText('unsubscribed', STACK, 'ada', aimed);

    expect(noSubscription).toContain(
      `run pc-hygiene owners sync-subscriptions ${directory} ${topic} (or wait`,
    );
    expect(noSubscription).toContain(
      `(pc-hygiene owners sync-subscriptions --dry-run ${directory} ${topic} lists`,
    );
    expect(unconfirmed).toContain(`run pc-hygiene owners resubscribe ada ${directory}: the reconciler’s`);
    expect(unconfirmed).toContain(
      `(hourly, or now: pc-hygiene owners sync-subscriptions ${directory} ${topic}) sends`,
    );
    expect(pending).toContain(
      `(or now: pc-hygiene owners sync-subscriptions ${directory} ${topic}) records it`,
    );
    // The commands that take no topic: none carries it.
    expect(todoOf(unsubscribed)).toContain(`run pc-hygiene owners resubscribe ada ${directory} (route`);
    expect(adviceOf(unsubscribed, 'unsubscribed')).toMatch(
      /clear-bouncing "<userId>" --endpoint \S+ --directory-table Owners\.$/,
    );
    expect(todoOf(reportText('not-in-directory', STACK, 'ada', aimed))).toContain(
      `(pc-hygiene owners import FILE ${directory})`,
    );
  });

  it('aim at the owner directory a CLI drain read, where the restore command aims at its table', () => {
    const local = '--endpoint http://127.0.0.1:8000';
    const [part] = renderUnreachableReport({
      drainId: 'drain-1',
      now: NOW,
      route: 'relay',
      owners: [
        {
          userId: 'ada',
          reason: 'bouncing',
          events: [outboxEvent({ credentialId: 'c1', userId: 'ada', type: 'deleted-stale' })],
        },
      ],
      invalidEvents: [],
      budget: SNS_LIMITS,
      targetFlags: `${local} --table Creds`,
      directoryTargetFlags: `${local} --directory-table Owners`,
    });
    const lines = (part?.message.text ?? '').split('\n');

    expect(todoOf(lines)).toMatch(
      /then run pc-hygiene owners clear-bouncing ada --endpoint http:\/\/127\.0\.0\.1:8000 --directory-table Owners\.$/,
    );
    expect(lines).toContain(
      '      To restore it if the owner still needs it: pc-hygiene restore c1 --reason "<why>" ' +
        '--endpoint http://127.0.0.1:8000 --table Creds',
    );
  });
});

describe('an id the report cannot show as stored (flattened): a placeholder in its command, and why', () => {
  /** The restore line of a deletion of credential `credentialId`, aimed by `targetFlags`. */
  const restoreLineOf = (credentialId: string, targetFlags: string | undefined) => {
    const [part] = renderUnreachableReport({
      drainId: 'drain-1',
      now: NOW,
      route: 'relay',
      owners: [
        {
          userId: 'ada',
          reason: 'departed',
          events: [outboxEvent({ credentialId, userId: 'ada', type: 'deleted-stale' })],
        },
      ],
      invalidEvents: [],
      budget: SNS_LIMITS,
      ...(targetFlags !== undefined && { targetFlags }),
    });
    return (part?.message.text ?? '').split('\n').find((line) => line.includes('To restore it'));
  };
  const CREDENTIAL_WHY = ' (its id holds characters this report cannot show: pc-hygiene export shows it)';

  it.each([
    ['a Hangul filler', 'abc\u3164def'],
    ['a zero-width space', 'abc\u200bdef'],
    ['a line break', 'abc\ndef'],
    ['two spaces', 'abc  def'],
  ])('restore of a credential id holding %s: "<credentialId>", never the flattened id', (_, id) => {
    expect(restoreLineOf(id, STACK)).toBe(
      `      To restore it if the owner still needs it: pc-hygiene restore "<credentialId>" --reason "<why>" ${STACK}${CREDENTIAL_WHY}`,
    );
  });

  it('one that starts with -: the placeholder after --, where the id typed in its place goes', () => {
    expect(restoreLineOf('-abc\u200bdef', undefined)).toBe(
      '      To restore it if the owner still needs it: pc-hygiene restore --reason "<why>" -- "<credentialId>"' +
        ` (add the deployment's --stack NAME before the --)${CREDENTIAL_WHY}`,
    );
  });

  it('a plain id (quoted or not) is still named', () => {
    expect(restoreLineOf('abc def', STACK)).toContain(
      `pc-hygiene restore 'abc def' --reason "<why>" ${STACK}`,
    );
    expect(restoreLineOf('abc def', STACK)).not.toContain('<credentialId>');
  });

  it('an owner id holding one: "<userId>" in the owner commands, and why', () => {
    const why =
      ' (the owner’s id holds characters this report cannot show: pc-hygiene export shows it on their credentials)';

    const end = `then run pc-hygiene owners clear-bouncing "<userId>" ${STACK}${why}.`;
    expect(endOf(todoOf(reportText('bouncing', STACK, 'ada\u3164lovelace')), end)).toBe(end);
    expect(todoOf(reportText('unsubscribed', STACK, 'ada\u200blovelace'))).toContain(
      `run pc-hygiene owners resubscribe "<userId>" ${STACK}${why} (route sns-email: `,
    );
  });
});

describe('the report’s placeholders paste as one word each', () => {
  /** `text` without its double-quoted words: what a shell would read as syntax. */
  const unquoted = (text: string) => text.replace(/"[^"]*"/g, 'WORD');

  it.each(UNREACHABLE_REASONS)('%s: no bare < or > (a shell redirection) in any line', (reason) => {
    const lines = reportText(reason, STACK);

    for (const line of lines) expect(unquoted(line)).not.toMatch(/[<>]/);
  });

  it('the owner id and the address in the advice are quoted, as "<why>" is', () => {
    const lines = reportText('unsubscribed', STACK);
    const advice = adviceOf(lines, 'unsubscribed') ?? '';

    expect(advice).toContain(
      'aws sesv2 get-suppressed-destination --email-address "<address>" tells whether it is there, and ' +
        'aws sesv2 delete-suppressed-destination --email-address "<address>" removes it',
    );
    expect(advice).toMatch(
      /also run pc-hygiene owners clear-bouncing "<userId>" --stack HygieneProd --region eu-west-1\.$/,
    );
    expect(OPT_OUT_SUPPRESSION_ADVICE).toMatch(/also run pc-hygiene owners clear-bouncing "<userId>"$/);
  });
});

describe('a CLI drain that named no topic: its sync-subscriptions commands say to add --topic-arn', () => {
  const directory = '--endpoint http://127.0.0.1:8000 --directory-table Owners';
  const aimed = {
    targetFlags: '--endpoint http://127.0.0.1:8000 --table Creds',
    directoryTargetFlags: directory,
  };
  const sync = `pc-hygiene owners sync-subscriptions ${directory} (add the topic's --topic-arn ARN)`;
  const dryRun = `pc-hygiene owners sync-subscriptions --dry-run ${directory} (add the topic's --topic-arn ARN)`;

  it('no-subscription: both commands, the words after each', () => {
    const todo = todoOf(reportText('no-subscription', STACK, 'ada', aimed));

    expect(todo).toContain(`What to do: run ${sync} (or wait for the scheduled reconciler);`);
    expect(todo).toContain(`has the same address (${dryRun} lists it as a conflict), a sync changes nothing`);
  });

  it('subscription-pending and subscription-unconfirmed: the sync, the words after it; resubscribe needs none', () => {
    expect(todoOf(reportText('subscription-pending', STACK, 'ada', aimed))).toContain(
      `If they already clicked it, the next run (or now: ${sync}) records it,`,
    );
    const unconfirmed = todoOf(reportText('subscription-unconfirmed', STACK, 'ada', aimed));
    expect(unconfirmed).toContain(
      `run pc-hygiene owners resubscribe ada ${directory}: the reconciler’s next run`,
    );
    expect(unconfirmed).toContain(`(hourly, or now: ${sync}) sends one new link.`);
  });

  it('a deployment names its topic by its --stack: nothing to add', () => {
    const todo = todoOf(reportText('no-subscription', STACK));

    expect(todo).toContain(`run pc-hygiene owners sync-subscriptions ${STACK} (or wait`);
    expect(todo).not.toContain('--topic-arn');
  });
});

describe('the relay’s bounce report: the same aimed commands', () => {
  const EMAIL = {
    userId: 'ada',
    drainId: 'drain-1',
    part: 2,
    sentTo: ['ada@example.com'],
    bouncedAt: '2026-11-26T03:00:00.000Z',
    sesMessageId: 'ses-msg-1',
  } satisfies BouncedEmail;
  const EVENTS = [sampleEvent('deleted-stale', 'pc-1', {}, 'ada')];
  const CLEAR = 'then run pc-hygiene owners clear-bouncing';

  it.each(TARGETS)('with its events: the owner’s clear-bouncing, target $target', ({ given, after }) => {
    const [part] = renderBounceReport({
      email: EMAIL,
      events: EVENTS,
      now: NOW,
      budget: SNS_LIMITS,
      ...(given !== undefined && { targetFlags: given }),
    });

    const end = `${CLEAR} ada${after}.`;
    expect(endOf(todoOf(part?.message.text.split('\n') ?? []), end)).toBe(end);
  });

  it.each(TARGETS)('without its events: the owner’s clear-bouncing, target $target', ({ given, after }) => {
    const notice = renderUnreadableBounceNotice(EMAIL, 'no entry', NOW, SNS_LIMITS, given);
    const untagged = renderUnreadableBounceNotice(
      { sentTo: ['x@example.com'], bouncedAt: EMAIL.bouncedAt },
      'no tags',
      NOW,
      SNS_LIMITS,
      given,
    );

    const todo = (text: string) => text.split('\n').find((line) => line.startsWith('What to do: '));
    const named = `${CLEAR} ada${after}.`;
    const unnamed = `${CLEAR} "<userId>"${after}.`;
    expect(endOf(todo(notice.message.text), named)).toBe(named);
    // No owner tag: no id to name, so the placeholder; the target all the same.
    expect(endOf(todo(untagged.message.text), unnamed)).toBe(unnamed);
  });

  it('the SES events function’s notice takes its deployment’s flags too', async () => {
    const publisher = new RecordingPublisher();
    const deps = {
      ledger: new MemoryRelayLedger(),
      publisher,
      clock: () => NOW,
      leaseMs: 60_000,
      sleep: async () => undefined,
      reportTargetFlags: STACK,
    };

    const outcome = await reportBouncedDigest(deps, EMAIL);

    expect(outcome).toMatchObject({ status: 'reported', eventsReadBack: false });
    const text = deliveredTo(publisher.delivered[0]?.Message ?? '{}', 'email');
    expect(text).toContain(`${CLEAR} ada ${STACK}.`);
  });
});
