/**
 * CDK context → the validated settings of a deployment. The hygiene keys go
 * through the same schema the Lambdas use at cold start (`configFromFlat`), so
 * `cdk deploy -c staleAfterDays=abc` fails at synth, naming the key, instead of
 * at 03:00 in the first run. A schedule Scheduler would refuse at deploy is
 * refused here too, and a list that lost its JSON quotes in the shell. Given
 * the whole context, a key that is neither the app's nor the CDK's own is
 * refused, naming the nearest key (lib/context-keys.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as z from 'zod/mini';
import { isTableName } from '../lambdas/aws/credential-table-definition';
import {
  CONFIG_KEYS,
  ConfigError,
  configFromFlat,
  type HygieneConfig,
  hygieneConfigSchema,
  numberFromText,
} from '../lambdas/hygiene/config';
import { unknownContextKeyProblems } from './context-keys';
import {
  OWNER_EMAILS_REMOVED,
  PROP_DEFAULTS,
  principalArnProblems,
  relaySenderProblems,
} from './credential-hygiene-props';
import { environmentBudgetProblems } from './environment-budget';
import { deploymentLookahead } from './expiry-notice-lookahead';
import { MAX_HEARTBEAT_WINDOW_HOURS, refusedScheduleProblems, SCHEDULE_EXAMPLES } from './heartbeat-windows';
import { MAX_SCHEDULE_SKEW_SECONDS, MIN_SCHEDULE_SKEW_SECONDS } from './sweep-delivery';

/** Context keys besides the hygiene config keys (`mode`, `staleAfterDays`, ...). */
export const DEPLOYMENT_CONTEXT_KEYS = {
  /** EventBridge Scheduler expression of the sweep, e.g. `cron(0 3 * * ? *)`. */
  sweepSchedule: 'sweepSchedule',
  /** EventBridge Scheduler expression of the notifier, e.g. `rate(15 minutes)`. */
  notifierSchedule: 'notifierSchedule',
  /** EventBridge Scheduler expression of the subscription reconciler, e.g. `rate(1 hour)`. */
  reconcilerSchedule: 'reconcilerSchedule',
  /** Removed: owner addresses live in the owner directory (`pc-hygiene owners import`); given, the synth fails saying so. */
  ownerEmails: 'ownerEmails',
  /** Security-team emails: a comma-separated list or JSON array. */
  adminEmails: 'adminEmails',
  /** Use an existing table of this name instead of creating one (bring your own table). */
  existingTableName: 'existingTableName',
  /**
   * The customer-managed KMS key of the table named by `existingTableName`, if it has one:
   * the functions get the key actions they need (without it they get none and fail on KMS).
   */
  existingTableKeyArn: 'existingTableKeyArn',
  /** Use an existing owner directory table of this name instead of creating one. */
  existingDirectoryTableName: 'existingDirectoryTableName',
  /**
   * The customer-managed KMS key of the table named by `existingDirectoryTableName`, if it has one: the functions
   * get the key actions they need on it (without it they get none and fail on KMS).
   */
  existingDirectoryTableKeyArn: 'existingDirectoryTableKeyArn',
  /** The topic's "Filter policies per topic" quota after you raised it (default: SNS's 200). */
  filterPolicyQuota: 'filterPolicyQuota',
  /** Operator principals (IAM role/user ARNs) allowed to publish and manage subscriptions: a comma-separated list or JSON array. */
  operatorPrincipalArns: 'operatorPrincipalArns',
  /**
   * Principals (IAM role/user ARNs) that may subscribe endpoints to the alarm topic and nothing else, e.g. AWS
   * Chatbot's service-linked role for a chat channel: a comma-separated list or JSON array.
   */
  alarmSubscriberPrincipalArns: 'alarmSubscriberPrincipalArns',
  /**
   * The sweep heartbeat's window: no sweep completed for this many hours → alarm (left out: 26, or what
   * `sweepSchedule` needs when more; given, at least that, or the synth fails: lib/heartbeat-windows.ts).
   */
  heartbeatWindowHours: 'heartbeatWindowHours',
  /**
   * How long an owner notice may wait, in hours: `OldestPendingNoticeTooOld`'s threshold and the notifier
   * heartbeat's window (left out: 6, or what `notifierSchedule` needs when more; given, at least that).
   */
  pendingNoticeMaxAgeHours: 'pendingNoticeMaxAgeHours',
  /**
   * The reconciler heartbeat's window: no subscription reconciler run completed for this many hours → alarm (left
   * out: 3, or what `reconcilerSchedule` needs when more; given, at least that, or the synth fails).
   */
  reconcilerHeartbeatWindowHours: 'reconcilerHeartbeatWindowHours',
  /** The sweep refuses a scheduled time further than this many minutes from the wall clock (default 60). */
  maxScheduleSkewMinutes: 'maxScheduleSkewMinutes',
} as const;

/** The validated settings of one deployment. */
export interface DeploymentSettings {
  readonly config: HygieneConfig;
  readonly sweepSchedule?: scheduler.ScheduleExpression;
  readonly notifierSchedule?: scheduler.ScheduleExpression;
  readonly reconcilerSchedule?: scheduler.ScheduleExpression;
  /** An existing owner directory table. */
  readonly existingDirectoryTableName?: string;
  /** The brought owner directory table's customer-managed key. */
  readonly existingDirectoryTableKeyArn?: string;
  /** The topic's filter-policy quota the reconciler plans against. */
  readonly filterPolicyQuota?: number;
  readonly adminEmails: readonly string[];
  readonly existingTableName?: string;
  /** The brought table's customer-managed key. */
  readonly existingTableKeyArn?: string;
  /** Operator principals allowed on the notification topic besides the worker's roles. */
  readonly operatorPrincipalArns?: readonly string[];
  /** Principals that may subscribe endpoints to the alarm topic, and nothing else. */
  readonly alarmSubscriberPrincipalArns?: readonly string[];
  /** No sweep completed for this long → the heartbeat alarm fires. */
  readonly heartbeatWindow?: Duration;
  /** A notice waited this long, or no drain reported for this long → an alarm fires. */
  readonly pendingNoticeMaxAge?: Duration;
  /** No subscription reconciler run completed for this long → the reconciler's heartbeat alarm fires. */
  readonly reconcilerHeartbeatWindow?: Duration;
  /** The largest distance between a sweep's scheduled time and the wall clock. */
  readonly maxScheduleSkew?: Duration;
}

/** A CDK context value is invalid. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid CDK context: ${problems.join('; ')}`);
  }
}

/** Reads context values; `node.tryGetContext` fits. */
export type ContextReader = (key: string) => unknown;

/** The whole CDK context, every key with its value: `app.node.getAllContext()`. */
export type ContextValues = Readonly<Record<string, unknown>>;

/** The app's own context keys: the hygiene config's and the deployment's (the CDK's: lib/context-keys.ts). */
const APP_CONTEXT_KEYS: readonly string[] = [...CONFIG_KEYS, ...Object.values(DEPLOYMENT_CONTEXT_KEYS)];

/**
 * The hygiene keys whose value is a list or an object (`expiryNoticeDays`, `riskTiers`, `exemptIds`), read from the
 * schema (its JSON Schema's input types): with the deployment's lists, the keys that take JSON.
 */
const JSON_CONFIG_KEYS: ReadonlySet<string> = new Set(
  Object.entries(z.toJSONSchema(hygieneConfigSchema, { io: 'input' }).properties ?? {})
    .filter(
      ([, property]) => typeof property === 'object' && ['array', 'object'].includes(`${property.type}`),
    )
    .map(([key]) => key),
);

/**
 * A schedule expression; undefined (with a problem) when the value is not text, or is text Scheduler refuses at
 * deploy (`refusedScheduleProblems`, the construct's props' rule too: none of its three forms, `daily`, a cron without
 * six fields, a rate of zero, …). What it only cannot judge (`L`, `W`, `#`, a year, `at(…)`) passes, and the
 * heartbeat warns (lib/heartbeat-windows.ts).
 */
function scheduleFrom(
  key: string,
  value: unknown,
  problems: string[],
): scheduler.ScheduleExpression | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(
      `${key} = ${JSON.stringify(value)}: must be an EventBridge Scheduler expression ${SCHEDULE_EXAMPLES}`,
    );
    return undefined;
  }
  const refused = refusedScheduleProblems(key, value);
  if (refused.length > 0) {
    problems.push(...refused);
    return undefined;
  }
  return scheduler.ScheduleExpression.expression(value.trim());
}

/**
 * The value of a key that takes a list or JSON (the deployment's lists, {@link JSON_CONFIG_KEYS}): written as JSON
 * (starting with `[` or `{`) parsed, any other as it is; undefined (with a problem) when it starts so but is not
 * JSON: `-c adminEmails=[a@x,b@y]`, whose quotes the shell took, would otherwise be read as a comma-separated list
 * of `[a@x` and `b@y]`. Only such keys: text may start so elsewhere (`senderIdentity = "[PROD] Hygiene <h@x.example>"`).
 */
function jsonOrValue(key: string, value: unknown, problems: string[]): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text);
  } catch {
    problems.push(
      `${key} = ${JSON.stringify(value)}: not valid JSON; quote it for the shell, each string in double quotes ` +
        `and the whole argument in single quotes (-c '${key}=["a","b"]')`,
    );
    return undefined;
  }
}

/** A comma-separated list or a JSON array of strings; `what` names the items in the error. */
function stringListFrom(key: string, what: string, value: unknown, problems: string[]): string[] {
  if (value === undefined) return [];
  const parsed = jsonOrValue(key, value, problems);
  if (parsed === undefined) return [];
  if (typeof parsed === 'string') {
    return parsed
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) return parsed;
  problems.push(
    `${key} = ${JSON.stringify(value)}: must be a comma-separated list or a JSON array of ${what}`,
  );
  return [];
}

/**
 * An integer context value within a range, in a unit; undefined when unset.
 * Text is read by the hygiene keys' rule (`numberFromText`: digits only, so
 * not `0x18`, `2e1`, ` 24 ` or `24.0`).
 */
function integerFrom(
  key: string,
  value: unknown,
  range: { min: number; max: number; unit: string },
  problems: string[],
): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? numberFromText(value, 'integer') : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= range.min && number <= range.max) {
    return number;
  }
  problems.push(
    `${key} = ${JSON.stringify(value)}: must be an integer from ${range.min} to ${range.max} (${range.unit})`,
  );
  return undefined;
}

/**
 * The hygiene config keys, through the shared schema, and the rules the
 * stack adds to it that context alone decides (the config's size in the sweep's environment, with the
 * expiry notice lookahead `sweepSchedule` gives it, lib/expiry-notice-lookahead.ts; the relay's sender):
 * said here as context problems, naming the `-c` key the
 * operator gave or left out, before the construct checks its props. A list
 * value that lost its JSON quotes in the shell (`-c exemptIds=[a,b]`) is said
 * so, as for the deployment's lists, not as the schema's "expected array".
 */
function hygieneConfigFrom(
  read: ContextReader,
  sweepSchedule: scheduler.ScheduleExpression | undefined,
  problems: string[],
): HygieneConfig | undefined {
  const flat: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = read(key);
    if (value === undefined) continue;
    if (!JSON_CONFIG_KEYS.has(key) || jsonOrValue(key, value, problems) !== undefined) flat[key] = value;
  }
  try {
    const config = configFromFlat(flat, 'CDK context');
    // The environment holds the lookahead the construct derives from the sweep schedule when the key is not given.
    const deployed = deploymentLookahead(config, sweepSchedule ?? PROP_DEFAULTS.sweepSchedule);
    problems.push(
      ...(deployed.problem === undefined ? [] : [deployed.problem]),
      ...environmentBudgetProblems(deployed.config),
      ...relaySenderProblems(config, 'senderIdentity'),
    );
    return config;
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** The two schedules. */
function schedulesFrom(read: ContextReader, problems: string[]): Partial<DeploymentSettings> {
  const { sweepSchedule: sweepKey, notifierSchedule: notifierKey } = DEPLOYMENT_CONTEXT_KEYS;
  const reconcilerKey = DEPLOYMENT_CONTEXT_KEYS.reconcilerSchedule;
  const sweepSchedule = scheduleFrom(sweepKey, read(sweepKey), problems);
  const notifierSchedule = scheduleFrom(notifierKey, read(notifierKey), problems);
  const reconcilerSchedule = scheduleFrom(reconcilerKey, read(reconcilerKey), problems);
  return {
    ...(sweepSchedule !== undefined && { sweepSchedule }),
    ...(notifierSchedule !== undefined && { notifierSchedule }),
    ...(reconcilerSchedule !== undefined && { reconcilerSchedule }),
  };
}

/** A list of IAM principal ARNs under `key`, with its problems (`principalArnProblems`) added to `problems`. */
function principalArnsFrom(read: ContextReader, key: string, problems: string[]): string[] {
  const arns = stringListFrom(key, 'IAM principal ARNs', read(key), problems);
  problems.push(...principalArnProblems(key, arns));
  return arns;
}

/** Who hears from the worker and who may act on its topics. */
function principalsFrom(read: ContextReader, problems: string[]) {
  if (read(DEPLOYMENT_CONTEXT_KEYS.ownerEmails) !== undefined) {
    problems.push(`${DEPLOYMENT_CONTEXT_KEYS.ownerEmails}: ${OWNER_EMAILS_REMOVED}`);
  }
  const adminKey = DEPLOYMENT_CONTEXT_KEYS.adminEmails;
  const adminEmails = stringListFrom(adminKey, 'emails', read(adminKey), problems);
  const operatorPrincipalArns = principalArnsFrom(
    read,
    DEPLOYMENT_CONTEXT_KEYS.operatorPrincipalArns,
    problems,
  );
  const alarmSubscriberPrincipalArns = principalArnsFrom(
    read,
    DEPLOYMENT_CONTEXT_KEYS.alarmSubscriberPrincipalArns,
    problems,
  );
  return {
    adminEmails,
    ...(operatorPrincipalArns.length > 0 && { operatorPrincipalArns }),
    ...(alarmSubscriberPrincipalArns.length > 0 && { alarmSubscriberPrincipalArns }),
  };
}

/** A KMS key ARN (single- or multi-Region key). */
const KMS_KEY_ARN =
  /^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$/;

/** A DynamoDB table name; undefined (with a problem) when it is not one. */
function tableNameFrom(key: string, value: unknown, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (isTableName(value)) return value;
  problems.push(
    `${key} = ${JSON.stringify(value)}: must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`,
  );
  return undefined;
}

/**
 * The customer-managed key ARN of a brought table, read from `keyKey`; a problem when it is not a KMS key ARN, or
 * is given without the table (`nameKey`).
 */
function tableKeyArnFrom(
  keyKey: string,
  nameKey: string,
  tableName: string | undefined,
  read: ContextReader,
  problems: string[],
): string | undefined {
  const keyArn = read(keyKey);
  if (keyArn === undefined) return undefined;
  if (typeof keyArn !== 'string' || !KMS_KEY_ARN.test(keyArn)) {
    problems.push(
      `${keyKey} = ${JSON.stringify(keyArn)}: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)`,
    );
    return undefined;
  }
  if (tableName === undefined) {
    problems.push(`${keyKey} is given without ${nameKey}: it is the key of the table you bring`);
  }
  return keyArn;
}

/** Bring-your-own tables (credentials and owner directory), each with its customer-managed key when it has one. */
function tableFrom(read: ContextReader, problems: string[]): Partial<DeploymentSettings> {
  const { existingTableName: nameKey, existingTableKeyArn: keyKey } = DEPLOYMENT_CONTEXT_KEYS;
  const existing = tableNameFrom(nameKey, read(nameKey), problems);
  const keyArn = tableKeyArnFrom(keyKey, nameKey, existing, read, problems);
  const directoryKey = DEPLOYMENT_CONTEXT_KEYS.existingDirectoryTableName;
  const directoryKeyArnKey = DEPLOYMENT_CONTEXT_KEYS.existingDirectoryTableKeyArn;
  const directory = tableNameFrom(directoryKey, read(directoryKey), problems);
  const directoryKeyArn = tableKeyArnFrom(directoryKeyArnKey, directoryKey, directory, read, problems);
  return {
    ...(existing !== undefined && { existingTableName: existing }),
    ...(keyArn !== undefined && { existingTableKeyArn: keyArn }),
    ...(directory !== undefined && { existingDirectoryTableName: directory }),
    ...(directoryKeyArn !== undefined && { existingDirectoryTableKeyArn: directoryKeyArn }),
  };
}

/** The three alarm windows, the sweep's allowed schedule skew, the topic's filter-policy quota. */
function watchFrom(read: ContextReader, problems: string[]): Partial<DeploymentSettings> {
  const { heartbeatWindowHours: heartbeatKey, maxScheduleSkewMinutes: skewKey } = DEPLOYMENT_CONTEXT_KEYS;
  const noticeKey = DEPLOYMENT_CONTEXT_KEYS.pendingNoticeMaxAgeHours;
  const reconcilerKey = DEPLOYMENT_CONTEXT_KEYS.reconcilerHeartbeatWindowHours;
  const windowHours = { min: 1, max: MAX_HEARTBEAT_WINDOW_HOURS, unit: 'hours' };
  const hours = integerFrom(heartbeatKey, read(heartbeatKey), windowHours, problems);
  const noticeHours = integerFrom(noticeKey, read(noticeKey), windowHours, problems);
  const reconcilerHours = integerFrom(reconcilerKey, read(reconcilerKey), windowHours, problems);
  const minutes = integerFrom(
    skewKey,
    read(skewKey),
    { min: MIN_SCHEDULE_SKEW_SECONDS / 60, max: MAX_SCHEDULE_SKEW_SECONDS / 60, unit: 'minutes' },
    problems,
  );
  const quotaKey = DEPLOYMENT_CONTEXT_KEYS.filterPolicyQuota;
  const quota = integerFrom(
    quotaKey,
    read(quotaKey),
    { min: 1, max: 1_000_000, unit: 'filter policies' },
    problems,
  );
  return {
    ...(quota !== undefined && { filterPolicyQuota: quota }),
    ...(hours !== undefined && { heartbeatWindow: Duration.hours(hours) }),
    ...(noticeHours !== undefined && { pendingNoticeMaxAge: Duration.hours(noticeHours) }),
    ...(reconcilerHours !== undefined && { reconcilerHeartbeatWindow: Duration.hours(reconcilerHours) }),
    ...(minutes !== undefined && { maxScheduleSkew: Duration.minutes(minutes) }),
  };
}

/**
 * Reads and validates the deployment settings from CDK context: the whole context (`app.node.getAllContext()`),
 * whose every key must then be the app's or the CDK's, or a reader of values (the keys are not checked).
 * @throws {ContextError} naming every unknown key (and the nearest known one), every bad key, its value and what is
 * allowed
 */
export function readDeploymentSettings(context: ContextReader | ContextValues): DeploymentSettings {
  const problems =
    typeof context === 'function' ? [] : unknownContextKeyProblems(Object.keys(context), APP_CONTEXT_KEYS);
  const read: ContextReader = typeof context === 'function' ? context : (key) => context[key];
  // The schedules are read first (the config's checks need the sweep's) and said after the config's problems.
  const scheduleProblems: string[] = [];
  const schedules = schedulesFrom(read, scheduleProblems);
  const config = hygieneConfigFrom(read, schedules.sweepSchedule, problems);
  problems.push(...scheduleProblems);
  const settings = {
    ...schedules,
    ...principalsFrom(read, problems),
    ...tableFrom(read, problems),
    ...watchFrom(read, problems),
  };
  if (problems.length > 0 || config === undefined) throw new ContextError(problems);
  return { config, ...settings };
}
