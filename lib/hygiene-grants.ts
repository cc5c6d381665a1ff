/**
 * Least privilege for the worker's functions: exactly the actions each handler
 * calls, on exactly the resources it calls them on. One function per role, so
 * a new function (a reconciler, a relay) gets its own small grant here.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { OUTBOX_INDEX } from '../lambdas/hygiene/data-contract';
import type { HygieneFunction } from './hygiene-function';

/** DynamoDB actions of the sweep: the parallel scan and the conditional transition/checkpoint writes. */
export const SWEEP_TABLE_ACTIONS = ['dynamodb:Scan', 'dynamodb:UpdateItem'] as const;
/**
 * DynamoDB actions of the notifier on the table (docs/notifications.md, "The outbox protocol"): the drain
 * lease and per-item marks (`UpdateItem`), the consistent reads of pending items (`BatchGetItem`), and the
 * batched marks (`BatchExecuteStatement` of PartiQL `UPDATE`s, authorised as `PartiQLUpdate`).
 */
export const NOTIFIER_TABLE_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PartiQLUpdate',
] as const;
/** DynamoDB actions of the notifier on the sparse outbox index: read pending items. */
export const NOTIFIER_INDEX_ACTIONS = ['dynamodb:Scan'] as const;
/** What a publisher needs on a topic's customer-managed key (SNS encrypts each message with a data key). */
export const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** What a caller needs on a table's customer-managed key (bring-your-own table only). */
export const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;

/** The resources the worker's grants point at. */
export interface GrantTargets {
  readonly table: dynamodb.ITable;
  readonly topic: sns.ITopic;
}

/** The sweep scans and conditionally updates the table, and publishes the admin run summary. */
export function grantSweep(fn: HygieneFunction, targets: GrantTargets): void {
  allow(fn, SWEEP_TABLE_ACTIONS, [targets.table.tableArn]);
  grantPublish(fn, targets.topic);
  grantTableKey(fn, targets.table);
}

/** The notifier lists the outbox index, leases, reads and marks items, and publishes the owner digests. */
export function grantNotifier(fn: HygieneFunction, targets: GrantTargets): void {
  const tableArn = targets.table.tableArn;
  allow(fn, NOTIFIER_TABLE_ACTIONS, [tableArn]);
  allow(fn, NOTIFIER_INDEX_ACTIONS, [`${tableArn}/index/${OUTBOX_INDEX}`]);
  grantPublish(fn, targets.topic);
  grantTableKey(fn, targets.table);
}

/** `sns:Publish` on the topic, and the data-key actions on its key when this app owns the key. */
export function grantPublish(fn: HygieneFunction, topic: sns.ITopic): void {
  allow(fn, ['sns:Publish'], [topic.topicArn]);
  const topicKey = topic instanceof sns.Topic ? topic.masterKey : undefined;
  if (topicKey !== undefined) allow(fn, TOPIC_KEY_ACTIONS, [topicKey.keyArn]);
}

/** The table's customer-managed key, when it has one (a brought table). */
export function grantTableKey(fn: HygieneFunction, table: dynamodb.ITable): void {
  if (table.encryptionKey !== undefined) allow(fn, TABLE_KEY_ACTIONS, [table.encryptionKey.keyArn]);
}

function allow(fn: HygieneFunction, actions: readonly string[], resources: string[]): void {
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
}

/**
 * Nothing to do any more: X-Ray has a policy of its own in `HygieneFunction`,
 * acknowledged there, so no function's default policy holds a wildcard.
 * @deprecated Kept only until its last caller (lib/owner-email-relay.ts) drops the call.
 */
export function acknowledgeXRayWildcard(_fn: HygieneFunction): void {}
