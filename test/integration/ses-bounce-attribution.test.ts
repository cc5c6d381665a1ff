/**
 * SES bounces and complaints attributed to owners on DynamoDB Local
 * (docs/notifications.md, "Email relay"): by the owner tag and the address the
 * relay sent to (`mail.destination`), compared with the directory's current
 * address trimmed and case-insensitively, and marked only while the directory
 * still holds that address (the conditional write on the exact spelling read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { OWNER_TAG, ownerTags } from '../../lambdas/relay/email-tags';
import { type BounceDirectory, recordAddressProblems } from '../../lambdas/relay/ses-events';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { upsertNewOwners } from './support/sns-wire';

const NOW = '2026-12-01T00:00:00.000Z';
const BOUNCED_AT = '2026-12-01T01:00:00.000Z';

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

  it('attributes a complaint the same way', async () => {
    const summary = await recordAddressProblems(
      directory,
      [complaint('cat', 'CAT@example.com', 'cat.forwarded@mailhost.example.net')],
      Date.parse(NOW),
    );

    expect(summary).toMatchObject({ bounces: 1, complaints: 1, marked: 1, unattributed: 0 });
    expect((await owner('cat'))?.bouncingSince).toBe(BOUNCED_AT);
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

  it('marks on the new spelling when an import changes the case between the read and the conditional write', async () => {
    let reads = 0;
    const racing: BounceDirectory = {
      getMany: async (userIds) => {
        const found = await directory.getMany(userIds);
        if (reads++ === 0) {
          // the import's write, planned from eve as seeded
          const write = await directory.upsertOwners(
            [
              {
                owner: { userId: 'eve', email: 'Eve@Example.com', status: 'active' },
                existed: true,
                resetRoute: false,
                read: { email: 'eve@example.com' },
              },
            ],
            NOW,
          );
          expect(write).toEqual({ written: 1, refused: [] });
        }
        return found;
      },
      markBouncing: (userId, email, since) => directory.markBouncing(userId, email, since),
    };

    const summary = await recordAddressProblems(
      racing,
      [permanentBounce('eve', 'eve@example.com', 'eve@example.com')],
      Date.parse(NOW),
    );

    expect(reads).toBe(2);
    expect(summary).toMatchObject({ marked: 1, unattributed: 0 });
    expect(await owner('eve')).toMatchObject({ email: 'Eve@Example.com', bouncingSince: BOUNCED_AT });
  });
});
