/**
 * What names a worker's run metrics: the CloudWatch namespace and the `service` dimension. Every alarm and dashboard
 * widget filters on exactly these two, so two workers that share them in one account and region share every run
 * metric (one's heartbeat stays quiet while the other sweeps, each alarms on the other's runs). This module checks
 * the two names against CloudWatch's rules and refuses a second worker of the app with the same pair.
 */
import { Token } from 'aws-cdk-lib';
import { DEFAULT_METRICS_NAMESPACE } from '../lambdas/handlers/metric-names';

/** The `service` dimension (and log field) when `serviceName` is left out. */
const DEFAULT_SERVICE_NAME = 'personal-client-hygiene';

/** One worker's metric names and where it runs. */
export interface MetricIdentity {
  /** The construct path, for the error. */
  readonly path: string;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /** The stack's account and region (tokens when the stack is environment-agnostic). */
  readonly account: string;
  readonly region: string;
}

/** A worker's two metric names: its run metrics' namespace and `service` dimension. */
export type MetricNames = Pick<MetricIdentity, 'metricsNamespace' | 'serviceName'>;

/** The metric names of a worker that sets neither (the construct's defaults). */
export const DEFAULT_METRIC_NAMES: MetricNames = {
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  serviceName: DEFAULT_SERVICE_NAME,
};

/** CloudWatch's namespace characters: letters, digits, `.`, `-`, `_`, `/`, `#`, `:` and space. */
const NAMESPACE = /^[0-9A-Za-z._\-/#: ]{1,255}$/;
/** A dimension value: printable ASCII (no control characters), 1 to 255 (an alarm's dimension value limit). */
const DIMENSION_VALUE = /^[\x20-\x7e]{1,255}$/;

/** Problems of the two names, when given (a token is left to CloudWatch). */
export function metricNameProblems(metricsNamespace?: string, serviceName?: string): string[] {
  const problems: string[] = [];
  if (metricsNamespace !== undefined && !Token.isUnresolved(metricsNamespace)) {
    const valid =
      NAMESPACE.test(metricsNamespace) &&
      metricsNamespace.trim() !== '' &&
      !metricsNamespace.startsWith(':') &&
      !metricsNamespace.startsWith('AWS/');
    if (!valid) {
      problems.push(
        `metricsNamespace = ${JSON.stringify(metricsNamespace)}: must be a CloudWatch namespace: 1 to 255 of A-Z a-z 0-9 . - _ / # : and space, not only spaces, not starting with ":" or "AWS/" (reserved for AWS services)`,
      );
    }
  }
  if (serviceName !== undefined && !Token.isUnresolved(serviceName)) {
    if (!DIMENSION_VALUE.test(serviceName) || serviceName.trim() === '') {
      problems.push(
        `serviceName = ${JSON.stringify(serviceName)}: must be a CloudWatch dimension value (the run metrics' service dimension): 1 to 255 printable ASCII characters, not only spaces`,
      );
    }
  }
  return problems;
}

/**
 * A problem for each other worker of the app that would share this one's run metrics: the same namespace and
 * service name, in an account and region not known to differ.
 */
export function metricClashProblems(self: MetricIdentity, others: readonly MetricIdentity[]): string[] {
  return others
    .filter(
      (other) =>
        other.metricsNamespace === self.metricsNamespace &&
        other.serviceName === self.serviceName &&
        mayShareEnvironment(other, self),
    )
    .map(
      (other) =>
        `metricsNamespace ${JSON.stringify(self.metricsNamespace)} and serviceName ${JSON.stringify(self.serviceName)} are also those of ${other.path}: the two workers would share every run metric (one's heartbeat stays quiet while the other sweeps, each alarms on the other's runs): give ${self.path} its own serviceName (or metricsNamespace)`,
    );
}

/** Whether two environment values (account, region) are both known at synth and differ. */
export function knownToDiffer(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}

/**
 * Whether two places (stacks, workers) may be in the same account and region: not when either the accounts or the
 * regions are known at synth and differ.
 */
export function mayShareEnvironment(
  a: { readonly account: string; readonly region: string },
  b: { readonly account: string; readonly region: string },
): boolean {
  return !knownToDiffer(a.account, b.account) && !knownToDiffer(a.region, b.region);
}
