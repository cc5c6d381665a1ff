/**
 * One rule "SES can be asked to send to it" (`sesAddress` succeeds,
 * `lambdas/relay/ses-address.ts`): it decides both what the relay's sender
 * gives SES and owner reach on `relay` (`unsendable-address`), so an owner
 * whose address SES cannot take is reported to the admins by the drain and
 * skipped by the relay, never sent into `UnsendableAddressError`, five
 * retries and the DLQ. Odd domains the URL host rules cannot write in
 * Punycode, or read as an IP address, are refused; an ASCII domain is kept as
 * written (an existing deployment's `FromEmailAddress` stays byte for byte
 * what it was), a Unicode one goes in Punycode. Whitespace or a control
 * character is refused before the URL host rules could drop it.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { relayBatch, UnreportedUnreachableOwnerError } from '../../lambdas/relay/relay';
import { isSesSendable, sesAddress, UnsendableAddressError } from '../../lambdas/relay/ses-address';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';
import { MemoryRelayLedger, memoryDirectory } from './support/relay-fakes';

/** Addresses SES cannot be given, and why. */
const UNSENDABLE: readonly (readonly [address: string, why: RegExp])[] = [
  ['josé@corp.example', /not ASCII before the @/],
  // A ZWNJ right after a non-ASCII letter: the import accepts it, IDNA's ContextJ rule does not.
  ['bob@é\u200Cx.example', /no Punycode \(IDNA\) form/],
  ['bob@[1.2.3.4]', /no Punycode \(IDNA\) form/],
  ['bob@example.123', /no Punycode \(IDNA\) form/],
  ['bob@xn--zz.example', /a Punycode label that does not decode/],
  ['bob@0x7f.1', /an IP address \(127\.0\.0\.1\)/],
  ['bob@\uFF10x7f.1', /an IP address \(127\.0\.0\.1\)/],
  ['bob@1.2.3.4', /an IP address \(1\.2\.3\.4\)/],
  ['bob@exa%41mple.com', /would be read as "exaample\.com"/],
  // Whitespace and control characters: the URL host rules would drop a tab or line break from the domain.
  ['a@bü\r\ncher.example', /the domain has no Punycode \(IDNA\) form: it holds U\+000D/],
  ['a@bü\tcher.example', /it holds U\+0009 \(whitespace and control characters/],
  ['a@bücher.exa\nmple', /it holds U\+000A/],
  ['a@exa\tmple.com', /it holds U\+0009/],
  ['Ops <ops@bü\ncher.example>', /it holds U\+000A/],
  ['a@bü\u3000cher.example', /it holds U\+3000/],
  ['a@bü\u0001cher.example', /it holds U\+0001/],
  ['a\u0001b@example.com', /an address holding U\+0001 before the @/],
  ['a\u007fb@example.com', /an address holding U\+007F before the @/],
];

describe('sesAddress: what SES is asked for', () => {
  it.each([
    ['hygiene@corp.example', 'hygiene@corp.example'],
    ['Hygiene <hygiene@corp.example>', 'hygiene@corp.example'],
    // An ASCII domain as written: the IAM condition of an existing deployment names it so.
    ['sec@Corp.Example', 'sec@Corp.Example'],
    ['Hygiene <sec@Corp.Example>', 'sec@Corp.Example'],
    ['Hygiene <sec@bücher.example>', 'sec@xn--bcher-kva.example'],
    ['sec@Bücher.Example', 'sec@xn--bcher-kva.example'],
    ['bob@xn--bcher-kva.example', 'bob@xn--bcher-kva.example'],
  ])('%s → %s', (mailbox, expected) => {
    expect(sesAddress(mailbox)).toBe(expected);
    expect(isSesSendable(mailbox)).toBe(true);
  });

  it.each(UNSENDABLE)('refuses %j, saying why', (address, why) => {
    expect(() => sesAddress(address)).toThrow(UnsendableAddressError);
    expect(() => sesAddress(address)).toThrow(why);
    expect(isSesSendable(address)).toBe(false);
  });
});

const owner = (email: string): OwnerRecord => ({ userId: 'bob', email, status: 'active' });

describe('reachabilityOf on relay with the SES rule', () => {
  it.each(UNSENDABLE)('judges %j unsendable-address', (address) => {
    expect(reachabilityOf(owner(address), 'relay', isSesSendable)).toEqual({
      reachable: false,
      reason: 'unsendable-address',
    });
  });

  it('judges an address SES takes reachable (an IDN domain in Punycode, an ASCII one in any case)', () => {
    for (const address of ['bob@bücher.example', 'bob@Corp.Example', 'bob@example.com'])
      expect(reachabilityOf(owner(address), 'relay', isSesSendable)).toEqual({ reachable: true });
  });

  it('without the rule falls back to the local part alone, the part the domain judges', () => {
    expect(reachabilityOf(owner('josé@corp.example'), 'relay')).toEqual({
      reachable: false,
      reason: 'unsendable-address',
    });
    expect(reachabilityOf(owner('bob@example.123'), 'relay')).toEqual({ reachable: true });
  });

  it('leaves sns-email to the subscription', () => {
    const confirmed: OwnerRecord = { ...owner('bob@example.123'), subscription: 'confirmed' };
    expect(reachabilityOf(confirmed, 'sns-email', isSesSendable)).toEqual({ reachable: true });
  });
});

describe('the drain with the SES rule (NotifierDeps.sendable)', () => {
  // An IP-address domain, and a local part with a special character (stored before the import refused it).
  it.each(['bob@0x7f.1', 'x,y@example.com'])(
    'gives the events of an owner SES cannot email (%s) to the admins, reason unsendable-address',
    async (email) => {
      const outbox = new InMemoryOutbox();
      const publisher = new RecordingPublisher();
      const directory = new InMemoryOwnerDirectory([
        reachableOwner('alice'),
        { ...reachableOwner('bob'), email },
      ]);
      for (const userId of ['alice', 'bob'])
        outbox.append(`${userId}-pc`, [outboxEvent({ credentialId: `${userId}-pc`, userId })]);
      const now = requireInstant('2026-11-26T02:00:00.000Z', 'now');

      const summary = await runNotifier(
        { outbox, publisher, clock: () => now, directory, sendable: isSesSendable, sleep: timerSleep },
        { ownerDelivery: 'relay', drainId: 'd1' },
      );

      expect(summary.unreachableReasons['unsendable-address']).toBe(1);
      const reports = publisher.delivered
        .filter((e) => e.MessageAttributes.audience?.StringValue === 'admin')
        .map((e) => deliveredDocument<UnreachableReportDocument>(e.Message));
      expect(reports.flatMap((r) => r.owners.map((o) => [o.userId, o.reason]))).toEqual([
        ['bob', 'unsendable-address'],
      ]);
    },
  );
});

describe('the relay and an address SES cannot take', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());

  const owners: OwnerRecord[] = [
    { userId: 'bob', email: 'bob@example.123', status: 'active' },
    { userId: 'cyd', email: 'cyd@é\u200Cx.example', status: 'active' },
  ];
  const deps = () => ({
    directory: memoryDirectory(owners),
    ledger: new MemoryRelayLedger(),
    sender: new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), { maxAttempts: 1 }),
    clock: () => SAMPLE_NOW + 5_000,
    from: 'hygiene@corp.example',
  });
  const record = (userId: string, ownerReach: 'reachable' | 'unreachable') =>
    digestRecord(userId, undefined, 1, ownerReach);

  it('skips the owner the drain reported (unsendable-address), asking SES for nothing', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'never' });

    const result = await relayBatch(deps(), [record('bob', 'unreachable'), record('cyd', 'unreachable')]);

    expect(result.outcomes).toEqual([
      { recordId: 'msg-bob', status: 'skipped', userId: 'bob', reason: 'unsendable-address' },
      { recordId: 'msg-cyd', status: 'skipped', userId: 'cyd', reason: 'unsendable-address' },
    ]);
    expect(result.batchItemFailures).toEqual([]);
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });

  it('fails an unreported one as unreported-unreachable (its alarm), not as a send SES would refuse', async () => {
    const result = await relayBatch(deps(), [record('bob', 'reachable')]);

    const [outcome] = result.outcomes;
    expect(outcome?.status).toBe('failed');
    expect(outcome?.status === 'failed' && outcome.error).toBeInstanceOf(UnreportedUnreachableOwnerError);
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });
});
