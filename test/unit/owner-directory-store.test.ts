/**
 * The owner directory store's requests (lambdas/aws/owner-directory-store.ts and the owner-directory-*.ts modules
 * beside it: `ownerFromItem` in owner-directory-items.ts; docs/data-model.md, "Owner directory"), against a client-boundary mock of the document client: consistent BatchGetItem reads, 100 distinct
 * keys a request, never the freshness id, unprocessed keys retried with backoff then named; `ownerFromItem` departed
 * only when said, unknown states and damaged opt-out sets ignored; every import upsert conditional on the owner as
 * the plan read them; the remembered opt-out set written whole only while exactly as stored, and an SES complaint's
 * digest added to it.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerFromItem } from '../../lambdas/aws/owner-directory-items';
import { DirectoryReadIncompleteError } from '../../lambdas/aws/owner-directory-reads';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { type OwnerUpsert, planOwnerImport } from '../../lambdas/hygiene/owner-import';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const keysOf = (call: number) =>
  ddb.commandCalls(BatchGetCommand)[call]?.args[0].input.RequestItems?.owners?.Keys?.map((k) => k.userId);

describe('DynamoOwnerDirectory.getMany (BatchGetItem at the client boundary)', () => {
  afterEach(() => ddb.reset());

  it('asks for each distinct owner once, 100 keys a request, never the reserved freshness id', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { owners: [] } });
    const ids = Array.from({ length: 150 }, (_, i) => `u-${i}`);
    await new DynamoOwnerDirectory(documentClient, 'owners').getMany([
      ...ids,
      'u-0',
      DIRECTORY_FRESHNESS_ID,
      '',
    ]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(2);
    expect(keysOf(0)).toEqual(ids.slice(0, 100));
    expect(keysOf(1)).toEqual(ids.slice(100));
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.owners?.ConsistentRead).toBe(
      true,
    );
  });

  it('retries unprocessed keys with growing backoff and merges the answers', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { owners: [{ userId: 'a', status: 'active' }] },
        UnprocessedKeys: { owners: { Keys: [{ userId: 'b' }, { userId: 'c' }] } },
      })
      .resolvesOnce({
        Responses: { owners: [{ userId: 'b', status: 'departed' }] },
        UnprocessedKeys: { owners: { Keys: [{ userId: 'c' }] } },
      })
      .resolves({ Responses: { owners: [{ userId: 'c', status: 'active', email: 'c@example.com' }] } });
    const delays: number[] = [];
    const directory = new DynamoOwnerDirectory(documentClient, 'owners', {
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.999,
    });
    const found = await directory.getMany(['a', 'b', 'c']);
    expect([...found.keys()]).toEqual(['a', 'b', 'c']);
    expect(found.get('b')?.status).toBe('departed');
    expect(keysOf(1)).toEqual(['b', 'c']);
    expect(keysOf(2)).toEqual(['c']);
    expect(delays).toEqual([49, 99]);
  });

  it('gives up after maxAttempts, naming the unread owners', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { owners: { Keys: [{ userId: 'a' }] } } });
    const directory = new DynamoOwnerDirectory(documentClient, 'owners', {
      maxAttempts: 3,
      sleep: async () => {},
    });
    const error = await directory.getMany(['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryReadIncompleteError);
    expect((error as DirectoryReadIncompleteError).unreadUserIds).toEqual(['a']);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });
});

describe('ownerFromItem', () => {
  it('reads only an explicit departed as departed, and ignores an unknown subscription state', () => {
    expect(ownerFromItem({ userId: 'x', status: 'gone', subscription: 'maybe', email: '' })).toEqual({
      userId: 'x',
      status: 'active',
    });
    expect(ownerFromItem({ userId: DIRECTORY_FRESHNESS_ID, asOf: 'x' })).toBeUndefined();
    expect(ownerFromItem({ status: 'active' })).toBeUndefined();
  });

  it('reads the opted-out address digests of a String Set, sorted; anything else reads as absent', () => {
    const [a, b] = ['a@example.com', 'b@example.com'].map(optedOutAddressDigest).sort();
    const owner = (optedOutAddresses: unknown) =>
      ownerFromItem({ userId: 'x', status: 'active', optedOutAddresses });

    expect(owner(new Set([b, a]))?.optedOutAddresses).toEqual([a, b]);
    expect(owner(new Set([b, 'not a digest', a?.toUpperCase()]))?.optedOutAddresses).toEqual([b]);
    expect(owner(new Set(['not a digest']))).toEqual({ userId: 'x', status: 'active' });
    expect(owner([a])).toEqual({ userId: 'x', status: 'active' });
    expect(owner(a)).toEqual({ userId: 'x', status: 'active' });
    expect(owner(new Set([1, 2]))).toEqual({ userId: 'x', status: 'active' });
  });
});

describe('DynamoOwnerDirectory.upsertOwners (UpdateItem at the client boundary)', () => {
  afterEach(() => ddb.reset());
  const directory = () => new DynamoOwnerDirectory(documentClient, 'owners');
  const sent = () => ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
  const ada = { userId: 'ada', email: 'ada@b.example', name: 'Ada', status: 'active' } as const;

  it('writes every planned upsert only while the owner is as the plan read them', async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { userId: 'ada' } });
    await directory().upsertOwners(
      planOwnerImport(
        new Map([
          [
            'ada',
            {
              userId: 'ada',
              email: 'ada@a.example',
              status: 'active',
              subscription: 'confirmed',
              updatedAt: '2026-11-30T00:00:00.000Z',
            } as const,
          ],
          [
            'bob',
            { userId: 'bob', email: 'bob@example.com', status: 'active', subscription: 'pending' } as const,
          ],
        ]),
        [
          ada,
          { userId: 'bob', email: 'bob@example.com', name: 'Bob', status: 'active' },
          { userId: 'cy', status: 'active' },
        ],
        false,
      ).upserts,
      '2026-12-01T00:00:00.000Z',
    );
    // by owner: the move is sent after its read of the stored set, the others meanwhile
    const [moved, renamed, created] = ['ada', 'bob', 'cy'].map((id) =>
      sent().find((w) => w.Key?.userId === id),
    );
    // a move: on the address, the state and the last import write read, and (it writes the remembered opt-outs
    // whole) on the set as stored just before: none here
    expect(moved?.ConditionExpression).toBe(
      'attribute_exists(#userId) AND #email = :readEmail AND #subscription = :readState AND #updatedAt = :readUpdatedAt' +
        ' AND attribute_not_exists(#optedOut)',
    );
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'owners',
        Key: { userId: 'ada' },
        ConsistentRead: true,
        ProjectionExpression: '#userId, #optedOut',
        ExpressionAttributeNames: { '#userId': 'userId', '#optedOut': 'optedOutAddresses' },
      },
    ]);
    expect(moved?.ExpressionAttributeValues).toMatchObject({
      ':readEmail': 'ada@a.example',
      ':readState': 'confirmed',
      ':readUpdatedAt': '2026-11-30T00:00:00.000Z',
    });
    // an update that keeps the address: on the address read, not on the state (kept, not written)
    expect(renamed?.ConditionExpression).toBe('attribute_exists(#userId) AND #email = :readEmail');
    expect(renamed?.ExpressionAttributeValues).toMatchObject({ ':readEmail': 'bob@example.com' });
    // a new owner: still absent
    expect(created?.ConditionExpression).toBe('attribute_not_exists(#userId)');
    expect(created?.ExpressionAttributeNames).toMatchObject({ '#userId': 'userId' });
  });

  it('has no unconditional write: an existing owner’s upsert says what was read of them (checked by tsc)', async () => {
    // @ts-expect-error `read` is required once the owner existed: without it there is nothing to write it under
    const unread: OwnerUpsert = { owner: ada, existed: true, resetRoute: false };
    const read: OwnerUpsert = { ...unread, existed: true, read: {} };
    ddb.on(UpdateCommand).resolves({});
    await directory().upsertOwners([read], '2026-12-01T00:00:00.000Z');
    expect(sent()[0]?.ConditionExpression).toBe(
      'attribute_exists(#userId) AND (attribute_not_exists(#email) OR NOT attribute_type(#email, :string) OR #email = :empty)',
    );
  });

  it('writes the opt-outs the plan kept: a new owner’s, and merged ones on the owner’s state and last import write as read', async () => {
    ddb.on(UpdateCommand).resolves({});
    const digest = optedOutAddressDigest('ada@old.example');
    ddb
      .on(GetCommand, { Key: { userId: 'cy' } })
      .resolves({ Item: { userId: 'cy' } })
      .on(GetCommand, { Key: { userId: 'dee' } })
      .resolves({ Item: { userId: 'dee', optedOutAddresses: new Set([digest]) } });
    const optOuts = { unsubscribed: true, optedOutAddresses: [digest] };
    const upserts: OwnerUpsert[] = [
      {
        owner: { ...ada, optOuts },
        existed: false,
        resetRoute: false,
        keptOptOuts: { state: 'unsubscribed', optedOutAddresses: [digest] },
      },
      // a line with opt-outs the plan found nothing to add from: stated fields only, on the address read
      { owner: { ...ada, userId: 'bob', optOuts }, existed: true, resetRoute: false, read: { email: 'b@x' } },
      {
        owner: { ...ada, userId: 'cy', optOuts },
        existed: true,
        resetRoute: false,
        read: { email: 'ada@b.example', updatedAt: '2026-11-30T00:00:00.000Z' },
        keptOptOuts: { state: 'unsubscribed', optedOutAddresses: [digest] },
      },
      {
        owner: { ...ada, userId: 'dee', optOuts: { unsubscribed: false, optedOutAddresses: [digest] } },
        existed: true,
        resetRoute: false,
        read: { email: 'ada@b.example', subscription: 'confirmed' },
        keptOptOuts: { optedOutAddresses: [digest] },
      },
    ];
    await directory().upsertOwners(upserts, '2026-12-01T00:00:00.000Z');
    const [created, renamed, recorded, merged] = sent();

    expect(created?.UpdateExpression).toBe(
      'SET #status = :status, #updatedAt = :now, #email = :email, #name = :name, ' +
        '#subscription = :unsubscribed, #optedOut = :optedOut REMOVE #subscriptionArn',
    );
    expect(created?.ExpressionAttributeValues).toMatchObject({
      ':unsubscribed': 'unsubscribed',
      ':optedOut': new Set([digest]),
    });
    expect(created?.ConditionExpression).toBe('attribute_not_exists(#userId)');
    expect(renamed?.UpdateExpression).toBe(
      'SET #status = :status, #updatedAt = :now, #email = :email, #name = :name',
    );
    expect(renamed?.ConditionExpression).toBe('attribute_exists(#userId) AND #email = :readEmail');
    // unsubscribed recorded without an ARN (the bounce kept), the set whole; as a move: on address, state, updatedAt
    expect(recorded?.UpdateExpression).toBe(
      'SET #status = :status, #updatedAt = :now, #email = :email, #name = :name, ' +
        '#subscription = :unsubscribed, #optedOut = :optedOut REMOVE #subscriptionArn',
    );
    expect(recorded?.ConditionExpression).toBe(
      'attribute_exists(#userId) AND #email = :readEmail AND ' +
        '(attribute_not_exists(#subscription) OR NOT (#subscription IN (:known0, :known1, :known2, :known3))) AND ' +
        '#updatedAt = :readUpdatedAt AND attribute_not_exists(#optedOut)',
    );
    expect(recorded?.ExpressionAttributeValues).toMatchObject({
      ':readEmail': 'ada@b.example',
      ':readUpdatedAt': '2026-11-30T00:00:00.000Z',
    });
    // digests only: the state is left as it is, the condition still on it
    expect(merged?.UpdateExpression).toBe(
      'SET #status = :status, #updatedAt = :now, #email = :email, #name = :name, #optedOut = :optedOut',
    );
    expect(merged?.ConditionExpression).toBe(
      'attribute_exists(#userId) AND #email = :readEmail AND #subscription = :readState AND ' +
        '(attribute_not_exists(#updatedAt) OR NOT attribute_type(#updatedAt, :string) OR #updatedAt = :empty) AND ' +
        '#optedOut = :storedOptedOut',
    );
    expect(merged?.ExpressionAttributeValues).toMatchObject({
      ':readState': 'confirmed',
      ':storedOptedOut': new Set([digest]),
    });
    // the new owner and the stated-fields update write no set: nothing read for them
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input.Key)).toEqual([
      { userId: 'cy' },
      { userId: 'dee' },
    ]);
  });

  it('returns an upsert whose condition failed as refused, moved or not, and writes the others', async () => {
    ddb
      .on(UpdateCommand, { Key: { userId: 'ada' } })
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .on(UpdateCommand, { Key: { userId: 'bob' } })
      .resolves({});
    const upserts: OwnerUpsert[] = [
      { owner: ada, existed: true, resetRoute: false, read: { email: 'ada@b.example' } },
      { owner: { userId: 'bob', status: 'active' as const }, existed: false, resetRoute: false },
    ];
    expect(await directory().upsertOwners(upserts, '2026-12-01T00:00:00.000Z')).toEqual({
      written: 1,
      refused: [upserts[0]],
    });
  });
});

describe('the remembered set, written whole by an import and added to by an SES complaint', () => {
  afterEach(() => ddb.reset());
  const directory = () => new DynamoOwnerDirectory(documentClient, 'owners');
  const sent = () => ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
  const [A, B, C] = ['ada@a.example', 'ada@b.example', 'ada@c.example'];
  const refusal = () =>
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  /** ada moved from b to `to`, planned from a read of her at b (not unsubscribed there) holding `read`. */
  const moveFromB = (to: string, planned: readonly string[], state?: 'unsubscribed'): OwnerUpsert => ({
    owner: { userId: 'ada', email: to, status: 'active' },
    existed: true,
    resetRoute: true,
    read: { email: B, updatedAt: '2026-11-30T00:00:00.000Z' },
    move: { ...(state && { state }), optedOutAddresses: planned },
  });

  it('refuses, writing nothing, an import whose whole set would drop a digest remembered since its plan read the owner', async () => {
    ddb.on(UpdateCommand).resolves({});
    // a complaint about a remembered a while the import (which read no digests) moves ada from b to c
    ddb
      .on(GetCommand)
      .resolves({ Item: { userId: 'ada', optedOutAddresses: new Set([optedOutAddressDigest(A)]) } });
    const toC = moveFromB(C, []);
    // …or back to a itself: a plan that had read a's digest would have recorded unsubscribed there
    const backToA = moveFromB(A, [optedOutAddressDigest(A)]);

    expect(await directory().upsertOwners([toC, backToA], '2026-12-01T00:00:00.000Z')).toEqual({
      written: 0,
      refused: [toC, backToA],
    });
    expect(sent()).toEqual([]);
  });

  it('writes a set the plan could have read from under the condition that it is still exactly as stored, of any type', async () => {
    ddb.on(UpdateCommand).resolves({});
    const forgotten = optedOutAddressDigest(B);
    const cases: [unknown, string, Record<string, unknown>][] = [
      // the move forgets b (she was not unsubscribed there), keeps a, and decides a's state from it
      [new Set([forgotten, optedOutAddressDigest(A)]), '#optedOut = :storedOptedOut', {}],
      // damaged values read as absent: matched exactly as stored, so the write replacing them is not refused forever
      [
        new Set(['not a digest']),
        '#optedOut = :storedOptedOut',
        { ':storedOptedOut': new Set(['not a digest']) },
      ],
      [['a list'], '#optedOut = :storedOptedOut', { ':storedOptedOut': ['a list'] }],
      [null, 'attribute_type(#optedOut, :null)', { ':null': 'NULL' }],
    ];
    for (const [stored, condition, values] of cases) {
      ddb.on(GetCommand).resolves({ Item: { userId: 'ada', optedOutAddresses: stored } });
      const planned = moveFromB(A, [optedOutAddressDigest(A)], 'unsubscribed');
      expect(await directory().upsertOwners([planned], '2026-12-01T00:00:00.000Z')).toMatchObject({
        written: 1,
      });
      const write = sent().at(-1);
      expect(write?.ConditionExpression).toMatch(new RegExp(` AND ${condition.replace(/[()]/g, '\\$&')}$`));
      expect(write?.ExpressionAttributeValues).toMatchObject(values);
    }
  });

  it('refuses a whole-set write for an owner gone since the plan read them, without sending it', async () => {
    ddb.on(GetCommand).resolves({});
    const planned = moveFromB(C, []);
    expect(await directory().upsertOwners([planned], '2026-12-01T00:00:00.000Z')).toEqual({
      written: 0,
      refused: [planned],
    });
    expect(sent()).toEqual([]);
  });

  it('adds a complaint’s digests to the String Set on the owner’s address as read, and replaces a damaged value', async () => {
    const digests = [optedOutAddressDigest(A)];
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(refusal()).resolvesOnce({});

    expect(await directory().rememberOptedOutAddresses('ada', B, digests)).toBe(true);
    expect(await directory().rememberOptedOutAddresses('ada', undefined, digests)).toBe(true);

    const [added, refused, replaced] = sent();
    expect(added).toMatchObject({
      Key: { userId: 'ada' },
      UpdateExpression: 'ADD #optedOut :digests',
      ConditionExpression:
        'attribute_exists(#userId) AND #email = :email AND ' +
        '(attribute_not_exists(#optedOut) OR attribute_type(#optedOut, :stringSet))',
      ExpressionAttributeValues: { ':digests': new Set(digests), ':stringSet': 'SS', ':email': B },
    });
    // no address: matched as a damaged one reads, absent; refused as a String Set, then written whole
    expect(refused?.ConditionExpression).toBe(
      'attribute_exists(#userId) AND ' +
        '(attribute_not_exists(#email) OR NOT attribute_type(#email, :string) OR #email = :empty) AND ' +
        '(attribute_not_exists(#optedOut) OR attribute_type(#optedOut, :stringSet))',
    );
    expect(replaced).toMatchObject({
      UpdateExpression: 'SET #optedOut = :digests',
      ConditionExpression:
        'attribute_exists(#userId) AND ' +
        '(attribute_not_exists(#email) OR NOT attribute_type(#email, :string) OR #email = :empty) AND ' +
        'attribute_exists(#optedOut) AND NOT attribute_type(#optedOut, :stringSet)',
    });
  });

  it('returns false when both writes are refused (the owner is gone or moved), and refuses an empty list', async () => {
    ddb.on(UpdateCommand).rejects(refusal());
    expect(await directory().rememberOptedOutAddresses('ada', B, [optedOutAddressDigest(A)])).toBe(false);
    expect(sent()).toHaveLength(2);
    await expect(directory().rememberOptedOutAddresses('ada', B, [])).rejects.toThrow(
      /owner "ada": no address digests to remember/,
    );
  });
});
