/**
 * `CredentialHygiene`: the whole worker as one L3 construct — the credentials
 * table and the owner directory (created or brought), the notification topic,
 * the sweep, notifier and subscription reconciler functions with their
 * schedules, the SES email relay on the `relay` route, least-privilege grants,
 * alarms and a dashboard.
 *
 * The constructor reads as the build order; each step is a small function in
 * its own module (`hygiene-grants.ts`, `hygiene-schedules.ts`,
 * `notification-topics.ts`, `hygiene-alarms.ts`, `hygiene-dashboard.ts`), so a
 * new piece (another table, function, queue) is one more step here.
 *
 * Here: the construct, {@link CredentialHygiene}, which builds every part in order in its one scope (so every
 * logical id is the construct's), and its public names, re-exported from its parts in `credential-hygiene/` so its
 * importers need not know them: the synth warnings' ids (`warnings.ts`), the three functions (`functions.ts`) and
 * their schedules with the sweep's schedule skew (`schedules.ts`), the notification topic's key and allow-lists
 * (`notification-topic.ts`), the alarm topic's statements, sweep check and warning (`alarm-topic.ts`), the `relay`
 * route (`relay.ts`), the dead-letter senders, alarms and dashboard (`monitoring.ts`), the admin subscriptions and
 * the warning without one (`admin-subscribers.ts`), and the construct's members as its parts read them (`parts.ts`).
 */
import { Annotations, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLER_ENV } from '../lambdas/handlers/environment';
import type { HygieneConfig } from '../lambdas/hygiene/config';
import { subscribeAdminAddress, warnWithoutAdminSubscriber } from './credential-hygiene/admin-subscribers';
import {
  letCloudWatchPublish,
  letSweepCheckAlarmTopic,
  warnIfAlarmSubscribersRestrictNothing,
} from './credential-hygiene/alarm-topic';
import { addNotifierFunction, addReconcilerFunction, addSweepFunction } from './credential-hygiene/functions';
import { addAlarms, addDashboard, deadLetterSenders } from './credential-hygiene/monitoring';
import { needsNotificationKey, restrictTopic } from './credential-hygiene/notification-topic';
import { addRelay } from './credential-hygiene/relay';
import { addSchedules } from './credential-hygiene/schedules';
import {
  EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING,
  HEARTBEAT_WARNING_IDS,
} from './credential-hygiene/warnings';
import {
  type CredentialHygieneProps,
  metricNamesOf,
  type PropsSurroundings,
  validateProps,
} from './credential-hygiene-props';
import { CredentialTable } from './credential-table';
import { guardDeadLetterQueue } from './dead-letter-queue';
import type { HygieneFunction } from './hygiene-function';
import { grantNotifier, grantReconciler, grantSweep } from './hygiene-grants';
import { addScheduleDeadLetterQueue } from './hygiene-schedules';
import type { MetricIdentity } from './metric-identity';
import {
  addAlarmTopic,
  addEncryptedTopic,
  addNotificationKey,
  deploymentRoleArn,
  type TopicAllowList,
} from './notification-topics';
import { OwnerDirectoryTable } from './owner-directory-table';
import type { OwnerEmailRelay } from './owner-email-relay';

export {
  ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING,
  ALARM_TOPIC_KEY_NOT_CHECKED_WARNING,
  EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING,
  HEARTBEAT_LEFT_OUT_WARNING,
  HEARTBEAT_WINDOW_UNCHECKED_WARNING,
  NO_ADMIN_SUBSCRIBER_WARNING,
} from './credential-hygiene/warnings';
export { type CredentialHygieneProps, CredentialHygienePropsError } from './credential-hygiene-props';
export {
  NOTIFIER_INDEX_ACTIONS,
  NOTIFIER_TABLE_ACTIONS,
  SWEEP_TABLE_ACTIONS,
  TABLE_KEY_ACTIONS,
  TOPIC_KEY_ACTIONS,
} from './hygiene-grants';

/**
 * A credential hygiene worker: sweep daily, drain notices every 15 minutes,
 * in `audit` mode until told otherwise.
 *
 * @example
 * const hygiene = new CredentialHygiene(this, 'Hygiene', {
 *   config: { mode: 'enforce', staleAfterDays: 60 },
 *   adminEmails: ['security@example.com'],
 * });
 */
export class CredentialHygiene extends Construct {
  /** The credentials table (created or brought). */
  readonly table: dynamodb.ITable;
  /** The owner directory table (created or brought): who owns each credential, and how to reach them. */
  readonly directoryTable: dynamodb.ITable;
  /** The topic owner digests and admin summaries go to. */
  readonly topic: sns.ITopic;
  /** The alarm topic, when alarms are on. */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Who may publish to and change the subscriptions of the notification topic,
   * when this construct created it (a given topic keeps its own policy). Add a
   * new function's role with `allowPublish` / `allowSubscriptionManagement`.
   */
  readonly topicAllowList?: TopicAllowList;
  /** The customer-managed key encrypting the topics this construct created. */
  readonly notificationKey?: kms.Key;
  /** The validated configuration the functions receive. */
  readonly config: HygieneConfig;
  /**
   * The filter-policy quota the reconciler plans against, when `filterPolicyQuota` is given (its
   * `SNS_FILTER_POLICY_QUOTA`); `undefined`: SNS's default, 200. The shipped stack outputs it (`FilterPolicyQuota`)
   * for the CLI's `owners sync-subscriptions --stack` (docs/deploy.md, "Owner subscriptions: the SNS quota").
   */
  readonly filterPolicyQuota: number | undefined;
  readonly sweepFunction: HygieneFunction;
  readonly notifierFunction: HygieneFunction;
  /** Keeps the topic's owner email subscriptions in step with the owner directory. */
  readonly reconcilerFunction: HygieneFunction;
  readonly sweepSchedule: scheduler.Schedule;
  readonly notifierSchedule: scheduler.Schedule;
  readonly reconcilerSchedule: scheduler.Schedule;
  /**
   * The worker's own dead-letter queue: receives invocations its schedules could not deliver after their retries,
   * and its functions' failed asynchronous invocations. Only those schedules' and functions' roles may send to it,
   * only the operators and the root user read it (`guardDeadLetterQueue`). Not for your own functions, rules or
   * subscriptions: their sends would be denied, so synth fails for any found sending here. Give each its own
   * queue, e.g. `new sqs.Queue(this, 'MyDlq', { enforceSSL: true })` as its `onFailure: new SqsDestination(...)`
   * or `deadLetterQueue` (docs/deploy.md, "Security choices").
   */
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The SES email relay (queue, relay and SES-events functions, ledger, configuration set), when `ownerDelivery` is `relay`. */
  readonly relay?: OwnerEmailRelay;
  readonly dashboard?: cloudwatch.Dashboard;
  /** CloudWatch namespace and `service` dimension of the run metrics. */
  readonly metricsNamespace: string;
  readonly serviceName: string;

  private readonly props: CredentialHygieneProps;
  /**
   * The role CloudFormation deploys with (the props', else the synthesizer's), when known: every topic's and queue's
   * subscription allow-list names it (`restrictTopic` requires it there).
   */
  private readonly knownDeploymentRole: string | undefined;
  /** Admin addresses subscribed so far ({@link subscribeAdmin}), each as given, by its mailbox (`adminMailboxOf`). */
  private readonly adminAddresses = new Map<string, string>();
  /** Variables every function receives: the config, the table and the topic. */
  private readonly commonEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: CredentialHygieneProps = {}) {
    super(scope, id);
    const { config, environment, alarmWindows, heartbeatWarnings, lookaheadWarning } = validateProps(
      props,
      this.surroundings(),
    );
    for (const warning of heartbeatWarnings) {
      Annotations.of(this).addWarningV2(HEARTBEAT_WARNING_IDS[warning.kind], warning.text);
    }
    if (lookaheadWarning !== undefined) {
      Annotations.of(this).addWarningV2(EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING, lookaheadWarning);
    }
    this.props = props;
    this.knownDeploymentRole = deploymentRoleArn(this, props.deploymentRoleArn);
    this.config = config;
    this.filterPolicyQuota = props.filterPolicyQuota;
    const metricNames = metricNamesOf(props);
    this.metricsNamespace = metricNames.metricsNamespace;
    this.serviceName = metricNames.serviceName;

    this.table = props.table ?? new CredentialTable(this, 'Credentials', props.tableProps).table;
    this.directoryTable =
      props.directoryTable ??
      new OwnerDirectoryTable(this, 'OwnerDirectory', props.directoryTableProps).table;
    this.notificationKey = needsNotificationKey(props) ? addNotificationKey(this) : undefined;
    this.topic =
      props.topic ??
      addEncryptedTopic(this, 'Topic', 'Personal client credential hygiene', this.notificationKey!);
    this.commonEnvironment = {
      ...environment,
      [HANDLER_ENV.tableName]: this.table.tableName,
      [HANDLER_ENV.topicArn]: this.topic.topicArn,
      [HANDLER_ENV.directoryTableName]: this.directoryTable.tableName,
    };

    const workerInputs = { props, commonEnvironment: this.commonEnvironment };
    this.sweepFunction = addSweepFunction(this, workerInputs);
    this.notifierFunction = addNotifierFunction(this, workerInputs);
    this.reconcilerFunction = addReconcilerFunction(this, workerInputs);
    const targets = { table: this.table, topic: this.topic, directory: this.directoryTable };
    grantSweep(this.sweepFunction, targets);
    grantNotifier(this.notifierFunction, targets, config.ownerDelivery);
    grantReconciler(this.reconcilerFunction, targets, config.ownerDelivery);
    if (props.topic === undefined)
      this.topicAllowList = restrictTopic(this, this.topic as sns.Topic, props, this.knownDeploymentRole);

    this.deadLetterQueue = addScheduleDeadLetterQueue(this);
    const schedules = addSchedules(this, props);
    this.sweepSchedule = schedules.sweep;
    this.notifierSchedule = schedules.notifier;
    this.reconcilerSchedule = schedules.reconciler;

    if (props.alarms !== false) {
      this.alarmTopic =
        props.alarmTopic ??
        addAlarmTopic(this, this.notificationKey!, {
          deploymentRoleArn: this.knownDeploymentRole,
          operatorPrincipalArns: props.operatorPrincipalArns ?? [],
          alarmSubscriberPrincipalArns: props.alarmSubscriberPrincipalArns ?? [],
        });
      if (props.alarmTopic !== undefined) letCloudWatchPublish(this, props.alarmTopic);
      warnIfAlarmSubscribersRestrictNothing(this, props, this.knownDeploymentRole);
      letSweepCheckAlarmTopic(this, this.alarmTopic);
    }
    // Every sender of the dead-letter queue exists from here (the relay's SES events function is one): its guard
    // and alarms take them as built.
    if (config.ownerDelivery === 'relay') this.relay = addRelay(this, props, this.knownDeploymentRole);
    const senders = deadLetterSenders(this);
    guardDeadLetterQueue(this.deadLetterQueue, props.operatorPrincipalArns ?? [], senders);
    this.alarms =
      this.alarmTopic === undefined ? [] : addAlarms(this, this.alarmTopic, alarmWindows!, senders);
    if (props.dashboard !== false) this.dashboard = addDashboard(this, senders);

    for (const email of props.adminEmails ?? []) this.subscribeAdmin(email);
    // At synth, after every subscribeAdmin call the app made on the construct.
    this.node.addValidation({
      validate: () =>
        warnWithoutAdminSubscriber(this, this.adminAddresses, this.props, this.knownDeploymentRole),
    });
  }

  /** Where this construct is, and the app's other workers (their metric names clash or not: `validateProps`). */
  private surroundings(): PropsSurroundings {
    const where = (construct: Construct) => ({
      path: construct.node.path,
      account: Stack.of(construct).account,
      region: Stack.of(construct).region,
    });
    const others: MetricIdentity[] = this.node.root.node
      .findAll()
      .filter((c): c is CredentialHygiene => c instanceof CredentialHygiene && c !== this)
      .map((other) => ({
        ...where(other),
        metricsNamespace: other.metricsNamespace,
        serviceName: other.serviceName,
      }));
    return { self: where(this), others };
  }

  /**
   * Subscribes a security-team address to the admin audience (run summaries,
   * guard trips) and, when this construct created the alarm topic, to the alarms.
   * @throws {CredentialHygienePropsError} for what is not an email address, or an address whose mailbox is
   * subscribed already (whatever its letter case: `adminMailboxOf`)
   */
  subscribeAdmin(email: string): sns.Subscription {
    return subscribeAdminAddress(this, this.adminAddresses, email);
  }
}
