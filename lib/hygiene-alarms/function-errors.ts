/**
 * The worker functions' `<Function>Errors` alarms (one per function: it failed) and the metric they watch, which
 * the dashboard and the relay's function alarms read too.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { HygieneFunction } from '../hygiene-function';
import { alarmTableRow } from './descriptions';
import { atLeast } from './run-metrics';

/**
 * Where a function's `<Function>Errors` alarm sends its reader: the sweep's runbook, else its alarm table row
 * ({@link alarmTableRow}).
 */
const FUNCTION_ERRORS_SECTION: Readonly<Record<string, string>> = {
  Sweep: 'docs/deploy.md, "Runbook: Sweep errors"',
};

/** One per function: it failed (its log group has the error). */
export function functionErrorAlarms(
  scope: Construct,
  functions: readonly HygieneFunction[],
): cloudwatch.Alarm[] {
  return functions.map(
    (fn) =>
      new cloudwatch.Alarm(scope, `${fn.node.id}Errors`, {
        alarmDescription: `The ${fn.node.id.toLowerCase()} function failed: its log group has the error. See ${
          FUNCTION_ERRORS_SECTION[fn.node.id] ?? alarmTableRow(`${fn.node.id}Errors`)
        }.`,
        metric: functionErrors(fn),
        ...atLeast(1),
      }),
  );
}

/** A function's errors, summed over 15 minutes: what its `<Function>Errors` alarm watches, and the dashboard shows. */
export function functionErrors(fn: HygieneFunction, label?: string): cloudwatch.Metric {
  return fn.function.metricErrors({
    period: Duration.minutes(15),
    statistic: 'Sum',
    ...(label !== undefined && { label }),
  });
}
