/**
 * The props interface of the `CredentialHygiene` construct alone: every prop, its default and what the synth
 * refuses of it (the checks are the other modules of this folder; `validate.ts` runs them).
 */
import type { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { HygieneConfigInput } from '../../lambdas/hygiene/config';
import type { CredentialTableProps } from '../credential-table';
import type { OwnerDirectoryTableProps } from '../owner-directory-table';

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
