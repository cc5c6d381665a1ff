/**
 * The one validation at the top of the `CredentialHygiene` constructor: every check of this folder run in the order
 * the props are documented, every problem collected into one readable error.
 */
import { Duration } from 'aws-cdk-lib';
import { configToEnvironment } from '../../lambdas/handlers/environment';
import { broughtTableTtlProblems } from '../brought-table-schema';
import { environmentBudgetProblems } from '../environment-budget';
import { addressProblems } from './addresses';
import { heartbeatFindings, scheduleProblems } from './heartbeats';
import { configOf, lookaheadOf } from './hygiene-config';
import { metricNamesOf, metricProblems } from './metrics';
import type { CredentialHygieneProps } from './props';
import { rangeProblems } from './ranges';
import { resourceProblems } from './resources';
import type { PropsSurroundings, ValidatedProps } from './results';

/** The props given to `CredentialHygiene` are inconsistent or out of range. */
export class CredentialHygienePropsError extends Error {
  override readonly name = 'CredentialHygienePropsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid CredentialHygiene props: ${problems.join('; ')}`);
  }
}

/**
 * One check at the top: every problem in one readable error, in the order
 * the props are documented.
 * @throws {CredentialHygienePropsError} listing every problem
 */
export function validateProps(
  props: CredentialHygieneProps,
  surroundings: PropsSurroundings,
): ValidatedProps {
  const problems: string[] = [...resourceProblems(props)];
  const refusedSchedules = scheduleProblems(props);
  const lookahead = lookaheadOf(configOf(props, problems), props);
  const config = lookahead?.config;
  // A refused schedule has no gap to check a window against.
  const heartbeats = refusedSchedules.length === 0 ? heartbeatFindings(props) : undefined;
  problems.push(
    ...refusedSchedules,
    ...(lookahead?.problem === undefined ? [] : [lookahead.problem]),
    ...addressProblems(props, surroundings.self.account),
    ...rangeProblems(props),
    ...[heartbeats?.sweep, heartbeats?.notifier, heartbeats?.reconciler].flatMap((f) => f?.problem ?? []),
    ...metricProblems(props, surroundings),
  );
  if (config !== undefined) {
    problems.push(
      ...environmentBudgetProblems(config, metricNamesOf(props)),
      ...broughtTableTtlProblems('table', props.table, config.purgeAfterDays),
    );
  }
  const environment = config === undefined ? {} : configToEnvironment(config);
  if (problems.length > 0 || config === undefined) throw new CredentialHygienePropsError(problems);
  const lookaheadWarning = lookahead?.warning;
  const validated = { config, environment, ...(lookaheadWarning !== undefined && { lookaheadWarning }) };
  if (heartbeats === undefined) return { ...validated, heartbeatWarnings: [] };
  const { sweep, notifier, reconciler } = heartbeats;
  return {
    ...validated,
    alarmWindows: {
      ...(sweep.alarmed && { heartbeatWindow: Duration.hours(sweep.windowHours) }),
      ...(notifier.alarmed && { notifierHeartbeatWindow: Duration.hours(notifier.windowHours) }),
      ...(reconciler.alarmed && { reconcilerHeartbeatWindow: Duration.hours(reconciler.windowHours) }),
      pendingNoticeMaxAge: Duration.hours(notifier.windowHours),
    },
    heartbeatWarnings: [sweep, notifier, reconciler].flatMap((f) => f.warning ?? []),
  };
}
