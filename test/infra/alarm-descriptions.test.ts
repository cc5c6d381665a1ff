/**
 * What an alarm's description tells the person it pages: `DirectoryUnusable` names every state in which a sweep
 * cannot use the owner directory (`directoryUnusable`, lambdas/hygiene/run-summary.ts: never imported, empty,
 * stale, ahead of the run's `now`, unreadable), so an on-call paged by an import ahead of the run is not sent to
 * re-import only; every description fits CloudWatch's limit, on both routes; and every runbook a description sends
 * its reader to (`docs/deploy.md, "Runbook: …"`) is a heading there, by its whole name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { synthApp } from './synth';

/** The description of the one alarm on `metricName`. */
function descriptionOf(template: ReturnType<typeof synthApp>['template'], metricName: string): string {
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
  );
  expect(alarms).toHaveLength(1);
  return alarms[0]?.Properties.AlarmDescription as string;
}

/**
 * Whether `heading` is the runbook `runbook` names: the runbook's whole name, alone or followed by what the headings
 * add to it (` (`, then the alarms it serves), so a truncated name ("Runbook: Relay gave") names none.
 */
function isRunbookHeading(heading: string, runbook: string): boolean {
  return heading === runbook || heading.startsWith(`${runbook} (`);
}

/** The runbooks named (`Runbook: …`, up to the closing quote) in `descriptions` that no heading is. */
function missingRunbooks(descriptions: Readonly<Record<string, unknown>>, headings: readonly string[]) {
  return Object.entries(descriptions)
    .flatMap(([id, description]) =>
      [...JSON.stringify(description).matchAll(/Runbook: [^"\\]+/g)].map(([runbook]) => ({ id, runbook })),
    )
    .filter(({ runbook }) => !headings.some((h) => isRunbookHeading(h, runbook)));
}

describe('alarm descriptions', () => {
  it('DirectoryUnusable names every unusable state, ahead among them', () => {
    const description = descriptionOf(synthApp().template, SWEEP_METRIC.directoryUnusable);
    // The list of states, in the opening sentence (what to do for each comes after it).
    const states = /could not use the owner directory \(([^)]*)\)/.exec(description)?.[1];
    expect(states?.split(/, (?:or )?/)).toEqual([
      'never imported',
      'empty',
      'stale',
      'ahead of the run’s now',
      'unreadable',
    ]);
  });

  it.each([
    ['sns-email', {}],
    ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
  ])('every alarm description on %s fits CloudWatch’s 1,024 characters', (_route, context) => {
    const alarms = Object.entries(synthApp(context).template.findResources('AWS::CloudWatch::Alarm'));
    const tooLong = alarms
      .map(([id, alarm]) => {
        const description: unknown = alarm.Properties.AlarmDescription;
        // A description with tokens (names resolved at deploy) is measured as its template text: a bound above.
        return [
          id,
          (typeof description === 'string' ? description : JSON.stringify(description)).length,
        ] as const;
      })
      .filter(([, length]) => length > 1024);
    expect(tooLong).toEqual([]);
  });

  it.each([
    ['sns-email', {}],
    ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
  ])('every runbook an alarm description on %s names is a heading of docs/deploy.md', (_route, context) => {
    const headings = readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('### Runbook: '))
      .map((line) => line.slice('### '.length));
    const descriptions = Object.fromEntries(
      Object.entries(synthApp(context).template.findResources('AWS::CloudWatch::Alarm')).map(
        ([id, alarm]) => [id, alarm.Properties.AlarmDescription],
      ),
    );
    const named = Object.values(descriptions).filter((d) => JSON.stringify(d).includes('Runbook: '));
    const missing = missingRunbooks(descriptions, headings);

    expect(named.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('a runbook name matches its whole heading only, not one it is the start of', () => {
    const headings = ['Runbook: Relay gave up (`EmailRelayGaveUp`, relay route)', 'Runbook: Alarm delivery'];
    const descriptions = {
      Whole: 'see docs/deploy.md, "Runbook: Relay gave up").',
      Bare: 'see docs/deploy.md, "Runbook: Alarm delivery".',
      Truncated: 'see docs/deploy.md, "Runbook: Relay gave").',
    };

    expect(missingRunbooks(descriptions, headings)).toEqual([
      { id: 'Truncated', runbook: 'Runbook: Relay gave' },
    ]);
  });
});
