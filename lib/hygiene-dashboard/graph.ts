/**
 * What every row of the dashboard draws with (lib/hygiene-dashboard.ts): a run metric of this worker, the note that
 * names an alarm only when it is built, a label's notes, and a graph whose axes each keep one period.
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** A run metric of this worker, daily unless told otherwise (an alarm's: as it watches it, `RUN_WATCH`). */
export type RunMetric = (
  name: string,
  extra?: { statistic?: string; period?: Duration; label?: string },
) => cloudwatch.Metric;

/**
 * `["<when>: <id>"]` when the alarm `id` is built in the dashboard's scope (lib/credential-hygiene.ts builds the
 * alarms before the dashboard), else `[]`: with `alarms: false`, or a heartbeat its schedule leaves out
 * (lib/heartbeat-windows.ts), no label names an alarm that is not there.
 */
export type AlarmNote = (id: string, when: string) => string[];

/** `text`, then its `notes` in parentheses, `; `-separated: "admin subscriptions (each run’s, fewest in 5 min; 0: NoAdminSubscription)". */
export function withNotes(text: string, ...notes: string[]): string {
  return notes.length === 0 ? text : `${text} (${notes.join('; ')})`;
}

/**
 * A graph of `left` (and `right`) metrics, a third of a row wide unless `width` says otherwise. Every line of an axis
 * has the same period (test/infra/dashboard.test.ts): a line of another period goes on the other axis.
 */
export function graph(
  title: string,
  left: cloudwatch.IMetric[],
  options: Pick<cloudwatch.GraphWidgetProps, 'right' | 'stacked' | 'width'> = {},
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, ...options });
}
