/**
 * SES bounces and complaints attributed to owners on DynamoDB Local
 * (docs/notifications.md, "Email relay"): by the owner tag and the address the
 * relay sent to (`mail.destination`), compared with the directory's current
 * address trimmed and case-insensitively, and written only while the directory
 * still holds that address (the conditional write on the exact spelling read):
 * a permanent bounce marks the address bouncing, a complaint records the
 * owner `unsubscribed` there, an opt-out that survives the imports moving the
 * owner away and back (remembered per address) and travels in `owners export`. A complaint that arrives after
 * an import moved the owner away is remembered for the address complained about, also when an import that read
 * the owner before it writes the remembered set whole, and over a damaged stored set. A send SES suppressed (the
 * address on its suppression list: a complaint or a bounce with subtype `OnAccountSuppressionList`) at a mailbox
 * several owners share marks the other owner bouncing, never their opt-out, in the table and in `owners export`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { OWNER_TAG, ownerTags } from '../../lambdas/relay/email-tags';
import { type BounceDirectory, recordAddressProblems } from '../../lambdas/relay/ses-events';
import { directoryFlags, runCli } from '../support/run-cli';
import { hookSends } from '../support/send-hooks';
import { useTempDir } from '../support/temp-dir';
import {
  createTestDirectoryTable,
  type TestDirectoryTable,
  useTestDirectoryTable,
} from '../support/test-directory-table';
import { upsertNewOwners } from './support/sns-wire';

const NOW = '2026-12-01T00:00:00.000Z';
const BOUNCED_AT = '2026-12-01T01:00:00.000Z';

/** `owners export` of `table` (the CLI), one parsed object per owner. */
async function ownersExport(table: TestDirectoryTable): Promise<Record<string, unknown>[]> {
  const run = await runCli(['owners', 'export', ...directoryFlags(table)]);
  expect(run.code).toBe(0);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The `mail` part of an SES event for the relay's email to `destination` for `userId`. */
function mail(userId: string, destination: string) {
  return {
    timestamp: '2026-12-01T00:59:00.000Z',
    destination: [destination],
    tags: { [OWNER_TAG]: [ownerTags(userId)[OWNER_TAG]] },
  };
}

/** An SES event-publishing permanent bounce of the relay's email to `destination`, the DSN naming `bouncedRecipient`. */
function permanentBounce(userId: string, destination: string, bouncedRecipient: string): string {
  return JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: bouncedRecipient, action: 'failed', status: '5.1.1' }],
      timestamp: BOUNCED_AT,
    },
    mail: mail(userId, destination),
  });
}

/** An SES complaint about the relay's email to `destination`, the feedback naming `complainedRecipient`. */
function complaint(userId: string, destination: string, complainedRecipient: string): string {
  return JSON.stringify({
    eventType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: complainedRecipient }], timestamp: BOUNCED_AT },
    mail: mail(userId, destination),
  });
}

/**
 * The SES event of the relay's email to `destination` for `userId` when SES suppressed it (the address on the
 * account's suppression list), as a complaint (`complaintSubType` `OnAccountSuppressionList`; `null` is a person's
 * complaint: SES API reference, `Complaint.ComplaintSubType`) or a permanent bounce of that subtype.
 */
function suppressedSend(kind: 'Complaint' | 'Bounce', userId: string, destination: string): string {
  const recipients = [{ emailAddress: destination }];
  const detail =
    kind === 'Complaint'
      ? {
          complainedRecipients: recipients,
          timestamp: BOUNCED_AT,
          feedbackId: 'fb-1',
          complaintSubType: 'OnAccountSuppressionList',
        }
      : {
          bounceType: 'Permanent',
          bounceSubType: 'OnAccountSuppressionList',
          bouncedRecipients: recipients,
          timestamp: BOUNCED_AT,
        };
  return JSON.stringify({
    eventType: kind,
    [kind === 'Complaint' ? 'complaint' : 'bounce']: detail,
    mail: mail(userId, destination),
  });
}

describe('SES bounces and complaints against the DynamoDB owner directory', () => {
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;
  const owner = async (userId: string): Promise<OwnerRecord | undefined> =>
    (await directory.getMany([userId])).get(userId);

  beforeAll(async () => {
    table = await createTestDirectoryTable('ses-bounces');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
    await upsertNewOwners(
      directory,
      [
        { userId: 'ada', email: 'Ada.Lovelace@Example.com', status: 'active' },
        { userId: 'ann', email: 'Ann@Example.com', status: 'active' },
        { userId: 'bob', email: 'bob@example.com', status: 'active' },
        { userId: 'cat', email: 'cat@example.com', status: 'active' },
        { userId: 'dan', email: 'dan@new.example', status: 'active' },
        { userId: 'eve', email: 'eve@example.com', status: 'active' },
        { userId: 'fay', email: 'fay@new.example', status: 'active' },
        { userId: 'gus', email: 'gus@example.com', status: 'active' },
        { userId: 'hal', email: 'Hal@example.com', status: 'active' },
      ],
      NOW,
    );
  });
  afterAll(() => table.drop());

  it('marks the owner when the DSN names the address in another letter case', async () => {
    const summary = await recordAddressProblems(
      directory,
      [permanentBounce('ada', 'Ada.Lovelace@Example.com', 'ada.lovelace@example.com')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ bounces: 1, marked: 1, unattributed: 0 });
    expect(reachabilityOf(await owner('ada'), 'relay')).toEqual({ reachable: false, reason: 'bouncing' });
  });

  it('marks the owner when a re-import changed only the case of the address the relay sent to', async () => {
    const summary = await recordAddressProblems(
      directory,
      [permanentBounce('ann', ' ann@example.COM', 'ann@example.com')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ marked: 1, unattributed: 0 });
    expect(await owner('ann')).toMatchObject({ email: 'Ann@Example.com', bouncingSince: BOUNCED_AT });
  });

  it('marks the owner whose mailbox forwards elsewhere: the DSN names the final mailbox, the relay sent to theirs', async () => {
    const summary = await recordAddressProblems(
      directory,
      [permanentBounce('bob', 'bob@example.com', 'bob.smith@mailhost.example.net')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ bounces: 1, marked: 1, unattributed: 0 });
    expect(reachabilityOf(await owner('bob'), 'relay')).toEqual({ reachable: false, reason: 'bouncing' });
  });

  it('records the owner of a complaint unsubscribed at the address the relay sent to, not bouncing', async () => {
    const summary = await recordAddressProblems(
      directory,
      [complaint('cat', 'CAT@example.com', 'cat.forwarded@mailhost.example.net')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ bounces: 1, complaints: 1, marked: 0, optedOut: 1, unattributed: 0 });
    const cat = await owner('cat');
    expect(cat).toMatchObject({ email: 'cat@example.com', subscription: 'unsubscribed' });
    expect(cat?.bouncingSince).toBeUndefined();
    // the person's own "stop": unreachable on both routes, reason unsubscribed
    expect(reachabilityOf(cat, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(cat, 'sns-email')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });

  it('records a complaint as the state alone, on the exact spelling held, for an owner who exists', async () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:hygiene:hal-sub';
    // switched from sns-email: still recorded confirmed until the relay route's reconcile removes the subscription
    const confirmed = { userId: 'hal', email: 'Hal@example.com', state: 'confirmed' as const, read: {} };
    expect(await directory.recordSubscription({ ...confirmed, subscriptionArn: arn })).toBe(true);

    expect(await directory.recordComplaint('hal', 'hal@example.com')).toBe(false);
    expect((await owner('hal'))?.subscription).toBe('confirmed');
    expect(await directory.recordComplaint('ghost', 'ghost@example.com')).toBe(false);
    expect(await owner('ghost')).toBeUndefined();
    expect(await directory.recordComplaint('hal', 'Hal@example.com')).toBe(true);
    expect(await directory.recordComplaint('hal', 'Hal@example.com')).toBe(true);

    // the ARN kept (as the reconciler keeps it with unsubscribed), updatedAt still the import's
    expect(await owner('hal')).toEqual({
      userId: 'hal',
      email: 'Hal@example.com',
      status: 'active',
      subscription: 'unsubscribed',
      subscriptionArn: arn,
      updatedAt: NOW,
    });
  });

  it('remembers a complaint about an address the owner no longer holds for that address, not as their state', async () => {
    const summary = await recordAddressProblems(
      directory,
      [complaint('fay', 'fay@old.example', 'fay@old.example')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ complaints: 1, optedOut: 0, optOutsRemembered: 1, unattributed: 0 });
    // reachable at her new address (she never complained there), updatedAt still the import's
    expect(await owner('fay')).toEqual({
      userId: 'fay',
      email: 'fay@new.example',
      status: 'active',
      optedOutAddresses: [optedOutAddressDigest('fay@old.example')],
      updatedAt: NOW,
    });
    // nothing for an absent owner
    expect(await directory.rememberOptedOutAddresses('ghost', undefined, ['0'.repeat(64)])).toBe(false);
    expect(await owner('ghost')).toBeUndefined();
  });

  it('does not mark an owner whose address changed since the send', async () => {
    const summary = await recordAddressProblems(
      directory,
      [permanentBounce('dan', 'dan@old.example', 'dan@old.example')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ bounces: 1, marked: 0, unattributed: 1 });
    expect((await owner('dan'))?.bouncingSince).toBeUndefined();
  });

  /**
   * The directory, with an import's write of `userId` respelled `from` → `to` (planned from the owner as
   * seeded) landing right after the first read: between the read and the conditional write. `reads` counts reads.
   */
  function respelledAfterFirstRead(userId: string, from: string, to: string) {
    const racing = {
      reads: 0,
      getMany: async (userIds: readonly string[]) => {
        const found = await directory.getMany(userIds);
        if (racing.reads++ === 0) {
          const write = await directory.upsertOwners(
            [
              {
                owner: { userId, email: to, status: 'active' },
                existed: true,
                resetRoute: false,
                read: { email: from },
              },
            ],
            NOW,
          );
          expect(write).toEqual({ written: 1, refused: [] });
        }
        return found;
      },
      markBouncing: (id: string, email: string, since: string) => directory.markBouncing(id, email, since),
      recordComplaint: (id: string, email: string) => directory.recordComplaint(id, email),
      rememberOptedOutAddresses: (id: string, email: string | undefined, digests: readonly string[]) =>
        directory.rememberOptedOutAddresses(id, email, digests),
    } satisfies BounceDirectory & { reads: number };
    return racing;
  }

  it('marks on the new spelling when an import changes the case between the read and the conditional write', async () => {
    const racing = respelledAfterFirstRead('eve', 'eve@example.com', 'Eve@Example.com');

    const summary = await recordAddressProblems(
      racing,
      [permanentBounce('eve', 'eve@example.com', 'eve@example.com')],
      Date.parse(NOW),
    );

    expect(racing.reads).toBe(2);
    expect(summary).toMatchObject({ marked: 1, unattributed: 0 });
    expect(await owner('eve')).toMatchObject({ email: 'Eve@Example.com', bouncingSince: BOUNCED_AT });
  });

  it('records a complaint on the new spelling when an import changes the case between the read and the write', async () => {
    const racing = respelledAfterFirstRead('gus', 'gus@example.com', 'GUS@Example.com');

    const summary = await recordAddressProblems(
      racing,
      [complaint('gus', 'gus@example.com', 'gus@example.com')],
      Date.parse(NOW),
    );

    expect(racing.reads).toBe(2);
    expect(summary).toMatchObject({ optedOut: 1, unattributed: 0 });
    const gus = await owner('gus');
    expect(gus).toMatchObject({ email: 'GUS@Example.com', subscription: 'unsubscribed' });
    expect(gus?.bouncingSince).toBeUndefined();
  });
});

describe('a complaint is the person’s opt-out, through imports and exports', () => {
  const table = useTestDirectoryTable('ses-complaint-moves', 'each');
  const other = useTestDirectoryTable('ses-complaint-moved-to', 'each');
  const dir = useTempDir('ses-complaint-moves');
  const A = 'ada@example.com';
  const B = 'ada@wrong.example';
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const ada = async () => (await directory().getMany(['ada'])).get('ada');
  let files = 0;

  /** `owners import` (the use case) of ada at `email` into `into`, as of `asOf`. */
  const importAda = async (asOf: string, email: string) => {
    files += 1;
    const file = join(dir(), `owners-${files}.csv`);
    await writeFile(file, `userId,email,name,status\nada,${email},Ada,active\n`);
    const summary = await importOwnerFile(table.client, {
      table: table.tableName,
      file,
      asOf,
      now: asOf,
      maxDeletePercent: 100,
    });
    expect(summary.outcome).toBe('imported');
    return summary;
  };
  /** The relay's complaint about its email to `A`, recorded as the SES events function does. */
  const complainAtA = () =>
    recordAddressProblems(directory(), [complaint('ada', A, A)], Date.parse('2026-12-01T02:00:00Z'));
  const exported = () => ownersExport(table);

  it('stays unsubscribed when a wrong export moves the owner away and the next one moves them back', async () => {
    await importAda('2026-12-01T00:00:00Z', A);
    expect(await complainAtA()).toMatchObject({ optedOut: 1, unattributed: 0 });
    expect(reachabilityOf(await ada(), 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });

    // a wrong export moves her to b: the opt-out belongs to a, so b starts clean (and a is remembered)
    await importAda('2026-12-02T00:00:00Z', B);
    const atB = await ada();
    expect(atB).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
    expect(atB?.subscription).toBeUndefined();
    expect(reachabilityOf(atB, 'relay')).toEqual({ reachable: true });

    // the next export moves her back to a: unsubscribed again, unreachable on the relay
    await importAda('2026-12-03T00:00:00Z', A);
    const backAtA = await ada();
    expect(backAtA).toMatchObject({ email: A, subscription: 'unsubscribed' });
    expect(reachabilityOf(backAtA, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });

  it('remembers the opt-out when an import that read the owner before the complaint moves them away', async () => {
    await importAda('2026-12-01T00:00:00Z', A);
    // the complaint lands between the moving import's read of the directory (its Scan) and its write
    let ran = false;
    const spy = hookSends(table.client, {
      after: async (command) => {
        if (ran || !(command instanceof ScanCommand)) return;
        ran = true;
        expect(await complainAtA()).toMatchObject({ optedOut: 1 });
      },
    });
    await importAda('2026-12-02T00:00:00Z', B).finally(() => spy.mockRestore());

    expect(ran).toBe(true);
    expect(await ada()).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
    await importAda('2026-12-03T00:00:00Z', A);
    expect(await ada()).toMatchObject({ email: A, subscription: 'unsubscribed' });
  });

  it('is remembered for the address when it arrives after a wrong export moved the owner away', async () => {
    await importAda('2026-12-01T00:00:00Z', A);
    await importAda('2026-12-02T00:00:00Z', B);
    expect(await complainAtA()).toMatchObject({
      complaints: 1,
      optedOut: 0,
      optOutsRemembered: 1,
      unattributed: 0,
    });

    // at b she never complained: reachable there, a remembered, and the export carries it
    expect(reachabilityOf(await ada(), 'relay')).toEqual({ reachable: true });
    const [atB] = await exported();
    expect(atB).toMatchObject({ userId: 'ada', email: B, optedOutAddresses: [optedOutAddressDigest(A)] });

    // the next export moves her back to a: unsubscribed there, on both routes
    await importAda('2026-12-03T00:00:00Z', A);
    const backAtA = await ada();
    expect(backAtA).toMatchObject({ email: A, subscription: 'unsubscribed' });
    expect(reachabilityOf(backAtA, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(backAtA, 'sns-email')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });

  /**
   * Imports ada (`userId,email,name,status` CSV, or a JSON Lines `line`) as of `asOf` with the complaint about
   * `A` landing once `landsAfter` the import's request matching it comes back: between the import's read of the
   * owner and its write of the set whole.
   */
  const importRacingComplaint = async (
    asOf: string,
    content: { readonly csvEmail: string } | { readonly line: Record<string, unknown> },
    landsAfter: (command: unknown) => boolean,
  ) => {
    let ran = false;
    const spy = hookSends(table.client, {
      after: async (command) => {
        if (ran || !landsAfter(command)) return;
        ran = true;
        expect(await complainAtA()).toMatchObject({ optOutsRemembered: 1 });
      },
    });
    files += 1;
    const jsonl = 'line' in content;
    const file = join(dir(), `owners-${files}.${jsonl ? 'jsonl' : 'csv'}`);
    await writeFile(
      file,
      jsonl
        ? `${JSON.stringify(content.line)}\n`
        : `userId,email,name,status\nada,${content.csvEmail},Ada,active\n`,
    );
    const summary = await importOwnerFile(table.client, {
      table: table.tableName,
      file,
      asOf,
      now: asOf,
      maxDeletePercent: 100,
    }).finally(() => spy.mockRestore());
    expect(ran).toBe(true);
    expect(summary.outcome).toBe('imported');
  };
  const isScan = (command: unknown) => command instanceof ScanCommand;
  /** The store's read of the stored set just before the whole-set write. */
  const isSetRead = (command: unknown) =>
    command instanceof GetCommand && command.input.ProjectionExpression?.includes('#optedOut') === true;

  it.each([
    ['after the import read the directory', isScan],
    ['after the store read the set, just before the write', isSetRead],
  ])(
    'survives an import moving the owner back that read them before the complaint (landing %s)',
    async (_, landsAfter) => {
      await importAda('2026-12-01T00:00:00Z', A);
      await importAda('2026-12-02T00:00:00Z', B);

      await importRacingComplaint('2026-12-03T00:00:00Z', { csvEmail: A }, landsAfter);

      // the move was refused and re-planned from the set with a's digest: unsubscribed at a
      expect(await ada()).toMatchObject({
        email: A,
        subscription: 'unsubscribed',
        optedOutAddresses: [optedOutAddressDigest(A)],
      });
    },
  );

  it('survives an import merging a line’s opt-outs at the owner’s address that read them before the complaint', async () => {
    const elsewhere = optedOutAddressDigest('ada@elsewhere.example');
    await importAda('2026-12-01T00:00:00Z', A);
    await importAda('2026-12-02T00:00:00Z', B);

    const line = { userId: 'ada', email: B, name: 'Ada', status: 'active', optedOutAddresses: [elsewhere] };
    await importRacingComplaint('2026-12-03T00:00:00Z', { line }, isScan);

    expect((await ada())?.optedOutAddresses).toEqual([optedOutAddressDigest(A), elsewhere].sort());
    await importAda('2026-12-04T00:00:00Z', A);
    expect(await ada()).toMatchObject({ email: A, subscription: 'unsubscribed' });
  });

  it.each([
    ['a string', 'a string'],
    ['a list', ['a', 'list']],
    ['a number set', new Set([1, 2])],
    ['NULL', null],
    ['a String Set of no digest', new Set(['not a digest'])],
  ])(
    'is remembered over a damaged stored set (%s), which reads as absent, without failing the handler',
    async (_, damaged) => {
      await importAda('2026-12-01T00:00:00Z', A);
      await importAda('2026-12-02T00:00:00Z', B);
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { userId: 'ada' },
          UpdateExpression: 'SET optedOutAddresses = :damaged',
          ExpressionAttributeValues: { ':damaged': damaged },
        }),
      );
      expect((await ada())?.optedOutAddresses).toBeUndefined();

      expect(await complainAtA()).toMatchObject({ optOutsRemembered: 1, unattributed: 0 });

      expect((await ada())?.optedOutAddresses).toEqual([optedOutAddressDigest(A)]);
      await importAda('2026-12-03T00:00:00Z', A);
      expect(await ada()).toMatchObject({ email: A, subscription: 'unsubscribed' });
    },
  );

  it('travels in owners export, so a directory moved to another table keeps it', async () => {
    await importAda('2026-12-01T00:00:00Z', A);
    await complainAtA();

    const [line] = await exported();
    expect(line).toMatchObject({ userId: 'ada', email: A, subscription: 'unsubscribed' });
    const file = join(dir(), 'export.jsonl');
    await writeFile(file, `${JSON.stringify(line)}\n`);
    const moved = await importOwnerFile(other.client, {
      table: other.tableName,
      file,
      // no asOf: the line carries the exported directory's (directoryAsOf)
      now: '2026-12-02T00:00:00Z',
      maxDeletePercent: 100,
    });
    expect(moved).toMatchObject({ outcome: 'imported', created: 1, optOutsKept: 1 });
    const there = (await new DynamoOwnerDirectory(other.client, other.tableName).getMany(['ada'])).get('ada');
    expect(reachabilityOf(there, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });

    // moved away by a wrong export, the export still carries it: as the address remembered
    await importAda('2026-12-02T00:00:00Z', B);
    const [atB] = await exported();
    expect(atB).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
  });
});

describe('a mailbox several owners share, once SES suppresses it', () => {
  const table = useTestDirectoryTable('ses-suppressed-shared', 'each');
  const TEAM = 'team@example.com';
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const owners = async () => directory().getMany(['alice', 'bob']);

  /** `owners export` of the table, by userId. */
  const exported = async (): Promise<Record<string, Record<string, unknown>>> =>
    Object.fromEntries((await ownersExport(table)).map((line) => [String(line.userId), line]));

  it.each(['Complaint', 'Bounce'] as const)(
    'marks the other owner bouncing on a suppressed send reported as a %s, never as their opt-out, in the table and its export',
    async (kind) => {
      await upsertNewOwners(
        directory(),
        [
          { userId: 'alice', email: TEAM, status: 'active' },
          { userId: 'bob', email: TEAM, status: 'active' },
        ],
        NOW,
      );
      // alice's own complaint (no subtype): her opt-out, and SES suppresses the alias
      await recordAddressProblems(directory(), [complaint('alice', TEAM, TEAM)], Date.parse(NOW));

      const summary = await recordAddressProblems(
        directory(),
        [suppressedSend(kind, 'bob', TEAM)],
        Date.parse(NOW),
      );

      expect(summary).toMatchObject({ bounces: 1, complaints: 0, suppressed: 1, marked: 1, optedOut: 0 });
      const { alice, bob } = Object.fromEntries(await owners());
      expect(reachabilityOf(alice, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
      expect(bob).toMatchObject({ email: TEAM, bouncingSince: BOUNCED_AT });
      expect(bob?.subscription).toBeUndefined();
      expect(bob?.optedOutAddresses).toBeUndefined();
      expect(reachabilityOf(bob, 'relay')).toEqual({ reachable: false, reason: 'bouncing' });
      // the export carries alice's opt-out, and none for bob (bouncingSince is never exported)
      const lines = await exported();
      expect(lines.alice).toMatchObject({ subscription: 'unsubscribed' });
      expect(lines.bob).not.toHaveProperty('subscription');
      expect(lines.bob).not.toHaveProperty('optedOutAddresses');
    },
  );
});
