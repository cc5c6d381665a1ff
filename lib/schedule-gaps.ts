/**
 * The longest time an EventBridge Scheduler expression can leave between two
 * runs, worked out at synth so a heartbeat alarm's window can be checked
 * against it (lib/heartbeat-windows.ts). `rate(...)` is its interval. A UTC
 * `cron(...)` is computed by listing its run days over two 28-year cycles (the
 * calendar's weekday-and-leap-year cycle, which holds from 1901 to 2099) for
 * the fields it reads: numbers, names, `*`, `?`, lists, ranges and steps, in
 * every year. Anything else — `L`, `W`, `#`, a year field, a time zone with
 * daylight saving time (Scheduler moves or skips runs at the change), `at(...)`,
 * a deploy-time token — is not worked out: the caller warns instead of guessing.
 * What Scheduler refuses for certain (text that is none of its three forms, `daily`
 * or `rate(5 mins)`, a cron without six fields, neither or both
 * day fields `?`, a number outside its field, a rate of zero) is marked `invalid`,
 * so the synth can refuse it (CDK context and construct props alike: `refusedScheduleProblems`,
 * lib/heartbeat-windows.ts) instead of the deploy.
 */
import { Token } from 'aws-cdk-lib';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';

/**
 * The longest gap between runs in minutes, or why it is not worked out: `invalid` when the reason is one
 * EventBridge Scheduler refuses the expression for (it would fail at deploy); without it, the expression is
 * valid, or may be, and only its gap is not worked out here.
 */
export type ScheduleGap =
  | { readonly known: true; readonly minutes: number }
  | { readonly known: false; readonly why: string; readonly invalid?: true };

const unknown = (why: string): ScheduleGap => ({ known: false, why });
const invalid = (why: string): ScheduleGap => ({ known: false, why, invalid: true });

/** Time zones without daylight saving time that Scheduler accepts for UTC. */
const UTC_ZONES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/GMT',
  'GMT',
  'Etc/UCT',
  'UCT',
  'Etc/Universal',
  'Universal',
]);

/** The longest gap a schedule can leave between runs. */
export function longestGap(schedule: scheduler.ScheduleExpression): ScheduleGap {
  const text = schedule.expressionString;
  if (Token.isUnresolved(text)) return unknown('the expression is only known at deploy time');
  const zone = schedule.timeZone?.timezoneName;
  if (text.startsWith('cron(') && zone !== undefined && !UTC_ZONES.has(zone)) {
    return unknown(`in time zone ${zone}, daylight saving time can move or skip a run`);
  }
  return longestGapOf(text);
}

/** The longest gap of an expression's text, in UTC. */
export function longestGapOf(expression: string): ScheduleGap {
  const text = expression.trim();
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(text);
  if (rate !== null) {
    const perUnit = { minute: 1, hour: 60, day: 1440 }[rate[2]!.replace(/s$/, '') as 'minute'];
    const minutes = Number(rate[1]) * perUnit;
    return minutes > 0 ? { known: true, minutes } : invalid('a rate of zero');
  }
  const cron = /^cron\(([^()]*)\)$/.exec(text);
  if (cron !== null) return cronGap(cron[1]!);
  if (/^at\([^()]+\)$/.test(text)) return unknown('a one-time schedule runs once');
  return invalid('not a rate, cron or at expression');
}

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names of the values from `min` up (month and day-of-week names). */
  readonly names?: readonly string[];
}

const MINUTE: CronField = { name: 'minutes', min: 0, max: 59 };
const HOUR: CronField = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: CronField = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: CronField = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
/** Scheduler numbers the days of the week from 1 = Sunday. */
const DAY_OF_WEEK: CronField = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};

/** Why a field's item is not read: `invalid` when Scheduler refuses it too (a number outside the field). */
interface FieldProblem {
  readonly why: string;
  readonly invalid: boolean;
}

/** One value of a field (a number or a name), or undefined when it is neither. */
function fieldValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? field.min + named : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return value >= field.min && value <= field.max ? value : undefined;
}

/** The values a field lists (`*`, `a`, `a-b`, each with an optional `/step`, comma-separated), or a problem. */
function fieldValues(text: string, field: CronField): Set<number> | FieldProblem {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText, extra] = item.split('/');
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : 0;
    const [from, to] = range === '*' ? [field.min, field.max] : rangeOf(range, field, stepText !== undefined);
    if (extra !== undefined || step < 1 || from === undefined || to === undefined || from > to) {
      const where = `"${item}" in the ${field.name} field`;
      const outside = outsideNumber(range, field);
      return outside === undefined
        ? { why: `${where} is not read at synth`, invalid: false }
        : { why: `${where}: ${outside} is outside ${field.min}-${field.max}`, invalid: true };
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** In a range of plain numbers (`25`, `0-25`), the first outside the field; undefined for anything else. */
function outsideNumber(range: string, field: CronField): string | undefined {
  if (!/^\d+(-\d+)?$/.test(range)) return undefined;
  return range.split('-').find((n) => Number(n) < field.min || Number(n) > field.max);
}

/** `a-b`, or `a` (to the field's end when a step follows). */
function rangeOf(text: string, field: CronField, stepped: boolean): [number?, number?] {
  const parts = text.split('-');
  if (parts.length === 2) return [fieldValue(parts[0]!, field), fieldValue(parts[1]!, field)];
  if (parts.length !== 1) return [];
  const value = fieldValue(text, field);
  return [value, stepped ? field.max : value];
}

/** Two 28-year cycles from 2001: every gap shorter than a cycle starts in the first and ends in the second. */
const FIRST_DAY_MS = Date.UTC(2001, 0, 1);
const DAYS_LISTED = 2 * (28 * 365 + 7);
const DAY_MS = 86_400_000;

/** The longest gap of the six fields of a UTC cron expression. */
function cronGap(body: string): ScheduleGap {
  const texts = body.trim().split(/\s+/);
  if (texts.length !== 6) return invalid(`a cron expression has six fields, not ${texts.length}`);
  const [minuteText, hourText, domText, monthText, dowText, yearText] = texts as [string, ...string[]];
  if ((domText === '?') === (dowText === '?')) {
    return invalid('one of day-of-month and day-of-week must be ?, and only one');
  }
  const fields = [
    fieldValues(minuteText, MINUTE),
    fieldValues(hourText!, HOUR),
    domText === '?' ? new Set<number>() : fieldValues(domText!, DAY_OF_MONTH),
    fieldValues(monthText!, MONTH),
    dowText === '?' ? new Set<number>() : fieldValues(dowText!, DAY_OF_WEEK),
  ];
  // What Scheduler refuses first, then what is only not read here.
  const problems = fields.filter((f): f is FieldProblem => !(f instanceof Set));
  const problem = problems.find((p) => p.invalid) ?? problems[0];
  if (problem !== undefined) return problem.invalid ? invalid(problem.why) : unknown(problem.why);
  if (yearText !== '*') return unknown(`the year field "${yearText}" ends the schedule`);
  const [minutes, hours, days, months, weekdays] = fields as Set<number>[];
  const byWeekday = domText === '?';
  return gapOfRuns(
    [...hours!].flatMap((h) => [...minutes!].map((m) => h * 60 + m)).sort((a, b) => a - b),
    (at) => {
      const date = new Date(at);
      if (!months!.has(date.getUTCMonth() + 1)) return false;
      return byWeekday ? weekdays!.has(date.getUTCDay() + 1) : days!.has(date.getUTCDate());
    },
  );
}

/**
 * The longest gap between runs at `times` (minutes of the day, ascending) on
 * the days `runsOn` accepts (the day's midnight, epoch ms).
 */
function gapOfRuns(times: readonly number[], runsOn: (dayMs: number) => boolean): ScheduleGap {
  const first = times[0]!;
  const last = times[times.length - 1]!;
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
  let previous: number | undefined;
  let runDays = 0;
  for (let day = 0; day < DAYS_LISTED; day++) {
    if (!runsOn(FIRST_DAY_MS + day * DAY_MS)) continue;
    if (previous !== undefined) longest = Math.max(longest, (day - previous) * 1440 - last + first);
    previous = day;
    runDays += 1;
  }
  // Fewer than two run days in 56 years: never, or so rarely that no heartbeat could watch it.
  if (runDays < 2) return unknown('it runs on fewer than two days in 56 years');
  return { known: true, minutes: longest };
}
