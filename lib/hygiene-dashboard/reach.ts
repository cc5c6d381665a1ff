/**
 * The owner reach row of the dashboard (lib/hygiene-dashboard.ts): unreachable owners, the owner directory and
 * misaddressed events, and on `relay` the owner email's two graphs (./owner-email.ts).
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { NOTIFIER_METRIC, RELAY_METRIC, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { RUN_WATCH } from '../hygiene-alarms';
import { graph, type RunMetric } from './graph';
import type { DashboardRelay } from './options';
import { ownerEmailWidgets } from './owner-email';

/**
 * Whether owner notices reach a person: unreachable owners, the owner directory and, on `relay`, the owner email
 * (bounces, the relay queue's oldest digest, the relay's failed records). One row: halves, or quarters with the relay's two.
 */
export function reachWidgets(m: RunMetric, relay: DashboardRelay | undefined): cloudwatch.IWidget[] {
  const { perHour, lastRun, largestInAnHour } = RUN_WATCH;
  const width = relay === undefined ? 12 : 6;
  return [
    graph(
      'Unreachable owners',
      [
        m(NOTIFIER_METRIC.unreachableOwners, {
          ...perHour,
          label: 'found unreachable by drains (per hour)',
        }),
        ...(relay === undefined
          ? []
          : [
              m(RELAY_METRIC.unreportedUnreachable, {
                ...perHour,
                label: 'not emailed by the relay and not reported (retried, then the relay DLQ; per hour)',
              }),
            ]),
      ],
      {
        width,
        right: [
          m(SWEEP_METRIC.unreachableOwners, {
            ...lastRun,
            label: 'forecast by each sweep (largest in 5 min)',
          }),
        ],
      },
    ),
    graph(
      'Owner directory and misaddressed events',
      [
        m(NOTIFIER_METRIC.reachUnverified, {
          ...largestInAnHour,
          label: 'reach unverified (largest in an hour)',
        }),
        m(NOTIFIER_METRIC.mismatchedEvents, {
          ...perHour,
          label: 'events addressed to another owner (per hour)',
        }),
      ],
      {
        width,
        right: [
          m(SWEEP_METRIC.directoryUnusable, {
            ...lastRun,
            label: 'directory unusable (1 = yes; each sweep’s, largest in 5 min)',
          }),
        ],
      },
    ),
    ...(relay === undefined ? [] : ownerEmailWidgets(m, relay, width)),
  ];
}
