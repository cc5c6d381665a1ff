/**
 * Moving an owner directory keeps the opt-outs (docs/deploy.md, "Owner
 * directory"): `pc-hygiene owners export` from one table, `owners import` of
 * that file into another, as an operator runs them (the CLI, child
 * processes, DynamoDB Local). An owner new to the target keeps an
 * `unsubscribed` state and the opt-out digests of their line, so the target's
 * first reconcile (the real reconciler on the SNS-compatible local server)
 * subscribes nobody who said stop; the rest of the line's route state (another
 * state, the ARN of the other topic, a bounce of the other SES account) is
 * dropped, and an owner already in the target keeps the target's own state.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';

const SOURCE_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-source';
const TARGET_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-target';
const A = 'ada@example.com';
const B = 'ada@new.example';

describe('owners export, then owners import into another table', () => {
  const source = useTestDirectoryTable('export-source', 'each');
  const target = useTestDirectoryTable('import-target', 'each');
  const dir = useTempDir('owners-export-import');
  let sns: FakeSnsServer;
  const from = () => new DynamoOwnerDirectory(source.client, source.tableName);
  const to = () => new DynamoOwnerDirectory(target.client, target.tableName);
  const ownerIn = async (directory: DynamoOwnerDirectory, userId: string) =>
    (await directory.getMany([userId])).get(userId);

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(() => sns.reset());

  /** `owners import` of `text` (a file named `name`) into `table`, as of `asOf` (`extra`: more flags). */
  const importInto = async (
    table: typeof source,
    name: string,
    text: string,
    asOf: string,
    ...extra: string[]
  ) => {
    const path = join(dir(), name);
    await writeFile(path, text);
    return runCli(['owners', 'import', path, ...directoryFlags(table), '--as-of', asOf, ...extra]);
  };
  const csv = (...rows: string[]) => `userId,email,name,status\n${rows.join('\n')}\n`;

  /**
   * The source: ada opted out at a, was moved to b (a remembered) and opted out at b too (the vanished ARN kept);
   * cy confirmed on the source's topic and bouncing on its SES account; dan opted out at his address; bob nothing.
   */
  async function sourceWithOptOuts(): Promise<void> {
    const rows = (ada: string) =>
      csv(
        `ada,${ada},Ada,active`,
        'bob,bob@example.com,Bob,active',
        'cy,cy@example.com,Cy,active',
        'dan,dan@example.com,Dan,active',
      );
    expect((await importInto(source, 'source-1.csv', rows(A), '2026-11-01T00:00:00Z')).code).toBe(0);
    const directory = from();
    expect(
      await directory.recordSubscription({ userId: 'ada', email: A, state: 'unsubscribed', read: {} }),
    ).toBe(true);
    expect((await importInto(source, 'source-2.csv', rows(B), '2026-11-02T00:00:00Z')).code).toBe(0);
    const adaArn = `${SOURCE_TOPIC}:ada-sub`;
    const recorded = await directory.recordSubscriptionStates([
      { userId: 'ada', email: B, state: 'unsubscribed', subscriptionArn: adaArn, read: {} },
      {
        userId: 'cy',
        email: 'cy@example.com',
        state: 'confirmed',
        subscriptionArn: `${SOURCE_TOPIC}:cy-sub`,
        read: {},
      },
      { userId: 'dan', email: 'dan@example.com', state: 'unsubscribed', read: {} },
    ]);
    expect(recorded).toEqual([]);
    expect(await directory.markBouncing('cy', 'cy@example.com', '2026-11-03T00:00:00.000Z')).toBe(true);
    expect(await ownerIn(directory, 'ada')).toMatchObject({
      email: B,
      subscription: 'unsubscribed',
      subscriptionArn: adaArn,
      optedOutAddresses: [optedOutAddressDigest(A)],
    });
  }

  it('keeps the opt-outs of owners new to the target, so its first reconcile subscribes none of them', async () => {
    await sourceWithOptOuts();
    // dan is already in the target (another name), where he has a pending subscription: the target's state wins
    expect(
      (
        await importInto(
          target,
          'target-0.csv',
          csv('dan,dan@example.com,Dan Old,active'),
          '2026-11-03T00:00:00Z',
        )
      ).code,
    ).toBe(0);
    expect(
      await to().recordSubscription({ userId: 'dan', email: 'dan@example.com', state: 'pending', read: {} }),
    ).toBe(true);

    const exported = await runCli(['owners', 'export', ...directoryFlags(source)]);
    expect(exported.code).toBe(0);
    const moved = await importInto(
      target,
      'export.jsonl',
      exported.stdout,
      '2026-11-04T00:00:00Z',
      '--format',
      'json',
    );

    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      outcome: 'imported',
      created: 3,
      updated: 1,
      unchanged: 0,
    });
    const directory = to();
    expect(await ownerIn(directory, 'ada')).toEqual({
      userId: 'ada',
      email: B,
      name: 'Ada',
      status: 'active',
      subscription: 'unsubscribed',
      optedOutAddresses: [optedOutAddressDigest(A)],
      updatedAt: expect.any(String),
    });
    // the other topic's subscription and the other SES account's bounce are not this deployment's
    expect(await ownerIn(directory, 'cy')).toEqual({
      userId: 'cy',
      email: 'cy@example.com',
      name: 'Cy',
      status: 'active',
      updatedAt: expect.any(String),
    });
    expect(await ownerIn(directory, 'dan')).toEqual({
      userId: 'dan',
      email: 'dan@example.com',
      name: 'Dan',
      status: 'active',
      subscription: 'pending',
      updatedAt: expect.any(String),
    });

    const summary = await reconcileSubscriptions(
      {
        topic: new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TARGET_TOPIC),
        directory,
      },
      { route: 'sns-email' },
    );
    const endpoints = sns.subscriptionsOf(TARGET_TOPIC).map((s) => s.endpoint);
    expect(endpoints).toContain('bob@example.com');
    expect(endpoints).not.toContain(B);
    expect(summary.created).toBe(endpoints.length);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ subscription: 'unsubscribed' });
    expect(reachabilityOf(await ownerIn(directory, 'ada'), 'relay')).toEqual({
      reachable: false,
      reason: 'unsubscribed',
    });

    // the digests came along: moved back to a, where she said stop on the source, she is unsubscribed there too
    const back = await importInto(
      target,
      'target-2.csv',
      csv(
        `ada,${A},Ada,active`,
        'bob,bob@example.com,Bob,active',
        'cy,cy@example.com,Cy,active',
        'dan,dan@example.com,Dan,active',
      ),
      '2026-11-05T00:00:00Z',
    );
    expect(back.code).toBe(0);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ email: A, subscription: 'unsubscribed' });
  });

  it('rejects a line whose opt-out fields are not what an export writes, naming the line and field; writes nothing', async () => {
    const lines = [
      { userId: 'ok', email: 'ok@example.com', status: 'active', subscription: 'unsubscribed' },
      { userId: 'eve', email: 'eve@example.com', status: 'active', subscription: 'Unsubscribed' },
      { userId: 'fay', status: 'active', optedOutAddresses: 'fay@old.example' },
    ];
    const result = await importInto(
      target,
      'bad.jsonl',
      lines.map((l) => JSON.stringify(l)).join('\n'),
      '2026-11-04T00:00:00Z',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'line 2 (userId "eve"): subscription: "Unsubscribed" must be one of confirmed, pending, none, unsubscribed',
    );
    expect(result.stderr).toContain('line 3 (userId "fay"): optedOutAddresses: must be an array');
    expect(await to().listOwners()).toEqual([]);
  });
});
