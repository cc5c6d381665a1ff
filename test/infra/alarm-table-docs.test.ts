/**
 * docs/deploy.md's alarm tables ("Operations: alarms and the dashboard") give each alarm's condition in their
 * `condition` column: its metric's statistic, compared with the threshold, over one period (the heartbeats: every one
 * of N periods). An operator reads them to know when an alarm fires, so they must be the synthesized templates' own,
 * on both routes (sns-email and relay): every alarm has its row, in the worker's table or the relay's, with the
 * condition its template has; every row names an alarm some route creates; and the paragraph after the tables names
 * the alarms whose missing data is ignored and those it breaches, the template's. A threshold changed in lib/
 * without the docs (or the docs without lib/) fails here, naming the alarm and both conditions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { stackAlarms } from './support/stack-alarms';
import { synthApp } from './synth';

const ROUTES = [
  ['sns-email', {}],
  ['relay', { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' }],
] as const;

const SECTION = '## Operations: alarms and the dashboard';

/** When an alarm fires: `datapoints` of `evaluationPeriods` periods whose `statistic` compares so with `threshold`. */
interface AlarmCondition {
  readonly statistic: string;
  readonly comparison: string;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly datapoints: number;
  readonly evaluationPeriods: number;
}

/** An alarm of a synthesized stack: its route, construct id, whether the relay owns it, and its template's say. */
interface SynthesizedAlarm {
  readonly route: string;
  readonly id: string;
  readonly relay: boolean;
  /** Its condition, or why the template's properties could not be read as one. */
  readonly condition: AlarmCondition | string;
  readonly treatMissingData: string;
}

/** A row of a docs alarm table: the alarms it names and the text of its `condition` cell. */
interface AlarmRow {
  readonly names: readonly string[];
  readonly condition: string;
}

/** The two alarm tables of the section: the worker's (every route) and the relay's (`ownerDelivery: relay`). */
interface AlarmTables {
  readonly worker: readonly AlarmRow[];
  readonly relay: readonly AlarmRow[];
}

const COMPARISONS: Readonly<Record<string, string>> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** The period units a `condition` cell may use (`days` too), largest first, in seconds. */
const PERIOD_UNITS = [
  ['day', 86_400],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
] as const;

/** How the docs write a period: in the largest unit that divides it. */
function periodText(seconds: number): string {
  const [unit, size] = PERIOD_UNITS.find(([, size]) => seconds % size === 0)!;
  const count = seconds / size;
  return `${count} ${unit}${unit === 'day' && count > 1 ? 's' : ''}`;
}

/** How the docs write a condition: `Sum ≥ 1 over 15 min`, `Sum < 1 over 1 h, 26 of 26 periods`. */
function conditionText(c: AlarmCondition): string {
  const periods = c.evaluationPeriods > 1 ? `, ${c.datapoints} of ${c.evaluationPeriods} periods` : '';
  return `${c.statistic} ${c.comparison} ${c.threshold} over ${periodText(c.periodSeconds)}${periods}`;
}

const CONDITION_SYNTAX =
  /^(\w+) (≥|>|<|≤) (\d+(?:\.\d+)?)(?: s)? over (\d+) (s|min|h|days?)(?:, (\d+) of (\d+) periods)?$/;

/** A `condition` cell read as a condition, or why it cannot be (the syntax it should have). */
function parseCondition(text: string): AlarmCondition | string {
  const m = CONDITION_SYNTAX.exec(text.trim());
  if (!m)
    return `"${text}" is not "<Statistic> <≥|>|<|≤> <threshold>[ s] over <N> <s|min|h|day>[, M of N periods]"`;
  const [, statistic, comparison, threshold, count, unit, datapoints, evaluationPeriods] = m;
  return {
    statistic: statistic!,
    comparison: comparison!,
    threshold: Number(threshold),
    periodSeconds: Number(count) * PERIOD_UNITS.find(([name]) => unit!.replace(/^days$/, 'day') === name)![1],
    datapoints: Number(datapoints ?? 1),
    evaluationPeriods: Number(evaluationPeriods ?? 1),
  };
}

/**
 * The statistic and period of an alarm's metric: its own, or for metric math summing several metrics (`SUM(…)`) the
 * one statistic and period they share. Anything else is reported, not guessed.
 */
function metricWatch(props: Record<string, unknown>): { statistic: string; periodSeconds: number } | string {
  if (props.Metrics === undefined) {
    return { statistic: String(props.Statistic), periodSeconds: Number(props.Period) };
  }
  const entries = props.Metrics as {
    Expression?: string;
    Period?: number;
    MetricStat?: Record<string, unknown>;
  }[];
  const expression = entries.find((e) => e.Expression !== undefined);
  const stats = entries.flatMap((e) => (e.MetricStat ? [e.MetricStat] : []));
  const statistics = [...new Set(stats.map((s) => String(s.Stat)))];
  const periods = [...new Set(stats.map((s) => Number(s.Period)))];
  if (!expression?.Expression?.startsWith('SUM(') || statistics.length !== 1 || periods.length !== 1) {
    return `metric math this test cannot read as one statistic: ${JSON.stringify(props.Metrics)}`;
  }
  return { statistic: statistics[0]!, periodSeconds: expression.Period ?? periods[0]! };
}

/** The condition an alarm's template properties state, or why they cannot be read as one. */
function templateCondition(props: Record<string, unknown>): AlarmCondition | string {
  const watch = metricWatch(props);
  const comparison = COMPARISONS[String(props.ComparisonOperator)];
  if (typeof watch === 'string') return watch;
  if (comparison === undefined) return `comparison ${String(props.ComparisonOperator)} has no symbol here`;
  const evaluationPeriods = Number(props.EvaluationPeriods);
  return {
    ...watch,
    comparison,
    threshold: Number(props.Threshold),
    evaluationPeriods,
    datapoints: Number(props.DatapointsToAlarm ?? evaluationPeriods),
  };
}

/** Every alarm of the app synthesized with `context`, read from its template. */
function alarmsOf(route: string, context: Record<string, unknown>): SynthesizedAlarm[] {
  const { stack, template } = synthApp(context);
  return stackAlarms(stack, template).map(({ id, relay, properties }) => ({
    route,
    id,
    relay,
    condition: templateCondition(properties),
    treatMissingData: String(properties.TreatMissingData),
  }));
}

/** The section's text: from its heading to its first runbook (or the next section). */
function sectionText(markdown: string): string {
  const start = markdown.indexOf(`\n${SECTION}\n`);
  expect(start, `docs/deploy.md has no "${SECTION}" heading`).toBeGreaterThanOrEqual(0);
  const body = markdown.slice(start + SECTION.length + 2);
  const end = body.search(/^#{2,3} /m);
  return end < 0 ? body : body.slice(0, end);
}

/** A table row's cells, trimmed (GFM splits on every unescaped `|`, in code spans too). */
const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

/** The rows of one markdown table (its lines), by its `alarm` and `condition` columns. */
function tableRows(lines: readonly string[]): AlarmRow[] {
  const header = cellsOf(lines[0]!);
  const alarmColumn = header.indexOf('alarm');
  const conditionColumn = header.indexOf('condition');
  expect(conditionColumn, `an alarm table without a "condition" column: ${lines[0]}`).toBeGreaterThanOrEqual(
    0,
  );
  return lines.slice(2).map((line) => {
    const cells = cellsOf(line);
    return {
      names: [...cells[alarmColumn]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!),
      condition: cells[conditionColumn] ?? '',
    };
  });
}

/** The alarm tables of docs/deploy.md's section: the tables whose first column is `alarm`, the worker's first. */
function alarmTables(markdown: string): AlarmTables {
  const tables: string[][] = [];
  let previous = '';
  for (const line of sectionText(markdown).split('\n')) {
    if (line.startsWith('|') && previous.startsWith('|')) tables.at(-1)!.push(line);
    else if (line.startsWith('|')) tables.push([line]);
    previous = line;
  }
  const withAlarms = tables.filter((table) => cellsOf(table[0]!)[0] === 'alarm');
  expect(withAlarms, 'the section should have two alarm tables: the worker’s, then the relay’s').toHaveLength(
    2,
  );
  return { worker: tableRows(withAlarms[0]!), relay: tableRows(withAlarms[1]!) };
}

/** How a failure names an alarm: its route and id (and whether the relay's). */
const nameOf = (alarm: SynthesizedAlarm) => `${alarm.route} ${alarm.relay ? 'Relay/' : ''}${alarm.id}`;

/** What an alarm's row says wrong: no row, several, or a condition that is not the template's. */
function rowProblem(alarm: SynthesizedAlarm, tables: AlarmTables): string | undefined {
  const table = alarm.relay ? 'relay' : 'worker';
  const rows = tables[table].filter((row) => row.names.includes(alarm.id));
  if (rows.length !== 1) return `${nameOf(alarm)}: ${rows.length} rows in the ${table} table, not 1`;
  const documented = parseCondition(rows[0]!.condition);
  if (typeof alarm.condition === 'string') return `${nameOf(alarm)}: ${alarm.condition}`;
  if (typeof documented === 'string') return `${nameOf(alarm)}: the ${table} table's condition ${documented}`;
  const [docs, template] = [conditionText(documented), conditionText(alarm.condition)];
  return docs === template
    ? undefined
    : `${nameOf(alarm)}: the docs say "${docs}", the template "${template}"`;
}

/** Every alarm whose row is missing or wrong, and every row's name no route's template has (in that table). */
function tableProblems(alarms: readonly SynthesizedAlarm[], tables: AlarmTables): string[] {
  const wrongRows = alarms.flatMap((alarm) => rowProblem(alarm, tables) ?? []);
  const unknownNames = (['worker', 'relay'] as const).flatMap((table) =>
    tables[table]
      .flatMap((row) => row.names)
      .filter((name) => !alarms.some((a) => a.id === name && a.relay === (table === 'relay')))
      .map((name) => `the ${table} table's \`${name}\`: no route creates it`),
  );
  return [...wrongRows, ...unknownNames];
}

/** The alarms a sentence lists before `phrase` (`` `A`, `B` and `C` keep … ``), whitespace runs read as one space. */
function namesBefore(markdown: string, phrase: string): string[] {
  const text = sectionText(markdown).replace(/\s+/g, ' ');
  const list = new RegExp(`((?:\`\\w+\`(?:, | and )?)+) ${phrase}`).exec(text)?.[1];
  expect(list, `no list of alarms before "${phrase}"`).toBeDefined();
  return [...list!.matchAll(/`(\w+)`/g)].map((m) => m[1]!).sort();
}

/** The ids of the alarms (of any route) whose template treats missing data as `treatment`. */
const idsTreating = (alarms: readonly SynthesizedAlarm[], treatment: string) =>
  [...new Set(alarms.filter((a) => a.treatMissingData === treatment).map((a) => a.id))].sort();

describe('docs/deploy.md’s alarm tables', () => {
  let alarms: SynthesizedAlarm[];
  let deployDoc: string;
  beforeAll(() => {
    alarms = ROUTES.flatMap(([route, context]) => alarmsOf(route, context));
    deployDoc = readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
  });

  it('give every alarm of both routes its row, with the template’s condition, and name no other', () => {
    expect(alarms.filter((alarm) => alarm.relay).length).toBeGreaterThan(0);
    expect(tableProblems(alarms, alarmTables(deployDoc))).toEqual([]);
  });

  it('name the alarms whose missing data is ignored, and those it breaches; every other does not breach', () => {
    expect(namesBefore(deployDoc, 'keep the state of the last run')).toEqual(idsTreating(alarms, 'ignore'));
    expect(namesBefore(deployDoc, 'are the opposite: silence is the failure')).toEqual(
      idsTreating(alarms, 'breaching'),
    );
    expect(
      alarms.filter((a) => !['ignore', 'breaching', 'notBreaching'].includes(a.treatMissingData)).map(nameOf),
    ).toEqual([]);
  });

  it('a missing row, a wrong condition, an unreadable one and a name no alarm has are each reported', () => {
    const alarm = (id: string, relay: boolean, condition: AlarmCondition) =>
      ({ route: 'test', id, relay, condition, treatMissingData: 'notBreaching' }) as const;
    const anyInAnHour = parseCondition('Sum ≥ 1 over 1 h') as AlarmCondition;
    const heartbeat = parseCondition('Sum < 1 over 1 h, 26 of 26 periods') as AlarmCondition;
    const tables: AlarmTables = {
      worker: [
        { names: ['Right', 'Heartbeat'], condition: 'Sum ≥ 1 over 1 h' },
        { names: ['Unreadable'], condition: 'at least one in an hour' },
        { names: ['Gone'], condition: 'Sum ≥ 1 over 1 h' },
      ],
      relay: [{ names: ['Right'], condition: 'Sum ≥ 3 over 60 min' }],
    };
    const synthesized = [
      alarm('Right', false, anyInAnHour),
      alarm('Heartbeat', false, heartbeat),
      alarm('Unreadable', false, anyInAnHour),
      alarm('Right', true, anyInAnHour),
      alarm('Missing', true, anyInAnHour),
    ];

    expect(tableProblems(synthesized, tables)).toEqual([
      'test Heartbeat: the docs say "Sum ≥ 1 over 1 h", the template "Sum < 1 over 1 h, 26 of 26 periods"',
      expect.stringMatching(
        /^test Unreadable: the worker table's condition "at least one in an hour" is not /,
      ),
      'test Relay/Right: the docs say "Sum ≥ 3 over 1 h", the template "Sum ≥ 1 over 1 h"',
      'test Relay/Missing: 0 rows in the relay table, not 1',
      "the worker table's `Gone`: no route creates it",
    ]);
  });
});
