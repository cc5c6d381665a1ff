/**
 * The handlers' environment contract, shared with the CDK construct that sets
 * it: variable names, and the hygiene config as `HYGIENE_<key>` variables
 * written by {@link configToEnvironment} and read back at cold start through
 * the same schema (`configFromFlat`). Plain data: no AWS imports.
 */
import { CONFIG_KEYS, configFromFlat, configToFlat, type HygieneConfig } from '../hygiene/config';

/** Environment variable names the handlers read. */
export const HANDLER_ENV = {
  /** The credentials table. */
  tableName: 'TABLE_NAME',
  /** The notification topic (owner digests, admin summaries). */
  topicArn: 'TOPIC_ARN',
  /** Optional DynamoDB endpoint override (DynamoDB Local in the artifact test). */
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
  /** Optional SNS endpoint override (a local stub in the artifact test). */
  snsEndpoint: 'SNS_ENDPOINT',
  /** Sweep: the largest distance (seconds) between the scheduled time and the wall clock it accepts (default 3600). */
  maxScheduleSkewSeconds: 'MAX_SCHEDULE_SKEW_SECONDS',
  /** The owner directory table (docs/notifications.md, "Owner reach"). */
  directoryTableName: 'DIRECTORY_TABLE_NAME',
  /** The subscription reconciler: the topic's "Filter policies per topic" quota (optional, default 200). */
  filterPolicyQuota: 'SNS_FILTER_POLICY_QUOTA',
  /** The email relay: its ledger table (once per digest part; docs/notifications.md, "Email relay"). */
  relayLedgerTableName: 'RELAY_LEDGER_TABLE_NAME',
  /** Optional SESv2 endpoint override (a local stub). */
  sesEndpoint: 'SES_ENDPOINT',
  /**
   * The email relay: its queue's `maxReceiveCount` (an integer from 1 to 1,000: `isMaxReceiveCount`), set by `lib/owner-email-relay.ts`
   * from the very value it gives the queue's redrive policy, so a record the relay fails on that delivery is counted
   * as given up (`EmailRelayGaveUp`: `failedOnLastDelivery`, `lambdas/relay/relay.ts`).
   */
  relayMaxReceiveCount: 'RELAY_MAX_RECEIVE_COUNT',
  /**
   * Sweep, notifier and SES events, optional: the CloudFormation stack the function is deployed in, set by the
   * shipped stack (`lib/personal-client-hygiene-stack.ts`), so the admins' messages aim their commands at it
   * (`--stack NAME`): the sweep's admin report (`lambdas/render/admin-report.ts`), the owner-unreachable reports
   * (the notifier's, a bounced digest's) in their restore commands (`lambdas/hygiene/unreachable-report.ts`). Absent (an older deployment, the construct in a stack of your
   * own): they say to add "the deployment's --stack NAME" instead.
   */
  stackName: 'STACK_NAME',
  /**
   * Sweep, optional: the alarm topic every alarm of the worker publishes to, set by the construct when alarms are on
   * (its own topic or a brought `alarmTopic`). After each run the sweep lists its subscriptions
   * (`sns:ListSubscriptionsByTopic`, granted on this topic only) and the admins' run summary says when none is
   * confirmed (`lambdas/handlers/alarm-topic-check.ts`; docs/deploy.md, "Runbook: Alarm delivery"). Absent (alarms
   * off, a local or bench run): no check, no request.
   */
  alarmTopicArn: 'ALARM_TOPIC_ARN',
} as const;

/**
 * SQS's range of a redrive policy's `maxReceiveCount`: what `lib/owner-email-relay.ts` accepts at synth and the relay
 * function reads back from `HANDLER_ENV.relayMaxReceiveCount` at cold start.
 */
export const MAX_RECEIVE_COUNT_RANGE = { min: 1, max: 1000 } as const;

/** Whether `n` is a `maxReceiveCount` SQS accepts: an integer in {@link MAX_RECEIVE_COUNT_RANGE}. */
export function isMaxReceiveCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= MAX_RECEIVE_COUNT_RANGE.min && n <= MAX_RECEIVE_COUNT_RANGE.max;
}

/** Prefix of the hygiene config variables (`HYGIENE_staleAfterDays=90`). */
const CONFIG_ENV_PREFIX = 'HYGIENE_';

/** The hygiene config as environment variables. */
export function configToEnvironment(config: HygieneConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(configToFlat(config)).map(([key, value]) => [`${CONFIG_ENV_PREFIX}${key}`, value]),
  );
}

/**
 * Reads the hygiene config from `HYGIENE_<key>` variables through the shared schema.
 * @throws {ConfigError} naming each bad key, its value and what is allowed
 */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): HygieneConfig {
  const flat: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[`${CONFIG_ENV_PREFIX}${key}`];
    if (value !== undefined) flat[key] = value;
  }
  return configFromFlat(flat, `Lambda environment (${CONFIG_ENV_PREFIX}<key> variables)`);
}

/** A required environment variable is missing or empty. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
  constructor(readonly variable: string) {
    super(`Missing environment variable ${variable}`);
  }
}

/** The value of a required variable. */
export function requireEnv(env: Readonly<Record<string, string | undefined>>, variable: string): string {
  const value = env[variable];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentError(variable);
  return value;
}
