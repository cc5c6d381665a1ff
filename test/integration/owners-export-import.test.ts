/**
 * Moving an owner directory keeps the opt-outs (docs/deploy.md, "Owner
 * directory"): `pc-hygiene owners export` from one table, `owners import` of
 * that file into another, as an operator runs them (the CLI, child
 * processes, DynamoDB Local). An owner new to the target keeps an
 * `unsubscribed` state and the opt-out digests of their line; one a first HR
 * import already put there gets the digests merged and the opt-out recorded
 * at their address, unless a subscription is there (reported, exit 0). So the
 * target's first reconcile (the real reconciler on the SNS-compatible local
 * server) subscribes nobody who said stop; the rest of the line's route state
 * (another state, the ARN of the other topic, a bounce of the other SES
 * account) is dropped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { directoryFlags, runCli } from '../support/run-cli';
import { hookSends } from '../support/send-hooks';
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

  /** The source's owners, ada at `ada` (an HR export's rows: no route state). */
  const hrRows = (ada: string) =>
    csv(
      `ada,${ada},Ada,active`,
      'bob,bob@example.com,Bob,active',
      'cy,cy@example.com,Cy,active',
      'dan,dan@example.com,Dan,active',
      'eve,eve@example.com,Eve,active',
    );

  /**
   * The source: ada opted out at a, was moved to b (a remembered) and opted out at b too (the vanished ARN kept);
   * cy confirmed on the source's topic and bouncing on its SES account; dan and eve opted out at their addresses;
   * bob nothing.
   */
  async function sourceWithOptOuts(): Promise<void> {
    expect((await importInto(source, 'source-1.csv', hrRows(A), '2026-11-01T00:00:00Z')).code).toBe(0);
    const directory = from();
    expect(
      await directory.recordSubscription({ userId: 'ada', email: A, state: 'unsubscribed', read: {} }),
    ).toBe(true);
    expect((await importInto(source, 'source-2.csv', hrRows(B), '2026-11-02T00:00:00Z')).code).toBe(0);
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
      { userId: 'eve', email: 'eve@example.com', state: 'unsubscribed', read: {} },
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

  /** `owners export` of the source, as JSON Lines text. */
  async function exportSource(): Promise<string> {
    const exported = await runCli(['owners', 'export', ...directoryFlags(source)]);
    expect(exported.code).toBe(0);
    return exported.stdout;
  }

  /** The real reconciler on the fake SNS, for the target; the addresses it subscribed. */
  async function reconcileTarget(): Promise<string[]> {
    const summary = await reconcileSubscriptions(
      {
        topic: new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TARGET_TOPIC),
        directory: to(),
      },
      { route: 'sns-email' },
    );
    const endpoints = sns.subscriptionsOf(TARGET_TOPIC).map((s) => s.endpoint);
    expect(summary.created).toBe(endpoints.length);
    return endpoints.sort();
  }

  const unsubscribedAt = (email: string, ...opted: string[]) => ({
    email,
    subscription: 'unsubscribed',
    optedOutAddresses: opted.map(optedOutAddressDigest).sort(),
  });

  it('keeps the opt-outs of owners new to the target, so its first reconcile subscribes none of them', async () => {
    await sourceWithOptOuts();
    const moved = await importInto(
      target,
      'export.jsonl',
      await exportSource(),
      '2026-11-04T00:00:00Z',
      '--format',
      'json',
    );

    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      outcome: 'imported',
      created: 5,
      updated: 0,
      unchanged: 0,
      optOutsKept: 3,
      optOutsNotApplied: [],
    });
    const directory = to();
    // the line says unsubscribed at b: b's digest joins the set, so an edited line or a move back keeps it
    expect(await ownerIn(directory, 'ada')).toEqual({
      userId: 'ada',
      name: 'Ada',
      status: 'active',
      ...unsubscribedAt(B, A, B),
      updatedAt: expect.any(String),
    });
    expect(await ownerIn(directory, 'dan')).toMatchObject(
      unsubscribedAt('dan@example.com', 'dan@example.com'),
    );
    // the other topic's subscription and the other SES account's bounce are not this deployment's
    expect(await ownerIn(directory, 'cy')).toEqual({
      userId: 'cy',
      email: 'cy@example.com',
      name: 'Cy',
      status: 'active',
      updatedAt: expect.any(String),
    });

    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ subscription: 'unsubscribed' });
    expect(reachabilityOf(await ownerIn(directory, 'ada'), 'relay')).toEqual({
      reachable: false,
      reason: 'unsubscribed',
    });

    // the digests came along: moved back to a, where she said stop on the source, she is unsubscribed there too
    const back = await importInto(target, 'target-2.csv', hrRows(A), '2026-11-05T00:00:00Z');
    expect(back.code).toBe(0);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ email: A, subscription: 'unsubscribed' });
  });

  it('merges the opt-outs into owners a first HR import put in the target, so its first reconcile subscribes none of them', async () => {
    // the reviewer's order: the new deployment's scheduled HR import runs first, then the source's export
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), '2026-11-03T00:00:00Z')).code).toBe(0);

    const moved = await importInto(
      target,
      'export.jsonl',
      await exportSource(),
      '2026-11-04T00:00:00Z',
      '--format',
      'json',
    );

    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      outcome: 'imported',
      created: 0,
      updated: 3,
      unchanged: 2,
      optOutsKept: 3,
      optOutsNotApplied: [],
    });
    const directory = to();
    // at the address the target holds: the state recorded (no ARN), the digests merged
    expect(await ownerIn(directory, 'ada')).toEqual({
      userId: 'ada',
      name: 'Ada',
      status: 'active',
      ...unsubscribedAt(B, A),
      updatedAt: expect.any(String),
    });
    expect(await ownerIn(directory, 'dan')).toMatchObject({ subscription: 'unsubscribed' });
    expect(await ownerIn(directory, 'eve')).toMatchObject({ subscription: 'unsubscribed' });
    expect(await ownerIn(directory, 'cy')).not.toHaveProperty('subscription');

    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ subscription: 'unsubscribed' });

    // a re-run of the same export finds nothing left to write
    const again = await importInto(
      target,
      'export-again.jsonl',
      await exportSource(),
      '2026-11-04T00:00:00Z',
      '--format',
      'json',
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ updated: 0, unchanged: 5, optOutsKept: 0 });
  });

  it('reports, and leaves alone, an opt-out at an address with a subscription on the target’s topic (exit 0)', async () => {
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), '2026-11-03T00:00:00Z')).code).toBe(0);
    const eveArn = `${TARGET_TOPIC}:eve-sub`;
    const recorded = await to().recordSubscriptionStates([
      { userId: 'dan', email: 'dan@example.com', state: 'pending', read: {} },
      { userId: 'eve', email: 'eve@example.com', state: 'confirmed', subscriptionArn: eveArn, read: {} },
    ]);
    expect(recorded).toEqual([]);
    const exported = await exportSource();

    const planned = await importInto(
      target,
      'dry.jsonl',
      exported,
      '2026-11-04T00:00:00Z',
      '--dry-run',
      '--format',
      'json',
    );
    expect(planned.code).toBe(0);
    const summary = JSON.parse(planned.stdout);
    expect(summary).toMatchObject({ outcome: 'dry-run', updated: 1, unchanged: 4, optOutsKept: 1 });
    expect(summary.optOutsNotApplied).toEqual(
      expect.arrayContaining([
        { userId: 'dan', state: 'pending' },
        { userId: 'eve', state: 'confirmed' },
      ]),
    );
    expect(summary.optOutsNotApplied).toHaveLength(2);
    expect(planned.stderr).toContain('their opt-out would not be recorded');

    const moved = await importInto(target, 'export.jsonl', exported, '2026-11-04T00:00:00Z');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain("0 marked departed, the export's opt-outs kept for 1;");
    const warning = moved.stderr.trim();
    expect(warning.split('\n')).toHaveLength(1);
    expect(warning).toMatch(
      /^pc-hygiene owners import: warning: 2 owner\(s\) opted out on the exporting deployment/,
    );
    expect(warning).toContain('dan (pending)');
    expect(warning).toContain('eve (confirmed)');
    expect(warning).toContain('their opt-out was not recorded');
    expect(warning).toMatch(
      /run \(with the same --stack or --directory-table\): pc-hygiene owners unsubscribe (dan eve|eve dan)$/,
    );
    const directory = to();
    expect(await ownerIn(directory, 'dan')).toMatchObject({ subscription: 'pending' });
    expect(await ownerIn(directory, 'dan')).not.toHaveProperty('optedOutAddresses');
    expect(await ownerIn(directory, 'eve')).toMatchObject({
      subscription: 'confirmed',
      subscriptionArn: eveArn,
    });
    expect(await ownerIn(directory, 'ada')).toMatchObject(unsubscribedAt(B, A));
  });

  it('remembers an opt-out at the line’s address when the target holds another, and the move records it there', async () => {
    await sourceWithOptOuts();
    // the target's HR export still has ada at a, where the target has no opt-out of hers
    expect((await importInto(target, 'hr.csv', hrRows(A), '2026-11-03T00:00:00Z')).code).toBe(0);

    const moved = await importInto(
      target,
      'export.jsonl',
      await exportSource(),
      '2026-11-04T00:00:00Z',
      '--format',
      'json',
    );

    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ updated: 3, optOutsKept: 3, optOutsNotApplied: [] });
    expect(await ownerIn(to(), 'ada')).toMatchObject(unsubscribedAt(B, A, B));
    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
  });

  it('re-plans a merge refused because a reconcile subscribed the owner meanwhile, and reports it not applied', async () => {
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), '2026-11-03T00:00:00Z')).code).toBe(0);
    const file = join(dir(), 'export.jsonl');
    await writeFile(file, await exportSource());
    // the reconciler subscribes ada right after the import read the directory
    let ran = false;
    const spy = hookSends(target.client, {
      after: async (command) => {
        if (ran || !(command instanceof ScanCommand)) return;
        ran = true;
        const arn = `${TARGET_TOPIC}:ada-sub`;
        expect(
          await to().recordSubscription({
            userId: 'ada',
            email: B,
            state: 'pending',
            subscriptionArn: arn,
            read: {},
          }),
        ).toBe(true);
      },
    });
    const summary = await importOwnerFile(target.client, {
      table: target.tableName,
      file,
      asOf: '2026-11-04T00:00:00.000Z',
      now: '2026-11-04T00:00:00.000Z',
      maxDeletePercent: 100,
    }).finally(() => spy.mockRestore());

    expect(ran).toBe(true);
    expect(summary).toMatchObject({ outcome: 'imported', updated: 3, unchanged: 2, optOutsKept: 3 });
    expect(summary.optOutsNotApplied).toEqual([{ userId: 'ada', state: 'pending' }]);
    // her digests are merged on the re-plan; the state the reconcile recorded is left alone
    expect(await ownerIn(to(), 'ada')).toMatchObject({
      subscription: 'pending',
      optedOutAddresses: [optedOutAddressDigest(A)],
    });
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
