/**
 * The runs that drive the bundled functions' rarer paths for the artifact
 * test's role check (test/infra/deployable.test.ts): paths the scenario's
 * main runs do not take. Each sends the same IAM action on the same resource
 * as a request a main run sends, so no grant goes unverified without them;
 * driven, a change to one of these paths (another API action, another table)
 * is checked too. Each is driven as cheaply as the stand-ins allow: the data
 * set up before the call, a fault the recording proxy or a stub injects, or a
 * change that lands while a stub holds a request, as an operator's or
 * another invocation's would.
 */

import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { recordApproval } from '../../../cli/aws/guard-approval';
import {
  CHECKPOINT_ATTR,
  CHECKPOINT_ID,
  OWNER_ATTR,
  RELAY_LEDGER_ATTR,
} from '../../../lambdas/hygiene/data-contract';
import { bounceEntryKey } from '../../../lambdas/relay/bounced-digest';
import type { FakeSubscription } from '../../integration/fake-sns-server';
import type { TestTable } from '../../support/test-table';
import type { BatchEntryFailure, SnsStub } from '../sns-stub';
import type { DynamoDbRefusal, RecordingProxy } from './recording-proxy';
import type { DeployedFunction, RecordedRun, RunRecorder } from './role-coverage';
import { SENDING_PAUSED, type SentEmail, type SesStub } from './ses-stub';
import { sesEventOf, snsEventOf } from './trigger-events';

/** What the runs are recorded by and talk to. */
export interface PathStandIns {
  readonly recorder: RunRecorder;
  readonly proxy: RecordingProxy;
  readonly sns: SnsStub;
  readonly ses: SesStub;
}

/** An item as read back (absent: `undefined`). */
type Item = Record<string, unknown> | undefined;

/** DynamoDB refusing a batched call as a whole (as it refuses a request it rejects): the handlers go item by item. */
export const WHOLE_CALL_REFUSED: DynamoDbRefusal = {
  status: 400,
  errorType: 'ValidationException',
  message: 'refused as a whole by the recording proxy (test/infra/support/rare-paths.ts)',
};

/** SNS reporting a report's entry failed (its key disabled): the SES events function releases the report's claim. */
const REPORT_REFUSED: BatchEntryFailure = {
  code: 'KMSDisabled',
  message: 'the topic key is disabled (refused by the SNS stub: test/infra/support/rare-paths.ts)',
  senderFault: true,
};

/**
 * The time left for the out-of-time sweep: less its 20 s safety margin, 10 s of budget, under its 30 s reserve, so
 * it stops after the first page of its four segments (and starts no deletion), and saves its checkpoint.
 */
const OUT_OF_TIME_MS = 30_000;

/** A later owner directory snapshot than the scenario's first import (2026-11-25). */
const LATER_AS_OF = '2026-11-25T12:00:00.000Z';

/** A used, scoped credential of `userId`, for the items the paths need. */
const credential = (id: string, userId: string) => ({
  id,
  userId,
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: '2026-11-20T10:00:00Z',
  scopedRoles: ['role-read'],
  allowSourceCidr: ['10.0.0.0/8'],
});

/** u4's credential expired before the scenario's scheduled time: the resumed sweep's one planned deletion. */
export const GUARD_CREDENTIAL = {
  ...credential('guard-expired-1', 'u4'),
  expiresTime: '2026-11-25T00:00:00Z',
};

/**
 * A credential still in the outbox index with nothing pending (left by a mark before partial removals were
 * size-guarded: docs/notifications.md): the notifier takes it out of the index.
 */
export const EMPTIED_OUTBOX = {
  ...credential('emptied-outbox-1', 'u4'),
  hygieneOutbox: [],
  hygieneOutboxOwner: 'u4',
  hygieneOutboxSince: '2026-11-20T10:00:00.000Z',
};

/** The owner the reconciler subscribes in its path run, who departs while the `Subscribe` is in flight. */
export const DEPARTING_OWNER = { userId: 'u6', email: 'u6@example.com' };

/** The address r2 moves to (an import) before complaining about the email sent to the old one. */
export const MOVED_ADDRESS = 'r2-new@example.com';

/** Every item of `table`. */
async function scan(table: TestTable): Promise<Record<string, unknown>[]> {
  return (await table.client.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
}

/** The item of `table` whose key attribute `key` is `id`. */
async function itemOf(table: TestTable, key: string, id: string): Promise<Item> {
  return (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { [key]: id } }))).Item;
}

/** The sweep's paths: see {@link driveSweepPaths}. */
export interface SweepPaths {
  /** Resumed from a stored checkpoint (cleared), its guard overridden by an approval, its batched call refused. */
  readonly resumed: RecordedRun;
  /** Out of time after its first page: its checkpoint saved. */
  readonly outOfTime: RecordedRun;
  /** {@link GUARD_CREDENTIAL} after the resumed run. */
  readonly deleted: Item;
  /** The checkpoint item after each run. */
  readonly checkpoint: { readonly afterResumed: Item; readonly afterOutOfTime: Item };
}

/**
 * Two enforce sweeps of `table`: one that finds a stored checkpoint (every position still unstarted: it reads the
 * whole table) and clears it once done, whose guard trips on its one deletion (`maxDeletePercent` 1) and uses the
 * operator's recorded approval (`guard approve`), and whose batched transition call DynamoDB refuses as a whole, so
 * the deletion is written on its own (`UpdateItem`); then one out of time after its first page, which saves its
 * checkpoint.
 */
export async function driveSweepPaths(
  { recorder, proxy }: PathStandIns,
  table: TestTable,
  sweep: DeployedFunction,
  event: unknown,
): Promise<SweepPaths> {
  const put = (item: Record<string, unknown>) =>
    table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
  await put(GUARD_CREDENTIAL);
  await put({
    id: CHECKPOINT_ID,
    [CHECKPOINT_ATTR.checkpoint]: JSON.stringify({ segments: 1, positions: [null] }),
  });
  const now = Date.now();
  await recordApproval(table.client, table.tableName, {
    id: 'approval-1',
    by: 'role check',
    reason: 'one deletion above maxDeletePercent',
    maxDeletes: 1,
    approvedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
  });
  const enforce = { HYGIENE_mode: 'enforce' };
  proxy.refuseNext('BatchExecuteStatement', WHOLE_CALL_REFUSED);
  const resumed = await recorder.invoke(sweep, event, { ...enforce, HYGIENE_maxDeletePercent: '1' });
  const afterResumed = await itemOf(table, 'id', CHECKPOINT_ID);
  const deleted = await itemOf(table, 'id', GUARD_CREDENTIAL.id);
  const outOfTime = await recorder.invoke(sweep, event, enforce, { remainingTimeMs: OUT_OF_TIME_MS });
  const afterOutOfTime = await itemOf(table, 'id', CHECKPOINT_ID);
  return { resumed, outOfTime, deleted, checkpoint: { afterResumed, afterOutOfTime } };
}

/** The notifier's paths: see {@link driveNotifierPaths}. */
export interface NotifierPaths {
  readonly run: RecordedRun;
  /** {@link GUARD_CREDENTIAL} (its deletion notice marked) and {@link EMPTIED_OUTBOX} after the run. */
  readonly items: Readonly<Record<string, Item>>;
}

/**
 * The notifier draining the resumed sweep's notice (u4's, reachable) while {@link EMPTIED_OUTBOX} is still
 * indexed (cleaned up), its batched marks refused as a whole, so it re-reads the items and marks each on its own.
 */
export async function driveNotifierPaths(
  { recorder, proxy }: PathStandIns,
  table: TestTable,
  notifier: DeployedFunction,
  event: unknown,
): Promise<NotifierPaths> {
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: EMPTIED_OUTBOX }));
  proxy.refuseNext('BatchExecuteStatement', WHOLE_CALL_REFUSED);
  const run = await recorder.invoke(notifier, event);
  const items: Record<string, Item> = {};
  for (const { id } of [GUARD_CREDENTIAL, EMPTIED_OUTBOX]) items[id] = await itemOf(table, 'id', id);
  return { run, items };
}

/** The reconciler's path: see {@link driveReconcilerPaths}. */
export interface ReconcilerPaths {
  readonly run: RecordedRun;
  /** The topic's subscriptions (their ARNs) before the run, and after it. */
  readonly before: readonly string[];
  readonly after: readonly FakeSubscription[];
}

/**
 * The reconciler on sns-email subscribing {@link DEPARTING_OWNER} (imported with `importOwners`), who departs (an
 * import marks them so) while its `Subscribe` is in flight: re-read after the state writes, the owner no longer
 * wants the subscription, and the run withdraws the one it created (`Unsubscribe`, which SNS refuses while it is
 * pending confirmation: read back with `GetSubscriptionAttributes`, it is left pending).
 */
export async function driveReconcilerPaths(
  { recorder, sns }: PathStandIns,
  directory: TestTable,
  reconciler: DeployedFunction,
  importOwners: (name: string, csv: string, asOf: string) => Promise<void>,
  topicArn: string,
): Promise<ReconcilerPaths> {
  const { userId, email } = DEPARTING_OWNER;
  await importOwners(
    'owners-later.csv',
    `userId,email,name,status\n${userId},${email},Uli,active\n`,
    LATER_AS_OF,
  );
  const before = sns.subscriptions.subscriptionsOf(topicArn).map((s) => s.arn);
  sns.beforeNext('Subscribe', async () => {
    await directory.client.send(
      new UpdateCommand({
        TableName: directory.tableName,
        Key: { [OWNER_ATTR.userId]: userId },
        UpdateExpression: 'SET #status = :departed',
        ExpressionAttributeNames: { '#status': OWNER_ATTR.status },
        ExpressionAttributeValues: { ':departed': 'departed' },
      }),
    );
  });
  const run = await recorder.invoke(reconciler, {});
  return { run, before, after: sns.subscriptions.subscriptionsOf(topicArn).map((s) => ({ ...s })) };
}

/** Deletes every entry of the relay ledger `ledger` that `matches`. */
async function deleteEntries(ledger: TestTable, matches: (entry: Record<string, unknown>) => boolean) {
  for (const entry of (await scan(ledger)).filter(matches)) {
    const key = { [RELAY_LEDGER_ATTR.key]: entry[RELAY_LEDGER_ATTR.key] };
    await ledger.client.send(new DeleteCommand({ TableName: ledger.tableName, Key: key }));
  }
}

/**
 * The relay on one digest (`digest`: an SQS batch of it) whose send SES refuses while the relay's claim goes (a
 * slow send: the claim lapsed, another delivery took it over, was refused too and released it), so the relay's own
 * release finds no claim of its own (`DeleteItem`, its condition failed). The ledger is left empty, as after a
 * release.
 */
export function driveReleaseOfGoneClaim(
  { recorder, ses }: PathStandIns,
  ledger: TestTable,
  relay: DeployedFunction,
  digest: SQSEvent,
): Promise<RecordedRun> {
  ses.refuseNext(SENDING_PAUSED, () => deleteEntries(ledger, () => true));
  return recorder.invoke(relay, digest);
}

/** The SES events function's paths: see {@link driveSesEventsPaths}. */
export interface SesEventsPaths {
  readonly run: RecordedRun;
  /** r2's directory entry after it. */
  readonly moved: Item;
  /** The ledger after it. */
  readonly ledger: readonly Record<string, unknown>[];
  /** The key of the bounce's own ledger entry (`bounce#<SES message id>`). */
  readonly reportKey: string;
}

/** What {@link driveSesEventsPaths} acts on. */
export interface SesEventsSetting {
  readonly ledger: TestTable;
  readonly directory: TestTable;
  readonly sesEvents: DeployedFunction;
  /** The email the relay sent r1 (bounced: its ledger entry has since expired) and r2 (who moves, then complains). */
  readonly bounced: SentEmail;
  readonly complained: SentEmail;
  readonly importOwners: (name: string, csv: string, asOf: string) => Promise<void>;
  readonly topicArn: string;
}

/**
 * The SES events function on two late events: r2's complaint about the email sent to the address an import has
 * since moved them from (remembered for that address: `rememberOptedOutAddresses`), then a bounce of r1's email
 * whose ledger entry has expired (its TTL: removed here), so the report is claimed on its own `bounce#` entry, and
 * released when the topic refuses the report (the invocation fails, for Lambda to retry).
 */
export async function driveSesEventsPaths(
  { recorder, sns }: PathStandIns,
  { ledger, directory, sesEvents, bounced, complained, importOwners, topicArn }: SesEventsSetting,
): Promise<SesEventsPaths> {
  await deleteEntries(ledger, (entry) => entry[RELAY_LEDGER_ATTR.sesMessageId] === bounced.messageId);
  await importOwners(
    'relay-owners-moved.csv',
    `userId,email,name,status\nr2,${MOVED_ADDRESS},Rob,active\n`,
    LATER_AS_OF,
  );
  sns.failNextBatch(REPORT_REFUSED);
  const at = new Date().toISOString();
  const events = [
    sesEventOf(complained, { eventType: 'Complaint' }, at),
    sesEventOf(bounced, { eventType: 'Bounce' }, at),
  ];
  const run = await recorder.invoke(sesEvents, snsEventOf(events, topicArn, at));
  const moved = await itemOf(directory, OWNER_ATTR.userId, 'r2');
  return { run, moved, ledger: await scan(ledger), reportKey: bounceEntryKey(bounced.messageId) };
}
