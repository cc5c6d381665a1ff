/**
 * `CredentialHygiene`: the whole worker as one L3 construct — the credentials
 * table (created or brought), the notification topic, the sweep and notifier
 * functions with their schedules, least-privilege grants, alarms and a dashboard.
 */
import { createHash } from 'node:crypto';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { configToEnvironment, HANDLER_ENV } from '../lambdas/handlers/environment';
import { DEFAULT_METRICS_NAMESPACE } from '../lambdas/handlers/metric-names';
import {
  ConfigError,
  type HygieneConfig,
  type HygieneConfigInput,
  parseConfig,
} from '../lambdas/hygiene/config';
import { OUTBOX_INDEX } from '../lambdas/hygiene/data-contract';
import { CredentialTable, type CredentialTableProps } from './credential-table';
import { ExactLambdaInvoke } from './exact-lambda-invoke';
import { addHygieneAlarms } from './hygiene-alarms';
import { addHygieneDashboard } from './hygiene-dashboard';
import { HygieneFunction } from './hygiene-function';

/** Props of {@link CredentialHygiene}. Every prop is optional: the defaults deploy a safe, auditing worker. */
export interface CredentialHygieneProps {
  /**
   * Bring your own credentials table (it must have the `hygiene-outbox` index
   * of the shared table definition). Not together with `tableProps`.
   * @default - a new table is created (see `tableProps`)
   */
  readonly table?: dynamodb.ITable;
  /**
   * Options for the table the construct creates. Not together with `table`.
   * @default - CredentialTable defaults: generated name, RETAIN, deletion protection
   */
  readonly tableProps?: CredentialTableProps;
  /**
   * The hygiene configuration, validated by the same schema the functions
   * use at cold start. Its `mode` defaults to `audit`: a fresh deployment plans
   * and reports to the admin audience, but writes nothing and notifies no
   * owner, until the operator switches to `enforce`.
   * @default - the schema defaults (`mode: 'audit'`, notices 30/7/1 days, stale after 90 days, ...)
   */
  readonly config?: HygieneConfigInput;
  /**
   * The topic owner digests and admin run summaries are published to.
   * @default - a new topic, encrypted with a customer-managed KMS key, HTTPS-only
   */
  readonly topic?: sns.ITopic;
  /**
   * When the sweep runs.
   * @default - daily at 03:00 UTC (`cron(0 3 * * ? *)`)
   */
  readonly sweepSchedule?: scheduler.ScheduleExpression;
  /**
   * When the notifier drains the outbox.
   * @default - every 15 minutes
   */
  readonly notifierSchedule?: scheduler.ScheduleExpression;
  /**
   * How often EventBridge Scheduler retries an invocation it could not deliver
   * before it goes to the dead-letter queue. Retrying is safe: a retried sweep
   * carries the same scheduled time, so it decides the same.
   * @default 3
   */
  readonly scheduleRetryAttempts?: number;
  /**
   * How long EventBridge Scheduler keeps retrying an undelivered invocation (1 minute to 1 day).
   * @default Duration.hours(1)
   */
  readonly scheduleMaxEventAge?: Duration;
  /**
   * Owner email routing: `userId` → email address. Each becomes an SNS email
   * subscription that receives only that owner's digests (see {@link CredentialHygiene.subscribeOwner}).
   * @default - none
   */
  readonly ownerEmails?: Readonly<Record<string, string>>;
  /**
   * Security-team addresses that receive admin run summaries, guard trips and
   * alarms (see {@link CredentialHygiene.subscribeAdmin}).
   * @default - none
   */
  readonly adminEmails?: readonly string[];
  /**
   * Create the CloudWatch alarms (function errors, dead-letter messages, guard
   * tripped, invalid records, oldest pending notice too old).
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Where alarms notify.
   * @default - a new KMS-encrypted, HTTPS-only topic (when `alarms` is on)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The oldest-pending-notice alarm fires when an owner notice has waited longer than this.
   * @default Duration.hours(6)
   */
  readonly pendingNoticeMaxAge?: Duration;
  /**
   * Create the CloudWatch dashboard of the run metrics.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * CloudWatch namespace of the run metrics.
   * @default 'PersonalClientHygiene'
   */
  readonly metricsNamespace?: string;
  /**
   * Powertools service name: the `service` field of log lines and the `service`
   * metric dimension. Use different names for two deployments in one account.
   * @default 'personal-client-hygiene'
   */
  readonly serviceName?: string;
  /**
   * Sweep invocation timeout; the sweep stops cleanly (checkpoint, `incomplete`) before it.
   * @default Duration.minutes(15)
   */
  readonly sweepTimeout?: Duration;
  /**
   * Sweep memory in MB.
   * @default 1024
   */
  readonly sweepMemorySize?: number;
  /**
   * Notifier invocation timeout.
   * @default Duration.minutes(5)
   */
  readonly notifierTimeout?: Duration;
  /**
   * Notifier memory in MB.
   * @default 512
   */
  readonly notifierMemorySize?: number;
  /**
   * Retention of both functions' log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The props given to {@link CredentialHygiene} are inconsistent or out of range. */
export class CredentialHygienePropsError extends Error {
  override readonly name = 'CredentialHygienePropsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid CredentialHygiene props: ${problems.join('; ')}`);
  }
}

/** DynamoDB actions of the sweep: the parallel scan and the conditional transition/checkpoint writes. */
export const SWEEP_TABLE_ACTIONS = ['dynamodb:Scan', 'dynamodb:UpdateItem'] as const;
/** DynamoDB actions of the notifier on the table: claim, mark sent, release. */
export const NOTIFIER_TABLE_ACTIONS = ['dynamodb:UpdateItem'] as const;
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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Lambda's limit on the total size of a function's environment variables. */
const LAMBDA_ENV_LIMIT_BYTES = 4096;

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
 * hygiene.subscribeOwner('user-123', 'ada@example.com');
 */
export class CredentialHygiene extends Construct {
  /** The credentials table (created or brought). */
  readonly table: dynamodb.ITable;
  /** The topic owner digests and admin summaries go to. */
  readonly topic: sns.ITopic;
  /** The alarm topic, when alarms are on. */
  readonly alarmTopic?: sns.ITopic;
  /** The customer-managed key encrypting the topics this construct created. */
  readonly notificationKey?: kms.Key;
  /** The validated configuration the functions receive. */
  readonly config: HygieneConfig;
  readonly sweepFunction: HygieneFunction;
  readonly notifierFunction: HygieneFunction;
  readonly sweepSchedule: scheduler.Schedule;
  readonly notifierSchedule: scheduler.Schedule;
  /** Receives invocations EventBridge Scheduler could not deliver after its retries. */
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard?: cloudwatch.Dashboard;
  /** CloudWatch namespace and `service` dimension of the run metrics. */
  readonly metricsNamespace: string;
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: CredentialHygieneProps = {}) {
    super(scope, id);
    const { config, environment } = validateProps(props);
    this.config = config;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    this.serviceName = props.serviceName ?? 'personal-client-hygiene';

    this.table = props.table ?? new CredentialTable(this, 'Credentials', props.tableProps).table;

    const needsKey = props.topic === undefined || (props.alarms !== false && props.alarmTopic === undefined);
    if (needsKey) {
      this.notificationKey = new kms.Key(this, 'NotificationKey', {
        description: 'Encrypts the credential hygiene notification and alarm topics',
        enableKeyRotation: true,
      });
    }
    this.topic = props.topic ?? this.createTopic('Topic', 'Personal client credential hygiene');

    const commonEnv = {
      ...environment,
      [HANDLER_ENV.tableName]: this.table.tableName,
      [HANDLER_ENV.topicArn]: this.topic.topicArn,
    };
    this.sweepFunction = new HygieneFunction(this, 'Sweep', {
      entry: 'lambdas/handlers/sweep.ts',
      description: 'Credential hygiene sweep: expiry notices, stale flags, soft-deletes',
      serviceName: this.serviceName,
      metricsNamespace: this.metricsNamespace,
      environment: commonEnv,
      memorySize: props.sweepMemorySize ?? 1024,
      timeout: props.sweepTimeout ?? Duration.minutes(15),
      // One sweep at a time: a duplicate delivery waits instead of racing the first.
      reservedConcurrentExecutions: 1,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.notifierFunction = new HygieneFunction(this, 'Notifier', {
      entry: 'lambdas/handlers/notifier.ts',
      description: 'Credential hygiene notifier: drains the outbox into owner digests on SNS',
      serviceName: this.serviceName,
      metricsNamespace: this.metricsNamespace,
      environment: commonEnv,
      memorySize: props.notifierMemorySize ?? 512,
      timeout: props.notifierTimeout ?? Duration.minutes(5),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.grantLeastPrivilege();

    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      // SQS-managed SSE: encrypted at rest without a key policy for the scheduler role to need.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules.',
    });
    const retry = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.scheduleRetryAttempts ?? 3,
      maxEventAge: props.scheduleMaxEventAge ?? Duration.hours(1),
    };
    this.sweepSchedule = new scheduler.Schedule(this, 'SweepSchedule', {
      description: 'Runs the credential hygiene sweep',
      schedule: props.sweepSchedule ?? scheduler.ScheduleExpression.cron({ minute: '0', hour: '3' }),
      target: new ExactLambdaInvoke(this.sweepFunction.function, {
        ...retry,
        input: scheduledInput('sweep'),
      }),
    });
    this.notifierSchedule = new scheduler.Schedule(this, 'NotifierSchedule', {
      description: 'Runs the credential hygiene notifier',
      schedule: props.notifierSchedule ?? scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      target: new ExactLambdaInvoke(this.notifierFunction.function, {
        ...retry,
        input: scheduledInput('notify'),
      }),
    });

    if (props.alarms !== false) {
      this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic();
      this.alarms = addHygieneAlarms(this, {
        functions: [this.sweepFunction, this.notifierFunction],
        deadLetterQueue: this.deadLetterQueue,
        metricsNamespace: this.metricsNamespace,
        serviceName: this.serviceName,
        pendingNoticeMaxAge: props.pendingNoticeMaxAge ?? Duration.hours(6),
        action: new cloudwatchActions.SnsAction(this.alarmTopic),
      });
    } else {
      this.alarms = [];
    }
    if (props.dashboard !== false) {
      this.dashboard = addHygieneDashboard(this, {
        sweep: this.sweepFunction,
        notifier: this.notifierFunction,
        deadLetterQueue: this.deadLetterQueue,
        metricsNamespace: this.metricsNamespace,
        serviceName: this.serviceName,
      });
    }

    for (const [userId, email] of Object.entries(props.ownerEmails ?? {})) this.subscribeOwner(userId, email);
    for (const email of props.adminEmails ?? []) this.subscribeAdmin(email);
  }

  /**
   * Sends one owner's digests to an email address: an SNS email subscription
   * (confirmed by the recipient) filtered on `userId` and `audience=owner`.
   * SNS limits email delivery per subscription; machine subscribers (SQS,
   * Lambda, HTTPS) are the path for volume.
   */
  subscribeOwner(userId: string, email: string): sns.Subscription {
    const problems = [...ownerProblems(userId), ...emailProblems(`owner ${JSON.stringify(userId)}`, email)];
    if (problems.length > 0) throw new CredentialHygienePropsError(problems);
    return this.subscribe(`Owner${shortHash(userId, email)}`, this.topic, email, {
      userId: sns.SubscriptionFilter.stringFilter({ allowlist: [userId] }),
      audience: sns.SubscriptionFilter.stringFilter({ allowlist: ['owner'] }),
    });
  }

  /**
   * Subscribes a security-team address to the admin audience (run summaries,
   * guard trips) and, when this construct created the alarm topic, to the alarms.
   */
  subscribeAdmin(email: string): sns.Subscription {
    const problems = emailProblems('admin', email);
    if (problems.length > 0) throw new CredentialHygienePropsError(problems);
    const subscription = this.subscribe(`Admin${shortHash(email)}`, this.topic, email, {
      audience: sns.SubscriptionFilter.stringFilter({ allowlist: ['admin'] }),
    });
    if (this.alarmTopic !== undefined && this.alarmTopic.node.scope === this) {
      this.subscribe(`AdminAlarms${shortHash(email)}`, this.alarmTopic, email);
    }
    return subscription;
  }

  private subscribe(
    id: string,
    topic: sns.ITopic,
    email: string,
    filterPolicy?: Record<string, sns.SubscriptionFilter>,
  ): sns.Subscription {
    if (this.node.tryFindChild(id) !== undefined) {
      throw new CredentialHygienePropsError([`${email} is already subscribed for this audience`]);
    }
    return new sns.Subscription(this, id, {
      topic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: email,
      ...(filterPolicy !== undefined && { filterPolicy }),
    });
  }

  private createTopic(id: string, displayName: string): sns.Topic {
    return new sns.Topic(this, id, { displayName, masterKey: this.notificationKey!, enforceSSL: true });
  }

  /** CloudWatch alarms publish as the CloudWatch service, which needs the key to encrypt. */
  private createAlarmTopic(): sns.Topic {
    this.notificationKey!.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: [...TOPIC_KEY_ACTIONS],
        resources: ['*'],
      }),
    );
    return this.createTopic('AlarmTopic', 'Personal client hygiene alarms');
  }

  /** Exactly the actions each handler calls, on exactly the resources it calls them on. */
  private grantLeastPrivilege(): void {
    const tableArn = this.table.tableArn;
    const outboxIndexArn = `${tableArn}/index/${OUTBOX_INDEX}`;
    this.sweepFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...SWEEP_TABLE_ACTIONS], resources: [tableArn] }),
    );
    this.notifierFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...NOTIFIER_TABLE_ACTIONS], resources: [tableArn] }),
    );
    this.notifierFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...NOTIFIER_INDEX_ACTIONS], resources: [outboxIndexArn] }),
    );
    for (const fn of [this.sweepFunction, this.notifierFunction]) {
      // The sweep publishes the admin run summary; the notifier the owner digests.
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
      );
      const topicKey = this.topic instanceof sns.Topic ? this.topic.masterKey : undefined;
      if (topicKey !== undefined) {
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: [...TOPIC_KEY_ACTIONS], resources: [topicKey.keyArn] }),
        );
      }
      if (this.table.encryptionKey !== undefined) {
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: [...TABLE_KEY_ACTIONS],
            resources: [this.table.encryptionKey.keyArn],
          }),
        );
      }
      // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
      const defaultPolicy = fn.role.node.tryFindChild('DefaultPolicy');
      if (defaultPolicy !== undefined) {
        Validations.of(defaultPolicy).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'Only the X-Ray actions xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*": X-Ray supports no resource-level permissions.',
        });
      }
    }
  }
}

/** The schedule's input: the job and the scheduled time, substituted by EventBridge Scheduler on each delivery. */
function scheduledInput(job: 'sweep' | 'notify'): scheduler.ScheduleTargetInput {
  return scheduler.ScheduleTargetInput.fromObject({
    source: 'personal-client-hygiene',
    job,
    scheduledTime: scheduler.ContextAttribute.scheduledTime,
    executionId: scheduler.ContextAttribute.executionId,
  });
}

function ownerProblems(userId: string): string[] {
  return userId.trim() === '' ? ['ownerEmails: a userId must not be empty'] : [];
}

function emailProblems(who: string, email: string): string[] {
  return EMAIL.test(email) ? [] : [`${who} email ${JSON.stringify(email)} is not an email address`];
}

/** One check at the top: every problem in one readable error. */
function validateProps(props: CredentialHygieneProps): {
  config: HygieneConfig;
  environment: Record<string, string>;
} {
  const problems: string[] = [];
  if (props.table !== undefined && props.tableProps !== undefined) {
    problems.push('give either `table` (bring your own) or `tableProps` (create one), not both');
  }
  if (props.alarmTopic !== undefined && props.alarms === false) {
    problems.push('`alarmTopic` is given but `alarms` is false');
  }
  let config: HygieneConfig | undefined;
  try {
    config = parseConfig(props.config ?? {}, 'config');
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `config.${p}`));
  }
  for (const [userId, email] of Object.entries(props.ownerEmails ?? {})) {
    problems.push(
      ...ownerProblems(userId),
      ...emailProblems(`ownerEmails[${JSON.stringify(userId)}]`, email),
    );
  }
  for (const email of props.adminEmails ?? []) problems.push(...emailProblems('adminEmails', email));
  const retries = props.scheduleRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
    problems.push(`scheduleRetryAttempts = ${retries}: must be an integer from 0 to 185`);
  }
  const maxAge = props.scheduleMaxEventAge?.toSeconds();
  if (maxAge !== undefined && (maxAge < 60 || maxAge > 86_400)) {
    problems.push(`scheduleMaxEventAge = ${maxAge} s: must be from 1 minute to 1 day`);
  }
  for (const [name, size] of [
    ['sweepMemorySize', props.sweepMemorySize],
    ['notifierMemorySize', props.notifierMemorySize],
  ] as const) {
    if (size !== undefined && (!Number.isInteger(size) || size < 128 || size > 10_240)) {
      problems.push(`${name} = ${size}: must be an integer from 128 to 10240 (MB)`);
    }
  }
  const environment = config === undefined ? {} : configToEnvironment(config);
  const envBytes = Object.entries(environment).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
  // Leave room for the variables the construct adds (table, topic, Powertools).
  if (envBytes > LAMBDA_ENV_LIMIT_BYTES - 1024) {
    problems.push(
      `config is ${envBytes} bytes as Lambda environment, over the ${LAMBDA_ENV_LIMIT_BYTES - 1024}-byte budget: ` +
        'exempt credentials with the hygieneExempt attribute instead of a long exemptIds list',
    );
  }
  if (problems.length > 0 || config === undefined) throw new CredentialHygienePropsError(problems);
  return { config, environment };
}
