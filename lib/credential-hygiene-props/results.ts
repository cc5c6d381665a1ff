/**
 * What the validation takes besides the props (where the construct is, the app's other workers) and what it gives
 * the constructor (the parsed config, the alarms' windows, the warnings to raise).
 */
import type { Duration } from 'aws-cdk-lib';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import type { HeartbeatWarning } from '../heartbeat-windows';
import type { MetricIdentity } from '../metric-identity';

/** The windows the alarms are built with, from the props and the schedules (lib/heartbeat-windows.ts). */
export interface AlarmWindows {
  /** `SweepHeartbeat`'s window; undefined: left out (the sweep's gaps are longer than an alarm can watch). */
  readonly heartbeatWindow?: Duration;
  /** `NotifierHeartbeat`'s window (`pendingNoticeMaxAge`); undefined: left out, as above. */
  readonly notifierHeartbeatWindow?: Duration;
  /** `ReconcilerHeartbeat`'s window; undefined: left out, as above. */
  readonly reconcilerHeartbeatWindow?: Duration;
  /** How long a notice may wait: `OldestPendingNoticeTooOld`'s threshold (given, or derived from the schedule). */
  readonly pendingNoticeMaxAge: Duration;
}

/** The validated props the constructor builds from. */
export interface ValidatedProps {
  /** The hygiene configuration, parsed by the shared schema. */
  readonly config: HygieneConfig;
  /** The configuration as the functions' `HYGIENE_*` environment variables. */
  readonly environment: Record<string, string>;
  /** The alarms' windows; undefined when `alarms` is false (nothing is checked then). */
  readonly alarmWindows?: AlarmWindows;
  /** What the synth could not check, or left out, of the heartbeats: the constructor warns. */
  readonly heartbeatWarnings: readonly HeartbeatWarning[];
  /** Why `expiryNoticeLookaheadHours` is not derived from the sweep schedule (lib/expiry-notice-lookahead.ts): the constructor warns. */
  readonly lookaheadWarning?: string;
}

/** Where the construct is, and the app's other workers, for what the props alone cannot tell. */
export interface PropsSurroundings {
  /** This construct's path, and its stack's account and region. */
  readonly self: Pick<MetricIdentity, 'path' | 'account' | 'region'>;
  /** Every other `CredentialHygiene` of the app. */
  readonly others: readonly MetricIdentity[];
}
