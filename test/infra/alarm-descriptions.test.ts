/**
 * What an alarm's description tells the person it pages (the text of the alarm email): `DirectoryUnusable` names
 * every state in which a sweep cannot use the owner directory (`directoryUnusable`, lambdas/hygiene/run-summary.ts:
 * never imported, empty, stale, ahead of the run's `now`, unreadable), so an on-call paged by an import ahead of the
 * run is not sent to re-import only; every description fits CloudWatch's limit, on both routes; and every alarm of
 * both routes sends its reader to a section of the docs that exists (`docs/….md, "Section"`, a heading there by its
 * whole name): the runbook docs/deploy.md writes for it (a `### Runbook: … (`Alarm`, …)` heading naming it), or
 * for an alarm without one, the section that says what to do (docs/deploy.md, "Operations: alarms and the
 * dashboard", or the doc of the rule the alarm is about). `OldestPendingNoticeTooOld`, which a malformed outbox entry keeps
 * in alarm for good, names where the notifier names that entry's credential (its drain log line's
 * `summary.malformedItems`), and `GuardTripped`'s `guard approve` says it needs `--enforce` in audit (the CLI refuses
 * it there without).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import type { NotifierSummary } from '../../lambdas/hygiene/notifier';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { stackAlarms } from './support/stack-alarms';
import { synthApp } from './synth';

const ROUTES = [
  ['sns-email', {}],
  ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
] as const;

/** An alarm of a synthesized stack: its construct id, whether the relay owns it, and its description's text. */
interface SynthesizedAlarm {
  readonly route: string;
  readonly id: string;
  readonly relay: boolean;
  readonly description: string;
}

/** A doc section a description cites: `docs/<doc>, "<section>"`. */
interface Citation {
  readonly doc: string;
  readonly section: string;
}

/** The summary field naming the items with malformed outbox entries (a renamed field fails the type check here). */
const MALFORMED_ITEMS_FIELD: keyof NotifierSummary = 'malformedItems';

/** The description of the one alarm on `metricName`. */
function descriptionOf(template: ReturnType<typeof synthApp>['template'], metricName: string): string {
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
  );
  expect(alarms).toHaveLength(1);
  return alarms[0]?.Properties.AlarmDescription as string;
}

/** Every alarm of the app synthesized with `context`, with its description as the template has it. */
function alarmsOf(route: string, context: Record<string, unknown>): SynthesizedAlarm[] {
  const { stack, template } = synthApp(context);
  return stackAlarms(stack, template).map(({ id, relay, properties }) => {
    const description: unknown = properties.AlarmDescription;
    return {
      route,
      id,
      relay,
      // A description with tokens (names resolved at deploy) is read as its template text.
      description:
        typeof description === 'string' ? description : JSON.stringify(description).replaceAll('\\"', '"'),
    };
  });
}

/** The doc sections `description` cites (`docs/deploy.md, "Runbook: Heartbeat"`), in order. */
function citationsIn(description: string): Citation[] {
  return [...description.matchAll(/docs\/([\w-]+\.md), "([^"]+)"/g)].map(([, doc, section]) => ({
    doc: doc!,
    section: section!,
  }));
}

/** The headings of a markdown text (any level, without the `#`s), fenced code blocks left out. */
function headingsOf(markdown: string): string[] {
  let fenced = false;
  const headings: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (!fenced && heading) headings.push(heading[1]!.trim());
  }
  return headings;
}

/** The headings of `docs/<doc>`. */
function docHeadings(doc: string): string[] {
  return headingsOf(readFileSync(join(PROJECT_ROOT, 'docs', doc), 'utf8'));
}

/**
 * Whether `heading` is the section `section` names: its whole name, alone or followed by what the headings add to
 * it (` (`, then e.g. the alarms a runbook serves), so a truncated name ("Runbook: Relay gave") names none.
 */
function isSectionHeading(heading: string, section: string): boolean {
  return heading === section || heading.startsWith(`${section} (`);
}

/** The alarms that cite no doc section, and each citation of a section its doc has no heading for. */
function uncitedAndMissing(alarms: readonly SynthesizedAlarm[], headingsOfDoc: (doc: string) => string[]) {
  const uncited = alarms.filter((alarm) => citationsIn(alarm.description).length === 0).map(nameOf);
  const missing = alarms.flatMap((alarm) =>
    citationsIn(alarm.description)
      .filter(({ doc, section }) => !headingsOfDoc(doc).some((h) => isSectionHeading(h, section)))
      .map(({ doc, section }) => `${nameOf(alarm)}: docs/${doc}, "${section}"`),
  );
  return { uncited, missing };
}

/**
 * For each runbook heading of docs/deploy.md (`Runbook: Name (`AlarmA`, `AlarmB`, relay route)`), the alarms it
 * names — the relay's when it says "relay route", else the worker's (both have a `DeadLetterMessages`) — that do
 * not cite it, and the names it gives that no alarm has.
 */
function runbooksNotCited(alarms: readonly SynthesizedAlarm[], headings: readonly string[]) {
  const notCiting: string[] = [];
  const unknown: string[] = [];
  for (const heading of headings.filter((h) => h.startsWith('Runbook: '))) {
    const runbook = heading.split(' (')[0]!;
    const relay = heading.includes('relay route');
    for (const [, id] of heading.matchAll(/`(\w+)`/g)) {
      const named = alarms.filter((alarm) => alarm.id === id && alarm.relay === relay);
      if (named.length === 0) unknown.push(`${heading}: ${id}`);
      const cites = (alarm: SynthesizedAlarm) =>
        citationsIn(alarm.description).some((c) => c.doc === 'deploy.md' && c.section === runbook);
      notCiting.push(...named.filter((alarm) => !cites(alarm)).map((a) => `${nameOf(a)}: "${runbook}"`));
    }
  }
  return { notCiting, unknown };
}

/** How a failure names an alarm: its route and id (and whether the relay's). */
function nameOf(alarm: SynthesizedAlarm): string {
  return `${alarm.route} ${alarm.relay ? 'Relay/' : ''}${alarm.id}`;
}

describe('alarm descriptions', () => {
  let alarms: SynthesizedAlarm[];
  beforeAll(() => {
    alarms = ROUTES.flatMap(([route, context]) => alarmsOf(route, context));
  });

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

  it('OldestPendingNoticeTooOld names the malformed entry as its cause, and where the drain names its item', () => {
    const oldest = alarms.filter((alarm) => alarm.id === 'OldestPendingNoticeTooOld');

    expect(oldest.map((alarm) => alarm.route)).toEqual(ROUTES.map(([route]) => route));
    for (const { description } of oldest) {
      expect(description).toContain('malformed outbox entry');
      expect(description).toContain(
        `"notifier drain summary" names its credential in summary.${MALFORMED_ITEMS_FIELD}`,
      );
    }
  });

  it('GuardTripped’s guard approve says it needs --enforce while the deployment is in audit', () => {
    const guard = alarms.filter((alarm) => alarm.id === 'GuardTripped');

    expect(guard).toHaveLength(ROUTES.length);
    for (const { description } of guard)
      expect(description).toMatch(
        /pc-hygiene guard approve [^.]*\(with --enforce while the deployment is in audit\)/,
      );
  });

  it('every alarm description on both routes fits CloudWatch’s 1,024 characters', () => {
    const tooLong = alarms
      .filter((alarm) => alarm.description.length > 1024)
      .map((alarm) => [nameOf(alarm), alarm.description.length]);
    expect(tooLong).toEqual([]);
  });

  it('every alarm on both routes cites a doc section, and each section it cites is a heading of that doc', () => {
    const { uncited, missing } = uncitedAndMissing(alarms, docHeadings);

    expect(alarms.filter((alarm) => alarm.relay).length).toBeGreaterThan(0);
    expect(uncited).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('every alarm a runbook of docs/deploy.md is written for cites that runbook', () => {
    const { notCiting, unknown } = runbooksNotCited(alarms, docHeadings('deploy.md'));

    expect(unknown).toEqual([]);
    expect(notCiting).toEqual([]);
  });

  it('a description without a citation, or citing a section by part of its name, is reported', () => {
    const alarm = (id: string, description: string) => ({ route: 'test', id, relay: false, description });
    const headings = ['Runbook: Relay gave up (`EmailRelayGaveUp`, relay route)', 'The blast-radius guard'];
    const described = [
      alarm('Whole', 'see docs/deploy.md, "Runbook: Relay gave up").'),
      alarm('Other', 'See docs/sweep.md, "The blast-radius guard".'),
      alarm('Truncated', 'see docs/deploy.md, "Runbook: Relay gave").'),
      alarm('Uncited', 'The sweep function failed (see its log group for the error).'),
    ];

    expect(uncitedAndMissing(described, () => headings)).toEqual({
      uncited: ['test Uncited'],
      missing: ['test Truncated: docs/deploy.md, "Runbook: Relay gave"'],
    });
  });

  it('a runbook heading’s alarm that cites another section, or a name no alarm has, is reported', () => {
    const alarm = (id: string, relay: boolean, description: string) => ({
      route: 'test',
      id,
      relay,
      description,
    });
    const headings = [
      'Runbook: Dead-letter queue (`DeadLetterMessages`, `Gone`)',
      'Runbook: Relay gave up (`EmailRelayGaveUp`, relay route)',
    ];
    const described = [
      alarm('DeadLetterMessages', false, 'See docs/deploy.md, "Operations: alarms and the dashboard".'),
      alarm('DeadLetterMessages', true, 'See docs/deploy.md, "Runbook: Relay gave up".'),
      alarm('EmailRelayGaveUp', true, 'See docs/deploy.md, "Runbook: Relay gave up".'),
    ];

    expect(runbooksNotCited(described, headings)).toEqual({
      notCiting: ['test DeadLetterMessages: "Runbook: Dead-letter queue"'],
      unknown: ['Runbook: Dead-letter queue (`DeadLetterMessages`, `Gone`): Gone'],
    });
  });

  it('a heading inside a fenced code block is no heading', () => {
    expect(headingsOf('## Real\n```sh\n# a comment\n```\n### Runbook: Also real (`X`)\n')).toEqual([
      'Real',
      'Runbook: Also real (`X`)',
    ]);
  });
});
