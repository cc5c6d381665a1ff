/**
 * The properties every failure-count alarm has in a synthesized template
 * (`failureCountAlarm`, lib/hygiene-alarms.ts): the metric's hourly sum ≥ 1,
 * one period, an hour without data not breaching, so it returns to OK and a
 * later failure notifies again (docs/deploy.md, "Operations: alarms and the
 * dashboard"). One shape for the tests that pin an alarm of that kind, which
 * add what is their own (description, actions).
 */
import { DEFAULT_METRICS_NAMESPACE } from '../../lambdas/handlers/metric-names';

/** The properties of a failure-count alarm on `metricName` of the default namespace and service. */
export function failureCountAlarmShape(metricName: string): Record<string, unknown> {
  return {
    MetricName: metricName,
    Namespace: DEFAULT_METRICS_NAMESPACE,
    Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
    Statistic: 'Sum',
    Period: 3600,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  };
}
