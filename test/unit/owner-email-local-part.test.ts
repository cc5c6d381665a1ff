/**
 * An owner address whose local part holds an RFC 5322 special, whitespace or
 * a quote (`x,y@example.com`, `"a b"@example.com`, `a;b@example.com`): legal
 * quoted, but nodemailer quotes it in the `To` header while SES's
 * `Destination` gets it bare, which SES may refuse or read as two addresses.
 * One rule (`localPartSpecial`, lambdas/hygiene/email-address-rules.ts) makes
 * `owners import` refuse it, naming the line, the character and the rule,
 * and makes one stored before that rule unsendable on `relay`
 * (`isSesSendable`, `unsendable-address`): reported to the admins, never a
 * send that fails. An ordinary address (`o'brien+tag@example.com`) passes both.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import { localPartSpecial } from '../../lambdas/hygiene/email-address-rules';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';
import { relayBatch } from '../../lambdas/relay/relay';
import { isSesSendable, sesAddress, UnsendableAddressError } from '../../lambdas/relay/ses-address';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { useTempDir } from '../support/temp-dir';
import { MemoryRelayLedger, memoryDirectory } from './support/relay-fakes';

/** The refusal of an address whose local part holds `named`, as the import words it. */
const refusal = (email: string, named: string) =>
  `email: ${JSON.stringify(email)} holds ${named} before the @ (an RFC 5322 special, whitespace or a quote: ` +
  'legal only in a quoted local part, which no owner needs; Amazon SES and SNS may refuse such an address, ' +
  'or read it as two) (owner email rule "a plain local part", docs/deploy.md "Owner directory"): fix the ' +
  'address in the source, or leave the row out of the export (one rejected row refuses the whole file)';

const problemsOf = (email: string): readonly string[] => {
  const checked = checkOwnerRow({ line: 2, fields: { userId: 'u', email, status: 'active' } }, new Map());
  return 'rejected' in checked ? checked.rejected.problems : [];
};

/** Local parts with a special character, whitespace or a quote, and how the import names it. */
const ODD: readonly (readonly [email: string, named: string])[] = [
  ['x,y@example.com', "',' (U+002C)"],
  ['"a b"@example.com', `'"' (U+0022)`],
  ['a;b@example.com', "';' (U+003B)"],
  ['a:b@example.com', "':' (U+003A)"],
  ['(a)b@example.com', "'(' (U+0028)"],
  ['[a]@example.com', "'[' (U+005B)"],
  ['a\\b@example.com', "'\\' (U+005C)"],
  ['a b@example.com', 'whitespace (U+0020)'],
  // Not ASCII either (SES refuses it as such); a tab is a control character (the rule "no invisible characters").
  ['a\u00A0b@example.com', 'whitespace (U+00A0)'],
];

/** Addresses an owner may well have: specials of RFC 5322's atext (`'`, `+`, `&`, …) are not specials. */
const ORDINARY = [
  "o'brien+tag@example.com",
  'first.last@sub.example.co.uk',
  "a!#$%&'*+/=?^_`{|}~-b@example.com",
  'bob@bücher.example',
];

describe('localPartSpecial', () => {
  it.each(ODD)('finds the special character of %j', (email) => {
    expect(localPartSpecial(email)).toBe([...email].find((c) => /[\s"(),:;<>@[\\\]]/u.test(c)));
  });

  it.each(ORDINARY)('finds none in %j', (email) => {
    expect(localPartSpecial(email)).toBeUndefined();
  });

  it('judges the local part only: what comes before the last @', () => {
    expect(localPartSpecial('a@b@example.com')).toBe('@');
    expect(localPartSpecial('ann@exa mple.com')).toBeUndefined();
    expect(localPartSpecial('Ann Smith')).toBeUndefined();
  });
});

describe('owners import: a special character before the @', () => {
  it.each(ODD)('refuses %j, naming the character and the rule', (email, named) => {
    expect(problemsOf(email)).toEqual([refusal(email, named)]);
  });

  it.each(ORDINARY)('accepts %j', (email) => {
    expect(problemsOf(email)).toEqual([]);
  });

  it('still calls what has no single @ no email address', () => {
    for (const email of ['Ann Smith', 'a@b@example.com', '@example.com'])
      expect(problemsOf(email)).toEqual([`email: ${JSON.stringify(email)} is not an email address`]);
  });

  const tempDir = useTempDir('owner-email-local-part');
  const noDynamoDb = {
    send: () => {
      throw new Error('a refused file must not reach DynamoDB');
    },
  } as unknown as DynamoDBDocumentClient;

  it('refuses a CSV export holding such rows, naming each row, and writes nothing', async () => {
    const file = join(tempDir(), 'owners.csv');
    await writeFile(
      file,
      'userId,email,name,status\n' +
        'u1,"x,y@example.com",X,active\n' +
        'u2,"""a b""@example.com",A,active\n' +
        'u3,a;b@example.com,B,active\n' +
        "u4,o'brien+tag@example.com,O,active\n",
    );

    const summary = await importOwnerFile(noDynamoDb, {
      table: 'owners',
      file,
      asOf: '2026-11-30T00:00:00.000Z',
      now: '2026-12-01T00:00:00.000Z',
      sync: false,
      maxDeletePercent: 10,
    });

    expect(summary).toMatchObject({ outcome: 'rejected', rows: 4, rejectedRowCount: 3 });
    expect(summary.rejectedRows).toEqual([
      { line: 2, userId: 'u1', problems: [refusal('x,y@example.com', "',' (U+002C)")] },
      { line: 3, userId: 'u2', problems: [refusal('"a b"@example.com', `'"' (U+0022)`)] },
      { line: 4, userId: 'u3', problems: [refusal('a;b@example.com', "';' (U+003B)")] },
    ]);
  });
});

describe('an address stored before the rule: unsendable on relay', () => {
  it.each(ODD)('sesAddress refuses %j and isSesSendable says no', (email) => {
    expect(() => sesAddress(email)).toThrow(UnsendableAddressError);
    const why = /[^\p{ASCII}]/u.test(email) ? /not ASCII before the @/ : /before the @ \(an RFC 5322 special/;
    expect(() => sesAddress(email)).toThrow(why);
    expect(isSesSendable(email)).toBe(false);
  });

  it.each(ORDINARY)('sesAddress takes %j', (email) => {
    expect(isSesSendable(email)).toBe(true);
  });

  it('keeps a display name with specials: only the address in <> is judged', () => {
    expect(sesAddress('"Hygiene, Bot" <hygiene@corp.example>')).toBe('hygiene@corp.example');
  });

  const owner = (email: string): OwnerRecord => ({ userId: 'x', email, status: 'active' });

  it('judges such an owner unsendable-address on relay, with the SES rule and with the domain’s own', () => {
    for (const sendable of [isSesSendable, undefined])
      expect(reachabilityOf(owner('x,y@example.com'), 'relay', sendable)).toEqual({
        reachable: false,
        reason: 'unsendable-address',
      });
    expect(reachabilityOf(owner("o'brien+tag@example.com"), 'relay', isSesSendable)).toEqual({
      reachable: true,
    });
  });

  // The drain gives such an owner's events to the admins: test/unit/ses-sendable-reach.test.ts (one case per rule).

  describe('the relay', () => {
    const ses = mockClient(SESv2Client);
    afterEach(() => ses.reset());

    it('skips the owner the drain reported, asking SES for nothing', async () => {
      ses.on(SendEmailCommand).resolves({ MessageId: 'never' });
      const deps = {
        directory: memoryDirectory([{ userId: 'x', email: 'x,y@example.com', status: 'active' }]),
        ledger: new MemoryRelayLedger(),
        sender: new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), { maxAttempts: 1 }),
        clock: () => SAMPLE_NOW + 5_000,
        from: 'hygiene@corp.example',
      };

      const result = await relayBatch(deps, [digestRecord('x', undefined, 1, 'unreachable')]);

      expect(result.outcomes).toEqual([
        { recordId: 'msg-x', status: 'skipped', userId: 'x', reason: 'unsendable-address' },
      ]);
      expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
    });
  });
});
