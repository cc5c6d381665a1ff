/**
 * Wiring shared by the on-the-wire tests: the SNS-compatible local server
 * (test/integration/fake-sns-server.ts) with the real `SnsPublisher` on the
 * real SDK client pointed at it, new owners written to a directory table
 * the way `owners import` writes them, a swept fleet and its owners' email
 * subscriptions for a drain to deliver to, and `owners sync-subscriptions`
 * run against both.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { DynamoDbCredentialScanner } from '../../../lambdas/aws/credential-scanner';
import type { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../../lambdas/aws/sns-client';
import { SnsPublisher } from '../../../lambdas/aws/sns-publisher';
import { DynamoDbTransitionWriter } from '../../../lambdas/aws/transition-writer';
import { parseConfig } from '../../../lambdas/hygiene/config';
import type { SubscriptionState } from '../../../lambdas/hygiene/owner-directory';
import type { ImportedOwner } from '../../../lambdas/hygiene/owner-import-rows';
import { ownerFilterPolicy } from '../../../lambdas/hygiene/subscription-plan';
import { runSweep } from '../../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../../lambdas/hygiene/time';
import { putItems } from '../../support/items';
import { type CliRun, directoryFlags, runCli } from '../../support/run-cli';
import type { TestDirectoryTable } from '../../support/test-directory-table';
import type { TestTable } from '../../support/test-table';
import { FakeSnsServer, type FakeSubscription } from '../fake-sns-server';

/** The SNS-compatible server and a publisher to a topic on it. */
export interface SnsWire {
  readonly sns: FakeSnsServer;
  readonly publisher: SnsPublisher;
}

/**
 * For the enclosing `describe`: the server started before all its tests
 * (reset before each, so no test sees another's messages or subscriptions)
 * and stopped after, with a publisher to `topicArn` on it.
 */
export function useSnsPublisher(topicArn: string): SnsWire {
  let current: SnsWire | undefined;
  const wire = (): SnsWire => {
    if (current === undefined) throw new Error('the SNS wire is used outside its tests');
    return current;
  };
  beforeAll(async () => {
    const sns = await FakeSnsServer.start();
    current = { sns, publisher: new SnsPublisher(createSnsClient({ endpoint: sns.endpoint }), topicArn) };
  });
  afterAll(() => wire().sns.stop());
  beforeEach(() => wire().sns.reset());
  return {
    get sns() {
      return wire().sns;
    },
    get publisher() {
      return wire().publisher;
    },
  };
}

/**
 * Writes `owners` as new directory entries (each only while absent), recorded at `at`.
 * @throws when one is already in the directory (a seed that wrote nothing must not pass unnoticed)
 */
export async function upsertNewOwners(
  directory: DynamoOwnerDirectory,
  owners: readonly ImportedOwner[],
  at: string,
): Promise<void> {
  const { refused } = await directory.upsertOwners(
    owners.map((owner) => ({ owner, existed: false, resetRoute: false })),
    at,
  );
  if (refused.length > 0) {
    throw new Error(`already in the directory, not seeded: ${refused.map((u) => u.owner.userId).join(', ')}`);
  }
}

/** A fleet as a drain finds it: its credentials, its owners and the states of their subscriptions. */
export interface WireFleet {
  /** Credential items, put in the table. */
  readonly credentials: readonly Record<string, unknown>[];
  /** The owners, new in the directory. */
  readonly owners: readonly ImportedOwner[];
  /** Subscription states by `userId`, recorded as the reconciler records them, for the owner's address in `owners`. */
  readonly subscriptions: Readonly<Record<string, SubscriptionState>>;
}

/**
 * Puts `fleet`'s credentials in `table` and its owners in `directory` with their subscription states, the directory
 * imported and fresh a day before `now`, then runs an enforce sweep at `now` (`run-1`, the real scanner and writer,
 * the default limits): the outbox and the directory a drain at `now` reads.
 */
export async function seedSweptFleet(
  table: TestTable,
  directory: DynamoOwnerDirectory,
  now: number,
  fleet: WireFleet,
): Promise<void> {
  const dayBefore = formatInstant(addDays(now, -1));
  await putItems(table.client, table.tableName, fleet.credentials);
  await upsertNewOwners(directory, fleet.owners, dayBefore);
  for (const [userId, state] of Object.entries(fleet.subscriptions)) {
    const email = fleet.owners.find((owner) => owner.userId === userId)?.email;
    await directory.recordSubscription({ userId, email, state, read: {} });
  }
  await directory.recordFreshness({ asOf: dayBefore, owners: fleet.owners.length }, dayBefore);
  await runSweep(
    {
      clock: Date.now,
      scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
      writer: new DynamoDbTransitionWriter(table.client, table.tableName),
    },
    { config: parseConfig({ mode: 'enforce' }), now, runId: 'run-1', mode: 'enforce' },
  );
}

/**
 * `userId`'s `email` subscription to `email` on `topicArn` of the server, with the owner filter policy the
 * reconciler gives it; confirmed unless `pending`.
 */
export function addOwnerEmailSubscription(
  sns: FakeSnsServer,
  topicArn: string,
  userId: string,
  email: string,
  pending = false,
): FakeSubscription {
  return sns.addSubscription({
    topicArn,
    protocol: 'email',
    endpoint: email,
    filterPolicy: JSON.parse(ownerFilterPolicy(userId)),
    pending,
  });
}

/**
 * Runs `pc-hygiene owners sync-subscriptions` (child process) on `topicArn`
 * of the local SNS server, against the owner directory `table`, with `extra`
 * arguments.
 */
export function runSyncSubscriptions(
  topicArn: string,
  sns: FakeSnsServer,
  table: TestDirectoryTable,
  ...extra: string[]
): Promise<CliRun> {
  return runCli([
    'owners',
    'sync-subscriptions',
    '--topic-arn',
    topicArn,
    '--sns-endpoint',
    sns.endpoint,
    ...directoryFlags(table),
    ...extra,
  ]);
}

/** What `owners sync-subscriptions --format json` reports, as far as these tests read it. */
export interface SyncReport {
  readonly created: number;
  readonly states: Record<string, number>;
}

/**
 * {@link runSyncSubscriptions} with `--format json`, expected to succeed (exit 0, nothing on stderr): its report.
 */
export async function syncSubscriptionsJson(
  topicArn: string,
  sns: FakeSnsServer,
  table: TestDirectoryTable,
): Promise<SyncReport> {
  const run = await runSyncSubscriptions(topicArn, sns, table, '--format', 'json');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as SyncReport;
}
