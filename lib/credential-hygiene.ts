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
 */
import { createHash } from 'node:crypto';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLER_ENV } from '../lambdas/handlers/environment';
import type { HygieneConfig } from '../lambdas/hygiene/config';
import {
  type AlarmWindows,
  adminMailboxOf,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
  emailProblems,
  metricNamesOf,
  PROP_DEFAULTS,
  type PropsSurroundings,
  validateProps,
} from './credential-hygiene-props';
import { CredentialTable } from './credential-table';
import { type DeadLetterQueueSenders, guardDeadLetterQueue } from './dead-letter-queue';
import { addHygieneAlarms } from './hygiene-alarms';
import { addHygieneDashboard } from './hygiene-dashboard';
import { HygieneFunction, type HygieneFunctionProps } from './hygiene-function';
import {
  grantNotifier,
  grantReconciler,
  grantSweep,
  grantSweepAlarmTopicCheck,
  reconcilerSubscribes,
} from './hygiene-grants';
import { addHygieneSchedule, addScheduleDeadLetterQueue, type ScheduleRetry } from './hygiene-schedules';
import type { MetricIdentity } from './metric-identity';
import {
  addAlarmTopic,
  addEncryptedTopic,
  addNotificationKey,
  allowCloudWatchAlarms,
  deploymentRoleArn,
  TopicAllowList,
} from './notification-topics';
import { OwnerDirectoryTable } from './owner-directory-table';
import { OwnerEmailRelay } from './owner-email-relay';
import { sweepDeliveryWindows } from './sweep-delivery';

export { type CredentialHygieneProps, CredentialHygienePropsError } from './credential-hygiene-props';
export {
  NOTIFIER_INDEX_ACTIONS,
  NOTIFIER_TABLE_ACTIONS,
  SWEEP_TABLE_ACTIONS,
  TABLE_KEY_ACTIONS,
  TOPIC_KEY_ACTIONS,
} from './hygiene-grants';

/**
 * The id of the synth warning for a construct-created notification topic with
 * no admin subscriber: `Annotations.of(hygiene).acknowledgeWarning(NO_ADMIN_SUBSCRIBER_WARNING, reason)`
 * once an admin endpoint is subscribed outside the stack.
 */
export const NO_ADMIN_SUBSCRIBER_WARNING = 'pc-hygiene:noAdminSubscriber';

/**
 * The id of the synth warning for a heartbeat whose window could not be checked
 * against its schedule (a `cron` with `L`, `W` or `#`, a time zone, an `at`):
 * acknowledge it once the window is known to cover the longest gap between runs
 * (docs/deploy.md, "Heartbeat windows and schedules").
 */
export const HEARTBEAT_WINDOW_UNCHECKED_WARNING = 'pc-hygiene:heartbeatWindowUnchecked';

/**
 * The id of the synth warning for a heartbeat alarm left out: its schedule can leave more between runs than a
 * CloudWatch alarm can watch (7 days), e.g. a weekly sweep. Acknowledge it once the runs are watched another way
 * (docs/deploy.md, "Heartbeat windows and schedules").
 */
export const HEARTBEAT_LEFT_OUT_WARNING = 'pc-hygiene:heartbeatAlarmLeftOut';

/**
 * The id of the synth warning for a brought `alarmTopic` built in the app but encrypted with a key that is not: the
 * construct cannot add CloudWatch's statement to that key's policy. Acknowledge it once the key policy lets
 * `cloudwatch.amazonaws.com` use the key (docs/deploy.md, "Security choices").
 */
export const ALARM_TOPIC_KEY_NOT_CHECKED_WARNING = 'pc-hygiene:alarmTopicKeyNotChecked';

/**
 * The id of the synth warning for `alarmSubscriberPrincipalArns` given where the role CloudFormation deploys with is
 * not known (a synthesizer naming none, no `deploymentRoleArn`): the alarm topic then has no Subscribe Deny, so the
 * list restricts nothing. Give `deploymentRoleArn`, or acknowledge it once IAM alone is meant to decide who subscribes
 * there (docs/deploy.md, "Security choices").
 */
export const ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING = 'pc-hygiene:alarmSubscribersWithoutEffect';

/**
 * The id of the synth warning for an `expiryNoticeLookaheadHours` not derived: the sweep schedule's longest gap is
 * not worked out at synth (a `cron` with `L`, `W` or `#`, a time zone, an `at`), so it stays 0. Set the key in
 * context (or the `config` prop), or acknowledge it (docs/deploy.md, "Configuration: CDK context keys").
 */
export const EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING = 'pc-hygiene:expiryNoticeLookaheadUnchecked';

/** The warning id of each kind of heartbeat warning. */
const HEARTBEAT_WARNING_IDS = {
  unchecked: HEARTBEAT_WINDOW_UNCHECKED_WARNING,
  'left-out': HEARTBEAT_LEFT_OUT_WARNING,
} as const;

/** What every worker function gets besides its own entry, description and sizing. */
type WorkerFunctionProps = Omit<HygieneFunctionProps, 'serviceName' | 'metricsNamespace' | 'logRetention'>;

function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 10);
}

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
   * subscription allow-list names it ({@link deploymentRole} where it is required).
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
    this.notificationKey = this.needsNotificationKey() ? addNotificationKey(this) : undefined;
    this.topic =
      props.topic ??
      addEncryptedTopic(this, 'Topic', 'Personal client credential hygiene', this.notificationKey!);
    this.commonEnvironment = {
      ...environment,
      [HANDLER_ENV.tableName]: this.table.tableName,
      [HANDLER_ENV.topicArn]: this.topic.topicArn,
      [HANDLER_ENV.directoryTableName]: this.directoryTable.tableName,
    };

    this.sweepFunction = this.addSweepFunction();
    this.notifierFunction = this.addNotifierFunction();
    this.reconcilerFunction = this.addReconcilerFunction();
    const targets = { table: this.table, topic: this.topic, directory: this.directoryTable };
    grantSweep(this.sweepFunction, targets);
    grantNotifier(this.notifierFunction, targets, config.ownerDelivery);
    grantReconciler(this.reconcilerFunction, targets, config.ownerDelivery);
    if (props.topic === undefined) this.topicAllowList = this.restrictTopic(this.topic as sns.Topic);

    this.deadLetterQueue = addScheduleDeadLetterQueue(this);
    const schedules = this.addSchedules();
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
      if (props.alarmTopic !== undefined) this.letCloudWatchPublish(props.alarmTopic);
      this.warnIfAlarmSubscribersRestrictNothing();
      this.letSweepCheckAlarmTopic(this.alarmTopic);
    }
    // Every sender of the dead-letter queue exists from here (the relay's SES events function is one): its guard
    // and alarms take them as built.
    if (config.ownerDelivery === 'relay') this.relay = this.addRelay();
    const senders = this.deadLetterSenders();
    guardDeadLetterQueue(this.deadLetterQueue, props.operatorPrincipalArns ?? [], senders);
    this.alarms =
      this.alarmTopic === undefined ? [] : this.addAlarms(this.alarmTopic, alarmWindows!, senders);
    if (props.dashboard !== false) this.dashboard = this.addDashboard(senders);

    for (const email of props.adminEmails ?? []) this.subscribeAdmin(email);
    // At synth, after every subscribeAdmin call the app made on the construct.
    this.node.addValidation({ validate: () => this.warnWithoutAdminSubscriber() });
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
   * A brought alarm topic gets CloudWatch's two statements when it (and its key) are built in the app; a key that is
   * not gets a warning (its policy is out of reach); an imported topic is left as it is (the prop's TSDoc says what
   * it must allow).
   */
  private letCloudWatchPublish(topic: sns.ITopic): void {
    const { topicStatementAdded, keyStatementAdded } = allowCloudWatchAlarms(this, topic);
    if (!topicStatementAdded || topic.masterKey === undefined || keyStatementAdded) return;
    Annotations.of(this).addWarningV2(
      ALARM_TOPIC_KEY_NOT_CHECKED_WARNING,
      `alarmTopic (${topic.node.path}) is encrypted with a key this app does not define: its key policy must let cloudwatch.amazonaws.com kms:GenerateDataKey and kms:Decrypt (with aws:SourceAccount = this account), and it cannot be the AWS-managed alias/aws/sns, or no alarm reaches the topic (docs/deploy.md, "Security choices")`,
    );
  }

  /**
   * The sweep checks after each run that the alarm topic (the construct's or a brought one) has a confirmed
   * subscription, and its admin run summary says when none is: every alarm would reach no one, an alarm about that
   * too. It gets the topic's ARN (`ALARM_TOPIC_ARN`) and `sns:ListSubscriptionsByTopic` on that topic only
   * (docs/deploy.md, "Runbook: Alarm delivery").
   */
  private letSweepCheckAlarmTopic(alarmTopic: sns.ITopic): void {
    this.sweepFunction.function.addEnvironment(HANDLER_ENV.alarmTopicArn, alarmTopic.topicArn);
    grantSweepAlarmTopicCheck(this.sweepFunction, alarmTopic);
  }

  /**
   * Warns ({@link ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING}) when `alarmSubscriberPrincipalArns` is given but no
   * deployment role is known: the alarm topic gets no Subscribe Deny then (`addAlarmTopic`), so the list keeps no one
   * out. Where the construct creates no alarm topic the list is refused instead (`validateProps`).
   */
  private warnIfAlarmSubscribersRestrictNothing(): void {
    const subscribers = this.props.alarmSubscriberPrincipalArns ?? [];
    if (subscribers.length === 0 || this.knownDeploymentRole !== undefined) return;
    Annotations.of(this).addWarningV2(
      ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING,
      '`alarmSubscriberPrincipalArns` has no effect: the stack’s synthesizer does not name the role CloudFormation ' +
        'deploys with and no `deploymentRoleArn` is given, so the alarm topic gets no Subscribe Deny (one sparing no ' +
        'deployer would refuse the stack’s own subscriptions) and IAM alone decides who subscribes there: give ' +
        '`deploymentRoleArn` (the role CloudFormation deploys the stack with) to let only the operators, these ' +
        'principals and that role subscribe (docs/deploy.md, "Security choices")',
    );
  }

  /**
   * Subscribes a security-team address to the admin audience (run summaries,
   * guard trips) and, when this construct created the alarm topic, to the alarms.
   * @throws {CredentialHygienePropsError} for what is not an email address, or an address whose mailbox is
   * subscribed already (whatever its letter case: `adminMailboxOf`)
   */
  subscribeAdmin(email: string): sns.Subscription {
    const problems = emailProblems('admin', email);
    if (problems.length > 0) throw new CredentialHygienePropsError(problems);
    const earlier = this.adminAddresses.get(adminMailboxOf(email));
    if (earlier !== undefined) {
      const as =
        earlier === email
          ? ''
          : ` as ${JSON.stringify(earlier)} (addresses are compared case-insensitively, a domain in Unicode or Punycode alike)`;
      throw new CredentialHygienePropsError([
        `admin email ${JSON.stringify(email)} is already subscribed${as}`,
      ]);
    }
    const subscription = this.subscribe(`Admin${shortHash(email)}`, this.topic, email, {
      audience: sns.SubscriptionFilter.stringFilter({ allowlist: ['admin'] }),
    });
    if (this.alarmTopic !== undefined && this.alarmTopic.node.scope === this) {
      this.subscribe(`AdminAlarms${shortHash(email)}`, this.alarmTopic, email);
    }
    this.adminAddresses.set(adminMailboxOf(email), email);
    return subscription;
  }

  /**
   * Warns (`cdk synth` prints it; `Annotations.acknowledgeWarning` with
   * {@link NO_ADMIN_SUBSCRIBER_WARNING} silences it) when no admin is
   * subscribed to a topic the construct created: SNS accepts and drops a
   * message no subscription matches, so on the notification topic the admin
   * run summaries, guard trips and owner-unreachable reports — the route of
   * every owner notice that reaches no owner — and on the alarm topic every
   * alarm would reach no one unless someone subscribes outside the stack. A
   * topic the app brings (`topic`, `alarmTopic`) is its own to subscribe. A
   * warning, not an error: a security team may subscribe its own queue or endpoint.
   * @returns no validation errors
   */
  private warnWithoutAdminSubscriber(): string[] {
    if (this.adminAddresses.size > 0) return [];
    const createdTopic = this.props.topic === undefined;
    const createdAlarmTopic = this.alarmTopic !== undefined && this.alarmTopic.node.scope === this;
    const unheard = [
      ...(createdTopic
        ? ['the admins’ run summaries, guard trips and owner-unreachable reports (notification topic)']
        : []),
      ...(createdAlarmTopic ? ['every alarm (the alarm topic this construct creates)'] : []),
    ];
    if (unheard.length === 0) return [];
    // Who may subscribe such an endpoint: the topics' Subscribe Denies (lib/notification-topics.ts).
    const ownEndpoints = [
      ...(createdTopic
        ? [
            'to the notification topic with the filter {"audience": ["admin"]} as one of `operatorPrincipalArns`',
          ]
        : []),
      ...(createdAlarmTopic ? [this.alarmTopicEndpointHint()] : []),
    ];
    Annotations.of(this).addWarningV2(
      NO_ADMIN_SUBSCRIBER_WARNING,
      `no admin subscriber: ${unheard.join(', and ')} reach no one until someone subscribes: give \`adminEmails\` ` +
        '("adminEmails": "security@example.com" in the context of cdk.json, kept there for every deploy) or call ' +
        '`subscribeAdmin(email)`, or subscribe your own endpoint ' +
        `(${ownEndpoints.join('; ')}) ` +
        'and acknowledge this warning (docs/deploy.md, "Subscribing owners and the security team")',
    );
    return [];
  }

  /**
   * Who may subscribe an endpoint to the alarm topic this construct creates: with a known deployment role only the
   * operators and the alarm subscribers (its Subscribe Deny); without one, whoever IAM lets.
   */
  private alarmTopicEndpointHint(): string {
    const where = 'to the alarm topic, output AlarmTopicArn,';
    if (this.knownDeploymentRole === undefined) return `${where} as IAM allows`;
    return (
      `${where} as one of \`operatorPrincipalArns\` or \`alarmSubscriberPrincipalArns\` ` +
      '(e.g. AWS Chatbot’s service-linked role, for a chat channel): no one else may subscribe there'
    );
  }

  /**
   * The notification topic's allow-lists: the sweep, the notifier and the
   * operators publish (on `relay` the SES events function too: `OwnerEmailRelay`); the reconciler (on `sns-email`
   * only: on `relay` it subscribes no one, `reconcilerSubscribes`), the operators and the deployment role subscribe.
   */
  private restrictTopic(topic: sns.Topic): TopicAllowList {
    const allowList = new TopicAllowList(topic, this.config.ownerDelivery);
    for (const fn of [this.sweepFunction, this.notifierFunction]) allowList.allowPublish(fn.role.roleArn);
    if (reconcilerSubscribes(this.config.ownerDelivery))
      allowList.allowSubscriptionManagement(this.reconcilerFunction.role.roleArn);
    for (const operator of this.props.operatorPrincipalArns ?? []) {
      allowList.allowPublish(operator);
      allowList.allowSubscriptionManagement(operator);
    }
    allowList.allowSubscriptionManagement(this.deploymentRole());
    return allowList;
  }

  /**
   * The role CloudFormation deploys with, which the notification topic's subscription allow-list must name (it
   * creates the admin subscriptions). Required there, unlike on the alarm topic and the SES events topic (no role
   * known: no Subscribe Deny, IAM alone decides): the notification topic carries every owner's digests, so it never
   * goes without its allow-list (docs/deploy.md, "Security choices").
   * @throws {CredentialHygienePropsError} when neither the props nor the stack's synthesizer name it
   */
  private deploymentRole(): string {
    const deployment = this.knownDeploymentRole;
    if (deployment === undefined) {
      throw new CredentialHygienePropsError([
        'the stack’s synthesizer does not name the role CloudFormation deploys with: give `deploymentRoleArn` (it creates the admin subscriptions, and the notification topic, which carries owners’ digests, lets only the principals it names subscribe)',
      ]);
    }
    return deployment;
  }

  /** How far from the wall clock a sweep's scheduled time may be. */
  private maxScheduleSkew(): Duration {
    return this.props.maxScheduleSkew ?? Duration.hours(1);
  }

  /** A key is created when the construct creates a topic (the notification topic or the alarm topic). */
  private needsNotificationKey(): boolean {
    const { topic, alarms, alarmTopic } = this.props;
    return topic === undefined || (alarms !== false && alarmTopic === undefined);
  }

  /** A house function with this worker's service name, namespace, log retention and common environment. */
  private addWorkerFunction(id: string, props: WorkerFunctionProps): HygieneFunction {
    const { logRetention } = this.props;
    return new HygieneFunction(this, id, {
      ...props,
      serviceName: this.serviceName,
      metricsNamespace: this.metricsNamespace,
      environment: { ...this.commonEnvironment, ...props.environment },
      ...(logRetention !== undefined && { logRetention }),
    });
  }

  private addSweepFunction(): HygieneFunction {
    return this.addWorkerFunction('Sweep', {
      entry: 'lambdas/handlers/sweep.ts',
      description: 'Credential hygiene sweep: expiry notices, stale flags, soft-deletes',
      environment: { [HANDLER_ENV.maxScheduleSkewSeconds]: String(this.maxScheduleSkew().toSeconds()) },
      memorySize: this.props.sweepMemorySize ?? 1024,
      timeout: this.props.sweepTimeout ?? PROP_DEFAULTS.sweepTimeout,
      // One sweep at a time: a duplicate delivery waits instead of racing the first.
      reservedConcurrentExecutions: 1,
    });
  }

  private addNotifierFunction(): HygieneFunction {
    return this.addWorkerFunction('Notifier', {
      entry: 'lambdas/handlers/notifier.ts',
      description: 'Credential hygiene notifier: drains the outbox into owner digests on SNS',
      memorySize: this.props.notifierMemorySize ?? 512,
      timeout: this.props.notifierTimeout ?? PROP_DEFAULTS.notifierTimeout,
    });
  }

  private addReconcilerFunction(): HygieneFunction {
    const quota = this.filterPolicyQuota;
    return this.addWorkerFunction('Reconciler', {
      entry: 'lambdas/handlers/reconciler.ts',
      description:
        'Credential hygiene subscription reconciler: owner email subscriptions follow the owner directory',
      memorySize: 512,
      // The reconciler heartbeat's window is worked out with this timeout (lib/credential-hygiene-props.ts).
      timeout: this.props.reconcilerTimeout ?? PROP_DEFAULTS.reconcilerTimeout,
      ...(quota !== undefined && { environment: { [HANDLER_ENV.filterPolicyQuota]: String(quota) } }),
    });
  }

  /** The sweep daily, the notifier every 15 minutes, the reconciler hourly (unless configured), one retry policy. */
  private addSchedules(): Record<'sweep' | 'notifier' | 'reconciler', scheduler.Schedule> {
    const retry: ScheduleRetry = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: this.props.scheduleRetryAttempts ?? 3,
      maxEventAge: this.props.scheduleMaxEventAge ?? Duration.hours(1),
    };
    // A sweep later than the skew would be refused as forged when it starts: its retries and its time
    // queued in Lambda fit inside the skew, and a sweep later than that is dead-lettered instead.
    const delivery = sweepDeliveryWindows(this.maxScheduleSkew().toSeconds(), retry.maxEventAge.toSeconds());
    const sweep = addHygieneSchedule(this, 'SweepSchedule', {
      description: 'Runs the credential hygiene sweep',
      schedule: this.props.sweepSchedule ?? PROP_DEFAULTS.sweepSchedule,
      target: this.sweepFunction,
      job: 'sweep',
      retry: { ...retry, maxEventAge: Duration.seconds(delivery.schedulerSeconds) },
      maxEventAge: Duration.seconds(delivery.queuedSeconds),
    });
    const notifier = addHygieneSchedule(this, 'NotifierSchedule', {
      description: 'Runs the credential hygiene notifier',
      schedule: this.props.notifierSchedule ?? PROP_DEFAULTS.notifierSchedule,
      target: this.notifierFunction,
      job: 'notify',
      retry,
    });
    const reconciler = addHygieneSchedule(this, 'ReconcilerSchedule', {
      description: 'Runs the credential hygiene subscription reconciler',
      schedule: this.props.reconcilerSchedule ?? PROP_DEFAULTS.reconcilerSchedule,
      target: this.reconcilerFunction,
      job: 'reconcile',
      retry,
    });
    return { sweep, notifier, reconciler };
  }

  private addAlarms(
    alarmTopic: sns.ITopic,
    windows: AlarmWindows,
    deadLetterSenders: DeadLetterQueueSenders,
  ): cloudwatch.Alarm[] {
    return addHygieneAlarms(this, {
      functions: [this.sweepFunction, this.notifierFunction, this.reconcilerFunction],
      deadLetterQueue: this.deadLetterQueue,
      deadLetterSenders,
      metricsNamespace: this.metricsNamespace,
      serviceName: this.serviceName,
      topic: this.topic,
      ...windows,
      action: new cloudwatchActions.SnsAction(alarmTopic),
    });
  }

  /**
   * What sends to the dead-letter queue, all of it the worker's own: the three schedules (their execution roles),
   * their functions and, on `relay`, the SES events function (their on-failure destination).
   */
  private deadLetterSenders(): DeadLetterQueueSenders {
    return {
      schedules: [this.sweepSchedule, this.notifierSchedule, this.reconcilerSchedule],
      functions: [
        this.sweepFunction,
        this.notifierFunction,
        this.reconcilerFunction,
        ...(this.relay === undefined ? [] : [this.relay.sesEventsFunction]),
      ],
    };
  }

  /** The `relay` route: owner digests leave the topic through one filtered SQS queue and are emailed through SES. */
  private addRelay(): OwnerEmailRelay {
    const deploymentRole = this.knownDeploymentRole;
    return new OwnerEmailRelay(this, 'Relay', {
      topic: this.topic,
      ...(deploymentRole !== undefined && { deploymentRoleArn: deploymentRole }),
      ...(this.topicAllowList !== undefined && { topicAllowList: this.topicAllowList }),
      ...(this.props.operatorPrincipalArns !== undefined && {
        operatorPrincipalArns: this.props.operatorPrincipalArns,
      }),
      directoryTable: this.directoryTable,
      failedInvocationQueue: this.deadLetterQueue,
      config: this.config,
      metricsNamespace: this.metricsNamespace,
      serviceName: this.serviceName,
      alarms: this.props.alarms !== false,
      ...(this.props.logRetention !== undefined && { logRetention: this.props.logRetention }),
      ...(this.alarmTopic !== undefined && { alarmAction: new cloudwatchActions.SnsAction(this.alarmTopic) }),
    });
  }

  private addDashboard(deadLetterSenders: DeadLetterQueueSenders): cloudwatch.Dashboard {
    return addHygieneDashboard(this, {
      sweep: this.sweepFunction,
      notifier: this.notifierFunction,
      reconciler: this.reconcilerFunction,
      sweepCountsAlarmTopic: this.alarmTopic !== undefined,
      ...(this.relay !== undefined && { relay: this.relay }),
      deadLetterQueue: this.deadLetterQueue,
      deadLetterSenders,
      topic: this.topic,
      metricsNamespace: this.metricsNamespace,
      serviceName: this.serviceName,
    });
  }

  private subscribe(
    id: string,
    topic: sns.ITopic,
    email: string,
    filterPolicy?: Record<string, sns.SubscriptionFilter>,
  ): sns.Subscription {
    return new sns.Subscription(this, id, {
      topic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: email,
      ...(filterPolicy !== undefined && { filterPolicy }),
    });
  }
}
