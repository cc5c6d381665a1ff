/**
 * What {@link OwnerEmailRelay} (lib/owner-email-relay.ts) is given and how it refuses what cannot work: its options,
 * its configuration error, and the synth-time checks of the `maxReceiveCount` and the sender address.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { isMaxReceiveCount, MAX_RECEIVE_COUNT_RANGE } from '../../lambdas/handlers/environment';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { sesAddress, UnsendableAddressError } from '../../lambdas/relay/ses-address';
import type { TopicAllowList } from '../notification-topics';

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

/** Deliveries of one digest before SQS moves it to the DLQ, unless configured. */
const DEFAULT_MAX_RECEIVE_COUNT = 5;

/**
 * The configured `maxReceiveCount`, checked at synth with the relay function's own check (`isMaxReceiveCount`,
 * lambdas/handlers/environment.ts): a value SQS refuses would fail only at deploy, and one the relay function
 * refuses (`maxReceiveCountOf`, lambdas/handlers/relay.ts) at every cold start.
 * @throws {OwnerEmailRelayConfigError} when it is not an integer from 1 to 1,000
 */
export function checkedMaxReceiveCount(value: number | undefined): number {
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
export function sesSenderAddress(sender: string): string {
  try {
    return sesAddress(sender);
  } catch (error: unknown) {
    if (!(error instanceof UnsendableAddressError)) throw error;
    throw new OwnerEmailRelayConfigError(`senderIdentity ${error.message}`);
  }
}
