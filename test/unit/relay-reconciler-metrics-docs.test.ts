/**
 * docs/notifications.md lists the metrics of the SES events function ("Email relay": the `Metrics:` list) and of the
 * subscription reconciler ("Subscription reconciler": `Metrics (namespace as the other handlers):`): each list names
 * every metric its handler emits (`SES_EVENTS_METRIC`, `RECONCILER_METRIC`, lambdas/handlers/metric-names.ts), so a
 * metric added to a handler cannot stay undocumented, as test/unit/notifier-metrics-docs.test.ts does for the notifier.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECONCILER_METRIC, SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';

const NOTIFICATIONS = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');

/** The text of docs/notifications.md from `start` up to `end` (both found after it). */
function section(start: string, end: string): string {
  const from = NOTIFICATIONS.indexOf(start);
  expect(from).toBeGreaterThan(0);
  const to = NOTIFICATIONS.indexOf(end, from + start.length);
  expect(to).toBeGreaterThan(from);
  return NOTIFICATIONS.slice(from, to);
}

/** The metric names of `metrics` the text does not name in backquotes. */
function unnamed(metrics: Readonly<Record<string, string>>, text: string): string[] {
  return Object.values(metrics).filter((name) => !text.includes(`\`${name}\``));
}

describe('docs/notifications.md on the relay’s and the reconciler’s metrics', () => {
  it('names every metric of the SES events function in the relay’s metrics list', () => {
    expect(unnamed(SES_EVENTS_METRIC, section('Metrics: `EmailBounces`', '**Upgrading:**'))).toEqual([]);
  });

  it('names every metric of the subscription reconciler in its metrics list', () => {
    expect(unnamed(RECONCILER_METRIC, section('Metrics (namespace as the other handlers):', '\n\n'))).toEqual(
      [],
    );
  });

  it('reports a metric the list leaves out', () => {
    expect(unnamed({ a: 'Listed', b: 'Missing' }, 'Metrics: `Listed`.')).toEqual(['Missing']);
  });
});
