/**
 * The props of the `CredentialHygiene` construct and their one validation at
 * the top of its constructor: every problem collected into one readable error.
 */
import { Duration, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { configToEnvironment } from '../lambdas/handlers/environment';
import {
  NOTIFIER_SAFETY_MARGIN_MS,
  RECONCILER_SAFETY_MARGIN_MS,
  SWEEP_SAFETY_MARGIN_MS,
} from '../lambdas/handlers/safety-margins';
import {
  ConfigError,
  type HygieneConfig,
  type HygieneConfigInput,
  parseConfig,
} from '../lambdas/hygiene/config';
import { emailAddressProblem } from '../lambdas/hygiene/email-address-rules';
import { DEFAULT_DEADLINE_MARGIN_MS } from '../lambdas/hygiene/sweep/types';
import { mailboxKey } from '../lambdas/relay/ses-address';
import {
  broughtTableProblems,
  broughtTableTtlProblems,
  CREDENTIAL_TABLE_SCHEMA,
  OWNER_DIRECTORY_SCHEMA,
} from './brought-table-schema';
import type { CredentialTableProps } from './credential-table';
import { environmentBudgetProblems } from './environment-budget';
import { deploymentLookahead, type LookaheadFinding } from './expiry-notice-lookahead';
import {
  type HeartbeatFinding,
  type HeartbeatWarning,
  type HeartbeatWatch,
  heartbeatFinding,
  MAX_HEARTBEAT_WINDOW_HOURS,
  refusedScheduleProblems,
  untrimmedScheduleProblems,
} from './heartbeat-windows';
import {
  DEFAULT_METRIC_NAMES,
  type MetricIdentity,
  type MetricNames,
  metricClashProblems,
  metricNameProblems,
} from './metric-identity';
import type { OwnerDirectoryTableProps } from './owner-directory-table';
import { MAX_SCHEDULE_SKEW_SECONDS, MIN_SCHEDULE_SKEW_SECONDS } from './sweep-delivery';

/** Props of `CredentialHygiene`. Every prop is optional: the defaults deploy a safe, auditing worker. */
export interface CredentialHygieneProps {
  /**
   * Bring your own credentials table: partition key `id` (STRING), no sort key,
   * and the global secondary index `hygiene-outbox` (partition key
   * `hygieneOutboxOwner`, sort key `hygieneOutboxSince`, both STRING), as the
   * shared table definition has them (`lambdas/aws/credential-table-definition.ts`).
   * Not together with `tableProps`. A `Table` or `TableV2` built in the app is
   * checked at synth (a wrong key or a missing index fails with the props
   * error, and so does a TTL not on `hygienePurgeAt` when `config.purgeAfterDays`
   * is set): add its indexes before giving it. An imported table
   * (`Table.fromTableName`, `fromTableAttributes`) cannot be checked: its shape
   * is yours to get right, or the functions fail at run time. A table encrypted
   * with a customer-managed key must carry it (`encryptionKey`, e.g.
   * `Table.fromTableAttributes`): the functions get the key actions (through
   * DynamoDB only) only then.
   *
   * On a deployed stack, switching between a created table and a brought one
   * moves the worker to another table: the created table leaves the stack
   * (retained, with every credential), and a switch back to a created one
   * creates a new, empty table (docs/deploy.md, "Upgrading a deployment").
   * @default - a new table is created (see `tableProps`)
   */
  readonly table?: dynamodb.ITable;
  /**
   * Options for the table the construct creates. Not together with `table`.
   * @default - CredentialTable defaults: generated name, RETAIN, deletion protection
   */
  readonly tableProps?: CredentialTableProps;
  /**
   * Bring your own owner directory table: partition key `userId` (STRING), no
   * sort key (`lambdas/aws/owner-directory-table-definition.ts`). Not together
   * with `directoryTableProps`. Checked at synth like `table` when built in the
   * app; an imported one is not. A customer-managed key must be carried, as for `table`.
   *
   * On a deployed stack, switching between a created directory and a brought
   * one moves the worker to another table, as for `table`: the created one
   * leaves the stack (retained, with every owner and their route state), and a
   * switch back creates a new, empty one.
   * @default - a new table is created (see `directoryTableProps`)
   */
  readonly directoryTable?: dynamodb.ITable;
  /**
   * Options for the owner directory table the construct creates. Not together with `directoryTable`.
   * @default - OwnerDirectoryTable defaults: generated name, RETAIN, deletion protection
   */
  readonly directoryTableProps?: OwnerDirectoryTableProps;
  /**
   * The hygiene configuration, validated by the same schema the functions
   * use at cold start. Its `mode` defaults to `audit`: a fresh deployment's sweeps
   * plan and report to the admin audience, but write nothing and queue no owner
   * notice, until the operator switches to `enforce` (its notifier still sends
   * what is queued, e.g. by an operator's `sweep --enforce`: docs/deploy.md).
   * Its `expiryNoticeLookaheadHours`, when not given, is derived from
   * `sweepSchedule`'s longest gap between sweeps (lib/expiry-notice-lookahead.ts).
   * @default - the schema defaults (`mode: 'audit'`, notices 30/7/1 days, stale after 90 days, ...)
   */
  readonly config?: HygieneConfigInput;
  /**
   * The topic owner digests and admin run summaries are published to. A standard
   * topic: a FIFO one (`fifo`, a `.fifo` ARN) is refused (the worker publishes
   * without a message group, and a FIFO topic delivers to no email address). An
   * encrypted topic must carry its key so the publishers get the key actions:
   * built in the app with `masterKey`, or imported with
   * `Topic.fromTopicAttributes(this, 'Topic', { topicArn, keyArn })`
   * (`Topic.fromTopicArn` carries no key: every publish then fails on KMS).
   *
   * On a deployed stack, switching from the created topic to a brought one
   * deletes the created topic with every subscription on it: the subscription
   * reconciler subscribes the owners again on the brought topic (on
   * `sns-email`), each unreachable until they confirm, and the admins'
   * subscriptions are made there and must be confirmed again (docs/deploy.md,
   * "Upgrading a deployment").
   * @default - a new topic, encrypted with a customer-managed KMS key, HTTPS-only
   */
  readonly topic?: sns.ITopic;
  /**
   * When the sweep runs. Its longest gap between runs is the expiry notice lookahead unless `config` gives one.
   * @default - daily at 03:00 UTC (`cron(0 3 * * ? *)`)
   */
  readonly sweepSchedule?: scheduler.ScheduleExpression;
  /**
   * When the notifier drains the outbox.
   * @default - every 15 minutes
   */
  readonly notifierSchedule?: scheduler.ScheduleExpression;
  /**
   * When the subscription reconciler makes the topic's owner subscriptions
   * match the owner directory (with `ownerDelivery: relay` it removes them).
   * @default - every hour
   */
  readonly reconcilerSchedule?: scheduler.ScheduleExpression;
  /**
   * The topic's "Filter policies per topic" quota the reconciler plans against
   * (raise it in Service Quotas first; docs/deploy.md).
   * @default 200 (SNS's default)
   */
  readonly filterPolicyQuota?: number;
  /**
   * How often EventBridge Scheduler retries an invocation it could not deliver
   * before it goes to the dead-letter queue. Retrying is safe: a retried sweep
   * carries the same scheduled time, so it decides the same.
   * @default 3
   */
  readonly scheduleRetryAttempts?: number;
  /**
   * How long EventBridge Scheduler keeps retrying an undelivered invocation (whole seconds, 1 minute to 1 day).
   * The sweep's schedule retries for at most a quarter of `maxScheduleSkew`
   * instead, so that a late delivery is never refused as forged.
   * @default Duration.hours(1)
   */
  readonly scheduleMaxEventAge?: Duration;
  /**
   * No longer supported: owner addresses live in the owner directory, never in
   * a template. Any entry fails the synth with {@link OWNER_EMAILS_REMOVED}.
   * @deprecated Load owners with `pc-hygiene owners import FILE`; the subscription reconciler subscribes them.
   */
  readonly ownerEmails?: Readonly<Record<string, string>>;
  /**
   * Security-team addresses that receive admin run summaries, guard trips and
   * alarms (see `CredentialHygiene.subscribeAdmin`). Each mailbox once: one given twice, in any letter case, is refused.
   * @default - none
   */
  readonly adminEmails?: readonly string[];
  /**
   * Operator principals (`aws:PrincipalArn` values: IAM role or user ARNs, `*`
   * and `?` allowed in the name, e.g. an IAM Identity Center role
   * `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_SecurityAdmin_*`).
   * Refused at synth: a name made only of wildcards (`role/*`, `user/*`, `role/<path>/*`: every role or user of the
   * account or path would be exempt from every Deny below), and, when the stack's account is known, a principal of
   * another account (nothing here lets another account in: {@link principalArnProblems}).
   * Besides the worker's own roles, only
   * they may publish to the notification topic (an operator's CLI run publishes
   * its admin summary) and, besides the reconciler and the deployment role,
   * only they may subscribe or change subscriptions (for a topic the
   * construct creates: a brought topic keeps its own policy); with the
   * deployment role and the `alarmSubscriberPrincipalArns`, they are also the only principals that may subscribe to
   * the alarm topic the construct creates (an on-call endpoint), when the deployment role is known. With
   * `ownerDelivery: relay`, they and the account root user are also the only
   * principals that may send to the relay queue and receive, delete or
   * redrive its dead-letter queue, and receive and delete the SES events
   * dead-letter queue's events to replay them (`OwnerEmailRelay`), whichever topic; and,
   * on every route, they and the account root user are the only principals
   * that may read, purge or redrive the shared dead-letter queue
   * (`guardDeadLetterQueue`), so they apply with a brought topic too.
   * @default - none: only the worker's roles and the deployment role
   */
  readonly operatorPrincipalArns?: readonly string[];
  /**
   * Principals (`aws:PrincipalArn` values, as `operatorPrincipalArns`) that may subscribe an endpoint to the alarm
   * topic the construct creates, and do nothing else of the worker (unlike an operator: no publishing to the
   * notification topic, no reading or redriving the dead-letter queues). For a chat channel through AWS Chatbot
   * (Amazon Q Developer in chat applications), which subscribes as its service-linked role
   * `arn:aws:iam::<account>:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot`
   * (docs/deploy.md, "Security choices"). Refused at synth as the operators are (a name of wildcards only; another
   * account when the stack's is known), and when the construct creates no alarm topic (`alarms` false, or an
   * `alarmTopic` given: it keeps its own policy). Without a known deployment role the alarm topic has no Subscribe
   * Deny, so these restrict nothing there, and the synth warns so (`pc-hygiene:alarmSubscribersWithoutEffect`; see
   * `deploymentRoleArn`).
   * @default - none: only the operators and the deployment role
   */
  readonly alarmSubscriberPrincipalArns?: readonly string[];
  /**
   * The role CloudFormation deploys the stack with: it creates the admin subscriptions, so the Subscribe
   * allow-lists of the topics the construct creates name it. One rule for when it is not known (a synthesizer
   * naming no role, and this prop not given): the notification topic, which carries every owner's digests, requires
   * it, so the synth fails asking for it; the alarm topic and the SES events topic (`relay`) then get no Subscribe
   * Deny at all (a Deny sparing no deployer would refuse the admin subscriptions): IAM alone decides who subscribes
   * there (docs/deploy.md, "Security choices"). Checked as the operators are (no name of wildcards only, no other
   * account when the stack's is known).
   * @default - the CDK bootstrap CloudFormation execution role of the stack's `DefaultStackSynthesizer`
   */
  readonly deploymentRoleArn?: string;
  /**
   * Create the CloudWatch alarms (function errors, dead-letter messages, guard
   * tripped, invalid records, oldest pending notice too old).
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Where alarms notify. CloudWatch publishes as `cloudwatch.amazonaws.com`:
   * for a topic built in the app the construct adds to its policy a statement
   * letting CloudWatch `sns:Publish`, only for this account's alarms
   * (`aws:SourceAccount`, `aws:SourceArn` like `arn:…:cloudwatch:<region>:<account>:alarm:*`),
   * and, when it is encrypted with a key built in the app, one letting
   * CloudWatch `kms:GenerateDataKey` and `kms:Decrypt` with that
   * `aws:SourceAccount` (a key not built in the app gets a synth warning,
   * `pc-hygiene:alarmTopicKeyNotChecked`). Each is added once: not when a
   * statement alike but for its Sid is already there (the app's own, or another
   * worker's sharing the topic), and with this construct's node address
   * appended to its Sid when a different statement has taken ours; the rest
   * of the policy is kept as it is (lib/notification-topics.ts). An imported topic is not changed:
   * its policy and its key policy must allow the same, and its key must be
   * customer-managed (CloudWatch cannot use the AWS-managed `alias/aws/sns`),
   * or every alarm fails to notify.
   *
   * After each run the sweep lists this topic's subscriptions (`sns:ListSubscriptionsByTopic`, granted to its role on
   * this topic only) and its admin run summary says `ALARMS REACH NO ONE` when none is confirmed (docs/sweep.md, "The
   * alarm topic check"). A topic whose policy does not let the sweep's role list it (one of another account) makes
   * every summary say its subscriptions "could not be checked" instead: allow that action there.
   *
   * Not the notification topic (`topic`): alarms carry no message attributes, so no admin subscription
   * (`audience=admin`) would receive them, and the sweep's check would count the owners' and admins' subscriptions
   * as the alarms' reach. Refused at synth when it is the same construct or has the same `topicArn` (two imports of
   * one literal ARN; topics whose ARNs are different tokens cannot be told apart and are not refused).
   *
   * A standard topic, as `topic`: a FIFO one (`fifo`, a `.fifo` ARN) is refused (CloudWatch publishes alarms without
   * a message group id, which SNS refuses on a FIFO topic, and a FIFO topic delivers to no email address).
   * @default - a new KMS-encrypted, HTTPS-only topic (when `alarms` is on)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * How long an owner notice may wait (whole hours, 1 to 168): the
   * oldest-pending-notice alarm fires when one has waited longer, and the
   * notifier's heartbeat when no drain has reported for this long. At least
   * the longest gap between `notifierSchedule` runs plus the notifier's
   * timeout and 5 minutes, rounded up to whole hours, plus 1 hour
   * (lib/heartbeat-windows.ts): a shorter one fails the synth (a `rate`, or a
   * UTC `cron` without `L`/`W`/`#`) or warns. Left out, it is derived from the
   * schedule; when that needs more than 168 hours (a weekly notifier) the
   * notifier's heartbeat is left out with a warning and the derived value is
   * the oldest-pending-notice alarm's threshold only. Not checked without `alarms`.
   * @default - 6 hours, or the least the `notifierSchedule` needs when more
   */
  readonly pendingNoticeMaxAge?: Duration;
  /**
   * The heartbeat alarm fires when no sweep has completed for this long (whole
   * hours, 1 to 168). At least the longest gap between `sweepSchedule` runs
   * plus the sweep's timeout and 5 minutes, rounded up to whole hours, plus 1
   * hour: a shorter one fails the synth, or warns when the gap is not worked
   * out at synth (lib/heartbeat-windows.ts). A sweep schedule whose gap needs
   * more than 168 hours (weekly) gets no heartbeat alarm, with a warning.
   * Not checked without `alarms`.
   * @default - 26 hours, or the least the `sweepSchedule` needs when more
   */
  readonly heartbeatWindow?: Duration;
  /**
   * The reconciler's heartbeat alarm fires when no subscription reconciler run
   * has completed for this long (whole hours, 1 to 168); a run stopped by the
   * filter-policy quota, or refusing an empty owner directory, does not
   * complete (docs/deploy.md, "Runbook: Reconciler heartbeat"). At least the
   * longest gap between `reconcilerSchedule` runs plus the reconciler's
   * timeout (5 minutes) and 5 minutes, rounded up to whole hours, plus 1 hour:
   * a shorter one fails the synth, or warns when the gap is not worked out at
   * synth (lib/heartbeat-windows.ts). A reconciler schedule whose gap needs
   * more than 168 hours gets no reconciler heartbeat, with a warning. Not
   * checked without `alarms`.
   * @default - 3 hours, or the least the `reconcilerSchedule` needs when more
   */
  readonly reconcilerHeartbeatWindow?: Duration;
  /**
   * The sweep refuses (and alarms on) an invocation whose scheduled time is
   * further than this from the wall clock, so a direct invoke cannot move the
   * decision clock (whole seconds, 3 minutes to 1 day). A scheduled sweep's delivery fits
   * inside it: EventBridge Scheduler retries for at most a quarter of it (and
   * at most `scheduleMaxEventAge`), Lambda keeps the queued sweep for the
   * rest less a minute (at most 6 hours), then dead-letters it instead of
   * starting it.
   * @default Duration.hours(1)
   */
  readonly maxScheduleSkew?: Duration;
  /**
   * Create the CloudWatch dashboard of the run metrics.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * CloudWatch namespace of the run metrics: 1 to 255 of A-Z a-z 0-9 . - _ / # :
   * and space, not starting with `AWS/` (reserved) or `:`.
   * @default 'PersonalClientHygiene'
   */
  readonly metricsNamespace?: string;
  /**
   * Powertools service name: the `service` field of log lines and the `service`
   * metric dimension every alarm and the dashboard filter on (1 to 255
   * printable ASCII characters). Two `CredentialHygiene` workers of one app
   * with the same `metricsNamespace` and `serviceName` fail the synth (in
   * stacks known to be in different accounts or regions they may share them);
   * give each its own. In separate apps in one account and region, too: the synth cannot see it.
   * @default 'personal-client-hygiene'
   */
  readonly serviceName?: string;
  /**
   * Sweep invocation timeout (whole seconds, 1 second to 15 minutes: Lambda's
   * limit); the sweep stops cleanly (checkpoint, `incomplete`) 50 seconds before it
   * (`SWEEP_SAFETY_MARGIN_MS`, lambdas/handlers/safety-margins.ts, and the run's
   * reserve `DEFAULT_DEADLINE_MARGIN_MS`, lambdas/hygiene/sweep/types.ts), so less
   * than 80 seconds is refused at synth: it would leave under 30 seconds of work
   * (`MIN_WORKING_SECONDS`).
   * @default Duration.minutes(15)
   */
  readonly sweepTimeout?: Duration;
  /**
   * Sweep memory in MB.
   * @default 1024
   */
  readonly sweepMemorySize?: number;
  /**
   * Notifier invocation timeout (whole seconds, 1 second to 15 minutes). A drain stops its work 15 seconds before it
   * (`NOTIFIER_SAFETY_MARGIN_MS`, lambdas/handlers/safety-margins.ts), so less than 45 seconds is refused at synth:
   * it would leave under 30 seconds of work (`MIN_WORKING_SECONDS`).
   * @default Duration.minutes(5)
   */
  readonly notifierTimeout?: Duration;
  /**
   * Notifier memory in MB.
   * @default 512
   */
  readonly notifierMemorySize?: number;
  /**
   * Subscription reconciler invocation timeout (whole seconds, 1 second to 15 minutes; less than 60 seconds is refused
   * at synth: it would leave under 30 seconds of work, `MIN_WORKING_SECONDS`). A run starts no SNS call in its last
   * 30 seconds (`RECONCILER_SAFETY_MARGIN_MS`, lambdas/handlers/safety-margins.ts): it records what it did and
   * reports itself incomplete (`ReconcilerIncomplete`), and the next run continues; raise this when runs keep
   * stopping so (thousands of owners on a slow or throttled SNS). `ReconcilerHeartbeat`'s window is worked out with
   * it (docs/deploy.md, "Heartbeat windows and schedules").
   * @default Duration.minutes(5)
   */
  readonly reconcilerTimeout?: Duration;
  /**
   * Retention of every function's log group (the relay's two included).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The props given to `CredentialHygiene` are inconsistent or out of range. */
export class CredentialHygienePropsError extends Error {
  override readonly name = 'CredentialHygienePropsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid CredentialHygiene props: ${problems.join('; ')}`);
  }
}

/**
 * What `aws:PrincipalArn` can be: an IAM role or user (with path), or an account root. Groups: the account, and for
 * a role or user its kind and its path and name.
 */
const PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):(?:root|(role|user)\/([A-Za-z0-9+=,.@_\-/*?]+))$/;

/** A role or user name (after the last `/`) with no character but the `ArnLike` wildcards `*` and `?` (or none). */
const WILDCARD_NAME = /(?:^|\/)[*?]*$/;

/** A path (before a role or user name) of only `/` and the `ArnLike` wildcards, or none: the whole account's. */
const WILDCARD_PATH = /^[*?/]*$/;

/** What the refusal of a wildcard name suggests instead (the IAM Identity Center pattern of docs/deploy.md). */
const EXAMPLE_NAMES = {
  role: 'role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*, or role/HygieneOperator',
  user: 'user/hygiene-operator',
} as const;

/**
 * Problems of a list of principal ARNs used in an `aws:PrincipalArn` condition,
 * `key` naming the setting (docs/deploy.md, "Security choices"). Refused, each naming the entry and why:
 * - what is not a role, user or account-root ARN; a role session (`sts … assumed-role`) with a hint: the condition
 *   sees the role's ARN;
 * - a role or user whose name is only wildcards with no path of the account's own (`role/*`, `user/*`,
 *   `role/aws-reserved/sso.amazonaws.com/*`): it matches every role or user of the account (or every IAM Identity
 *   Center permission set), so that one entry would exempt them all from the Denies that list it. A name with
 *   a fixed part, such as `role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_SecurityAdmin_*` (the region
 *   a `*` too), and a path the account chose (`role/ops/*`, every role it put under `/ops/`), are kept;
 * - nothing of an entry that is a token (its value is known only at deploy);
 * - with `account` known (the stack's, resolved), a principal of another account: the worker's topic and queues and
 *   their keys have no Allow for another account (their policies defer only to this account's IAM), so it could
 *   never act and a listed operator would be refused at run time. An environment-agnostic stack cannot tell: such
 *   an entry is then kept, and is harmless (exempt from a Deny, it is still allowed nothing).
 */
export function principalArnProblems(key: string, arns: readonly string[], account?: string): string[] {
  const stackAccount = account === undefined || Token.isUnresolved(account) ? undefined : account;
  return arns.flatMap((arn) => principalArnProblem(arn, stackAccount).map((why) => `${key}: ${why}`));
}

/**
 * Whether a wildcard name under `path` matches more than an operator group: no path (or one of wildcards only: every
 * role or user of the account), IAM Identity Center's own path (every permission set, in one region or all:
 * everyone who signs in), or the service-linked roles' path (`aws-service-role/`, or one service's under it: every
 * service's role, or every role of that service). A path of the account's own choosing (`role/ops/*`) is a group
 * it created: kept; so is one service-linked role named in full (AWS Chatbot's, for the alarm topic).
 */
function isAccountWidePath(path: string): boolean {
  return (
    WILDCARD_PATH.test(path) ||
    /^aws-reserved\/sso\.amazonaws\.com\/(?:[^/]*\/)?$/.test(path) ||
    /^aws-service-role\/(?:[^/]*\/)?$/.test(path)
  );
}

/** What is wrong with one principal ARN, if anything; nothing for a token (resolved at deploy: not readable here). */
function principalArnProblem(arn: string, stackAccount: string | undefined): string[] {
  if (Token.isUnresolved(arn)) return [];
  const shown = JSON.stringify(arn);
  const match = PRINCIPAL_ARN.exec(arn);
  if (match === null) {
    const hint = /:sts::\d{12}:assumed-role\//.test(arn)
      ? ' (give the role ARN, arn:aws:iam::<account>:role/<name>: aws:PrincipalArn of a session is its role)'
      : '';
    return [
      `${shown} is not an IAM role, user or account-root ARN (arn:aws:iam::<12-digit account>:role/<name>)${hint}`,
    ];
  }
  const [, arnAccount, kind, name] = match;
  const path = name?.slice(0, name.lastIndexOf('/') + 1) ?? '';
  if (kind !== undefined && name !== undefined && WILDCARD_NAME.test(name) && isAccountWidePath(path)) {
    const which = WILDCARD_PATH.test(path)
      ? `every ${kind} of account ${arnAccount}`
      : `every ${kind} under /${path}`;
    return [
      `${shown}: its ${kind} name is only wildcards, so it matches ${which} and would exempt them all from the Denies that list it: give a name with a fixed part (e.g. ${EXAMPLE_NAMES[kind as keyof typeof EXAMPLE_NAMES]})`,
    ];
  }
  if (stackAccount !== undefined && arnAccount !== stackAccount) {
    return [
      `${shown} is in account ${arnAccount}, not the stack's account ${stackAccount}: the worker's topic and queues (and their keys) let in no principal of another account, so it could never act here: give a role or user of account ${stackAccount}`,
    ];
  }
  return [];
}

/**
 * Why `ownerEmails` fails the synth: owner subscriptions are no longer
 * CloudFormation resources (SNS's 200-filter-policy and CloudFormation's
 * 500-resource limits, every address in the template, nobody told when an
 * owner is unreachable).
 */
export const OWNER_EMAILS_REMOVED =
  'owner subscriptions are no longer part of the stack (no owner address in a template): load owners into the owner directory with `pc-hygiene owners import FILE`; the subscription reconciler subscribes them (docs/deploy.md, "Owner directory")';

/**
 * Route `relay` emails owners from `senderIdentity`: without one it has no
 * sender. One rule for the construct's `config` prop and the app's CDK
 * context (lib/config.ts, which says it first, as a context problem); `key`
 * names the setting as its user gave it (`config.senderIdentity`, or the
 * context key `senderIdentity`).
 */
export function relaySenderProblems(config: HygieneConfig, key: string): string[] {
  if (config.ownerDelivery !== 'relay' || config.senderIdentity !== undefined) return [];
  return [
    `${key}: ownerDelivery "relay" needs a sender, a verified SES identity (context key senderIdentity, e.g. -c senderIdentity=hygiene@example.com)`,
  ];
}

/**
 * Problems of one admin email address, `who` naming where it came from: the rules an owner's address meets on import
 * (`emailAddressProblem`, lambdas/hygiene/email-address-rules.ts), so an address with an invisible character pasted
 * into it, a `Name <a@x>` form or two addresses run together (`x,y@example.com`) is refused here rather than
 * subscribed as a mailbox nobody reads, where the admins would hear nothing.
 */
export function emailProblems(who: string, email: string): string[] {
  const problem = emailAddressProblem(email);
  if (problem === undefined) return [];
  const rule =
    problem.rule === undefined
      ? ''
      : ` (email address rule "${problem.rule}", docs/deploy.md "Owner directory")`;
  return [`${who} email ${JSON.stringify(email)} ${problem.what}${rule}`];
}

/**
 * The mailbox an admin address names: one subscription per mailbox, whatever the letter case or the domain's form
 * (Unicode or Punycode), as the worker compares addresses at run time (`mailboxKey`, lambdas/relay/ses-address.ts:
 * case-insensitive, NFC, an internationalized domain in Punycode). The one rule of `adminEmails`
 * ({@link adminEmailRepeats}) and `CredentialHygiene.subscribeAdmin`.
 */
export const adminMailboxOf = mailboxKey;

/**
 * Each address of `adminEmails` that names a mailbox an earlier one names ({@link adminMailboxOf}), named under the
 * prop here with every other problem, before `subscribeAdmin` would refuse it naming none.
 */
function adminEmailRepeats(emails: readonly string[]): string[] {
  const first = new Map<string, string>();
  return emails.flatMap((email) => {
    const mailbox = adminMailboxOf(email);
    const earlier = first.get(mailbox);
    if (earlier === undefined) {
      first.set(mailbox, email);
      return [];
    }
    const same =
      earlier === email
        ? 'is given twice'
        : `is ${JSON.stringify(earlier)} again (one mailbox: addresses are compared case-insensitively, a domain in Unicode or Punycode alike)`;
    return [`adminEmails: ${JSON.stringify(email)} ${same}: give each address once`];
  });
}

/**
 * What the construct uses for a schedule, timeout or alarm window left out (the `@default`s above; a window left
 * out is at least its default, more when its schedule needs it: lib/heartbeat-windows.ts).
 */
export const PROP_DEFAULTS = {
  sweepSchedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3' }),
  notifierSchedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
  reconcilerSchedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
  pendingNoticeMaxAge: Duration.hours(6),
  heartbeatWindow: Duration.hours(26),
  /** What the hourly reconciler needs: 60 minutes between runs plus up to 10 until one reports, 2 hours, plus 1. */
  reconcilerHeartbeatWindow: Duration.hours(3),
  sweepTimeout: Duration.minutes(15),
  notifierTimeout: Duration.minutes(5),
  reconcilerTimeout: Duration.minutes(5),
} as const;

/** The windows the alarms are built with, from the props and the schedules (lib/heartbeat-windows.ts). */
export interface AlarmWindows {
  /** `SweepHeartbeat`'s window; undefined: left out (the sweep's gaps are longer than an alarm can watch). */
  readonly heartbeatWindow?: Duration;
  /** `NotifierHeartbeat`'s window (`pendingNoticeMaxAge`); undefined: left out, as above. */
  readonly notifierHeartbeatWindow?: Duration;
  /** `ReconcilerHeartbeat`'s window; undefined: left out, as above. */
  readonly reconcilerHeartbeatWindow?: Duration;
  /** How long a notice may wait: `OldestPendingNoticeTooOld`'s threshold (given, or derived from the schedule). */
  readonly pendingNoticeMaxAge: Duration;
}

/** The validated props the constructor builds from. */
export interface ValidatedProps {
  /** The hygiene configuration, parsed by the shared schema. */
  readonly config: HygieneConfig;
  /** The configuration as the functions' `HYGIENE_*` environment variables. */
  readonly environment: Record<string, string>;
  /** The alarms' windows; undefined when `alarms` is false (nothing is checked then). */
  readonly alarmWindows?: AlarmWindows;
  /** What the synth could not check, or left out, of the heartbeats: the constructor warns. */
  readonly heartbeatWarnings: readonly HeartbeatWarning[];
  /** Why `expiryNoticeLookaheadHours` is not derived from the sweep schedule (lib/expiry-notice-lookahead.ts): the constructor warns. */
  readonly lookaheadWarning?: string;
}

/** Where the construct is, and the app's other workers, for what the props alone cannot tell. */
export interface PropsSurroundings {
  /** This construct's path, and its stack's account and region. */
  readonly self: Pick<MetricIdentity, 'path' | 'account' | 'region'>;
  /** Every other `CredentialHygiene` of the app. */
  readonly others: readonly MetricIdentity[];
}

/** The namespace and service name the construct uses (given, or the defaults). */
export function metricNamesOf(props: CredentialHygieneProps): MetricNames {
  return {
    metricsNamespace: props.metricsNamespace ?? DEFAULT_METRIC_NAMES.metricsNamespace,
    serviceName: props.serviceName ?? DEFAULT_METRIC_NAMES.serviceName,
  };
}

/**
 * One check at the top: every problem in one readable error, in the order
 * the props are documented.
 * @throws {CredentialHygienePropsError} listing every problem
 */
export function validateProps(
  props: CredentialHygieneProps,
  surroundings: PropsSurroundings,
): ValidatedProps {
  const problems: string[] = [...resourceProblems(props)];
  const refusedSchedules = scheduleProblems(props);
  const lookahead = lookaheadOf(configOf(props, problems), props);
  const config = lookahead?.config;
  // A refused schedule has no gap to check a window against.
  const heartbeats = refusedSchedules.length === 0 ? heartbeatFindings(props) : undefined;
  problems.push(
    ...refusedSchedules,
    ...(lookahead?.problem === undefined ? [] : [lookahead.problem]),
    ...addressProblems(props, surroundings.self.account),
    ...rangeProblems(props),
    ...[heartbeats?.sweep, heartbeats?.notifier, heartbeats?.reconciler].flatMap((f) => f?.problem ?? []),
    ...metricProblems(props, surroundings),
  );
  if (config !== undefined) {
    problems.push(
      ...environmentBudgetProblems(config, metricNamesOf(props)),
      ...broughtTableTtlProblems('table', props.table, config.purgeAfterDays),
    );
  }
  const environment = config === undefined ? {} : configToEnvironment(config);
  if (problems.length > 0 || config === undefined) throw new CredentialHygienePropsError(problems);
  const lookaheadWarning = lookahead?.warning;
  const validated = { config, environment, ...(lookaheadWarning !== undefined && { lookaheadWarning }) };
  if (heartbeats === undefined) return { ...validated, heartbeatWarnings: [] };
  const { sweep, notifier, reconciler } = heartbeats;
  return {
    ...validated,
    alarmWindows: {
      ...(sweep.alarmed && { heartbeatWindow: Duration.hours(sweep.windowHours) }),
      ...(notifier.alarmed && { notifierHeartbeatWindow: Duration.hours(notifier.windowHours) }),
      ...(reconciler.alarmed && { reconcilerHeartbeatWindow: Duration.hours(reconciler.windowHours) }),
      pendingNoticeMaxAge: Duration.hours(notifier.windowHours),
    },
    heartbeatWarnings: [sweep, notifier, reconciler].flatMap((f) => f.warning ?? []),
  };
}

/**
 * The schedules EventBridge Scheduler would refuse at deploy, with or without alarms, each with the CDK context's
 * text (`refusedScheduleProblems`, lib/heartbeat-windows.ts), and those with white space around their text, which
 * would reach Scheduler untrimmed (`untrimmedScheduleProblems`).
 */
function scheduleProblems(props: CredentialHygieneProps): string[] {
  const keys = ['sweepSchedule', 'notifierSchedule', 'reconcilerSchedule'] as const;
  return keys.flatMap((key) => {
    const text = props[key]?.expressionString;
    if (text === undefined) return [];
    return [...untrimmedScheduleProblems(key, text), ...refusedScheduleProblems(key, text)];
  });
}

/**
 * Each heartbeat's window against its schedule (lib/heartbeat-windows.ts): a
 * window left out is derived from it. None without alarms (there is no
 * heartbeat to fire), nor while a window is not whole hours from 1 to 168
 * (`rangeProblems` says so); validateProps asks for none while a schedule is
 * refused (`scheduleProblems` says so).
 */
function heartbeatFindings(
  props: CredentialHygieneProps,
): Record<'sweep' | 'notifier' | 'reconciler', HeartbeatFinding> | undefined {
  if (props.alarms === false) return undefined;
  const windows = [props.heartbeatWindow, props.pendingNoticeMaxAge, props.reconcilerHeartbeatWindow];
  if (!windows.every(isWindow)) return undefined;
  if (![props.sweepTimeout, props.notifierTimeout, props.reconcilerTimeout].every(isLambdaTimeout))
    return undefined;
  const minutes = (timeout: Duration) => timeout.toSeconds() / 60;
  const sweep: HeartbeatWatch = {
    alarm: 'SweepHeartbeat',
    scheduleKey: 'sweepSchedule',
    schedule: props.sweepSchedule ?? PROP_DEFAULTS.sweepSchedule,
    windowKey: 'heartbeatWindow (context heartbeatWindowHours)',
    ...(props.heartbeatWindow !== undefined && { windowHours: props.heartbeatWindow.toHours() }),
    defaultHours: PROP_DEFAULTS.heartbeatWindow.toHours(),
    runMinutes: minutes(props.sweepTimeout ?? PROP_DEFAULTS.sweepTimeout),
  };
  const notifier: HeartbeatWatch = {
    alarm: 'NotifierHeartbeat',
    scheduleKey: 'notifierSchedule',
    schedule: props.notifierSchedule ?? PROP_DEFAULTS.notifierSchedule,
    windowKey: 'pendingNoticeMaxAge (context pendingNoticeMaxAgeHours)',
    ...(props.pendingNoticeMaxAge !== undefined && { windowHours: props.pendingNoticeMaxAge.toHours() }),
    defaultHours: PROP_DEFAULTS.pendingNoticeMaxAge.toHours(),
    runMinutes: minutes(props.notifierTimeout ?? PROP_DEFAULTS.notifierTimeout),
    thresholdOf: 'OldestPendingNoticeTooOld',
  };
  const reconciler: HeartbeatWatch = {
    alarm: 'ReconcilerHeartbeat',
    scheduleKey: 'reconcilerSchedule',
    schedule: props.reconcilerSchedule ?? PROP_DEFAULTS.reconcilerSchedule,
    windowKey: 'reconcilerHeartbeatWindow (context reconcilerHeartbeatWindowHours)',
    ...(props.reconcilerHeartbeatWindow !== undefined && {
      windowHours: props.reconcilerHeartbeatWindow.toHours(),
    }),
    defaultHours: PROP_DEFAULTS.reconcilerHeartbeatWindow.toHours(),
    runMinutes: minutes(props.reconcilerTimeout ?? PROP_DEFAULTS.reconcilerTimeout),
  };
  return {
    sweep: heartbeatFinding(sweep),
    notifier: heartbeatFinding(notifier),
    reconciler: heartbeatFinding(reconciler),
  };
}

/**
 * A duration's milliseconds, fractions kept: CDK's `toSeconds()` (and `toMilliseconds()` by default) throws
 * `CannotConvertedIntoWhole`, naming no prop, for one not in whole units, where the checks below name the prop.
 */
const millisOf = (duration: Duration) => duration.toMilliseconds({ integral: false });

/** An alarm window left out, or whole hours from 1 to 168 (an hourly alarm's limit). */
function isWindow(window: Duration | undefined): boolean {
  if (window === undefined) return true;
  const hour = 3_600_000;
  const millis = millisOf(window);
  return millis % hour === 0 && millis >= hour && millis <= MAX_HEARTBEAT_WINDOW_HOURS * hour;
}

/** Lambda's timeout limit. */
const MAX_LAMBDA_TIMEOUT_SECONDS = 900;

/** A function timeout left out, or whole seconds from 1 second to 15 minutes (Lambda's limits). */
function isLambdaTimeout(timeout: Duration | undefined): boolean {
  if (timeout === undefined || timeout.isUnresolved()) return true;
  const millis = millisOf(timeout);
  return millis % 1000 === 0 && millis >= 1000 && millis <= MAX_LAMBDA_TIMEOUT_SECONDS * 1000;
}

/**
 * The least working time a function's timeout must leave after its handler's safety margin (the time it stops its
 * work before the timeout: lambdas/handlers/safety-margins.ts). A timeout that leaves less deploys a worker that
 * stops as soon as it starts, on every run, and nothing fails to say so: the sweep reads one page and ends
 * incomplete, the drain publishes next to nothing, the reconciler starts no SNS call. A floor against a slip
 * (`Duration.seconds(20)` meant as minutes), not a recommendation: the defaults leave minutes.
 */
export const MIN_WORKING_SECONDS = 30;

/** Where the handlers' margins are defined, as the messages name it. */
const MARGINS_FILE = 'lambdas/handlers/safety-margins.ts';

/**
 * Each timeout prop's function, how long before its timeout it stops its work, and where that is defined: the
 * handler's safety margin, and for the sweep also the reserve the run keeps inside its budget for its checkpoint and
 * the deletions in flight (`DEFAULT_DEADLINE_MARGIN_MS`; the handler keeps the default).
 */
const TIMEOUT_MARGINS = {
  sweepTimeout: {
    fn: 'sweep',
    marginMs: SWEEP_SAFETY_MARGIN_MS + DEFAULT_DEADLINE_MARGIN_MS,
    source: `SWEEP_SAFETY_MARGIN_MS, ${MARGINS_FILE}, and the run's reserve DEFAULT_DEADLINE_MARGIN_MS, lambdas/hygiene/sweep/types.ts`,
  },
  notifierTimeout: {
    fn: 'notifier',
    marginMs: NOTIFIER_SAFETY_MARGIN_MS,
    source: `NOTIFIER_SAFETY_MARGIN_MS, ${MARGINS_FILE}`,
  },
  reconcilerTimeout: {
    fn: 'subscription reconciler',
    marginMs: RECONCILER_SAFETY_MARGIN_MS,
    source: `RECONCILER_SAFETY_MARGIN_MS, ${MARGINS_FILE}`,
  },
} as const;

/** A function timeout prop of the construct. */
type TimeoutProp = keyof typeof TIMEOUT_MARGINS;

/**
 * The problem of a function timeout, `name` naming the prop: one Lambda (CloudFormation, at deploy) would refuse,
 * else one that leaves less than {@link MIN_WORKING_SECONDS} after its handler's safety margin.
 */
function timeoutProblem(name: TimeoutProp, timeout: Duration | undefined): string[] {
  if (!isLambdaTimeout(timeout)) {
    return [
      `${name} = ${millisOf(timeout!) / 1000} s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)`,
    ];
  }
  if (timeout === undefined || timeout.isUnresolved()) return [];
  const { fn, marginMs, source } = TIMEOUT_MARGINS[name];
  const seconds = timeout.toSeconds();
  const marginSeconds = marginMs / 1000;
  const least = marginSeconds + MIN_WORKING_SECONDS;
  if (seconds >= least) return [];
  return [
    `${name} = ${seconds} s: leaves ${Math.max(0, seconds - marginSeconds)} s of work after the ${fn}'s safety margin of ${marginSeconds} s (${source}: it stops its work that long before its timeout), under the ${MIN_WORKING_SECONDS} s it needs; give at least ${least} s`,
  ];
}

/** The problem of a window that is not whole hours from 1 to 168, `name` naming the prop. */
function windowProblem(name: string, window: Duration | undefined): string[] {
  if (isWindow(window)) return [];
  return [
    `${name} = ${millisOf(window!) / 1000} s: must be whole hours from 1 to ${MAX_HEARTBEAT_WINDOW_HOURS}`,
  ];
}

/**
 * A duration prop's whole seconds; undefined when it is left out, or (with a problem naming `name`) when it is not
 * whole seconds (`Duration.millis(61500)`), which the services take only in seconds.
 */
function wholeSecondsOf(
  name: string,
  duration: Duration | undefined,
  problems: string[],
): number | undefined {
  if (duration === undefined) return undefined;
  const millis = millisOf(duration);
  if (millis % 1000 === 0) return millis / 1000;
  problems.push(`${name} = ${millis / 1000} s: must be whole seconds`);
  return undefined;
}

/** Either-or props given together, and brought resources the worker cannot use. */
function resourceProblems(props: CredentialHygieneProps): string[] {
  const problems: string[] = [
    ...broughtTableProblems('table', props.table, CREDENTIAL_TABLE_SCHEMA),
    ...broughtTableProblems('directoryTable', props.directoryTable, OWNER_DIRECTORY_SCHEMA),
  ];
  if (props.table !== undefined && props.tableProps !== undefined) {
    problems.push('give either `table` (bring your own) or `tableProps` (create one), not both');
  }
  if (props.directoryTable !== undefined && props.directoryTableProps !== undefined) {
    problems.push(
      'give either `directoryTable` (bring your own) or `directoryTableProps` (create one), not both',
    );
  }
  if (props.alarmTopic !== undefined && props.alarms === false) {
    problems.push('`alarmTopic` is given but `alarms` is false');
  }
  if (
    (props.alarmSubscriberPrincipalArns ?? []).length > 0 &&
    (props.alarms === false || props.alarmTopic !== undefined)
  ) {
    problems.push(
      '`alarmSubscriberPrincipalArns` is given but the construct creates no alarm topic (`alarms` is false, or an `alarmTopic` is given: it keeps its own policy, so let them subscribe there)',
    );
  }
  if (
    props.topic !== undefined &&
    props.alarmTopic !== undefined &&
    isSameTopic(props.topic, props.alarmTopic)
  ) {
    problems.push(
      `alarmTopic (${props.alarmTopic.node.path}) is the notification topic \`topic\` (${props.topic.node.path}): alarms carry no message attributes, so no admin subscription (filter audience=admin) receives them, and the sweep's alarm topic check would count the owners' and admins' subscriptions as the alarms' reach: give the alarms a topic of their own, or leave \`alarmTopic\` out for the construct's`,
    );
  }
  if (props.topic?.fifo === true) {
    problems.push(
      `topic (${props.topic.node.path}) is a FIFO topic: the worker publishes without a message group id, and a FIFO topic delivers to no email address: give a standard topic`,
    );
  }
  if (props.alarmTopic?.fifo === true) {
    problems.push(
      `alarmTopic (${props.alarmTopic.node.path}) is a FIFO topic: CloudWatch publishes alarms without a message group id, and a FIFO topic delivers to no email address: give a standard topic`,
    );
  }
  return problems;
}

/**
 * Whether two topics are one: the same construct, or the same `topicArn` (a literal ARN, or the same token). ARNs
 * that are different tokens cannot be compared at synth: not the same, as far as the synth can tell.
 */
function isSameTopic(a: sns.ITopic, b: sns.ITopic): boolean {
  return a.node === b.node || a.topicArn === b.topicArn;
}

/** The metric names against CloudWatch's rules, and against the app's other workers. */
function metricProblems(props: CredentialHygieneProps, surroundings: PropsSurroundings): string[] {
  const problems = metricNameProblems(props.metricsNamespace, props.serviceName);
  if (problems.length > 0) return problems;
  return metricClashProblems({ ...surroundings.self, ...metricNamesOf(props) }, surroundings.others);
}

/**
 * The config with its expiry notice lookahead given or derived from the sweep schedule
 * (lib/expiry-notice-lookahead.ts); none without a config.
 */
function lookaheadOf(
  config: HygieneConfig | undefined,
  props: CredentialHygieneProps,
): LookaheadFinding | undefined {
  if (config === undefined) return undefined;
  return deploymentLookahead(config, props.sweepSchedule ?? PROP_DEFAULTS.sweepSchedule);
}

/** The config through the shared schema; its problems are prefixed `config.`. */
function configOf(props: CredentialHygieneProps, problems: string[]): HygieneConfig | undefined {
  try {
    const config = parseConfig(props.config ?? {}, 'config');
    problems.push(...relaySenderProblems(config, 'config.senderIdentity'));
    return config;
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `config.${p}`));
    return undefined;
  }
}

/** Admin email addresses, operator and alarm-subscriber principals, and the removed `ownerEmails`. */
function addressProblems(props: CredentialHygieneProps, account: string): string[] {
  const problems: string[] = [];
  if (Object.keys(props.ownerEmails ?? {}).length > 0) problems.push(`ownerEmails: ${OWNER_EMAILS_REMOVED}`);
  for (const email of props.adminEmails ?? []) problems.push(...emailProblems('adminEmails', email));
  problems.push(...adminEmailRepeats(props.adminEmails ?? []));
  problems.push(
    ...principalArnProblems('operatorPrincipalArns', props.operatorPrincipalArns ?? [], account),
    ...principalArnProblems(
      'alarmSubscriberPrincipalArns',
      props.alarmSubscriberPrincipalArns ?? [],
      account,
    ),
  );
  const deploymentRole = props.deploymentRoleArn;
  if (deploymentRole !== undefined && !Token.isUnresolved(deploymentRole)) {
    problems.push(...principalArnProblems('deploymentRoleArn', [deploymentRole], account));
  }
  return problems;
}

/** Numeric props outside what the services accept. */
function rangeProblems(props: CredentialHygieneProps): string[] {
  const problems: string[] = [];
  const retries = props.scheduleRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
    problems.push(`scheduleRetryAttempts = ${retries}: must be an integer from 0 to 185`);
  }
  const maxAge = wholeSecondsOf('scheduleMaxEventAge', props.scheduleMaxEventAge, problems);
  if (maxAge !== undefined && (maxAge < 60 || maxAge > 86_400)) {
    problems.push(`scheduleMaxEventAge = ${maxAge} s: must be from 1 minute to 1 day`);
  }
  problems.push(
    ...windowProblem('pendingNoticeMaxAge', props.pendingNoticeMaxAge),
    ...windowProblem('heartbeatWindow', props.heartbeatWindow),
    ...windowProblem('reconcilerHeartbeatWindow', props.reconcilerHeartbeatWindow),
    ...timeoutProblem('sweepTimeout', props.sweepTimeout),
    ...timeoutProblem('notifierTimeout', props.notifierTimeout),
    ...timeoutProblem('reconcilerTimeout', props.reconcilerTimeout),
  );
  const quota = props.filterPolicyQuota;
  if (quota !== undefined && (!Number.isSafeInteger(quota) || quota < 1)) {
    problems.push(`filterPolicyQuota = ${quota}: must be a whole number, at least 1`);
  }
  const skewSeconds = wholeSecondsOf('maxScheduleSkew', props.maxScheduleSkew, problems);
  if (
    skewSeconds !== undefined &&
    (skewSeconds < MIN_SCHEDULE_SKEW_SECONDS || skewSeconds > MAX_SCHEDULE_SKEW_SECONDS)
  ) {
    problems.push(
      `maxScheduleSkew = ${skewSeconds} s: must be from ${MIN_SCHEDULE_SKEW_SECONDS / 60} minutes to 1 day`,
    );
  }
  for (const [name, size] of [
    ['sweepMemorySize', props.sweepMemorySize],
    ['notifierMemorySize', props.notifierMemorySize],
  ] as const) {
    if (size !== undefined && (!Number.isInteger(size) || size < 128 || size > 10_240)) {
      problems.push(`${name} = ${size}: must be an integer from 128 to 10240 (MB)`);
    }
  }
  return problems;
}
