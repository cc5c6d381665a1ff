/**
 * The worker's three functions (lib/credential-hygiene.ts): the sweep, the notifier and the subscription reconciler,
 * each a house function (`HygieneFunction`) built in the construct with the worker's service name, metrics
 * namespace, log retention and the variables every function receives, and sized from the props.
 */
import type { Construct } from 'constructs';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { type CredentialHygieneProps, PROP_DEFAULTS } from '../credential-hygiene-props';
import { HygieneFunction, type HygieneFunctionProps } from '../hygiene-function';
import type { HygieneParts } from './parts';
import { maxScheduleSkew } from './schedules';

/** What every worker function gets besides its own entry, description and sizing. */
type WorkerFunctionProps = Omit<HygieneFunctionProps, 'serviceName' | 'metricsNamespace' | 'logRetention'>;

/** The construct as its functions read it: the scope they are built in, its metric names and its quota. */
type WorkerScope = Construct & Pick<HygieneParts, 'serviceName' | 'metricsNamespace' | 'filterPolicyQuota'>;

/**
 * What the worker's functions are built from besides the construct: its props, and the variables every function
 * receives (the config, the table and the topic).
 */
export interface WorkerFunctionInputs {
  readonly props: CredentialHygieneProps;
  readonly commonEnvironment: Record<string, string>;
}

/** A house function with this worker's service name, namespace, log retention and common environment. */
function addWorkerFunction(
  hygiene: WorkerScope,
  inputs: WorkerFunctionInputs,
  id: string,
  props: WorkerFunctionProps,
): HygieneFunction {
  const { logRetention } = inputs.props;
  return new HygieneFunction(hygiene, id, {
    ...props,
    serviceName: hygiene.serviceName,
    metricsNamespace: hygiene.metricsNamespace,
    environment: { ...inputs.commonEnvironment, ...props.environment },
    ...(logRetention !== undefined && { logRetention }),
  });
}

/** The sweep (`Sweep`): one at a time, told the schedule skew it accepts. */
export function addSweepFunction(hygiene: WorkerScope, inputs: WorkerFunctionInputs): HygieneFunction {
  const { props } = inputs;
  return addWorkerFunction(hygiene, inputs, 'Sweep', {
    entry: 'lambdas/handlers/sweep.ts',
    description: 'Credential hygiene sweep: expiry notices, stale flags, soft-deletes',
    environment: { [HANDLER_ENV.maxScheduleSkewSeconds]: String(maxScheduleSkew(props).toSeconds()) },
    memorySize: props.sweepMemorySize ?? 1024,
    timeout: props.sweepTimeout ?? PROP_DEFAULTS.sweepTimeout,
    // One sweep at a time: a duplicate delivery waits instead of racing the first.
    reservedConcurrentExecutions: 1,
  });
}

/** The notifier (`Notifier`): drains the outbox into owner digests. */
export function addNotifierFunction(hygiene: WorkerScope, inputs: WorkerFunctionInputs): HygieneFunction {
  const { props } = inputs;
  return addWorkerFunction(hygiene, inputs, 'Notifier', {
    entry: 'lambdas/handlers/notifier.ts',
    description: 'Credential hygiene notifier: drains the outbox into owner digests on SNS',
    memorySize: props.notifierMemorySize ?? 512,
    timeout: props.notifierTimeout ?? PROP_DEFAULTS.notifierTimeout,
  });
}

/** The subscription reconciler (`Reconciler`), told the filter-policy quota when one is given. */
export function addReconcilerFunction(hygiene: WorkerScope, inputs: WorkerFunctionInputs): HygieneFunction {
  const { props } = inputs;
  const quota = hygiene.filterPolicyQuota;
  return addWorkerFunction(hygiene, inputs, 'Reconciler', {
    entry: 'lambdas/handlers/reconciler.ts',
    description:
      'Credential hygiene subscription reconciler: owner email subscriptions follow the owner directory',
    memorySize: 512,
    // The reconciler heartbeat's window is worked out with this timeout (lib/credential-hygiene-props.ts).
    timeout: props.reconcilerTimeout ?? PROP_DEFAULTS.reconcilerTimeout,
    ...(quota !== undefined && { environment: { [HANDLER_ENV.filterPolicyQuota]: String(quota) } }),
  });
}
