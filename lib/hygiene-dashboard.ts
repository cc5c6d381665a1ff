/**
 * The CloudWatch dashboard of a `CredentialHygiene` worker: what the sweeps
 * did, what the notifier delivered, whether owner notices reach their owners,
 * how the owner and admin subscriptions stand (the alarm topic's too, when
 * there is one), and whether anything is failing. Every
 * alarm's metric is on it (lib/hygiene-alarms.ts, lib/owner-email-relay.ts),
 * with the alarm's statistic and period (built by the alarms' own builders and
 * `RUN_WATCH`), so an operator sent by an alarm finds the datapoints it fired on.
 * Those periods differ (5 and 15 minutes, an hour, a day), and counts summed
 * over different periods cannot share a scale: every line of a graph's axis has
 * the same period, a graph with two periods draws the other on its right axis,
 * and there each line's label says its period ("per hour", "largest in a day").
 * Each graph keeps those periods whatever the time range shown (period override
 * `inherit`: CloudWatch's default, `auto`, redraws every graph at one period
 * chosen from the range, and an alarm's threshold no longer reads on it). The
 * sweep's daily lines are sums over a day, not one run's figures: every run of
 * the day adds up (a faster `sweepSchedule`, an operator's CLI sweep, a retry).
 * A label names an alarm ("0: NoAdminSubscription") only when that alarm is
 * built: not with `alarms: false`, nor a heartbeat its schedule leaves out.
 *
 * Here: {@link addHygieneDashboard}, which adds the rows top to bottom, and the options it takes, re-exported from
 * their parts in `hygiene-dashboard/` so their importers need not know them: the options (`options.ts`), what every
 * row draws with: run metrics, alarm notes, graphs (`graph.ts`), the header (`header.ts`), the sweeps' rows
 * (`sweep.ts`), the delivery row (`delivery.ts`) and its errors and dead letters (`errors.ts`), the owner reach row
 * (`reach.ts`) and its owner email graphs (`owner-email.ts`), and the subscription reconciler's row
 * (`subscriptions.ts`).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { runMetric } from './hygiene-alarms';
import { deliveryWidgets } from './hygiene-dashboard/delivery';
import type { AlarmNote, RunMetric } from './hygiene-dashboard/graph';
import { headerWidget } from './hygiene-dashboard/header';
import type { HygieneDashboardOptions } from './hygiene-dashboard/options';
import { reachWidgets } from './hygiene-dashboard/reach';
import { subscriptionWidgets } from './hygiene-dashboard/subscriptions';
import { sweepHealthWidgets, transitionWidgets } from './hygiene-dashboard/sweep';

export type { DashboardRelay, HygieneDashboardOptions } from './hygiene-dashboard/options';

/**
 * Creates the dashboard: one row per question an operator asks, top to bottom. Build it after the alarms, in their
 * scope (`addHygieneAlarms`): a label names an alarm only when it finds it there.
 */
export function addHygieneDashboard(
  scope: Construct,
  options: HygieneDashboardOptions,
): cloudwatch.Dashboard {
  const { metricsNamespace: ns, serviceName: service } = options;
  const m: RunMetric = (name, extra = {}) =>
    runMetric(ns, service, name, { period: Duration.days(1), ...extra });
  const note: AlarmNote = (id, when) =>
    scope.node.tryFindChild(id) instanceof cloudwatch.Alarm ? [`${when}: ${id}`] : [];
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.days(14),
    // Each graph keeps its metrics' periods, the alarms' own, whatever the time range (`auto` would not).
    periodOverride: cloudwatch.PeriodOverride.INHERIT,
  });
  dashboard.addWidgets(headerWidget());
  dashboard.addWidgets(...transitionWidgets(m));
  dashboard.addWidgets(...sweepHealthWidgets(m));
  dashboard.addWidgets(...deliveryWidgets(m, note, options));
  dashboard.addWidgets(...reachWidgets(m, options.relay));
  if (options.reconciler !== undefined) {
    dashboard.addWidgets(...subscriptionWidgets(m, note, options.reconciler, options.sweepCountsAlarmTopic));
  }
  return dashboard;
}
