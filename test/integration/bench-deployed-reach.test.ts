/**
 * `--deployed-reach` (bench/deployed-reach.ts, bench/deployed-wiring.ts): the
 * bench measures the default deployment with its owners imported. On DynamoDB
 * Local and the bench's SNS server (in this process): the driver's setup
 * imports every owner of a bench table as `owners import` writes them and has
 * the project's reconciler subscribe and record them `confirmed`; then the
 * measured sweep reads the directory, looks its owners up and checks the alarm
 * topic before its admin summary (one `ListSubscriptionsByTopic` page), and
 * the measured drain reads the directory and lists the whole topic once (pages
 * of 100), every owner reachable. The same sweep without a directory lists
 * nothing. The failed conditional checkpoint load the sweep makes on a table
 * without a checkpoint is charged 1 WCU (bench/dynamo-meter.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_TOPIC_ARN } from '../../bench/bench-topics';
import type { ChildResult, ChildTask, ChildTaskName } from '../../bench/child-protocol';
import { type DeployedReach, prepareDeployedReach, tableOwners } from '../../bench/deployed-reach';
import { BENCH_NOW, generateTable } from '../../bench/generate';
import { measure } from '../../bench/measure';
import { BenchSnsServer } from '../../bench/sns-server';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';

/** 600 records of ~120 owners: the topic lists them and the admin on 2 pages. */
const generated = generateTable({ size: 600, changeRate: 0.2, seed: 11 });

describe('the bench measures the default deployment with imported owners (--deployed-reach)', () => {
  let sns: BenchSnsServer;
  let table: TestTable;
  let reach: DeployedReach;
  const task = (name: ChildTaskName, tableName: string, extra: Partial<ChildTask> = {}): ChildTask => ({
    task: name,
    endpoint: table.endpoint,
    sns: { endpoint: sns.endpoint },
    tableName,
    segments: 2,
    now: BENCH_NOW,
    rttMs: 0,
    pageSize: 1000,
    ...extra,
  });
  const listed = (result: ChildResult) => result.sns.byAction.ListSubscriptionsByTopic ?? 0;

  beforeAll(async () => {
    sns = await BenchSnsServer.start();
    table = await createTestTable(undefined, 'bench-deployed-reach');
    await putItems(table.client, table.tableName, generated.items);
    reach = await prepareDeployedReach(table.client, sns.endpoint, generated.items, 'it', BENCH_NOW);
  });
  afterAll(async () => {
    await reach.drop();
    await table.drop();
    await sns.stop();
  });

  it('imports every owner of the table, fresh, and records each confirmed on the topic by the reconciler', async () => {
    const owners = tableOwners(generated.items);
    const directory = new DynamoOwnerDirectory(table.client, reach.directoryTableName);

    const freshness = await directory.freshness();
    const stored = await directory.listOwners();

    expect(owners.length).toBeGreaterThan(100);
    expect(reach).toMatchObject({ owners: owners.length, topicSubscriptions: owners.length + 1 });
    expect(freshness).toMatchObject({ asOf: '2026-11-26T02:00:00.000Z', owners: owners.length });
    expect(stored.map((o) => o.userId).sort()).toEqual(owners);
    for (const owner of stored) {
      expect(owner).toMatchObject({
        status: 'active',
        email: `${owner.userId}@example.com`,
        subscription: 'confirmed',
      });
      expect(owner.subscriptionArn?.startsWith(`${BENCH_TOPIC_ARN}:`)).toBe(true);
    }
  });

  it('the sweep reads the directory, then checks the alarm topic before its admin summary', async () => {
    const sweep = await measure(
      task('sweep', table.tableName, { directoryTableName: reach.directoryTableName }),
    );

    expect(sweep.detail).toMatchObject({
      reach: 'verified',
      unreachableOwners: 0,
      alarmTopic: 'checked: 1 confirmed, 0 pending',
      adminSummaryPublished: 'yes',
    });
    expect(Number(sweep.detail.ownersChecked)).toBe(Number(sweep.detail.eventOwners));
    expect(sweep.sns.byAction).toEqual({ ListSubscriptionsByTopic: 1, PublishBatch: 1 });
    // The directory's freshness and departed owners, and its owners with events, one page of 100 at a time.
    expect(sweep.dynamo.byCommand).toMatchObject({
      GetItemCommand: 1,
      BatchGetItemCommand: Math.ceil(Number(sweep.detail.eventOwners) / 100),
    });
    // The checkpoint load on a table without a checkpoint fails its condition: billed, so charged 1 WCU.
    expect(sweep.dynamo.failedConditionalWrites).toBe(1);
  });

  // After the sweep above: it queued the events this drain publishes.
  it('the drain lists the whole topic once, 100 subscriptions a page, and reaches every owner', async () => {
    const notify = await measure(
      task('notify', table.tableName, { directoryTableName: reach.directoryTableName }),
    );

    expect(notify.detail).toMatchObject({
      reach: 'verified',
      subscriptionCheck: 'listed',
      unreachableOwners: 0,
      eventsFailed: 0,
    });
    expect(Number(notify.detail.eventsPublished)).toBeGreaterThan(0);
    expect(listed(notify)).toBe(Math.ceil(reach.topicSubscriptions / 100));
    expect(listed(notify)).toBe(2);
  });

  it('without a directory the same sweep lists nothing and says nothing of the alarm topic', async () => {
    const plain = await createTestTable(undefined, 'bench-deployed-reach-plain');
    try {
      await putItems(plain.client, plain.tableName, generated.items);
      const sweep = await measure(task('sweep', plain.tableName));

      expect(sweep.detail).toMatchObject({ reach: 'unverified', alarmTopic: 'none' });
      expect(sweep.sns.byAction).toEqual({ PublishBatch: 1 });
      expect(sweep.dynamo.byCommand.GetItemCommand).toBeUndefined();
    } finally {
      await plain.drop();
    }
  });
});
