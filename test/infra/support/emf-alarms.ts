/**
 * The alarms of a synthesized template against the metrics the bundled runs
 * really emit, for the artifact test (test/infra/deployable.test.ts): the EMF
 * lines a run printed, the template's alarms on a custom metric, and what is
 * wrong between the two (an alarm on a metric no run emits, or emitted with
 * other dimensions, would watch nothing).
 */
import type { SynthTemplate } from './bundled-functions';

/** One EMF line a handler printed: its `_aws` metadata and its root fields (dimension and metric values). */
export interface EmfBlob {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string }[];
    }[];
  };
  readonly [field: string]: unknown;
}

/** The EMF lines of a run's stdout. */
export function emfOf(stdout: string): EmfBlob[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as EmfBlob);
}

/** A custom-metric alarm of the template: what it watches. */
export interface WatchedMetric {
  readonly alarm: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Every alarm of the template on a metric of the handlers (a namespace not `AWS/…`). */
export function runAlarmsOf(template: SynthTemplate): WatchedMetric[] {
  return Object.entries(template.Resources).flatMap(([alarm, resource]) => {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') return [];
    const p = resource.Properties as {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: { Name: string; Value: unknown }[];
    };
    if (p.Namespace === undefined || p.Namespace.startsWith('AWS/')) return [];
    const dimensions = Object.fromEntries((p.Dimensions ?? []).map((d) => [d.Name, String(d.Value)]));
    return [{ alarm, namespace: p.Namespace, metricName: p.MetricName ?? '', dimensions }];
  });
}

/**
 * What is wrong between an alarm and the EMF the bundled runs printed: no run
 * emits its metric in its namespace, or an emission of it carries no
 * dimension set equal to the alarm's (names and values: CloudWatch files each
 * set as its own metric, so the alarm would watch nothing).
 */
export function emfProblems(watched: WatchedMetric, blobs: readonly EmfBlob[]): string[] {
  const same = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const emissions = blobs.flatMap((blob) =>
    blob._aws.CloudWatchMetrics.filter(
      (d) => d.Namespace === watched.namespace && d.Metrics.some((m) => m.Name === watched.metricName),
    ).map((d) => d.Dimensions.map((set) => Object.fromEntries(set.map((name) => [name, blob[name]])))),
  );
  const where = `${watched.alarm} (${watched.namespace} ${watched.metricName} ${JSON.stringify(watched.dimensions)})`;
  if (emissions.length === 0) return [`${where}: no bundled run emits it`];
  return emissions
    .filter((sets) => !sets.some((set) => same(set, watched.dimensions)))
    .map((sets) => `${where}: emitted with the dimension sets ${JSON.stringify(sets)}`);
}
