/**
 * The addresses the relay gives SES, at the client boundary
 * (aws-sdk-client-mock): SES takes 7-bit ASCII addresses only (SES API
 * reference, `Destination`), so `FromEmailAddress` is the sender's bare
 * address (a non-ASCII display name stays in the MIME `From` header, encoded),
 * an IDN domain is sent in Punycode in both the request and the headers, and a
 * non-ASCII local part is never sent: the relay skips such an owner as
 * unreachable, and the sender refuses one before any request.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { relayBatch } from '../../lambdas/relay/relay';
import { UnsendableAddressError } from '../../lambdas/relay/ses-address';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory } from './support/relay-fakes';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

/** A sender the config accepts: a non-ASCII display name, an ASCII address. */
const FROM = 'Hygiène Sécurité <hygiene@corp.example>';

const OWNERS: OwnerRecord[] = [
  { userId: 'ada', email: 'ada@example.com', name: 'Ada', status: 'active' },
  { userId: 'bob', email: 'bob@bücher.example', name: 'Bob Bücher', status: 'active' },
  { userId: 'jose', email: 'josé@corp.example', name: 'José', status: 'active' },
];

/** The SQS record of `userId`'s digest, as a drain that judged the owner `ownerReach` published it. */
const record = (userId: string, ownerReach: 'reachable' | 'unreachable' = 'reachable') =>
  digestRecord(userId, undefined, 1, ownerReach);

function relayDeps(from = FROM) {
  return {
    directory: memoryDirectory(OWNERS),
    ledger: new MemoryRelayLedger(),
    sender: new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), { maxAttempts: 1 }),
    clock: () => SAMPLE_NOW + 5_000,
    from,
    leaseMs: 60_000,
  };
}

/** The header section of raw MIME, as bytes. */
function headerBytes(raw: Uint8Array): Buffer {
  const bytes = Buffer.from(raw);
  return bytes.subarray(0, bytes.indexOf('\r\n\r\n'));
}

describe('the SES SendEmail request of a relay email', () => {
  it('gives SES the sender’s bare address, and keeps its encoded name in the From header', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

    const result = await relayBatch(relayDeps(), [record('ada')]);

    expect(result.batchItemFailures).toEqual([]);
    const [call] = ses.commandCalls(SendEmailCommand);
    const input = call?.args[0].input;
    expect(input).toEqual({
      FromEmailAddress: 'hygiene@corp.example',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Raw: { Data: expect.any(Uint8Array) } },
      EmailTags: expect.any(Array),
    });
    const raw = input?.Content?.Raw?.Data ?? new Uint8Array();
    expect([...headerBytes(raw)].every((byte) => byte < 0x80)).toBe(true);
    const mail = await simpleParser(Buffer.from(raw));
    expect(mail.from?.value).toEqual([{ address: 'hygiene@corp.example', name: 'Hygiène Sécurité' }]);
  });

  it('gives SES an IDN domain in Punycode, as the To header has it', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });

    const result = await relayBatch(relayDeps('Hygiène <hygiene@sécurité.example>'), [record('bob')]);

    expect(result.batchItemFailures).toEqual([]);
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('hygiene@xn--scurit-bvaf.example');
    expect(input?.Destination).toEqual({ ToAddresses: ['bob@xn--bcher-kva.example'] });
    const head = headerBytes(input?.Content?.Raw?.Data ?? new Uint8Array());
    expect([...head].every((byte) => byte < 0x80)).toBe(true);
    expect(head.toString('ascii')).toMatch(/^To: .*<bob@xn--bcher-kva\.example>\r$/m);
    expect(head.toString('ascii')).toMatch(/^From: .*<hygiene@xn--scurit-bvaf\.example>\r$/m);
  });

  it('sends nothing to an owner whose address is not ASCII before the @: skipped as unreachable', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-3' });

    const result = await relayBatch(relayDeps(), [record('jose', 'unreachable')]);

    expect(result.outcomes).toEqual([
      { recordId: 'msg-jose', status: 'skipped', userId: 'jose', reason: 'unsendable-address' },
    ]);
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });
});

describe('SesEmailSender', () => {
  const email = {
    raw: Buffer.from('From: a@b\r\n\r\nhi'),
    from: 'hygiene@corp.example',
    to: 'ada@example.com',
    tags: {},
    digest: { userId: 'ada', drainId: 'd', part: 1 },
  };
  const sender = () => new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), { maxAttempts: 3 });

  it.each([
    [
      'a recipient',
      { to: 'josé@corp.example' },
      /"josé@corp\.example": Amazon SES cannot send .* not ASCII before the @/,
    ],
    ['a sender', { from: 'José <josé@corp.example>' }, /"josé@corp\.example"/],
    ['a domain with no Punycode form', { to: 'ada@exa mple.com' }, /no Punycode/],
  ])('refuses %s SES cannot take, permanently, before any request', async (_what, change, message) => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'never' });

    const sending = sender().send({ ...email, ...change });

    await expect(sending).rejects.toThrow(UnsendableAddressError);
    await expect(sending).rejects.toThrow(message);
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });
});
