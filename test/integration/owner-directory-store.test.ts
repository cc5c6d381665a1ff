import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { OWNER_DIRECTORY_TABLE } from '../../lambdas/aws/owner-directory-table-definition';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';

const NOW = '2026-12-01T00:00:00.000Z';
const LATER = '2026-12-02T00:00:00.000Z';

function upsert(owner: ImportedOwner, existed = false, resetRoute = false) {
  return { owner, existed, resetRoute };
}

describe('DynamoOwnerDirectory on DynamoDB Local', () => {
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;
  beforeAll(async () => {
    table = await createTestDirectoryTable('owner-store');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });
  afterAll(() => table.drop());

  it('creates the table from the one definition: partition key userId, on demand', async () => {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: OWNER_DIRECTORY_TABLE.partitionKey.name, KeyType: 'HASH' },
    ]);
    expect(OWNER_DIRECTORY_TABLE.partitionKey.name).toBe('userId');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('has no freshness before the first import, then the recorded one', async () => {
    expect(await directory.freshness()).toBeUndefined();
    await directory.recordFreshness({ asOf: NOW, owners: 3 }, LATER);
    expect(await directory.freshness()).toEqual({ asOf: NOW, owners: 3 });
    const stored = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: { userId: DIRECTORY_FRESHNESS_ID } }),
    );
    expect(stored.Item).toMatchObject({ asOf: NOW, owners: 3, importedAt: LATER });
  });

  it('writes owners, reads them by id (more than one BatchGetItem), and never returns the freshness item', async () => {
    const owners: ImportedOwner[] = Array.from({ length: 130 }, (_, i) => ({
      userId: `bulk-${i}`,
      email: `bulk-${i}@example.com`,
      status: 'active',
    }));
    expect(
      await directory.upsertOwners(
        owners.map((o) => upsert(o)),
        NOW,
      ),
    ).toBe(130);
    const ids = [...owners.map((o) => o.userId), 'nobody', DIRECTORY_FRESHNESS_ID, 'bulk-0'];
    const found = await directory.getMany(ids);
    expect(found.size).toBe(130);
    expect(found.get('bulk-129')).toEqual({
      userId: 'bulk-129',
      email: 'bulk-129@example.com',
      status: 'active',
      updatedAt: NOW,
    });
    expect(found.has('nobody')).toBe(false);
    const listed: string[] = [];
    for await (const owner of directory.owners()) listed.push(owner.userId);
    expect(listed.filter((id) => id.startsWith('bulk-'))).toHaveLength(130);
    expect(listed).not.toContain(DIRECTORY_FRESHNESS_ID);
  });

  it('keeps the route state on an update of the same address, clears it when the address changes', async () => {
    await directory.upsertOwners(
      [upsert({ userId: 'ann', email: 'ann@example.com', name: 'Ann', status: 'active' })],
      NOW,
    );
    expect(await directory.recordSubscription('ann', 'ann@example.com', 'confirmed')).toBe(true);
    expect(await directory.markBouncing('ann', 'ann@example.com', NOW)).toBe(true);
    await directory.upsertOwners(
      [upsert({ userId: 'ann', email: 'ann@example.com', name: 'Ann B.', status: 'active' }, true, false)],
      LATER,
    );
    expect((await directory.getMany(['ann'])).get('ann')).toEqual({
      userId: 'ann',
      email: 'ann@example.com',
      name: 'Ann B.',
      status: 'active',
      subscription: 'confirmed',
      bouncingSince: NOW,
      updatedAt: LATER,
    });
    await directory.upsertOwners(
      [upsert({ userId: 'ann', email: 'ann@new.example', status: 'active' }, true, true)],
      LATER,
    );
    expect((await directory.getMany(['ann'])).get('ann')).toEqual({
      userId: 'ann',
      email: 'ann@new.example',
      status: 'active',
      updatedAt: LATER,
    });
  });

  it('marks bouncing only for the current address, keeping the first instant', async () => {
    await directory.upsertOwners(
      [upsert({ userId: 'bob', email: 'bob@example.com', status: 'active' })],
      NOW,
    );
    expect(await directory.markBouncing('bob', 'old-bob@example.com', NOW)).toBe(false);
    expect(await directory.markBouncing('bob', 'bob@example.com', NOW)).toBe(true);
    expect(await directory.markBouncing('bob', 'bob@example.com', LATER)).toBe(true);
    expect((await directory.getMany(['bob'])).get('bob')?.bouncingSince).toBe(NOW);
    expect(await directory.markBouncing('ghost', 'ghost@example.com', NOW)).toBe(false);
  });

  it('records subscription state only for owners in the directory', async () => {
    expect(await directory.recordSubscription('ghost', 'ghost@example.com', 'pending')).toBe(false);
    expect((await directory.getMany(['ghost'])).size).toBe(0);
  });

  it('records a subscription state only while the owner has the address it was planned for', async () => {
    await directory.upsertOwners(
      [
        upsert({ userId: 'eve', email: 'eve@example.com', status: 'active' }),
        upsert({ userId: 'finn', status: 'active' }),
      ],
      NOW,
    );
    const stateOf = async (userId: string) => (await directory.getMany([userId])).get(userId)?.subscription;

    expect(await directory.recordSubscription('eve', 'eve@example.com', 'pending')).toBe(true);
    expect(await stateOf('eve')).toBe('pending');
    expect(await directory.recordSubscription('eve', 'old-eve@example.com', 'confirmed')).toBe(false);
    expect(await directory.recordSubscription('eve', undefined, 'none')).toBe(false);
    expect(await stateOf('eve')).toBe('pending');

    expect(await directory.recordSubscription('finn', 'finn@example.com', 'confirmed')).toBe(false);
    expect(await stateOf('finn')).toBeUndefined();
    expect(await directory.recordSubscription('finn', undefined, 'none')).toBe(true);
    expect(await stateOf('finn')).toBe('none');
  });

  it('marks active owners departed (skipping absent or already departed ones) and lists the departed', async () => {
    await directory.upsertOwners(
      [
        upsert({ userId: 'carl', email: 'carl@example.com', status: 'active' }),
        upsert({ userId: 'dora', status: 'departed' }),
      ],
      NOW,
    );
    expect(await directory.markDeparted(['carl', 'dora', 'ghost'], LATER)).toBe(1);
    expect((await directory.getMany(['carl'])).get('carl')).toMatchObject({
      status: 'departed',
      updatedAt: LATER,
    });
    expect([...(await directory.departedUserIds())].sort()).toEqual(['carl', 'dora']);
  });
});

describe('DynamoOwnerDirectory without a table', () => {
  it('reads as no directory: no freshness, nobody departed, nobody found', async () => {
    const table = await createTestDirectoryTable('owner-missing');
    await table.drop();
    const { createDocumentClient } = await import('../../lambdas/aws/dynamodb-client');
    const client = createDocumentClient({ endpoint: table.endpoint });
    const directory = new DynamoOwnerDirectory(client, table.tableName);
    expect(await directory.freshness()).toBeUndefined();
    expect((await directory.departedUserIds()).size).toBe(0);
    expect((await directory.getMany(['a'])).size).toBe(0);
    client.destroy();
  });
});
