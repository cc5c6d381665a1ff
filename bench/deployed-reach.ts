/**
 * `--deployed-reach`, in the driver: the state of a default deployment whose
 * owners were imported (every stack has an owner directory, and the default
 * route is `sns-email`), built before a case's sweep with the project's own
 * code, and not measured:
 *
 * 1. an owner directory table in DynamoDB Local holding every owner of the
 *    generated table, written as `pc-hygiene owners import` writes it
 *    (`importOwnerFile`, from a CSV export in a temporary file: one active
 *    owner per `userId`, at `<userId>@example.com`), its snapshot an hour
 *    before the run's instant (fresh: the sweep reads its departed owners);
 * 2. the owners' email subscriptions, made by the subscription reconciler
 *    (`reconcileSubscriptions`, as its Lambda calls it: route `sns-email`, the
 *    relay's mailbox rule) on a topic in memory (bench/memory-topic.ts): a
 *    first run subscribes every owner (pending), each subscription is then
 *    confirmed as its recipient would, and a second run records every owner
 *    `confirmed` with the subscription's ARN: the steady state of the hourly
 *    reconciler. The filter-policy quota is taken as raised above the
 *    owners (SNS's default is 200 per topic; a deployment with this many
 *    owners must raise it: docs/notifications.md, "Subscription reconciler");
 * 3. the bench's SNS server given the topic's subscriptions (the owners', and
 *    one admin's confirmed email subscription filtered on `audience: admin`,
 *    as the stack's `subscribeAdmin` makes it) and the alarm topic's (the same
 *    admin's confirmed email subscription), which the measured notifier and
 *    sweep then list (`ListSubscriptionsByTopic`, pages of 100).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { importOwnerFile } from '../cli/use-cases/import-owners';
import { HANDLER_ENV } from '../lambdas/handlers/environment';
import { ownerDirectoryOf } from '../lambdas/handlers/owner-directory-env';
import { parseConfig } from '../lambdas/hygiene/config';
import { OWNER_SUBSCRIPTION_PROTOCOL } from '../lambdas/hygiene/data-contract';
import type { RawItem } from '../lambdas/hygiene/ports';
import { type ReconcileSummary, reconcileSubscriptions } from '../lambdas/hygiene/subscription-reconciler';
import { formatInstant } from '../lambdas/hygiene/time';
import { mailboxKey } from '../lambdas/relay/ses-address';
import { BENCH_ALARM_TOPIC_ARN, BENCH_TOPIC_ARN } from './bench-topics';
import { MemoryTopic } from './memory-topic';
import { putTopicSubscriptions } from './sns-server';
import type { BenchSubscription } from './sns-subscription-listing';

/** The address of the admin subscribed to both topics (`subscribeAdmin`). */
export const BENCH_ADMIN_EMAIL = 'security-team@example.com';

/** How long before the run's instant the imported snapshot was taken. */
const SNAPSHOT_AGE_MS = 60 * 60 * 1000;

/** The admin's subscription of the notification topic: every admin message, no owner digest. */
const ADMIN_SUBSCRIPTION: BenchSubscription = {
  arn: `${BENCH_TOPIC_ARN}:00000000-admin`,
  protocol: OWNER_SUBSCRIPTION_PROTOCOL,
  endpoint: BENCH_ADMIN_EMAIL,
  filterPolicy: JSON.stringify({ audience: ['admin'] }),
};

/** The admin's subscription of the alarm topic (no filter: alarms carry no message attributes). */
const ALARM_SUBSCRIPTION: BenchSubscription = {
  arn: `${BENCH_ALARM_TOPIC_ARN}:00000000-admin`,
  protocol: OWNER_SUBSCRIPTION_PROTOCOL,
  endpoint: BENCH_ADMIN_EMAIL,
};

/** The deployed-reach state could not be built as intended (the measurement would not be of it). */
export class DeployedReachSetupError extends Error {
  override readonly name = 'DeployedReachSetupError';
}

/** What {@link prepareDeployedReach} built. */
export interface DeployedReach {
  /** The owner directory's table (the children's `directoryTableName`). */
  readonly directoryTableName: string;
  /** Owners imported: every owner of the table. */
  readonly owners: number;
  /** Subscriptions the notification topic lists (the owners' and the admin's). */
  readonly topicSubscriptions: number;
  /** Drops the directory table. */
  drop(): Promise<void>;
}

/** Every owner of a generated table (its distinct `userId`s), sorted. */
export function tableOwners(items: readonly RawItem[]): string[] {
  const owners = new Set<string>();
  for (const item of items) if (typeof item.userId === 'string') owners.add(item.userId);
  return [...owners].sort();
}

/** An HR export of `userIds` as `owners import` reads it (`userId,email,name,status`), every one active. */
export function ownerExportCsv(userIds: readonly string[]): string {
  const rows = userIds.map((userId) => `${userId},${userId}@example.com,Owner ${userId},active`);
  return ['userId,email,name,status', ...rows, ''].join('\n');
}

/** Imports every owner of `items` into a new directory table, through a CSV export in a temporary file. */
async function importOwners(
  client: DynamoDBDocumentClient,
  tableName: string,
  userIds: readonly string[],
  now: number,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pch-bench-owners-'));
  try {
    const file = join(dir, 'owners.csv');
    await writeFile(file, ownerExportCsv(userIds));
    const asOf = formatInstant(now - SNAPSHOT_AGE_MS);
    const summary = await importOwnerFile(client, {
      table: tableName,
      file,
      format: 'csv',
      asOf,
      now: asOf,
      maxDeletePercent: parseConfig({}).maxDeletePercent,
      createTable: true,
    });
    if (summary.outcome !== 'imported' || summary.created !== userIds.length) {
      throw new DeployedReachSetupError(
        `owners import: ${summary.outcome}, ${summary.created} of ${userIds.length} owners created`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One reconciler run as its Lambda makes it, the quota taken as raised above the owners. */
function reconcile(topic: MemoryTopic, directory: ReturnType<typeof ownerDirectoryOf>, owners: number) {
  return reconcileSubscriptions(
    { topic, directory },
    { route: 'sns-email', filterPolicyQuota: owners + 10, mailboxKey },
  );
}

/** Throws unless the reconciler's run recorded every owner in `state`. */
function expectStates(run: ReconcileSummary, state: 'pending' | 'confirmed', owners: number): void {
  if (run.states[state] !== owners || run.failed.length > 0 || run.conflicts.length > 0) {
    throw new DeployedReachSetupError(
      `subscription reconciler: ${run.states[state]} of ${owners} owners ${state}, ${run.failed.length} failed, ${run.conflicts.length} conflicts`,
    );
  }
}

/**
 * Builds the state of a deployment with every owner of `items` imported and subscribed (see the module header).
 * @param snsRoot the bench's SNS server, given the topics' subscriptions
 * @param now the run's instant (the snapshot is an hour older)
 * @throws {DeployedReachSetupError} when the import or the reconciler did not do what a deployment's would
 */
export async function prepareDeployedReach(
  client: DynamoDBDocumentClient,
  snsRoot: string,
  items: readonly RawItem[],
  label: string,
  now: number,
): Promise<DeployedReach> {
  const userIds = tableOwners(items);
  const directoryTableName = `bench-${label}-owners-${randomUUID().slice(0, 8)}`;
  const drop = async () => {
    await client.send(new DeleteTableCommand({ TableName: directoryTableName }));
  };
  const topic = new MemoryTopic(BENCH_TOPIC_ARN, [ADMIN_SUBSCRIPTION]);
  try {
    await importOwners(client, directoryTableName, userIds, now);
    const directory = ownerDirectoryOf({ [HANDLER_ENV.directoryTableName]: directoryTableName }, client);
    expectStates(await reconcile(topic, directory, userIds.length), 'pending', userIds.length);
    topic.confirmAll();
    expectStates(await reconcile(topic, directory, userIds.length), 'confirmed', userIds.length);
    await putTopicSubscriptions(snsRoot, BENCH_TOPIC_ARN, topic.subscriptions);
    await putTopicSubscriptions(snsRoot, BENCH_ALARM_TOPIC_ARN, [ALARM_SUBSCRIPTION]);
  } catch (error: unknown) {
    await drop().catch(() => undefined);
    throw error;
  }
  return {
    directoryTableName,
    owners: userIds.length,
    topicSubscriptions: topic.subscriptions.length,
    drop,
  };
}
