/**
 * The confirmation emails counted per owner address (`confirmationEmailsSent`,
 * docs/data-model.md, "Owner directory") on DynamoDB Local: written in the
 * same conditional write as the subscription state, only while the stored
 * count is still the one read (two runs that subscribed an owner again cannot
 * both count from one value), removed by a write that plans none (`confirmed`,
 * `owners resubscribe`), a damaged stored value taken for none and replaced,
 * and removed by an import that changes the owner's address (a new address
 * starts a new count) while one that keeps the address keeps it.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { PlannedSubscriptionState } from '../../lambdas/hygiene/owner-directory';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';

const EMAIL = 'ada@example.com';
const NOW = '2026-12-07T00:00:00.000Z';

describe('the confirmation count in the owner directory (DynamoDB Local)', () => {
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;
  beforeAll(async () => {
    table = await createTestDirectoryTable('confirmation-count');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });
  afterAll(() => table.drop());
  beforeEach(() => putAda({ subscription: 'pending', confirmationEmailsSent: 1 }));

  const putAda = (extra: Record<string, unknown>) =>
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: 'ada', email: EMAIL, status: 'active', updatedAt: NOW, ...extra },
      }),
    );
  const stored = async () =>
    (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { userId: 'ada' } }))).Item;
  /** ada's state write planned from `read`, leaving `sent` counted. */
  const write = (
    state: PlannedSubscriptionState['state'],
    read: PlannedSubscriptionState['read'],
    sent?: number,
  ): PlannedSubscriptionState => ({
    userId: 'ada',
    email: EMAIL,
    state,
    read,
    ...(sent !== undefined && { confirmationEmailsSent: sent }),
  });

  it('reads the count, and counts one more in the write that records pending, only from the count read', async () => {
    const read = { subscription: 'pending', confirmationEmailsSent: 1 } as const;
    expect((await directory.getMany(['ada'])).get('ada')).toMatchObject(read);

    const first = await directory.recordSubscriptionStates([write('pending', read, 2)]);
    // a second run that read the same count is refused: its Subscribe is not counted twice from 1
    const second = await directory.recordSubscriptionStates([write('pending', read, 2)]);

    expect(first).toEqual([]);
    expect(second).toEqual(['ada']);
    expect(await stored()).toMatchObject({ subscription: 'pending', confirmationEmailsSent: 2 });
  });

  it('refuses a write planned from no count once one is stored, and one planned from a count once it is gone', async () => {
    const fromNone = await directory.recordSubscriptionStates([
      write('pending', { subscription: 'pending' }, 1),
    ]);
    await putAda({ subscription: 'pending' });
    const fromOne = await directory.recordSubscriptionStates([
      write('pending', { subscription: 'pending', confirmationEmailsSent: 1 }, 2),
    ]);

    expect(fromNone).toEqual(['ada']);
    expect(fromOne).toEqual(['ada']);
    expect((await stored())?.confirmationEmailsSent).toBeUndefined();
  });

  it('removes the count with a write that plans none (confirmed), keeps it with one that plans it (none)', async () => {
    await putAda({ subscription: 'pending', confirmationEmailsSent: 3 });
    expect(
      await directory.recordSubscription(
        write('none', { subscription: 'pending', confirmationEmailsSent: 3 }, 3),
      ),
    ).toBe(true);
    expect(await stored()).toMatchObject({ subscription: 'none', confirmationEmailsSent: 3 });

    expect(
      await directory.recordSubscription(
        write('confirmed', { subscription: 'none', confirmationEmailsSent: 3 }),
      ),
    ).toBe(true);

    const item = await stored();
    expect(item?.subscription).toBe('confirmed');
    expect(item).not.toHaveProperty('confirmationEmailsSent');
  });

  it('takes a stored count it cannot read (not a number) for none, and replaces it', async () => {
    await putAda({ subscription: 'pending', confirmationEmailsSent: 'three' });
    const owner = (await directory.getMany(['ada'])).get('ada');

    const held = await directory.recordSubscription(write('pending', { subscription: 'pending' }, 1));

    expect(owner).not.toHaveProperty('confirmationEmailsSent');
    expect(held).toBe(true);
    expect((await stored())?.confirmationEmailsSent).toBe(1);
  });

  it('an import that changes the address removes the count; one that keeps it (another spelling) keeps it', async () => {
    await putAda({ subscription: 'none', confirmationEmailsSent: 3 });
    const read = { email: EMAIL, subscription: 'none', updatedAt: NOW } as const;
    await directory.upsertOwners(
      [
        {
          owner: { userId: 'ada', email: 'ADA@example.com', status: 'active' },
          existed: true,
          resetRoute: false,
          read,
        },
      ],
      NOW,
    );
    const respelled = await stored();

    await directory.upsertOwners(
      [
        {
          owner: { userId: 'ada', email: 'ada@new.example', status: 'active' },
          existed: true,
          resetRoute: true,
          read: { ...read, email: 'ADA@example.com' },
        },
      ],
      NOW,
    );

    expect(respelled).toMatchObject({
      email: 'ADA@example.com',
      subscription: 'none',
      confirmationEmailsSent: 3,
    });
    const moved = await stored();
    expect(moved?.email).toBe('ada@new.example');
    expect(moved).not.toHaveProperty('subscription');
    expect(moved).not.toHaveProperty('confirmationEmailsSent');
  });
});
