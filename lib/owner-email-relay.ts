/**
 * The SES email relay (`ownerDelivery: relay`; docs/notifications.md, "Email
 * relay"; set-up: docs/deploy.md, "Email relay (SES)"): one SQS queue on the
 * notification topic filtered on `audience=owner` (raw message delivery off),
 * encrypted, with a DLQ, both locked to their writers and readers, and
 * neither a dead-letter target of any other queue (docs/deploy.md, "Security
 * choices"), and alarms on both; the relay
 * function (partial batch responses) that emails each digest through SESv2 from the configured
 * identity; its ledger table; an SES configuration set that turns SES's
 * suppression list on for bounces and complaints, and whose bounce,
 * complaint and reject events reach a small function that, in the owner directory,
 * marks addresses bouncing (permanent bounces, and sends SES suppressed:
 * reported as a bounce or a complaint with subtype
 * `OnAccountSuppressionList`) and records owners unsubscribed (complaints),
 * and reports a bounced, suppressed or rejected digest part's events to the admins on
 * the notification topic (read from the ledger, the report recorded there); the dead-letter queue of that function's
 * subscription, where SNS keeps the events it could not deliver (its own key SNS may use, only SNS from the topic
 * sending, only the operators reading: docs/deploy.md, "Runbook: SES events not delivered"), and, locked the same way,
 * the dead-letter queue of the relay queue's subscription, where SNS keeps the digests it could not deliver to the
 * queue (docs/deploy.md, "Runbook: Relay subscription dead letters");
 * and the alarms on the DLQ (a digest there, and one waiting there so long that SQS will soon delete it), the digests
 * the relay gave up on (each one, whatever the DLQ holds), the digests kept in the relay subscription's dead-letter
 * queue, the queue's oldest digest, bounces, owners nobody was told of, records SES left no time for, SES events SNS could not deliver (and
 * those kept in their dead-letter queue) or the function could not read, and the two functions' errors. No
 * per-owner resource: the fleet's size changes nothing here.
 */
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DEAD_LETTER_RETENTION_DAYS,
  RELAY_LEDGER_TABLE,
  RELAY_QUEUE_RETENTION_DAYS,
} from '../lambdas/aws/relay-ledger-table-definition';
import {
  configToEnvironment,
  HANDLER_ENV,
  isMaxReceiveCount,
  MAX_RECEIVE_COUNT_RANGE,
} from '../lambdas/handlers/environment';
import { RELAY_METRIC, SES_EVENTS_METRIC } from '../lambdas/handlers/metric-names';
import type { HygieneConfig } from '../lambdas/hygiene/config';
import { sesAddress, UnsendableAddressError } from '../lambdas/relay/ses-address';
import { addDeadLetterQueue, DEAD_LETTER_READ_ACTIONS, NO_REDRIVE_SOURCES } from './dead-letter-queue';
import {
  denyUnlessPrincipal,
  NOT_A_SERVICE,
  operatorsAndRoot,
  publishOnlyByServices,
} from './deny-unless-principal';
import {
  alarmTableRow,
  atLeast,
  deadLetterDepth,
  failureCountAlarm,
  functionErrors,
  notificationsFailed,
  oldestMessageAge,
  RUN_WATCH,
  runMetric,
} from './hygiene-alarms';
import { HygieneFunction } from './hygiene-function';
import { grantDirectory, grantPublish } from './hygiene-grants';
import { keepFailedInvocations } from './hygiene-schedules';
import { TOPIC_SUBSCRIPTION_ACTIONS, type TopicAllowList } from './notification-topics';

/** A relay was asked for without what it needs; the message names the context key. */
export class OwnerEmailRelayConfigError extends Error {
  override readonly name = 'OwnerEmailRelayConfigError';
}

/** Options of {@link OwnerEmailRelay}. */
export interface OwnerEmailRelayProps {
  /** The notification topic the owner digests are published to (and the SES events function's bounce reports). */
  readonly topic: sns.ITopic;
  /**
   * The topic's publish allow-list, when the worker created the topic: the SES events function is added to it.
   * @default - the topic keeps its own policy (a given topic: allow the SES events role there)
   */
  readonly topicAllowList?: TopicAllowList;
  /** The owner directory table (read by the relay, bounces written by the SES events function). */
  readonly directoryTable: dynamodb.ITable;
  /**
   * The role CloudFormation deploys the stack with: the only principal that may subscribe to the SES events topic
   * (it creates the SES events function's subscription).
   * @default - no Subscribe restriction on the SES events topic (a stack synthesizer that names no such role)
   */
  readonly deploymentRoleArn?: string;
  /**
   * Operator principals (`aws:PrincipalArn` values: role or user ARNs, `*` and `?` allowed in the name; the stack's
   * `operatorPrincipalArns`): with the account root user, the only principals that may receive, delete or redrive
   * the relay DLQ's digests and send to the relay queue (a DLQ redrive sends with its caller's permissions), and,
   * with the relay function's role, receive from the relay queue ({@link guardRelayQueues}); and the only ones that
   * may receive and delete the SES events DLQ's events and the relay subscription DLQ's digests, to replay them
   * ({@link guardSubscriptionDeadLetterQueue}).
   * Each still needs an IAM grant.
   * @default - none: only the account root user
   */
  readonly operatorPrincipalArns?: readonly string[];
  /**
   * Where an SES events invocation that still fails after Lambda's retries is kept (the schedule dead-letter
   * queue). That covers what the function does with an event it was given, not its delivery: an event SNS cannot
   * hand to the function at all (its permission to invoke removed, the function deleted) goes, after SNS's retries,
   * to the subscription's own dead-letter queue, {@link OwnerEmailRelay.sesEventsDeadLetterQueue} (docs/deploy.md,
   * "Runbook: SES events not delivered").
   */
  readonly failedInvocationQueue: sqs.IQueue;
  /**
   * The validated hygiene config: `senderIdentity` is required; `sesConfigurationSet`
   * names the configuration set this construct creates.
   */
  readonly config: HygieneConfig;
  /** CloudWatch namespace of the functions' EMF metrics. */
  readonly metricsNamespace: string;
  /** Powertools service name (the `service` metric dimension). */
  readonly serviceName: string;
  /**
   * Where the relay's alarms notify (DLQ, a DLQ digest about to expire, digests given up on, queue age, bounces, unreported unreachable owners,
   * out of time, SES events not delivered, kept undelivered or unreadable, function errors).
   * @default - alarms without actions
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /**
   * Create the relay's alarms (the stack's `alarms: false` turns them off with the others).
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Log retention of the relay's two functions (the stack's `logRetention`).
   * @default - the house default (one year)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Permanent bounces and complaints in one hour that raise the bounce alarm.
   * @default 3
   */
  readonly bounceAlarmThreshold?: number;
  /**
   * Deliveries of one message before it moves to the DLQ (an integer from 1 to 1,000, SQS's range): the queue's
   * redrive policy, and the relay function's `RELAY_MAX_RECEIVE_COUNT` (a record failed on that delivery is counted
   * as given up, `EmailRelayGaveUp`). Another value is refused at synth (`OwnerEmailRelayConfigError`).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Relay invocations at once (bounds the SES sending rate the relay can reach).
   * @default 2
   */
  readonly maxConcurrency?: number;
}

/**
 * The relay function's timeout: a batch of 10 emails with SES backoff fits well within it. It leaves 45 s of work
 * after the relay's 15 s safety margin (`RELAY_SAFETY_MARGIN_MS`, lambdas/handlers/safety-margins.ts): at least the
 * `MIN_WORKING_SECONDS` the construct asks of every timeout prop (lib/credential-hygiene-props.ts).
 */
const RELAY_TIMEOUT = Duration.minutes(1);
/** The relay queue's visibility timeout: AWS's rule for Lambda event sources, at least six times the function timeout. */
const RELAY_VISIBILITY_TIMEOUT = Duration.seconds(RELAY_TIMEOUT.toSeconds() * 6);
/**
 * How long the relay queue keeps a digest: shorter than its DLQ's 14 days, because SQS moves a message to a
 * standard queue's DLQ with its original enqueue time (a digest that waited N days in the queue would have only
 * 14 − N days in a DLQ of the same retention); 7 days still leaves a digest nobody receives (the event source
 * mapping disabled) a week for the age alarm, which fires after an hour, to be answered, and every digest moved to
 * the DLQ a week there (RELAY_QUEUE_RETENTION_DAYS; the ledger's TTL covers a redrive within it).
 */
const RELAY_RETENTION = Duration.days(RELAY_QUEUE_RETENTION_DAYS);
/** The days of warning `RelayDeadLetterExpiring` gives at least before the relay DLQ deletes a digest. */
const RELAY_DEAD_LETTER_NOTICE_DAYS = 3;
/**
 * The relay DLQ's oldest digest's age (counted from its move there) that raises `RelayDeadLetterExpiring`: the DLQ's
 * retention less the longest a digest can have spent in the relay queue before its move, less the notice.
 */
const RELAY_DEAD_LETTER_WARNING = Duration.days(
  DEAD_LETTER_RETENTION_DAYS - RELAY_QUEUE_RETENTION_DAYS - RELAY_DEAD_LETTER_NOTICE_DAYS,
);
/** Deliveries of one digest before SQS moves it to the DLQ, unless configured. */
const DEFAULT_MAX_RECEIVE_COUNT = 5;

/** What a subscription's dead-letter queue keeps, said on it and its key ({@link OwnerEmailRelay}). */
interface SubscriptionDeadLetters {
  /** What it is the dead-letter queue of (cdk-nag's acknowledgement). */
  readonly deadLetterOf: string;
  readonly keyDescription: string;
  /** The key policy statement that lets SNS use the key. */
  readonly keySid: string;
}

/** The SES events function's subscription to the SES events topic ("Runbook: SES events not delivered"). */
const SES_EVENTS_DEAD_LETTERS: SubscriptionDeadLetters = {
  deadLetterOf: 'the SES events function’s subscription to the SES events topic',
  keyDescription:
    'Encrypts the SES events SNS could not deliver to the SES events function of the owner email relay',
  keySid: 'AllowSnsToKeepUndeliveredSesEvents',
};

/** The relay queue's subscription to the notification topic ("Runbook: Relay subscription dead letters"). */
const RELAY_SUBSCRIPTION_DEAD_LETTERS: SubscriptionDeadLetters = {
  deadLetterOf: 'the relay queue’s subscription to the notification topic',
  keyDescription: 'Encrypts the owner digests SNS could not deliver to the queue of the owner email relay',
  keySid: 'AllowSnsToKeepUndeliveredDigests',
};

/**
 * The configured `maxReceiveCount`, checked at synth with the relay function's own check (`isMaxReceiveCount`,
 * lambdas/handlers/environment.ts): a value SQS refuses would fail only at deploy, and one the relay function
 * refuses (`maxReceiveCountOf`, lambdas/handlers/relay.ts) at every cold start.
 * @throws {OwnerEmailRelayConfigError} when it is not an integer from 1 to 1,000
 */
function checkedMaxReceiveCount(value: number | undefined): number {
  const count = value ?? DEFAULT_MAX_RECEIVE_COUNT;
  if (isMaxReceiveCount(count)) return count;
  const { min, max } = MAX_RECEIVE_COUNT_RANGE;
  throw new OwnerEmailRelayConfigError(
    `maxReceiveCount must be an integer from ${min} to ${max}, got ${count}`,
  );
}

/**
 * The address the relay asks SES to send from (`sesAddress`, the very function its sender calls for
 * `FromEmailAddress`): the `ses:FromAddress` condition and the identity ARNs must name exactly it, or IAM denies
 * every `SendEmail`.
 */
function sesSenderAddress(sender: string): string {
  try {
    return sesAddress(sender);
  } catch (error: unknown) {
    if (!(error instanceof UnsendableAddressError)) throw error;
    throw new OwnerEmailRelayConfigError(`senderIdentity ${error.message}`);
  }
}

/** SQS's longest queue name. */
const SQS_QUEUE_NAME_MAX_LENGTH = 80;
const RELAY_QUEUE_NAME_SUFFIX = '-queue';

/**
 * The relay queue's name, fixed at synth so that its DLQ's redrive allow policy can name it by ARN: the stack's name,
 * the relay's construct path and a hash of that path (`Names.uniqueResourceName`, so unique in the account and
 * region), then `-queue`, within SQS's 80 characters. CloudFormation cannot replace a queue with a fixed name
 * in place; nothing the relay sets on it needs replacing but the name itself.
 */
function relayQueueName(relay: Construct): string {
  const unique = Names.uniqueResourceName(relay, {
    maxLength: SQS_QUEUE_NAME_MAX_LENGTH - RELAY_QUEUE_NAME_SUFFIX.length,
    separator: '-',
    allowedSpecialCharacters: '-_',
  });
  return `${unique}${RELAY_QUEUE_NAME_SUFFIX}`;
}

/** The configuration set's ARN: what the relay's send grant names, and the source SES publishes its events as. */
function configurationSetArn(set: ses.ConfigurationSet): string {
  return Stack.of(set).formatArn({
    service: 'ses',
    resource: 'configuration-set',
    resourceName: set.configurationSetName,
  });
}

/** Everything the `relay` route needs, in one construct. */
export class OwnerEmailRelay extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ledgerTable: dynamodb.Table;
  readonly relayFunction: HygieneFunction;
  readonly sesEventsFunction: HygieneFunction;
  readonly configurationSet: ses.ConfigurationSet;
  readonly sesEventsTopic: sns.Topic;
  /**
   * Where SNS keeps the SES events it could not deliver to the SES events function (client-side errors at once,
   * server-side ones after its retries), for the operators to replay (docs/deploy.md, "Runbook: SES events not
   * delivered").
   */
  readonly sesEventsDeadLetterQueue: sqs.Queue;
  /**
   * Where SNS keeps the owner digests it could not deliver from the notification topic to the relay queue (its
   * policy or key changed by hand, the queue deleted), for the operators to put back on the relay queue
   * (docs/deploy.md, "Runbook: Relay subscription dead letters").
   */
  readonly relaySubscriptionDeadLetterQueue: sqs.Queue;
  /** Deliveries of one digest before SQS moves it to the DLQ: the redrive policy's, told to the relay function. */
  readonly maxReceiveCount: number;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OwnerEmailRelayProps) {
    super(scope, id);
    const sender = props.config.senderIdentity;
    if (sender === undefined) {
      throw new OwnerEmailRelayConfigError(
        'ownerDelivery "relay" needs a sender: set the context key senderIdentity (a verified SES identity, e.g. -c senderIdentity=hygiene@example.com)',
      );
    }
    this.maxReceiveCount = checkedMaxReceiveCount(props.maxReceiveCount);
    const queues = this.addQueues(this.maxReceiveCount);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.relaySubscriptionDeadLetterQueue = this.addSubscriptionDeadLetterQueue(
      'RelaySubscription',
      RELAY_SUBSCRIPTION_DEAD_LETTERS,
      props.operatorPrincipalArns ?? [],
    );
    // A digest SNS cannot deliver to the queue (its policy or key changed by hand, the queue deleted) is kept in the
    // subscription's own dead-letter queue, not dropped: the notifier marked it sent once SNS accepted the publish
    // (docs/deploy.md, "Runbook: Relay subscription dead letters"). CDK adds that queue policy's Allow for SNS from
    // this topic (`aws:SourceArn`).
    props.topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue, {
        rawMessageDelivery: false,
        filterPolicy: { audience: sns.SubscriptionFilter.stringFilter({ allowlist: ['owner'] }) },
        deadLetterQueue: this.relaySubscriptionDeadLetterQueue,
      }),
    );
    this.ledgerTable = this.addLedgerTable();
    this.configurationSet = this.addConfigurationSet(props.config.sesConfigurationSet);
    this.sesEventsTopic = this.addSesEventsTopic(props.deploymentRoleArn);
    // Bounces, complaints and rejects (SES found a virus: nothing sent) of the set's emails go to the SES events
    // topic (its policy lets SES publish for this set only). The id predates rejects: kept, so the destination is
    // updated in place, not replaced.
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.sesEventsTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });
    this.relayFunction = this.addRelayFunction(props, sender);
    guardRelayQueues(this, this.relayFunction.role.roleArn, props.operatorPrincipalArns ?? []);
    this.sesEventsDeadLetterQueue = this.addSubscriptionDeadLetterQueue(
      'SesEvents',
      SES_EVENTS_DEAD_LETTERS,
      props.operatorPrincipalArns ?? [],
    );
    this.sesEventsFunction = this.addSesEventsFunction(props);
    this.alarms = props.alarms === false ? [] : this.addAlarms(props);
  }

  /**
   * The relay queue and its DLQ. Neither may be another queue's dead-letter target: SQS's move of a message into a
   * dead-letter queue is no `SendMessage`, so the Denies of {@link guardRelayQueues} never see it, and whatever lands
   * in the queue the relay emails from the sender identity. The DLQ names its one source by the ARN of the queue's
   * fixed name ({@link relayQueueName}): a reference to the queue would be a cycle (its redrive policy refers to the
   * DLQ).
   */
  private addQueues(maxReceiveCount: number): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
    const queueName = relayQueueName(this);
    const queueByName = sqs.Queue.fromQueueAttributes(this, 'QueueByName', {
      queueName,
      queueArn: Stack.of(this).formatArn({ service: 'sqs', resource: queueName }),
    });
    const deadLetterQueue = addDeadLetterQueue(this, 'DeadLetterQueue', 'the relay queue', [queueByName]);
    const queue = new sqs.Queue(this, 'Queue', {
      queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: RELAY_VISIBILITY_TIMEOUT,
      retentionPeriod: RELAY_RETENTION,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
      redriveAllowPolicy: NO_REDRIVE_SOURCES,
    });
    return { queue, deadLetterQueue };
  }

  /** `relay#<drainId>#<part>#<userId>` entries, removed by TTL (lambdas/aws/relay-ledger-table-definition.ts). */
  private addLedgerTable(): dynamodb.Table {
    return new dynamodb.Table(this, 'LedgerTable', {
      partitionKey: { name: RELAY_LEDGER_TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: RELAY_LEDGER_TABLE.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Delivery bookkeeping that expires by itself (RELAY_LEDGER_RETENTION_DAYS): nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * The topic SES publishes bounce and complaint events to: its own rotating key, which SES may use only for this
   * account, and a policy that lets only SES publish and only the deployment role subscribe
   * ({@link guardSesEventsTopic}).
   */
  private addSesEventsTopic(deploymentRole: string | undefined): sns.Topic {
    // The actions are what the SNS Developer Guide gives an AWS service publishing to an encrypted topic ("Enable
    // compatibility between event sources from AWS services and encrypted topics"); the condition is this account
    // (confused-deputy protection). Not `aws:SourceArn` = the configuration set, though the topic policy has it: no
    // AWS source says SNS's KMS request for SES carries it (for EventBridge the SNS guide says such keys are not
    // supported in a key policy), and a key refusing SES drops every bounce and complaint silently. The key
    // encrypts this one topic, whose policy lets only SES publish, only for this configuration set.
    const key = keyForServiceOfThisAccount(this, 'SesEventsKey', {
      description: 'Encrypts the SES bounce and complaint events of the owner email relay',
      sid: 'AllowSesToPublishEncryptedEvents',
      service: 'ses.amazonaws.com',
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    });
    const topic = new sns.Topic(this, 'SesEventsTopic', {
      displayName: 'Owner email relay: SES bounces and complaints',
      masterKey: key,
      enforceSSL: true,
    });
    guardSesEventsTopic(topic, deploymentRole);
    return topic;
  }

  /**
   * The dead-letter queue of one SNS subscription of the relay (`{prefix}DeadLetterQueue`, key
   * `{prefix}DeadLetterKey`). SNS sends to it as itself (its service principal, not a role of the account), so its
   * key must let SNS use it: a key of its own (rotating), whose policy lets `sns.amazonaws.com` `kms:GenerateDataKey`
   * and `kms:Decrypt` (what the Amazon SQS Developer Guide gives an AWS service sending to an encrypted queue,
   * "Configure KMS permissions for AWS services") only with `aws:SourceAccount` = this account: the looser of the two
   * conditions used for such a key (CDK's own SQS subscription puts `aws:SourceArn` = the topic on its key
   * statement), chosen because no AWS page states that SNS's KMS request for a subscription's dead-letter send
   * carries the topic's ARN, and a key refusing SNS would lose every message it was meant to keep (counted only in
   * the topic's `NumberOfNotificationsFailedToRedriveToDlq`). The topic is named where AWS documents it, the queue
   * policy's Allow (the subscription's); the key encrypts this one queue, which only SNS from the subscription's
   * topic may send to ({@link guardSubscriptionDeadLetterQueue}).
   */
  private addSubscriptionDeadLetterQueue(
    prefix: string,
    what: SubscriptionDeadLetters,
    operators: readonly string[],
  ): sqs.Queue {
    const key = keyForServiceOfThisAccount(this, `${prefix}DeadLetterKey`, {
      description: what.keyDescription,
      sid: what.keySid,
      service: 'sns.amazonaws.com',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
    const queue = addDeadLetterQueue(this, `${prefix}DeadLetterQueue`, what.deadLetterOf, [], key);
    guardSubscriptionDeadLetterQueue(queue, operatorsAndRoot(this, operators));
    return queue;
  }

  /**
   * The configuration set every relay email goes through (its bounces, complaints and rejects: the SES events topic).
   * It states the suppression list's reasons, bounces and complaints, rather than leaving them to the account's setting
   * (which may be anything: on for both since SES's 2019 default, off in an older account), so a deployed relay
   * behaves the same in every account. The relay relies on it (docs/notifications.md, "Email relay"): after a
   * complaint about one owner's email to a mailbox several owners share, SES suppresses that address, and reports the
   * next email to it for another owner as a bounce or as a complaint with subtype `OnAccountSuppressionList` (SES did
   * not send it); the SES events function reads either as a suppressed send, never as that owner's complaint: it
   * marks them `bouncing` and reports the digest to the admins, so every notice still reaches a person.
   */
  private addConfigurationSet(name: string | undefined): ses.ConfigurationSet {
    return new ses.ConfigurationSet(this, 'ConfigurationSet', {
      ...(name !== undefined && { configurationSetName: name }),
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
  }

  private addRelayFunction(props: OwnerEmailRelayProps, sender: string): HygieneFunction {
    const fn = new HygieneFunction(this, 'RelayFunction', {
      entry: 'lambdas/handlers/relay.ts',
      description: 'Emails owner digests through SES (relay route)',
      serviceName: props.serviceName,
      metricsNamespace: props.metricsNamespace,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      timeout: RELAY_TIMEOUT,
      environment: {
        ...configToEnvironment({
          ...props.config,
          sesConfigurationSet: this.configurationSet.configurationSetName,
        }),
        [HANDLER_ENV.directoryTableName]: props.directoryTable.tableName,
        [HANDLER_ENV.relayLedgerTableName]: this.ledgerTable.tableName,
        // The redrive policy's own value: a record failed on that delivery is the relay's last try.
        [HANDLER_ENV.relayMaxReceiveCount]: String(this.maxReceiveCount),
      },
    });
    pollRelayQueue(fn, this.queue, props.maxConcurrency ?? 2);
    const stack = Stack.of(this);
    const address = sesSenderAddress(sender);
    const domain = address.slice(address.lastIndexOf('@') + 1);
    // SES authorizes an SESv2 `SendEmail` with raw content (how the relay sends each digest: `ses-email-sender.ts`)
    // as `ses:SendRawEmail`, and refuses the relay every send without it (docs/deploy.md, "Email relay (SES)").
    // `ses:SendEmail` stays beside it: AWS's documentation does not settle whether SES evaluates one action or
    // both for a raw send, and it gives no extra power (same resources, same sender condition; a raw email can
    // already carry whatever a simple or templated one could).
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // The identity (address, or the verified domain it belongs to) and the configuration set: nothing else.
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: address }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
          configurationSetArn(this.configurationSet),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': address } },
      }),
    );
    grantDirectory(fn, props.directoryTable, ['dynamodb:BatchGetItem']);
    // Claim, mark and release a part it sends; read the state of one it cannot send (an owner unreachable since the drain).
    this.ledgerTable.grant(
      fn.role,
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
    );
    return fn;
  }

  private addSesEventsFunction(props: OwnerEmailRelayProps): HygieneFunction {
    const fn = new HygieneFunction(this, 'SesEventsFunction', {
      entry: 'lambdas/handlers/ses-events.ts',
      description:
        'Marks owner addresses bouncing on SES permanent bounces and reports the bounced digests to the admins, records owners unsubscribed on complaints (relay route)',
      serviceName: props.serviceName,
      metricsNamespace: props.metricsNamespace,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      environment: {
        [HANDLER_ENV.directoryTableName]: props.directoryTable.tableName,
        [HANDLER_ENV.relayLedgerTableName]: this.ledgerTable.tableName,
        [HANDLER_ENV.topicArn]: props.topic.topicArn,
      },
      // One invocation at a time: each report to the admins is paced after the last one (the handler holds until
      // the admins' next turn), so a burst of bounces cannot suspend their email subscription (docs/notifications.md,
      // "Size limits, splitting, batching and pacing"). SNS invokes asynchronously: a throttled event waits in
      // Lambda's queue, retried up to the event age (6 hours, Lambda's default), then goes to the failure destination.
      reservedConcurrentExecutions: 1,
    });
    // An event SNS cannot deliver (client-side errors at once, server-side ones after its retries) is kept in the
    // subscription's own dead-letter queue, not dropped; the operators replay it (docs/deploy.md, "Runbook: SES
    // events not delivered"). CDK adds the queue policy's Allow for SNS from this topic (`aws:SourceArn`).
    this.sesEventsTopic.addSubscription(
      new subscriptions.LambdaSubscription(fn.function, { deadLetterQueue: this.sesEventsDeadLetterQueue }),
    );
    // SNS invokes asynchronously: a bounce whose write or report still fails after Lambda's retries is kept, not dropped.
    keepFailedInvocations(fn.function, props.failedInvocationQueue);
    // The owner's current address (a consistent read), then the conditional mark.
    grantDirectory(fn, props.directoryTable, ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']);
    // The bounced part's events (a consistent read), then the report's claim and mark.
    this.ledgerTable.grant(fn.role, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    // The report to the admins: sns:Publish on the notification topic, and its key.
    grantPublish(fn, props.topic);
    props.topicAllowList?.allowPublish(fn.role.roleArn);
    return fn;
  }

  private addAlarms(props: OwnerEmailRelayProps): cloudwatch.Alarm[] {
    const alarms = [
      ...this.addDigestAlarms(props),
      ...this.addSesEventsAlarms(props),
      ...[this.relayFunction, this.sesEventsFunction].map(
        (fn) =>
          new cloudwatch.Alarm(this, `${fn.node.id}Errors`, {
            alarmDescription: `The ${fn.node.id} of the owner email relay failed: its log group has the error. See ${alarmTableRow(`${fn.node.id}Errors`)}.`,
            metric: functionErrors(fn),
            ...atLeast(1),
          }),
      ),
    ];
    if (props.alarmAction !== undefined) for (const alarm of alarms) alarm.addAlarmAction(props.alarmAction);
    return alarms;
  }

  /**
   * The digests the relay could not email: in the DLQ (its depth: something waits there, in alarm while anything
   * does; and its oldest digest's age: one SQS will soon delete), those SNS could not deliver to the relay queue (in
   * the subscription's dead-letter queue, in alarm while any is there), given up on (any in an hour, whatever the DLQ already holds: SQS's move of a message into a
   * dead-letter queue is not counted by the queue's `NumberOfMessagesSent`, Amazon SQS Developer Guide, "Using
   * dead-letter queues in Amazon SQS", so the relay counts its own last failed deliveries), waiting too long, their
   * owner unreachable unreported, or left unsent for lack of time.
   */
  private addDigestAlarms(props: OwnerEmailRelayProps): cloudwatch.Alarm[] {
    return [
      new cloudwatch.Alarm(this, 'DeadLetterMessages', {
        alarmDescription:
          'An owner digest could not be emailed after the queue’s retries (a permanent SES error, an unreadable message, an owner unreachable the admins were not told of, or SES too slow each time): it is in the relay DLQ, in alarm while any digest is there. See docs/deploy.md, "Runbook: Relay gave up".',
        metric: deadLetterDepth(this.deadLetterQueue),
        ...atLeast(1),
      }),
      failureCountAlarm(
        this,
        'EmailRelayGaveUp',
        `The relay failed owner digests on their last delivery (the queue’s maxReceiveCount, ${this.maxReceiveCount}), unsent: a permanent SES error, an unreadable message, an owner unreachable the admins were not told of, or SES too slow each time. SQS moves them to the relay DLQ when their visibility timeout ends (${RELAY_VISIBILITY_TIMEOUT.toHumanString()} after the failure). It fires whatever the DLQ already holds, and returns to OK an hour without one, so a later one notifies again. The relay’s log line "relay batch" names each failure and each record given up on (gaveUpRecords); read the DLQ once they are there, fix the cause and redrive (docs/deploy.md, "Runbook: Relay gave up").`,
        props,
        RELAY_METRIC.gaveUp,
      ),
      this.addQueueAgeAlarm(this.maxReceiveCount),
      this.addDeadLetterExpiringAlarm(),
      new cloudwatch.Alarm(this, 'RelaySubscriptionDeadLetterMessages', {
        alarmDescription: `Owner digests SNS could not deliver from the notification topic to the relay queue (the queue’s policy or key changed by hand, the queue deleted) are in the relay subscription dead-letter queue, in alarm while any is there; the queue keeps each ${DEAD_LETTER_RETENTION_DAYS} days. The notifier marked their notices sent when SNS accepted them: until put back on the relay queue they reach no one. Fix the delivery, then move them to the relay queue: see docs/deploy.md, "Runbook: Relay subscription dead letters".`,
        metric: deadLetterDepth(this.relaySubscriptionDeadLetterQueue),
        ...atLeast(1),
      }),
      failureCountAlarm(
        this,
        'UnreportedUnreachableOwners',
        `The relay could not email an owner whom the drain had judged reachable (a bounce, departure or address removed since, or no directory): the admins were not told of these notices. Fix the directory entry; SQS retries the digest, then it goes to the relay DLQ. See ${alarmTableRow('UnreportedUnreachableOwners')}.`,
        props,
        RELAY_METRIC.unreportedUnreachable,
      ),
      failureCountAlarm(
        this,
        'EmailRelayOutOfTime',
        'The relay left owner digests unsent for lack of time: SES answered so slowly, or throttled so long, that the invocation’s time budget had no room to start them or try again (EmailRelayOutOfTime, of EmailRelayFailures). SQS retries them, then they go to the relay DLQ. Check SES’s sending quota and health. See docs/deploy.md, "Runbook: Relay out of time".',
        props,
        RELAY_METRIC.outOfTime,
      ),
    ];
  }

  /**
   * SES's bounces and complaints: many of them (a reputation problem), events SNS could not deliver to the SES
   * events function (each failure, and, in alarm while any is there, those kept in the subscription's dead-letter
   * queue for an operator to replay), events the function could not read (a bounce or complaint among them
   * unrecorded, its digest unreported), and any mailbox provider's report that a digest failed authentication or
   * carried a virus (digests going to spam, or refused, with no one told). Bounces
   * and complaints nothing was recorded for (`UnattributedEmailBounces`) are only on the dashboard: a bounce of a
   * relay email is reported to the admins whether or not its owner is found, and a complaint's email was delivered.
   */
  private addSesEventsAlarms(props: OwnerEmailRelayProps): cloudwatch.Alarm[] {
    return [
      new cloudwatch.Alarm(this, 'EmailBounces', {
        alarmDescription:
          'SES reported permanent bounces or complaints for owner email (suppressed sends included: the address on SES’s suppression list): stale addresses in the directory, or a reputation problem. See docs/deploy.md, "Runbook: Email bounces".',
        metric: runMetric(
          props.metricsNamespace,
          props.serviceName,
          SES_EVENTS_METRIC.bounces,
          RUN_WATCH.perHour,
        ),
        ...atLeast(props.bounceAlarmThreshold ?? 3),
      }),
      new cloudwatch.Alarm(this, 'SesEventsNotificationsFailed', {
        alarmDescription:
          'SNS could not deliver SES bounce, complaint or reject events from the SES events topic to the SES events function (its permission to invoke removed, the function deleted or failing to accept the invocation): after SNS’s retries each goes to the SES events dead-letter queue (SesEventsDeadLetterMessages), unrecorded until replayed: an owner not marked bouncing or unsubscribed, a bounced digest not reported to the admins. Check the topic’s subscription and the function, then replay; see docs/deploy.md, "Runbook: SES events not delivered".',
        metric: notificationsFailed(this.sesEventsTopic),
        ...atLeast(1),
      }),
      new cloudwatch.Alarm(this, 'SesEventsDeadLetterMessages', {
        alarmDescription: `SES bounce, complaint or reject events SNS could not deliver to the SES events function are in the SES events dead-letter queue, in alarm while any is there; the queue keeps each ${DEAD_LETTER_RETENTION_DAYS} days. Until replayed they are unrecorded: an owner not marked bouncing or unsubscribed, a bounced digest not reported to the admins. Fix the delivery, then replay them into the function and delete each replayed one: see docs/deploy.md, "Runbook: SES events not delivered".`,
        metric: deadLetterDepth(this.sesEventsDeadLetterQueue),
        ...atLeast(1),
      }),
      failureCountAlarm(
        this,
        'UnreadableSesEvents',
        'The SES events function received messages on the SES events topic that were not JSON (UnreadableSesEvents): skipped, nothing recorded. A bounce or complaint among them went unrecorded: an owner not marked bouncing or unsubscribed, a bounced digest not reported to the admins. The function’s warning "SES events" has the summary; see docs/deploy.md, "Runbook: SES events not delivered".',
        props,
        SES_EVENTS_METRIC.unreadable,
      ),
      failureCountAlarm(
        this,
        'EmailAuthOrVirusReports',
        'A mailbox provider reported an owner digest as failing authentication (auth-failure: SPF, DKIM or DMARC of the sender identity, so digests go to spam or are refused, and no owner says so) or as carrying a virus (virus: digests carry no attachment, so treat it as suspicious). EmailAuthOrVirusReports ≥ 1 in an hour; the SES events function’s warning "SES events" says which (authOrVirusTypes). Check the identity’s DKIM, MAIL FROM domain and DMARC record; see docs/deploy.md, "Runbook: Email authentication or virus reports".',
        props,
        SES_EVENTS_METRIC.authOrVirusReports,
      ),
    ];
  }

  /**
   * A digest has waited {@link RELAY_DEAD_LETTER_WARNING} in the relay DLQ: SQS deletes it unsent no sooner than 3 days
   * later (usually about 10). The DLQ keeps a message {@link DEAD_LETTER_RETENTION_DAYS} days from when it entered the relay queue (a
   * standard queue's message keeps its enqueue time when moved), while the DLQ's `ApproximateAgeOfOldestMessage`
   * counts from the move (Amazon SQS Developer Guide, "Setting-up dead-letter queue retention in Amazon SQS"); a digest
   * waits at most {@link RELAY_QUEUE_RETENTION_DAYS} days in the relay queue, so it has at least 14 − 7 = 7 days of DLQ
   * age before deletion, and the alarm fires 3 of them before. `DeadLetterMessages` is already in alarm by then and
   * `EmailRelayGaveUp` back to OK: this is the one signal that a notice is about to be lost.
   */
  private addDeadLetterExpiringAlarm(): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, 'RelayDeadLetterExpiring', {
      alarmDescription: `An owner digest has waited ${RELAY_DEAD_LETTER_WARNING.toHumanString()} in the relay DLQ, unsent: SQS deletes it ${DEAD_LETTER_RETENTION_DAYS} days after it entered the relay queue, no sooner than ${RELAY_DEAD_LETTER_NOTICE_DAYS} days from now (usually about ${DEAD_LETTER_RETENTION_DAYS - RELAY_DEAD_LETTER_WARNING.toDays()}: most digests reach the DLQ within a day of entering the relay queue), and its notices are then lost. Redrive it once its cause is fixed, or pass its notices on another way and delete it. See docs/deploy.md, "Runbook: Relay dead letters expiring".`,
      metric: oldestMessageAge(this.deadLetterQueue),
      ...atLeast(RELAY_DEAD_LETTER_WARNING.toSeconds()),
    });
  }

  /**
   * The relay queue's oldest digest is older than twice the longest a digest the relay keeps failing stays there
   * (its `maxReceiveCount` deliveries, one visibility timeout apart, before SQS moves it to the DLQ: 30 minutes by
   * default, so 1 hour): the relay is not taking digests off the queue at all (its event source mapping disabled,
   * the function throttled, or failing without an error), a backlog larger than SES's sending rate clears in an
   * hour, or SES's 24-hour quota spent (the relay then holds each refused digest back for hours). Far under the 7 days the queue keeps a digest, and an error alarm cannot see any of it.
   */
  private addQueueAgeAlarm(maxReceiveCount: number): cloudwatch.Alarm {
    const maxAge = Duration.seconds(2 * maxReceiveCount * RELAY_VISIBILITY_TIMEOUT.toSeconds());
    return new cloudwatch.Alarm(this, 'OldestDigestTooOld', {
      alarmDescription: `An owner digest has waited in the relay queue for ${maxAge.toHumanString()} or more: the relay is not taking digests off the queue (its event source mapping disabled, the function throttled or failing without an error), a backlog is larger than SES’s sending rate clears in that time, or SES’s 24-hour sending quota is spent (the relay log line "relay batch" lists the digests it holds back for hours, quotaDeferred). The queue deletes a digest after ${RELAY_RETENTION.toDays()} days. See ${alarmTableRow('OldestDigestTooOld')}.`,
      metric: oldestMessageAge(this.queue),
      ...atLeast(maxAge.toSeconds()),
    });
  }
}

/**
 * What Lambda's poller of the relay queue calls with the relay function's role, and all it calls: AWS Lambda Developer
 * Guide, "Using Lambda with Amazon SQS", "Execution role permissions" (the page that also documents partial batch
 * responses, asking nothing more for them); Amazon SQS Developer Guide, "Configuring an Amazon SQS queue to trigger
 * an AWS Lambda function" ("The Lambda execution role must include" these three). The queue is SQS-managed SSE: no key
 * action.
 */
const RELAY_QUEUE_POLL_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

/**
 * What the relay function itself calls on its queue: it holds back, for hours, a digest SES refused because the
 * account's 24-hour sending quota is spent (`ChangeMessageVisibility` on the record's message,
 * lambdas/relay/quota-deferral.ts), so SQS's deliveries span a day rather than half an hour (docs/deploy.md, "Email
 * relay (SES)", step 2).
 */
const RELAY_QUEUE_HOLD_ACTIONS = ['sqs:ChangeMessageVisibility'];

/**
 * The relay queue as the relay function's event source: batches of 10, partial batch responses (a failed digest
 * reappears when its visibility timeout ends, or its hold for SES's daily quota), at most `maxConcurrency`
 * invocations at once; and its role's grants on the queue: {@link RELAY_QUEUE_POLL_ACTIONS} and
 * {@link RELAY_QUEUE_HOLD_ACTIONS}, nothing more. The mapping is CDK's `SqsEventSource`'s, with its id (so its
 * logical id, and the deployed mapping, stay the same), without that class's `grantConsumeMessages`, which also
 * grants `sqs:GetQueueUrl`: neither the poller nor the relay calls it (the relay has the queue's ARN from each record).
 */
function pollRelayQueue(fn: HygieneFunction, queue: sqs.IQueue, maxConcurrency: number): void {
  fn.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`, {
    eventSourceArn: queue.queueArn,
    batchSize: 10,
    reportBatchItemFailures: true,
    maxConcurrency,
  });
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: RELAY_QUEUE_POLL_ACTIONS, resources: [queue.queueArn] }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: RELAY_QUEUE_HOLD_ACTIONS, resources: [queue.queueArn] }),
  );
}

/**
 * What takes a digest off a relay queue or hides it from its reader (SQS's `*Batch` calls are authorized as
 * these): the dead-letter read actions but the move, which only a DLQ's operators start.
 */
const RELAY_QUEUE_RECEIVE_ACTIONS = DEAD_LETTER_READ_ACTIONS.filter((a) => a !== 'sqs:StartMessageMoveTask');

/**
 * Locks the relay queue and its DLQ as the topics are locked (docs/deploy.md, "Security choices"). The relay does
 * not verify SNS signatures, so whoever can send to the queue can have a notice of their choosing emailed from the
 * trusted identity to any owner; and the queues hold every owner's digests. The account's root user (break-glass)
 * and the operators are on every list: without operators, only the root user may read, delete or redrive.
 *
 * - The queue: `sqs:SendMessage` denied to every principal of the account but the operators (a DLQ redrive sends
 *   with its caller's permissions); the only service the policy allows is SNS, from the topic (the subscription's
 *   Allow, scoped by `aws:SourceArn`). Receiving, deleting, hiding and purging denied to all but the relay
 *   function's role (its event source mapping polls as that role) and the operators.
 * - The DLQ: the same, and moving its messages (`sqs:StartMessageMoveTask`), only by the operators; sending too, so
 *   no one can plant a digest there for an operator to redrive.
 *
 * SQS's move of a message into a queue whose redrive policy names it is no `SendMessage`, out of these Denies' reach:
 * the queues' redrive allow policies, set where they are built, close it (the queue: no source; the DLQ: the queue).
 *
 * Administering the queues (`SetQueueAttributes`, `DeleteQueue`, ...) is never denied: CloudFormation deploys and
 * removes them with it, and it is the way back in for an account whose listed principals are all gone (a changed
 * policy is in CloudTrail; the next deploy puts it back).
 */
function guardRelayQueues(relay: OwnerEmailRelay, relayRoleArn: string, operators: readonly string[]): void {
  const keepers = operatorsAndRoot(relay, operators);
  const { queue, deadLetterQueue } = relay;
  queue.addToResourcePolicy(
    denyUnlessPrincipal(
      'SendOnlyBySnsAndOperators',
      queue.queueArn,
      ['sqs:SendMessage'],
      keepers,
      NOT_A_SERVICE,
    ),
  );
  queue.addToResourcePolicy(
    denyUnlessPrincipal(
      'ReceiveOnlyByTheRelayAndOperators',
      queue.queueArn,
      RELAY_QUEUE_RECEIVE_ACTIONS,
      [relayRoleArn, ...keepers],
      NOT_A_SERVICE,
    ),
  );
  deadLetterQueue.addToResourcePolicy(
    denyUnlessPrincipal(
      'SendOnlyByOperators',
      deadLetterQueue.queueArn,
      ['sqs:SendMessage'],
      keepers,
      NOT_A_SERVICE,
    ),
  );
  deadLetterQueue.addToResourcePolicy(
    denyUnlessPrincipal(
      'ReceiveOrRedriveOnlyByOperators',
      deadLetterQueue.queueArn,
      DEAD_LETTER_READ_ACTIONS,
      keepers,
      NOT_A_SERVICE,
    ),
  );
}

/**
 * A rotating customer-managed key that one AWS service, acting as itself, may use (`actions`) only for this account
 * (`aws:SourceAccount`: confused-deputy protection): what a service needs to write to the topic or queue the key
 * encrypts (SES to the SES events topic, SNS to the SES events dead-letter queue), which an AWS-managed key cannot
 * allow.
 */
function keyForServiceOfThisAccount(
  scope: Construct,
  id: string,
  grant: { description: string; sid: string; service: string; actions: string[] },
): kms.Key {
  const key = new kms.Key(scope, id, { description: grant.description, enableKeyRotation: true });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: grant.sid,
      principals: [new iam.ServicePrincipal(grant.service)],
      actions: grant.actions,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return key;
}

/**
 * Locks the dead-letter queue of one of the relay's SNS subscriptions (docs/deploy.md, "Security choices"): its
 * messages go back to where they were meant to go, SES events into the SES events function (a complaint records an
 * owner `unsubscribed`, a bounce marks the address bouncing), owner digests onto the relay queue (the relay emails
 * them from the sender identity), and they carry owners' addresses or notices. So `sqs:SendMessage` is denied to
 * every principal that is not an AWS service, with no exception (the only service its policy allows is SNS from the
 * subscription's topic, the subscription's Allow): no one can plant a forged message for an operator to replay;
 * receiving, deleting, hiding, purging and moving its messages ({@link DEAD_LETTER_READ_ACTIONS}) are denied to all
 * but `keepers` (the operators and the root user), AWS services included: none reads it. Administering the queue is
 * never denied, as for the relay's queues ({@link guardRelayQueues}).
 */
function guardSubscriptionDeadLetterQueue(queue: sqs.Queue, keepers: readonly string[]): void {
  queue.addToResourcePolicy(publishOnlyByServices('SendOnlyBySns', queue.queueArn, 'sqs:SendMessage'));
  queue.addToResourcePolicy(
    denyUnlessPrincipal('ReceiveOnlyByOperators', queue.queueArn, DEAD_LETTER_READ_ACTIONS, keepers),
  );
}

/**
 * Locks the SES events topic to its one writer and one reader. Its messages write to the owner directory (a
 * complaint records an owner `unsubscribed`, a bounce marks the address bouncing) and make the admins' bounce
 * reports, and they carry owners' addresses: a principal of the account with a broad `sns:*` grant must not be able
 * to forge one (silencing an owner's expiry warnings) or subscribe to read them. So: deny `sns:Publish` to every
 * principal that is not an AWS service (`aws:PrincipalIsAWSService`, present in every signed request; the topic's
 * only Allow for a service is SES's, added by the configuration set's event destination), and deny `sns:Subscribe`
 * to every principal but the deployment role, which creates the SES events function's subscription.
 */
function guardSesEventsTopic(topic: sns.Topic, deploymentRole: string | undefined): void {
  topic.addToResourcePolicy(publishOnlyByServices('PublishOnlyBySes', topic.topicArn));
  if (deploymentRole === undefined) return;
  topic.addToResourcePolicy(
    denyUnlessPrincipal('SubscribeOnlyByTheDeployment', topic.topicArn, TOPIC_SUBSCRIPTION_ACTIONS, [
      deploymentRole,
    ]),
  );
}
