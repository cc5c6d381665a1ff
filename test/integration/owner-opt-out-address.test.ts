/**
 * An opt-out survives an address flip-flop (docs/notifications.md,
 * "Subscription reconciler"): a wrong export moves an owner who opted out at
 * address a to address b, the next export moves them back to a; they are
 * `unsubscribed` again at a — the reconciler subscribes nobody at a (SNS
 * would email the person a confirmation link), and on `relay` they are
 * unreachable — until an operator runs `owners resubscribe` (the CLI, as a
 * child process). The real import use case on DynamoDB Local, the real reconciler on the SNS-compatible
 * local server; the race with an opt-out recorded while the import runs is
 * driven by hooking the directory client's requests.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchGetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importOwnerFile, OwnersChangedMeanwhileError } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { directoryFlags, runCli } from '../support/run-cli';
import { hookSends, type RawSend } from '../support/send-hooks';
import { useTempDir } from '../support/temp-dir';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-flip-flop';
const A = 'ada@example.com';
const B = 'ada@wrong.example';
const C = 'ada@third.example';
/**
 * SHA-256 of the trimmed, lower-cased NFD text `jose\u0301@example.com`
 * (`printf 'jose\xcc\x81@example.com' | sha256sum`): the digest an import stored
 * for that address before addresses were compared in NFC.
 */
const LEGACY_NFD = '70d72e4a4d0b058a595bd869112d4662c14264676acff2c866e0a29888d9d62d';
/** Another owner in every export, who stays subscribed (one owner opting out alone would trip the mass-unsubscribe guard). */
const BOB = 'bob@example.com';

describe('an opt-out and an address flip-flop', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;
  let imports = 0;
  const dir = useTempDir('opt-out-address');

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(async () => {
    sns.reset();
    table = await createTestDirectoryTable('opt-out-address');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });
  afterEach(() => table.drop());

  /** `owners import` of one export giving ada `email`, and bob his (each a newer snapshot than the last). */
  const importAda = async (email: string) => {
    imports += 1;
    const file = join(dir(), `owners-${imports}.csv`);
    await writeFile(file, `userId,email,name,status\nada,${email},Ada,active\nbob,${BOB},Bob,active\n`);
    const asOf = new Date(Date.UTC(2026, 10, 1) + imports * 60_000).toISOString();
    return importOwnerFile(table.client, {
      table: table.tableName,
      file,
      asOf,
      now: asOf,
      maxDeletePercent: 10,
    });
  };
  const ada = async () => (await directory.getMany(['ada'])).get('ada');
  const reconcile = () =>
    reconcileSubscriptions(
      {
        topic: new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TOPIC),
        directory,
      },
      { route: 'sns-email' },
    );
  const endpoints = () => sns.subscriptionsOf(TOPIC).map((s) => s.endpoint);
  /** ada subscribed at `A` and confirmed, then she clicks the unsubscribe link: recorded `unsubscribed`. */
  const optOutByLink = async () => {
    expect((await importAda(A)).outcome).toBe('imported');
    await reconcile();
    sns.confirm(A);
    sns.confirm(BOB);
    await reconcile();
    expect(sns.unsubscribeByLink(A)).toBe(1);
    await reconcile();
    expect((await ada())?.subscription).toBe('unsubscribed');
  };

  it('keeps her unsubscribed at a after a → b → a: no subscription for a, unreachable on relay', async () => {
    await optOutByLink();
    expect(sns.callCount('Subscribe')).toBe(2);

    // the wrong export: b is a new address, its route state cleared, the opt-out at a remembered
    await importAda(B);
    expect(await ada()).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
    expect((await ada())?.subscription).toBeUndefined();
    await reconcile();
    expect(endpoints()).toEqual([BOB, B]);

    // the fixed export: back at a, where she said stop
    await importAda(A);
    const back = await ada();
    expect(back).toMatchObject({ email: A, subscription: 'unsubscribed' });
    expect(back?.subscriptionArn).toBeUndefined();
    expect(reachabilityOf(back, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(back, 'sns-email')).toEqual({ reachable: false, reason: 'unsubscribed' });

    const subscribesBefore = sns.callCount('Subscribe');
    const summary = await reconcile();
    expect(sns.callCount('Subscribe')).toBe(subscribesBefore);
    expect(summary.created).toBe(0);
    expect(endpoints()).not.toContain(A);
    expect((await ada())?.subscription).toBe('unsubscribed');
  });

  it('finds an opt-out remembered before NFC was applied when an NFD export moves her back there', async () => {
    const nfd = 'jose\u0301@example.com';
    await importAda(B);
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { userId: 'ada' },
        UpdateExpression: 'SET optedOutAddresses = :digests',
        ExpressionAttributeValues: { ':digests': new Set([LEGACY_NFD]) },
      }),
    );

    expect((await importAda(nfd)).outcome).toBe('imported');
    const back = await ada();
    expect(back).toMatchObject({ email: nfd, subscription: 'unsubscribed' });
    expect(reachabilityOf(back, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
    const summary = await reconcile();
    expect(summary.created).toBe(1);
    expect(endpoints()).toEqual([BOB]);
  });

  /** Sets ada's stored route state and remembered digests by hand (as an earlier version left them). */
  const storeAda = (state: string, digests: readonly string[]) =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { userId: 'ada' },
        UpdateExpression: 'SET subscription = :state, optedOutAddresses = :digests',
        ExpressionAttributeValues: { ':state': state, ':digests': new Set(digests) },
      }),
    );

  it('finds a legacy digest of the NFD spelling when the export now spells the address in NFC', async () => {
    const nfc = 'jos\u00e9@example.com';
    await importAda(B);
    await storeAda('pending', [LEGACY_NFD]);

    expect((await importAda(nfc)).outcome).toBe('imported');
    expect(await ada()).toMatchObject({ email: nfc, subscription: 'unsubscribed' });
  });

  it('forgets a legacy digest with the opt-out when she moves away resubscribed: the whole-set write is not refused', async () => {
    const nfc = 'jos\u00e9@example.com';
    await importAda(nfc);
    await storeAda('none', [LEGACY_NFD, optedOutAddressDigest(C)]);

    expect((await importAda(B)).outcome).toBe('imported');
    expect(await ada()).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(C)] });
    await importAda(nfc);
    expect((await ada())?.subscription).toBeUndefined();
  });

  it('after owners resubscribe at a, forgets the opt-out when she moves away: a → b → a is not unsubscribed', async () => {
    await optOutByLink();
    await importAda(B);
    await importAda(A);
    expect((await ada())?.subscription).toBe('unsubscribed');

    const run = await runCli(['owners', 'resubscribe', 'ada', '--format', 'json', ...directoryFlags(table)]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ resubscribed: ['ada'], notChanged: [] });
    expect((await ada())?.subscription).toBe('none');
    // an import that keeps her address keeps the resubscribe
    await importAda(A.toUpperCase());
    expect((await ada())?.subscription).toBe('none');

    await importAda(C);
    expect((await ada())?.optedOutAddresses).toBeUndefined();
    await importAda(A);
    expect((await ada())?.subscription).toBeUndefined();
    expect(reachabilityOf(await ada(), 'relay')).toEqual({ reachable: true });
    // SNS refuses to subscribe a again while it still lists her unsubscribe by the link (up to 72 hours)
    expect((await reconcile()).failed.map((f) => f.operation.kind)).toEqual(['create']);
    sns.forgetDeleted();
    const summary = await reconcile();
    expect(summary.created).toBe(1);
    expect(endpoints()).toContain(A);
  });

  it('keeps an opt-out recorded while she had no address when an import gives her one, and remembers that address', async () => {
    expect((await importAda('')).outcome).toBe('imported');
    const run = await runCli([
      'owners',
      'unsubscribe',
      'ada',
      '--route',
      'relay',
      '--format',
      'json',
      ...directoryFlags(table),
    ]);
    expect(run.code).toBe(0);
    expect(await ada()).toMatchObject({ subscription: 'unsubscribed' });
    expect((await ada())?.email).toBeUndefined();

    // the next export gives her an address: she said stop, so she stays unsubscribed there
    await importAda(A);
    expect(await ada()).toMatchObject({ email: A, subscription: 'unsubscribed' });
    const summary = await reconcile();
    expect(summary.created).toBe(1);
    expect(endpoints()).toEqual([BOB]);
    expect(reachabilityOf(await ada(), 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });

    // a is then an address she opted out at: moved away and back, she is unsubscribed again
    await importAda(B);
    expect(await ada()).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
    await importAda(A);
    expect((await ada())?.subscription).toBe('unsubscribed');
  });

  it('remembers an opt-out recorded at the old address between the import’s read and its write', async () => {
    expect((await importAda(A)).outcome).toBe('imported');
    expect(await directory.recordSubscription({ userId: 'ada', email: A, state: 'pending', read: {} })).toBe(
      true,
    );
    // an operator's `owners unsubscribe` lands right after the import read the directory
    const spy = hookSends(table.client, {
      after: async (command, send) => {
        if (command instanceof ScanCommand) await recordState(send, 'unsubscribed');
      },
    });
    const moved = await importAda(B).finally(() => spy.mockRestore());

    expect(moved.outcome).toBe('imported');
    expect(await ada()).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
    await importAda(A);
    expect((await ada())?.subscription).toBe('unsubscribed');
  });

  it('gives up after the last attempt when her state keeps changing, writing nothing for her and no snapshot', async () => {
    expect((await importAda(A)).outcome).toBe('imported');
    const freshness = await directory.freshness();
    let flips = 0;
    const spy = hookSends(table.client, {
      after: async (command, send) => {
        if (command instanceof ScanCommand || command instanceof BatchGetCommand) {
          flips += 1;
          await recordState(send, flips % 2 === 0 ? 'none' : 'pending');
        }
      },
    });
    const failed = await importAda(B)
      .then(() => undefined)
      .catch((error: unknown) => error)
      .finally(() => spy.mockRestore());

    expect(failed).toBeInstanceOf(OwnersChangedMeanwhileError);
    expect((failed as OwnersChangedMeanwhileError).userIds).toEqual(['ada']);
    expect(flips).toBe(3);
    expect((await ada())?.email).toBe(A);
    expect(await directory.freshness()).toEqual(freshness);
  });

  it('replaces a damaged stored set (read as absent) when she moves, rather than refusing the move', async () => {
    expect((await importAda(A)).outcome).toBe('imported');
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { userId: 'ada' },
        UpdateExpression: 'SET subscription = :state, optedOutAddresses = :damaged',
        ExpressionAttributeValues: { ':state': 'unsubscribed', ':damaged': 'not a set' },
      }),
    );
    // read as absent, as a damaged text attribute is
    expect((await ada())?.optedOutAddresses).toBeUndefined();

    expect((await importAda(B)).outcome).toBe('imported');
    expect(await ada()).toMatchObject({ email: B, optedOutAddresses: [optedOutAddressDigest(A)] });
    expect(await ada()).not.toHaveProperty('subscription');
  });

  /** Records ada's subscription state by hand (as a reconcile or `owners unsubscribe` would), unconditionally. */
  async function recordState(send: RawSend, state: string): Promise<void> {
    await send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { userId: 'ada' },
        UpdateExpression: 'SET subscription = :state',
        ExpressionAttributeValues: { ':state': state },
      }),
    );
  }
});
