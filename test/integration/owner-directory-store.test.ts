/**
 * The owner directory store (lambdas/aws/owner-directory-store.ts) on DynamoDB Local, holding docs/data-model.md,
 * "Owner directory": the table from its one definition; the freshness item, never read as an owner; reads by id over
 * several BatchGetItem calls; route state (`subscription`, its ARN, `bouncingSince`) written only while the owner
 * still has the address, state and ARN it was planned from, unreadable stored values taken for none; remembered
 * opt-outs (`optedOutAddresses`) on moves and merges, refused when changed since read; departures; a missing table.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, NumberValue, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { OWNER_DIRECTORY_TABLE } from '../../lambdas/aws/owner-directory-table-definition';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import type {
  PlannedSubscriptionState,
  RecordedSubscription,
  SubscriptionState,
} from '../../lambdas/hygiene/owner-directory';
import type { ExistingOwnerUpsert, NewOwnerUpsert, OwnerAsRead } from '../../lambdas/hygiene/owner-import';
import type { AddressMove } from '../../lambdas/hygiene/owner-import-opt-outs';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';

const T0 = '2026-11-01T00:00:00.000Z';
const NOW = '2026-12-01T00:00:00.000Z';
const LATER = '2026-12-02T00:00:00.000Z';

const SUB_ARN = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene:5f1e';

/** A new owner's write (only while still absent). */
function upsert(owner: ImportedOwner): NewOwnerUpsert {
  return { owner, existed: false, resetRoute: false };
}

/** An existing owner's write, planned from `read` (only while still at the address read). */
function update(owner: ImportedOwner, read: OwnerAsRead, resetRoute = false): ExistingOwnerUpsert {
  return { owner, existed: true, resetRoute, read };
}

/** A state to record for `userId` at `email`, planned from `read` (default: nothing recorded). */
function planned(
  userId: string,
  email: string | undefined,
  state: SubscriptionState,
  extra: { readonly subscriptionArn?: string; readonly read?: RecordedSubscription } = {},
): PlannedSubscriptionState {
  return {
    userId,
    email,
    state,
    read: extra.read ?? {},
    ...(extra.subscriptionArn !== undefined && { subscriptionArn: extra.subscriptionArn }),
  };
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
    expect(await directory.freshness()).toEqual({ asOf: NOW, owners: 3, importedAt: LATER });
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
    ).toEqual({ written: 130, refused: [] });
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
    expect(
      await directory.recordSubscription(
        planned('ann', 'ann@example.com', 'confirmed', { subscriptionArn: SUB_ARN }),
      ),
    ).toBe(true);
    expect(await directory.markBouncing('ann', 'ann@example.com', NOW)).toBe(true);
    await directory.upsertOwners(
      [
        update(
          { userId: 'ann', email: 'ann@example.com', name: 'Ann B.', status: 'active' },
          { email: 'ann@example.com', subscription: 'confirmed' },
        ),
      ],
      LATER,
    );
    expect((await directory.getMany(['ann'])).get('ann')).toEqual({
      userId: 'ann',
      email: 'ann@example.com',
      name: 'Ann B.',
      status: 'active',
      subscription: 'confirmed',
      subscriptionArn: SUB_ARN,
      bouncingSince: NOW,
      updatedAt: LATER,
    });
    await directory.upsertOwners(
      [
        update(
          { userId: 'ann', email: 'ann@new.example', status: 'active' },
          { email: 'ann@example.com', subscription: 'confirmed' },
          true,
        ),
      ],
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
    expect(await directory.recordSubscription(planned('ghost', 'ghost@example.com', 'pending'))).toBe(false);
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

    const asRead = { read: { subscription: 'pending' } } as const;
    expect(await directory.recordSubscription(planned('eve', 'eve@example.com', 'pending'))).toBe(true);
    expect(await stateOf('eve')).toBe('pending');
    expect(
      await directory.recordSubscription(planned('eve', 'old-eve@example.com', 'confirmed', asRead)),
    ).toBe(false);
    expect(await directory.recordSubscription(planned('eve', undefined, 'none', asRead))).toBe(false);
    expect(await stateOf('eve')).toBe('pending');

    expect(await directory.recordSubscription(planned('finn', 'finn@example.com', 'confirmed'))).toBe(false);
    expect(await stateOf('finn')).toBeUndefined();
    expect(await directory.recordSubscription(planned('finn', undefined, 'none'))).toBe(true);
    expect(await stateOf('finn')).toBe('none');
  });

  it('records a state with its subscription ARN only while the state and ARN are still the ones read', async () => {
    await directory.upsertOwners(
      [upsert({ userId: 'gil', email: 'gil@example.com', status: 'active' })],
      NOW,
    );
    const gil = async () => (await directory.getMany(['gil'])).get('gil');
    const confirmed = { subscription: 'confirmed', subscriptionArn: SUB_ARN } as const;

    // One run records confirmed with the subscription's ARN.
    expect(
      await directory.recordSubscription(
        planned('gil', 'gil@example.com', 'confirmed', { subscriptionArn: SUB_ARN }),
      ),
    ).toBe(true);
    // An overlapping run that read nothing recorded (absent) loses: it would hide the newer state.
    expect(await directory.recordSubscription(planned('gil', 'gil@example.com', 'pending'))).toBe(false);
    // So does one that read another ARN, or another state.
    expect(
      await directory.recordSubscription(
        planned('gil', 'gil@example.com', 'unsubscribed', {
          subscriptionArn: `${SUB_ARN}-other`,
          read: { subscription: 'confirmed', subscriptionArn: `${SUB_ARN}-other` },
        }),
      ),
    ).toBe(false);
    expect(
      await directory.recordSubscription(
        planned('gil', 'gil@example.com', 'none', {
          read: { subscription: 'unsubscribed', subscriptionArn: SUB_ARN },
        }),
      ),
    ).toBe(false);
    expect(await gil()).toMatchObject(confirmed);

    // The write planned from exactly what is recorded lands; a state without an ARN removes it.
    expect(
      await directory.recordSubscription(
        planned('gil', 'gil@example.com', 'unsubscribed', { subscriptionArn: SUB_ARN, read: confirmed }),
      ),
    ).toBe(true);
    expect(await gil()).toMatchObject({ subscription: 'unsubscribed', subscriptionArn: SUB_ARN });
    expect(
      await directory.recordSubscription(
        planned('gil', 'gil@example.com', 'none', {
          read: { subscription: 'unsubscribed', subscriptionArn: SUB_ARN },
        }),
      ),
    ).toBe(true);
    expect(await gil()).toEqual({
      userId: 'gil',
      email: 'gil@example.com',
      status: 'active',
      subscription: 'none',
      updatedAt: NOW,
    });
  });

  it('takes a stored state or ARN it cannot read (unknown value, empty, not a string) for none recorded, and replaces it', async () => {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          userId: 'hal',
          email: 'hal@example.com',
          status: 'active',
          subscription: 'CONFIRMED',
          subscriptionArn: '',
        },
      }),
    );
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          userId: 'ida',
          email: 'ida@example.com',
          status: 'active',
          subscription: '',
          subscriptionArn: 7,
        },
      }),
    );
    const read = await directory.getMany(['hal', 'ida']);
    expect([read.get('hal')?.subscription, read.get('hal')?.subscriptionArn]).toEqual([undefined, undefined]);
    expect([read.get('ida')?.subscription, read.get('ida')?.subscriptionArn]).toEqual([undefined, undefined]);

    expect(await directory.recordSubscription(planned('hal', 'hal@example.com', 'pending'))).toBe(true);
    expect(
      await directory.recordSubscription(
        planned('ida', 'ida@example.com', 'confirmed', { subscriptionArn: SUB_ARN }),
      ),
    ).toBe(true);

    const after = await directory.getMany(['hal', 'ida']);
    expect(after.get('hal')).toMatchObject({ subscription: 'pending' });
    expect(after.get('hal')?.subscriptionArn).toBeUndefined();
    expect(after.get('ida')).toMatchObject({ subscription: 'confirmed', subscriptionArn: SUB_ARN });
  });

  it('records a state planned whileActive only while the owner still reads as active (a missing or unknown status does), any other whatever the status', async () => {
    const put = (item: Record<string, unknown>) =>
      table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
    await put({ userId: 'quin', email: 'quin@example.com', status: 'departed', subscription: 'pending' });
    await put({ userId: 'rae', email: 'rae@example.com', subscription: 'pending' });
    await put({ userId: 'sol', email: 'sol@example.com', status: 'on-leave', subscription: 'pending' });
    // gone again however the test ends: the table is shared, and a later test lists the departed
    onTestFinished(async () => {
      for (const userId of ['quin', 'rae', 'sol']) {
        await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: { userId } }));
      }
    });
    const confirmedWhileActive = (userId: string): PlannedSubscriptionState => ({
      ...planned(userId, `${userId}@example.com`, 'confirmed', {
        subscriptionArn: `${SUB_ARN}-${userId}`,
        read: { subscription: 'pending' },
      }),
      whileActive: true,
    });

    // quin was marked departed: no ARN is recorded for them; rae and sol read as active
    expect(
      await directory.recordSubscriptionStates(['quin', 'rae', 'sol'].map(confirmedWhileActive)),
    ).toEqual(['quin']);
    const after = await directory.getMany(['quin', 'rae', 'sol']);
    expect(after.get('quin')).toMatchObject({ status: 'departed', subscription: 'pending' });
    expect(after.get('quin')?.subscriptionArn).toBeUndefined();
    expect(after.get('rae')).toMatchObject({ subscription: 'confirmed', subscriptionArn: `${SUB_ARN}-rae` });
    expect(after.get('sol')).toMatchObject({ subscription: 'confirmed', subscriptionArn: `${SUB_ARN}-sol` });

    // a state not planned whileActive (a departed owner's none) lands whatever the status
    expect(
      await directory.recordSubscription(
        planned('quin', 'quin@example.com', 'none', { read: { subscription: 'pending' } }),
      ),
    ).toBe(true);
    expect((await directory.getMany(['quin'])).get('quin')).toMatchObject({ subscription: 'none' });
  });

  it('takes a stored email it cannot read (empty, not a string) for no address, so the state write is not refused forever', async () => {
    for (const [userId, email] of [
      ['jo', ''],
      ['kai', 42],
    ] as const) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { userId, email, status: 'active', subscription: 'confirmed', subscriptionArn: SUB_ARN },
        }),
      );
    }
    const read = { subscription: 'confirmed', subscriptionArn: SUB_ARN } as const;
    expect((await directory.getMany(['jo'])).get('jo')?.email).toBeUndefined();

    // The reconciler plans `none` for an owner with no address, from what it read.
    expect(await directory.recordSubscription(planned('jo', undefined, 'none', { read }))).toBe(true);
    expect(await directory.recordSubscription(planned('kai', undefined, 'none', { read }))).toBe(true);

    const after = await directory.getMany(['jo', 'kai']);
    expect([after.get('jo')?.subscription, after.get('kai')?.subscription]).toEqual(['none', 'none']);
    // A real address is still protected: a plan made for no address loses once the owner has one.
    // (an import's update, planned from jo with no readable address: the damaged one matches as absent)
    const joUpdate = update({ userId: 'jo', email: 'jo@example.com', status: 'active' }, {});
    expect(await directory.upsertOwners([joUpdate], NOW)).toEqual({ written: 1, refused: [] });
    expect(
      await directory.recordSubscription(
        planned('jo', undefined, 'none', { read: { subscription: 'none' } }),
      ),
    ).toBe(false);
  });

  it('on a move, writes the remembered opt-outs as a String Set (removed when empty) and records unsubscribed at a remembered address', async () => {
    const [a, b] = ['lea@example.com', 'lea@wrong.example'];
    const stored = async () =>
      (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { userId: 'lea' } }))).Item;
    await directory.upsertOwners([upsert({ userId: 'lea', email: a, status: 'active' })], NOW);
    expect(await directory.recordSubscription(planned('lea', a, 'unsubscribed'))).toBe(true);
    const move = (email: string, read: OwnerAsRead, planned: AddressMove) =>
      directory.upsertOwners(
        [
          {
            owner: { userId: 'lea', email, status: 'active' },
            existed: true as const,
            resetRoute: true,
            read,
            move: planned,
          },
        ],
        LATER,
      );

    expect(
      await move(
        b,
        { email: a, subscription: 'unsubscribed', updatedAt: NOW },
        { optedOutAddresses: [optedOutAddressDigest(a)] },
      ),
    ).toEqual({ written: 1, refused: [] });
    expect((await stored())?.optedOutAddresses).toEqual(new Set([optedOutAddressDigest(a)]));
    expect((await directory.getMany(['lea'])).get('lea')).toEqual({
      userId: 'lea',
      email: b,
      status: 'active',
      optedOutAddresses: [optedOutAddressDigest(a)],
      updatedAt: LATER,
    });

    await move(
      a,
      { email: b, updatedAt: LATER },
      { state: 'unsubscribed', optedOutAddresses: [optedOutAddressDigest(a)] },
    );
    expect((await directory.getMany(['lea'])).get('lea')).toMatchObject({
      email: a,
      subscription: 'unsubscribed',
    });
    expect((await stored())?.subscriptionArn).toBeUndefined();

    // resubscribed at a, then moved away: the digest is taken out, and the empty set leaves no attribute behind
    expect(
      await directory.recordSubscription(
        planned('lea', a, 'none', { read: { subscription: 'unsubscribed' } }),
      ),
    ).toBe(true);
    expect(
      await move(b, { email: a, subscription: 'none', updatedAt: LATER }, { optedOutAddresses: [] }),
    ).toEqual({ written: 1, refused: [] });
    expect(await stored()).not.toHaveProperty('optedOutAddresses');
    expect(await stored()).not.toHaveProperty('subscription');
  });

  it('writes a new owner with the opt-outs the plan kept (a String Set, unsubscribed without an ARN), an existing one’s only when planned', async () => {
    const digest = optedOutAddressDigest('nia@old.example');
    const optOuts = { unsubscribed: true, optedOutAddresses: [digest] };
    const nia = { userId: 'nia', email: 'nia@example.com', status: 'active' as const, optOuts };
    const kept = { state: 'unsubscribed' as const, optedOutAddresses: [digest] };
    expect(await directory.upsertOwners([{ ...upsert(nia), keptOptOuts: kept }], NOW)).toEqual({
      written: 1,
      refused: [],
    });
    const stored = async () =>
      (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { userId: 'nia' } }))).Item;
    expect(await stored()).toEqual({
      userId: 'nia',
      email: 'nia@example.com',
      status: 'active',
      subscription: 'unsubscribed',
      optedOutAddresses: new Set([digest]),
      updatedAt: NOW,
    });

    // resubscribed here, then an update the plan found nothing of the line's to add for: stated fields only
    expect(
      await directory.recordSubscription(
        planned('nia', 'nia@example.com', 'none', { read: { subscription: 'unsubscribed' } }),
      ),
    ).toBe(true);
    const renamed = update({ ...nia, name: 'Nia' }, { email: 'nia@example.com', subscription: 'none' });
    expect(await directory.upsertOwners([renamed], LATER)).toEqual({ written: 1, refused: [] });
    expect(await stored()).toMatchObject({
      name: 'Nia',
      subscription: 'none',
      optedOutAddresses: new Set([digest]),
    });
  });

  it('merges a line’s opt-outs at the same address only while the address, state and last import write are as read', async () => {
    const a = optedOutAddressDigest('ola@example.com');
    const old = optedOutAddressDigest('ola@old.example');
    const other = optedOutAddressDigest('ola@other.example');
    const ola = { userId: 'ola', email: 'ola@example.com', status: 'active' as const };
    await directory.upsertOwners([{ ...upsert(ola), keptOptOuts: { optedOutAddresses: [old] } }], NOW);
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { userId: 'ola' },
        UpdateExpression: 'SET subscription = :none, subscriptionArn = :arn, bouncingSince = :since',
        ExpressionAttributeValues: { ':none': 'none', ':arn': SUB_ARN, ':since': T0 },
      }),
    );
    const merge = (read: OwnerAsRead) =>
      directory.upsertOwners(
        [
          {
            ...update(ola, read),
            keptOptOuts: { state: 'unsubscribed', optedOutAddresses: [a, old, other].sort() },
          },
        ],
        LATER,
      );
    const asRead = { email: 'ola@example.com', subscription: 'none' as const, updatedAt: NOW };

    // a reconcile recorded a subscription meanwhile, or another import wrote her: refused, nothing written
    for (const read of [
      { ...asRead, subscription: undefined },
      { ...asRead, updatedAt: T0 },
    ]) {
      const outcome = await merge(read);
      expect(outcome.written).toBe(0);
      expect(outcome.refused).toHaveLength(1);
    }
    const get = async () =>
      (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { userId: 'ola' } }))).Item;
    expect(await get()).toMatchObject({ subscription: 'none', optedOutAddresses: new Set([old]) });

    expect(await merge(asRead)).toEqual({ written: 1, refused: [] });
    expect(await get()).toEqual({
      ...ola,
      subscription: 'unsubscribed',
      bouncingSince: T0,
      optedOutAddresses: new Set([a, old, other]),
      updatedAt: LATER,
    });
  });

  it('writes a move over a damaged stored set (read as absent) under the condition that it is still as stored', async () => {
    const damaged: unknown[] = [
      'a string',
      ['a', 'list'],
      { a: 'map' },
      null,
      new Uint8Array([1, 2]),
      // read back as Set{1, 12345678901234567890n}: sent as read, the SDK would refuse the condition's value
      new Set([NumberValue.from('1'), NumberValue.from('12345678901234567890')]),
      new Set(['not a digest']),
    ];
    const remembered = optedOutAddressDigest('pia@example.com');
    for (const [i, value] of damaged.entries()) {
      const userId = `pia-${i}`;
      await directory.upsertOwners([upsert({ userId, email: 'pia@example.com', status: 'active' })], NOW);
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { userId },
          UpdateExpression: 'SET optedOutAddresses = :damaged, subscription = :unsubscribed',
          ExpressionAttributeValues: { ':damaged': value, ':unsubscribed': 'unsubscribed' },
        }),
      );
      const read = (await directory.getMany([userId])).get(userId);
      expect(read?.optedOutAddresses).toBeUndefined();

      const moved = {
        owner: { userId, email: 'pia@new.example', status: 'active' as const },
        existed: true as const,
        resetRoute: true,
        read: { email: 'pia@example.com', subscription: 'unsubscribed' as const, updatedAt: NOW },
        move: { optedOutAddresses: [remembered] },
      };
      expect(await directory.upsertOwners([moved], LATER), String(i)).toEqual({ written: 1, refused: [] });
      expect((await directory.getMany([userId])).get(userId)?.optedOutAddresses).toEqual([remembered]);
    }
  });

  it('refuses a move when the address, state or last import write changed since it was planned, writing nothing', async () => {
    await directory.upsertOwners(
      [upsert({ userId: 'max', email: 'max@example.com', status: 'active' })],
      NOW,
    );
    expect(await directory.recordSubscription(planned('max', 'max@example.com', 'unsubscribed'))).toBe(true);
    const moveTo = {
      owner: { userId: 'max', email: 'max@new.example', status: 'active' as const },
      existed: true as const,
      resetRoute: true,
      move: { optedOutAddresses: [] },
    };
    const asRead = { email: 'max@example.com', subscription: 'unsubscribed' as const, updatedAt: NOW };
    const planned1 = { ...moveTo, read: { ...asRead, subscription: 'confirmed' as const } };
    const planned2 = { ...moveTo, read: { ...asRead, email: 'max@old.example' } };
    const planned3 = { ...moveTo, read: { email: 'max@example.com', updatedAt: NOW } };
    const planned4 = { ...moveTo, read: { ...asRead, updatedAt: T0 } };

    const outcome = await directory.upsertOwners([planned1, planned2, planned3, planned4], LATER);
    expect(outcome.written).toBe(0);
    // refused in the order the concurrent writes came back
    expect(outcome.refused).toHaveLength(4);
    expect(outcome.refused).toEqual(expect.arrayContaining([planned1, planned2, planned3, planned4]));
    expect((await directory.getMany(['max'])).get('max')).toMatchObject({
      email: 'max@example.com',
      subscription: 'unsubscribed',
      updatedAt: NOW,
    });
    // and the same move planned from the owner as stored is written
    expect(await directory.upsertOwners([{ ...moveTo, read: asRead }], LATER)).toEqual({
      written: 1,
      refused: [],
    });
    expect((await directory.getMany(['max'])).get('max')).toMatchObject({
      email: 'max@new.example',
      updatedAt: LATER,
    });
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
