/**
 * Least privilege for the worker's functions: exactly the actions each handler
 * calls, on exactly the resources it calls them on. One function per role, so
 * a new function (a reconciler, a relay) gets its own small grant here.
 */

import { Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { OUTBOX_INDEX, OWNER_SUBSCRIPTION_PROTOCOL } from '../lambdas/hygiene/data-contract';
import type { OwnerDeliveryRoute } from '../lambdas/hygiene/owner-directory';
import type { HygieneFunction } from './hygiene-function';

/**
 * DynamoDB actions of the sweep: the parallel scan, the conditional transition/checkpoint writes
 * (`UpdateItem`), and the batched transitions (`BatchExecuteStatement` of PartiQL `UPDATE`s, authorised as
 * `PartiQLUpdate`; docs/data-model.md, "The transition write").
 */
export const SWEEP_TABLE_ACTIONS = [
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
  'dynamodb:PartiQLUpdate',
] as const;
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
/**
 * What a publisher needs on a topic's customer-managed key (SNS encrypts each message with a data key), granted
 * only through SNS (`kms:ViaService`).
 */
export const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/**
 * What a function that writes a table needs on its customer-managed key (bring-your-own table only), granted only
 * through DynamoDB (`kms:ViaService`): the functions can never use the key directly.
 */
export const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;
/** What a function that only reads a table needs on its customer-managed key, granted as {@link TABLE_KEY_ACTIONS} are. */
export const TABLE_KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
/**
 * The DynamoDB actions that only read: a function holding none but these on a table gets
 * {@link TABLE_KEY_READ_ACTIONS} on its key. Any other action counts as a write (an action unknown here gets the
 * writer's key actions: a grant too wide rather than a function that fails).
 */
const TABLE_READ_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PartiQLSelect',
]);

/**
 * Owner directory actions of the sweep: the freshness item (`GetItem`), the departed owners (a filtered `Scan`) and
 * the owners with events this run, read by key for the run summary's reach (`BatchGetItem`, docs/sweep.md).
 */
export const SWEEP_DIRECTORY_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:BatchGetItem',
] as const;
/** Owner directory actions of the notifier: the freshness item and the owners of a drain by key. */
export const NOTIFIER_DIRECTORY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] as const;
/**
 * What the notifier reads on the topic besides publishing: its subscriptions, listed once per drain on
 * `sns-email` to check owners recorded `confirmed` (docs/notifications.md, "Owner reach"). Nothing else: no
 * `GetSubscriptionAttributes` (authorized against `"*"` only), the listing alone tells a confirmed subscription.
 */
export const NOTIFIER_TOPIC_ACTIONS = ['sns:ListSubscriptionsByTopic'] as const;
/**
 * What the sweep reads on the alarm topic: its subscriptions, listed after each run so the admin run summary says
 * when no subscription is confirmed and every alarm reaches no one (docs/deploy.md, "Runbook: Alarm delivery").
 * Nothing else: the listing alone tells a confirmed subscription.
 */
export const SWEEP_ALARM_TOPIC_ACTIONS = ['sns:ListSubscriptionsByTopic'] as const;
/**
 * Owner directory actions of the subscription reconciler: every owner, the owners it is about to subscribe read
 * again by key (so none who opted out, left or moved while it ran is subscribed), and each owner's subscription state.
 */
export const RECONCILER_DIRECTORY_ACTIONS = [
  'dynamodb:Scan',
  'dynamodb:BatchGetItem',
  'dynamodb:UpdateItem',
] as const;
/**
 * What the reconciler calls on the notification topic itself on every route: the listing of its subscriptions. On
 * `sns-email` it subscribes owners too (`sns:Subscribe`, allowed only over {@link OWNER_SUBSCRIPTION_PROTOCOL}:
 * {@link grantReconciler}).
 */
export const RECONCILER_TOPIC_ACTIONS = ['sns:ListSubscriptionsByTopic'] as const;
/**
 * What the reconciler calls on subscriptions, by route. SNS has no subscription resource type: these are
 * authorized against `"*"` only, so they get a policy of their own. On every route it reads each listed
 * subscription (`GetSubscriptionAttributes`: its filter policy and confirmation) and removes the owner
 * subscriptions it does not want (`Unsubscribe`); only on `sns-email` does it repair a filter policy
 * (`SetSubscriptionAttributes`): on `relay` it wants no owner subscription, so it repairs none
 * (docs/notifications.md, "Subscription reconciler").
 */
export const SUBSCRIPTION_ATTRIBUTE_ACTIONS: Readonly<Record<OwnerDeliveryRoute, readonly string[]>> = {
  'sns-email': ['sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe'],
  relay: ['sns:GetSubscriptionAttributes', 'sns:Unsubscribe'],
};

/**
 * Whether the reconciler creates owner subscriptions on `route`: only on `sns-email`. On `relay` the plan wants no
 * owner subscription (lambdas/hygiene/subscription-plan.ts): it removes the ones left and subscribes no one, so its
 * role gets no `sns:Subscribe` and the topic's Subscribe Deny does not spare it.
 */
export function reconcilerSubscribes(route: OwnerDeliveryRoute): boolean {
  return route === 'sns-email';
}

/** The resources the worker's grants point at. */
export interface GrantTargets {
  readonly table: dynamodb.ITable;
  readonly topic: sns.ITopic;
  /** The owner directory table, when the worker has one. */
  readonly directory?: dynamodb.ITable;
}

/** The sweep scans and conditionally updates the table, and publishes the admin run summary. */
export function grantSweep(fn: HygieneFunction, targets: GrantTargets): void {
  allow(fn, SWEEP_TABLE_ACTIONS, [targets.table.tableArn]);
  grantPublish(fn, targets.topic);
  grantTableKey(fn, targets.table, SWEEP_TABLE_ACTIONS);
  grantDirectory(fn, targets.directory, SWEEP_DIRECTORY_ACTIONS);
}

/**
 * The sweep lists the alarm topic's subscriptions (its check of the alarms' reach, lambdas/handlers/alarm-topic-check.ts):
 * on that topic only, whether the construct made it or the app brought it. No key action: a listing reads no message.
 */
export function grantSweepAlarmTopicCheck(fn: HygieneFunction, alarmTopic: sns.ITopic): void {
  allow(fn, SWEEP_ALARM_TOPIC_ACTIONS, [alarmTopic.topicArn]);
}

/**
 * The notifier lists the outbox index, leases, reads and marks items, and publishes the owner digests; with an
 * owner directory it reads the drain's owners, and on route `sns-email` it lists the topic's subscriptions (the
 * live reach check; on `relay` it never lists them).
 */
export function grantNotifier(fn: HygieneFunction, targets: GrantTargets, route: OwnerDeliveryRoute): void {
  const tableArn = targets.table.tableArn;
  allow(fn, NOTIFIER_TABLE_ACTIONS, [tableArn]);
  allow(fn, NOTIFIER_INDEX_ACTIONS, [`${tableArn}/index/${OUTBOX_INDEX}`]);
  grantPublish(fn, targets.topic);
  grantTableKey(fn, targets.table, [...NOTIFIER_TABLE_ACTIONS, ...NOTIFIER_INDEX_ACTIONS]);
  grantDirectory(fn, targets.directory, NOTIFIER_DIRECTORY_ACTIONS);
  // Without a directory reach is unverified, and on relay reach is the directory's alone: nothing is listed.
  if (targets.directory !== undefined && route === 'sns-email')
    allow(fn, NOTIFIER_TOPIC_ACTIONS, [targets.topic.topicArn]);
}

/**
 * The subscription reconciler lists the topic's subscriptions, and on `sns-email` subscribes owners to it over
 * {@link OWNER_SUBSCRIPTION_PROTOCOL} only (`sns:Protocol`: the topic's own protocol Deny lets `https`, `sqs`,
 * `lambda` and `firehose` through, and a brought topic may have none); reads, removes and (on `sns-email`) repairs
 * subscriptions ({@link SUBSCRIPTION_ATTRIBUTE_ACTIONS}: `Resource: "*"`, alone in `SubscriptionAttributesPolicy`,
 * the only place that wildcard is acknowledged); and reads the owners and records their subscription state in the
 * directory. On `relay` it never subscribes nor repairs ({@link reconcilerSubscribes}).
 */
export function grantReconciler(
  fn: HygieneFunction,
  targets: Required<Pick<GrantTargets, 'topic' | 'directory'>>,
  route: OwnerDeliveryRoute,
): void {
  allow(fn, RECONCILER_TOPIC_ACTIONS, [targets.topic.topicArn]);
  if (reconcilerSubscribes(route)) {
    allow(fn, ['sns:Subscribe'], [targets.topic.topicArn], {
      StringEquals: { 'sns:Protocol': OWNER_SUBSCRIPTION_PROTOCOL },
    });
  }
  grantDirectory(fn, targets.directory, RECONCILER_DIRECTORY_ACTIONS);
  const actions = SUBSCRIPTION_ATTRIBUTE_ACTIONS[route];
  const policy = new iam.Policy(fn, 'SubscriptionAttributesPolicy', {
    roles: [fn.role],
    statements: [new iam.PolicyStatement({ actions: [...actions], resources: ['*'] })],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${actions.join(', ')} have no resource type (SNS has no subscription ARN type for IAM): they are authorized against "*" only; this policy holds nothing else.`,
  });
}

/**
 * The directory's actions for one function, and its key when it has a customer-managed one (only the read key
 * actions when `actions` only read: {@link grantTableKey}).
 */
export function grantDirectory(
  fn: HygieneFunction,
  directory: dynamodb.ITable | undefined,
  actions: readonly string[],
): void {
  if (directory === undefined) return;
  allow(fn, actions, [directory.tableArn]);
  grantTableKey(fn, directory, actions);
}

/**
 * `sns:Publish` on the topic, and the data-key actions on its key whenever the topic carries one: a topic built in
 * the app, or one imported with its key (`Topic.fromTopicAttributes({ topicArn, keyArn })`). Only through SNS in
 * the topic's region.
 */
export function grantPublish(fn: HygieneFunction, topic: sns.ITopic): void {
  allow(fn, ['sns:Publish'], [topic.topicArn]);
  const topicKey = topic.masterKey;
  if (topicKey !== undefined) {
    allow(fn, TOPIC_KEY_ACTIONS, [topicKey.keyArn], viaService('sns', topic.env.region));
  }
}

/**
 * The table's customer-managed key, when it has one (a brought table), only through DynamoDB in its region: for a
 * function whose `tableActions` on it only read, {@link TABLE_KEY_READ_ACTIONS}; for one that writes,
 * {@link TABLE_KEY_ACTIONS}.
 */
export function grantTableKey(
  fn: HygieneFunction,
  table: dynamodb.ITable,
  tableActions: readonly string[],
): void {
  const key = table.encryptionKey;
  if (key === undefined) return;
  const readOnly = tableActions.every((action) => TABLE_READ_ACTIONS.has(action));
  const keyActions = readOnly ? TABLE_KEY_READ_ACTIONS : TABLE_KEY_ACTIONS;
  allow(fn, keyActions, [key.keyArn], viaService('dynamodb', table.env.region));
}

/** The condition that a KMS request comes from `service` in `region` on the caller's behalf. */
function viaService(service: 'sns' | 'dynamodb', region: string): Record<string, Record<string, string>> {
  return { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } };
}

function allow(
  fn: HygieneFunction,
  actions: readonly string[],
  resources: string[],
  conditions?: Record<string, Record<string, string>>,
): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...actions],
      resources,
      ...(conditions !== undefined && { conditions }),
    }),
  );
}
