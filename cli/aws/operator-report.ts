/**
 * What an operator's `sweep` against a deployed stack tells the deployment, as
 * the scheduled sweep does: the admin run summary on the topic
 * (`audience=admin`, marked as an operator run with the caller's identity
 * from STS) and the same run metrics (CloudWatch `PutMetricData`, the
 * sweep's namespace and `service` dimension), so an override by hand is seen
 * by the security team and on the dashboard (docs/sweep.md, "Operator runs").
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { type MetricValue, sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { chunks } from '../../lambdas/hygiene/chunks';
import { errorText } from '../../lambdas/hygiene/errors';
import type { FailedEntry } from '../../lambdas/hygiene/outbox-ports';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { type OperatorOrigin, publishAdminReport } from '../../lambdas/render/admin-report';
import { fetchCallerArn } from './caller-identity';
import type { Deployment } from './deployment-lookup';
import { isNotAuthorized } from './refusal-codes';
import { topicRefusalAdvice } from './topic-refusal';

/** The clients an operator report calls (tests pass clients mocked with `aws-sdk-client-mock`). */
export interface OperatorReportClients {
  readonly sts: STSClient;
  readonly cloudWatch: CloudWatchClient;
  readonly sns: SNSClient;
}

/** Builds the STS and CloudWatch clients for a region and profile (SNS is built for the topic's region). */
export function createOperatorClients(options: { readonly region?: string; readonly profile?: string }): {
  sts: STSClient;
  cloudWatch: CloudWatchClient;
} {
  const config = {
    ...(options.region !== undefined && { region: options.region }),
    ...(options.profile !== undefined && { profile: options.profile }),
  };
  return { sts: new STSClient(config), cloudWatch: new CloudWatchClient(config) };
}

/** The caller's ARN; a failed lookup is said in its place (the report still goes out). */
async function callerArn(sts: STSClient): Promise<string> {
  try {
    return (await fetchCallerArn(sts)) ?? 'an unknown caller (GetCallerIdentity returned no ARN)';
  } catch (error: unknown) {
    return `an unknown caller (GetCallerIdentity failed: ${errorText(error)})`;
  }
}

/** CloudWatch accepts at most this many values per `PutMetricData`. */
const METRICS_PER_REQUEST = 1000;

/** Sends metric values under the deployment's namespace and `service` dimension. */
async function putMetrics(
  client: CloudWatchClient,
  target: Deployment['metrics'],
  values: readonly MetricValue[],
  timestamp: Date,
): Promise<void> {
  const dimensions = target.service !== undefined ? [{ Name: 'service', Value: target.service }] : [];
  for (const batch of chunks(values, METRICS_PER_REQUEST)) {
    await client.send(
      new PutMetricDataCommand({
        Namespace: target.namespace,
        MetricData: batch.map((v) => ({
          MetricName: v.name,
          Unit: v.unit,
          Value: v.value,
          Timestamp: timestamp,
          Dimensions: dimensions,
        })),
      }),
    );
  }
}

/** What {@link reportOperatorSweep} did. */
export interface OperatorReportOutcome {
  readonly origin: OperatorOrigin;
  readonly published: boolean;
  readonly publishFailure?: FailedEntry;
  /** Set when the metrics could not be sent (the run's writes stand; the summary was printed). */
  readonly metricsFailure?: string;
}

/**
 * Publishes the admin run summary (marked as the operator's run) and puts the
 * run metrics. Never throws: the run's writes are committed, so a failed
 * report is returned for the command to say, not a failed run.
 * @param knownCallerArn the caller ARN the command already had from STS (its
 *   run manifest records it): STS is asked only without one
 */
export async function reportOperatorSweep(
  deployment: Deployment,
  summary: RunSummary,
  clients: OperatorReportClients,
  tool: string,
  knownCallerArn?: string,
): Promise<OperatorReportOutcome> {
  const by = knownCallerArn ?? (await callerArn(clients.sts));
  const origin: OperatorOrigin = { kind: 'operator', by, tool };
  const admin = await publishAdminReport(new SnsPublisher(clients.sns, deployment.topicArn), summary, {
    origin,
    stackName: deployment.stackName,
    // The Region the stack was found in: its commands find it there only.
    region: deployment.region,
  });
  const values: MetricValue[] = [
    ...sweepMetricValues(summary),
    { name: SWEEP_METRIC.adminSummaryFailed, unit: 'Count', value: admin.published ? 0 : 1 },
  ];
  let metricsFailure: string | undefined;
  try {
    // Stamped now, not at the run's start: a long CLI run's AdminSummaryPublishFailed must fall in its alarm's last
    // hour (one period; missing data not breaching), or the alarm would never see it.
    await putMetrics(clients.cloudWatch, deployment.metrics, values, new Date());
  } catch (error: unknown) {
    metricsFailure = errorText(error);
  }
  return {
    origin,
    published: admin.published,
    ...(admin.failure !== undefined && { publishFailure: admin.failure }),
    ...(metricsFailure !== undefined && { metricsFailure }),
  };
}

/**
 * What the operator is told when the admin run summary was not published:
 * the run's writes are made, the admins were not told of them, and what to
 * do — for a refused publish, add the caller's role to the stack's
 * `operatorPrincipalArns` ({@link topicRefusalAdvice}; docs/deploy.md,
 * "Operating a deployment from the CLI"). One line (the command writes it as
 * terminal text, and exits 1).
 */
export function unpublishedSummaryText(
  deployment: Deployment,
  summary: RunSummary,
  outcome: OperatorReportOutcome,
): string {
  const failure = outcome.publishFailure;
  const cause = failure === undefined ? 'no reason given' : `${failure.code}: ${failure.message}`;
  const parts = [
    `admin run summary NOT published to ${deployment.topicArn} (${cause}): the run's writes are made ` +
      `(run ${summary.runId}: ${summary.deletions.applied} credential(s) deleted) but the admins were NOT told`,
  ];
  if (failure !== undefined && isNotAuthorized(failure.code)) {
    parts.push(topicRefusalAdvice('publish', outcome.origin.by, 'stack'));
  }
  parts.push(
    outcome.metricsFailure === undefined
      ? `${SWEEP_METRIC.adminSummaryFailed} = 1 was sent (its alarm notifies the alarm topic, unless another summary ` +
          'not published within the hour has it in alarm already, or the stack has no alarms); send the admins the ' +
          'summary printed above'
      : `the run metrics were not sent either, so no ${SWEEP_METRIC.adminSummaryFailed} alarm fires: send the admins the summary printed above`,
  );
  return parts.join('; ');
}
