/**
 * The sweep Lambda: one hygiene run over the credentials table.
 * Thin: parse the event (the run's `now` is the schedule's scheduled time,
 * refused when too far from the wall clock), build the adapters once per cold start, call `runSweep`, turn its summary
 * into metrics, a log line and the admin run summary on SNS (its commands aimed at the function's stack,
 * `STACK_NAME`, when the stack set it) — also for a run aborted after it wrote, whose error is thrown after that. Before that summary, with `ALARM_TOPIC_ARN` set, it checks that the alarm
 * topic has a confirmed subscription (`alarm-topic-check.ts`), and the summary says what it found.
 */
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { sweepTransitionWriter } from '../aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../aws/credential-scanner';
import { DynamoDbGuardApprovals } from '../aws/guard-approval-store';
import { DynamoDbRunManifestWriter } from '../aws/run-manifest-store';
import { SnsPublisher } from '../aws/sns-publisher';
import { SnsTopicSubscriptions } from '../aws/subscription-reconciler-sns';
import type { HygieneConfig } from '../hygiene/config';
import { errorText, withoutEmailAddresses, withTextsMasked } from '../hygiene/errors';
import type { RunSummary } from '../hygiene/run-summary';
import type { TopicSubscriptionListing } from '../hygiene/subscription-ports';
import { createRunId, runSweep, SweepAbortedError, type SweepDeps } from '../hygiene/sweep';
import { formatInstant } from '../hygiene/time';
import { isSesSendable } from '../relay/ses-address';
import { publishAdminReport } from '../render/admin-report';
import type { AlarmTopicReach } from '../render/alarm-topic-text';
import { ALARM_TOPIC_CHECK_MAX_MS, checkAlarmTopic } from './alarm-topic-check';
import { createHandlerClients } from './aws-clients';
import { configFromEnvironment, HANDLER_ENV, requireEnv } from './environment';
import { SWEEP_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { optionalOwnerDirectory } from './owner-directory-env';
import { remainingBudget } from './remaining-budget';
import { SWEEP_SAFETY_MARGIN_MS } from './safety-margins';
import {
  DEFAULT_MAX_SCHEDULE_SKEW_SECONDS,
  maxScheduleSkewMs,
  type RunInstant,
  runInstant,
  ScheduledTimeSkewError,
  scheduleSkewProblem,
} from './scheduled-event';
import { splitSummaryForLog, withoutAddressesForLog } from './summary-log';
import { sweepMetricValues } from './sweep-metric-values';

/** What one invocation needs, built once per cold start. */
export interface SweepHandlerDeps extends Observability {
  readonly config: HygieneConfig;
  readonly scanner: SweepDeps['scanner'];
  readonly writer: SweepDeps['writer'];
  readonly checkpoints?: SweepDeps['checkpoints'];
  /** Keeps each run's manifest of deletions (docs/data-model.md, "Run manifests"). */
  readonly manifest?: SweepDeps['manifest'];
  /** The operator's guard approvals (`pc-hygiene guard approve`), used when the guard trips. */
  readonly approvals?: SweepDeps['approvals'];
  /** The owner directory (orphan rule, docs/rules.md); absent: the rule is off and the summary says so. */
  readonly directory?: SweepDeps['directory'];
  /**
   * The alarm topic's subscriptions (`ALARM_TOPIC_ARN`), listed after each run; absent: no check, and the admin
   * summary says nothing of the alarm topic.
   */
  readonly alarmTopic?: TopicSubscriptionListing;
  /**
   * Publishes the run summary to the admin audience, with what the alarm topic check found (when it ran); reports a
   * failed delivery instead of throwing.
   */
  readonly publishAdminSummary: (
    summary: RunSummary,
    alarmTopic?: AlarmTopicReach,
  ) => ReturnType<typeof publishAdminReport>;
  /** Wall clock (epoch ms): `now` when the event has no scheduled time, and run timing. */
  readonly clock: () => number;
  /** Random part of the run id. */
  readonly nonce?: () => string;
  /**
   * The largest distance (ms) between the event's scheduled time and the wall
   * clock the sweep accepts; further, the invocation is refused.
   * @default 1 hour
   */
  readonly maxScheduleSkewMs?: number;
}

/** Emits the run's figures as EMF metrics (names shared with the alarms and dashboard; `sweep-metric-values.ts`). */
export function recordSweepMetrics(metrics: Observability['metrics'], summary: RunSummary): void {
  for (const { name, unit, value } of sweepMetricValues(summary)) {
    metrics.addMetric(name, unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, value);
  }
}

/**
 * Refuses (metric, error log, {@link ScheduledTimeSkewError}) a scheduled time
 * further from the wall clock than allowed: a direct invocation must not move
 * the decision clock (docs/deploy.md, "Runbook: Scheduled time rejected").
 */
function refuseSkewedSchedule(deps: SweepHandlerDeps, instant: RunInstant, wallClock: number): void {
  const maxSkewMs = deps.maxScheduleSkewMs ?? DEFAULT_MAX_SCHEDULE_SKEW_SECONDS * 1000;
  const problem = scheduleSkewProblem(instant, wallClock, maxSkewMs);
  deps.metrics.addMetric(SWEEP_METRIC.scheduledTimeRejected, MetricUnit.Count, problem === undefined ? 0 : 1);
  if (problem === undefined) return;
  deps.logger.error('scheduled time rejected', { reason: problem });
  throw new ScheduledTimeSkewError(problem);
}

/**
 * The alarm topic's reach, when the handler has its listing: checked in the time left beyond what the margin keeps
 * for the publish (`SWEEP_SAFETY_MARGIN_MS` less {@link ALARM_TOPIC_CHECK_MAX_MS}), counted in a metric and logged.
 * Never throws.
 */
async function alarmTopicReach(
  deps: SweepHandlerDeps,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<AlarmTopicReach | undefined> {
  if (deps.alarmTopic === undefined) return undefined;
  const budget = remainingBudget(context, SWEEP_SAFETY_MARGIN_MS - ALARM_TOPIC_CHECK_MAX_MS);
  const reach = await checkAlarmTopic(deps.alarmTopic, budget());
  if (reach.status === 'unchecked') {
    deps.logger.warn('alarm topic subscriptions not checked', {
      topicArn: reach.topicArn,
      error: withoutEmailAddresses(reach.error),
    });
    return reach;
  }
  deps.metrics.addMetric(SWEEP_METRIC.alarmTopicSubscriptions, MetricUnit.Count, reach.confirmed);
  if (reach.confirmed === 0) deps.logger.error('alarm topic has no confirmed subscription', { ...reach });
  return reach;
}

/**
 * The admin run summary, after the alarm topic check. The run's writes are committed: a lost admin message is
 * logged and counted, never a failed (retried) run.
 */
async function reportToAdmins(
  deps: SweepHandlerDeps,
  summary: RunSummary,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  const admin = await deps.publishAdminSummary(summary, await alarmTopicReach(deps, context));
  deps.metrics.addMetric(SWEEP_METRIC.adminSummaryFailed, MetricUnit.Count, admin.published ? 0 : 1);
  if (!admin.published) {
    const failure = admin.failure && withTextsMasked(admin.failure, ['message']);
    deps.logger.error('admin run summary not published', { failure });
  }
}

/**
 * The run summary's log line, a warning for a run that needs a look (aborted, with why; guard tripped; invalid
 * records; failed writes), then its record lists in chunks, every error text without email addresses
 * (`summary-log.ts`).
 */
function logRunSummary(
  logger: Observability['logger'],
  summary: RunSummary,
  aborted?: SweepAbortedError,
): void {
  const loud =
    aborted !== undefined ||
    summary.guard.tripped ||
    summary.invalid.count > 0 ||
    summary.failed.count > 0 ||
    (summary.tooLarge?.count ?? 0) > 0;
  const forLog = splitSummaryForLog(withoutAddressesForLog(summary));
  if (loud) {
    const why = aborted === undefined ? {} : { aborted: withoutEmailAddresses(aborted.message) };
    logger.warn('sweep run summary', { summary: forLog.summary, ...why });
  } else logger.info('sweep run summary', { summary: forLog.summary });
  for (const chunk of forLog.chunks) logger.info('sweep run records', { chunk });
}

/** The raw handler over explicit dependencies (tests pass fakes). */
export function createSweepHandler(deps: SweepHandlerDeps) {
  const nonce = deps.nonce ?? (() => randomUUID().slice(0, 8));
  return async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RunSummary> => {
    // One instant per run: the scheduled time, so a retried or duplicate delivery decides the same.
    const wallClock = deps.clock();
    const instant = runInstant(event, wallClock);
    if (instant.ignored !== undefined)
      deps.logger.warn('scheduled time ignored', { reason: instant.ignored });
    refuseSkewedSchedule(deps, instant, wallClock);
    const runId = createRunId(instant.now, nonce());
    deps.logger.appendKeys({ runId });
    deps.logger.info('sweep starting', {
      now: formatInstant(instant.now),
      nowSource: instant.source,
      mode: deps.config.mode,
    });

    let summary: RunSummary;
    let aborted: SweepAbortedError | undefined;
    try {
      summary = await runSweep(
        {
          scanner: deps.scanner,
          writer: deps.writer,
          ...(deps.checkpoints !== undefined && { checkpoints: deps.checkpoints }),
          ...(deps.manifest !== undefined && { manifest: deps.manifest }),
          ...(deps.approvals !== undefined && { approvals: deps.approvals }),
          ...(deps.directory !== undefined && { directory: deps.directory, sendable: isSesSendable }),
          remainingMs: remainingBudget(context, SWEEP_SAFETY_MARGIN_MS),
          clock: deps.clock,
        },
        { config: deps.config, now: instant.now, runId, mode: deps.config.mode },
      );
    } catch (error: unknown) {
      if (!(error instanceof SweepAbortedError)) throw error;
      // Aborted (too many failed writes, or an error of the run's own after it wrote): report what was written
      // before failing the invocation (SweepErrors fires; a retry is safe: docs/deploy.md, "Runbook: Sweep errors").
      aborted = error;
      summary = error.summary;
    }

    recordSweepMetrics(deps.metrics, summary);
    // The heartbeat: only a run that finished its pass counts.
    const completed = aborted === undefined && summary.status === 'complete';
    deps.metrics.addMetric(SWEEP_METRIC.completed, MetricUnit.Count, completed ? 1 : 0);
    logRunSummary(deps.logger, summary, aborted);
    await reportToAdmins(deps, summary, context);
    if (aborted !== undefined) throw aborted;
    return summary;
  };
}

// Cold start: a bad environment fails here, before any invocation, naming the variable.
const env = process.env;
const config = configFromEnvironment(env);
const tableName = requireEnv(env, HANDLER_ENV.tableName);
const topicArn = requireEnv(env, HANDLER_ENV.topicArn);
const skewMs = maxScheduleSkewMs(env, HANDLER_ENV.maxScheduleSkewSeconds);
// Optional: the admin report's commands name the stack when it is known (and a stack name), else a placeholder.
const stackName = env[HANDLER_ENV.stackName];
// Optional: the alarm topic whose subscriptions are checked after each run (none set: no check, no request).
const alarmTopicArn = env[HANDLER_ENV.alarmTopicArn]?.trim() || undefined;
const tools = createObservability();
const { documentClient, snsClient } = createHandlerClients(env, tools.tracer);

/** The raw handler with the deployed dependencies (no middlewares): for tests of the bundle. */
export const sweepHandler = createSweepHandler({
  ...tools,
  config,
  scanner: new DynamoDbCredentialScanner(documentClient, tableName),
  writer: sweepTransitionWriter(documentClient, tableName, {
    onCallFailed: (error, statements) =>
      tools.logger.warn('a batched transition call failed; its transitions are written one by one', {
        statements,
        error: errorText(error),
      }),
    onStatementErrors: (codes) =>
      tools.logger.warn('batched transition statements failed; they are written one by one', { codes }),
  }),
  manifest: new DynamoDbRunManifestWriter(documentClient, tableName),
  approvals: new DynamoDbGuardApprovals(documentClient, tableName),
  checkpoints: new DynamoDbCheckpointStore(documentClient, tableName, {
    onInvalid: (reason) => tools.logger.warn('stored sweep checkpoint ignored', { reason }),
  }),
  ...(alarmTopicArn !== undefined && { alarmTopic: new SnsTopicSubscriptions(snsClient, alarmTopicArn) }),
  publishAdminSummary: (summary, alarmTopic) =>
    publishAdminReport(new SnsPublisher(snsClient, topicArn), summary, {
      stackName,
      region: env.AWS_REGION,
      ...(alarmTopic !== undefined && { alarmTopic }),
    }),
  clock: Date.now,
  maxScheduleSkewMs: skewMs,
  ...optionalOwnerDirectory(env, documentClient),
});

/** The Lambda entry point. */
export const handler = withObservability(sweepHandler, tools);
