/**
 * The metric names of the props (`metricsNamespace`, `serviceName`): the ones the construct uses, and their checks
 * against CloudWatch's rules and the app's other workers (lib/metric-identity.ts).
 */
import {
  DEFAULT_METRIC_NAMES,
  type MetricNames,
  metricClashProblems,
  metricNameProblems,
} from '../metric-identity';
import type { CredentialHygieneProps } from './props';
import type { PropsSurroundings } from './results';

/** The namespace and service name the construct uses (given, or the defaults). */
export function metricNamesOf(props: CredentialHygieneProps): MetricNames {
  return {
    metricsNamespace: props.metricsNamespace ?? DEFAULT_METRIC_NAMES.metricsNamespace,
    serviceName: props.serviceName ?? DEFAULT_METRIC_NAMES.serviceName,
  };
}

/** The metric names against CloudWatch's rules, and against the app's other workers. */
export function metricProblems(props: CredentialHygieneProps, surroundings: PropsSurroundings): string[] {
  const problems = metricNameProblems(props.metricsNamespace, props.serviceName);
  if (problems.length > 0) return problems;
  return metricClashProblems({ ...surroundings.self, ...metricNamesOf(props) }, surroundings.others);
}
