import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DirectoryReadIncompleteError,
  DynamoOwnerDirectory,
  ownerFromItem,
} from '../../lambdas/aws/owner-directory-store';
import { DIRECTORY_FRESHNESS_ID } from '../../lambdas/hygiene/data-contract';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';

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
