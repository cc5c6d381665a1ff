/**
 * The operational alarms of a `CredentialHygiene` worker. Each alarm's
 * missing-data policy follows its metric: run metrics are emitted once per run,
 * so between runs an alarm keeps the state of the last run (`IGNORE`).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { NOTIFIER_METRIC, SWEEP_METRIC } from '../lambdas/handlers/metric-names';
import type { HygieneFunction } from './hygiene-function';

/** What the alarms watch and where they notify. */
export interface HygieneAlarmsOptions {
  readonly functions: readonly HygieneFunction[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /** The oldest-pending-notice alarm threshold. */
  readonly pendingNoticeMaxAge: Duration;
  readonly action: cloudwatch.IAlarmAction;
}

/** A run metric as the handlers emit it (Powertools adds the `service` dimension). */
export function runMetric(
  namespace: string,
  serviceName: string,
  metricName: string,
  options: { statistic?: string; period?: Duration; label?: string } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { service: serviceName },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.hours(1),
    ...(options.label !== undefined && { label: options.label }),
  });
}

/** Creates the alarms; returns them in a stable order. */
export function addHygieneAlarms(scope: Construct, options: HygieneAlarmsOptions): cloudwatch.Alarm[] {
  const { metricsNamespace: ns, serviceName: service } = options;
  const alarms: cloudwatch.Alarm[] = [];
  const atLeastOne = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

  for (const fn of options.functions) {
    alarms.push(
      new cloudwatch.Alarm(scope, `${fn.node.id}Errors`, {
        alarmDescription: `The ${fn.node.id.toLowerCase()} function failed (see its log group for the error).`,
        metric: fn.function.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: atLeastOne,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  alarms.push(
    new cloudwatch.Alarm(scope, 'DeadLetterMessages', {
      alarmDescription:
        'A scheduled invocation could not be delivered after its retries and is in the dead-letter queue.',
      metric: options.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: atLeastOne,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'GuardTripped', {
      alarmDescription:
        'The blast-radius guard held back the last sweep’s deletions: review the admin run summary, then fix the data or override once from the CLI.',
      metric: runMetric(ns, service, SWEEP_METRIC.guardTripped, { statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: atLeastOne,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }),
    new cloudwatch.Alarm(scope, 'InvalidRecords', {
      alarmDescription:
        'The last sweep found invalid credential records (never acted on): the admin run summary lists each id and what is wrong.',
      metric: runMetric(ns, service, SWEEP_METRIC.invalid, { statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: atLeastOne,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }),
    new cloudwatch.Alarm(scope, 'OldestPendingNoticeTooOld', {
      alarmDescription: `An owner notice has waited more than ${options.pendingNoticeMaxAge.toHumanString()} in the outbox: is SNS failing or the notifier not running?`,
      metric: runMetric(ns, service, NOTIFIER_METRIC.oldestPendingAge, {
        statistic: 'Maximum',
        period: Duration.minutes(15),
      }),
      threshold: options.pendingNoticeMaxAge.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }),
  );
  for (const alarm of alarms) alarm.addAlarmAction(options.action);
  return alarms;
}
