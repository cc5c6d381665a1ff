/**
 * The fault run's figures as RELIABILITY.md shows them (RELIABILITY.md, its first section and the table under
 * "The figures"): one scenario's figures file checked, the generated section rendered, and that section put in
 * the document between its `figures:start` / `figures:end` markers. Pure, text in and text out, so it can be
 * tested; `scripts/reliability-report.ts` reads the files and writes the document.
 */
import type { ScenarioFigures } from '../test/faults/support/figures';

/** The marker the generated section starts with. */
export const FIGURES_START = '<!-- figures:start -->';
/** The marker the generated section ends with. */
export const FIGURES_END = '<!-- figures:end -->';

/** Scenarios in the order RELIABILITY.md describes them; any other is shown after them. */
const SCENARIO_ORDER = [
  'crash-boundaries',
  'crash-requests',
  'crash-requests-budget',
  'crash-requests-batched',
  'crash-requests-budget-batched',
  'throttling',
  'lost-responses',
  'sns-outage',
  'sns-outage-renewals',
  'concurrency',
  'races',
  'fuzz-sweep',
  'fuzz-valid',
  'fuzz-cli',
  'fuzz-import',
  'clock',
];

/** One scenario's figures as its file holds them: with the time they were taken. */
export type RecordedFigures = ScenarioFigures & { readonly recordedAt: string };

/** The outcomes a scenario may measure (each left out when it does not). */
const OUTCOMES = ['wrongDeletions', 'lostEvents', 'duplicateEvents'] as const;
/** Every field a figures file may hold (test/faults/support/figures.ts, `writeFigures`). */
const FIELDS = new Set(['scenario', 'cases', 'faults', ...OUTCOMES, 'notes', 'recordedAt']);

/**
 * Reads one scenario's figures file and checks its shape.
 *
 * @param file - the file's path, named in every error
 * @param text - the file's content
 * @returns the figures, as written by `writeFigures` (test/faults/support/figures.ts)
 * @throws Error naming the file and what is wrong: not JSON, not an object, an unknown field, a missing or
 *   mistyped `scenario`, `recordedAt` or count
 */
export function parseFiguresFile(file: string, text: string): RecordedFigures {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw notFigures(file, `not JSON (${(error as Error).message})`);
  }
  const problem = figuresProblem(value);
  if (problem !== undefined) throw notFigures(file, problem);
  return value as RecordedFigures;
}

function notFigures(file: string, problem: string): Error {
  return new Error(`${file} is not a fault run's figures file: ${problem}`);
}

const COUNT = 'a count (a whole number, 0 or more)';

/** What is wrong with a figures file's parsed content (the first thing found), or `undefined`. */
function figuresProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `not a JSON object, found ${shown(value)}`;
  const unknownField = Object.keys(value).find((key) => !FIELDS.has(key));
  if (unknownField !== undefined)
    return `unknown field ${shown(unknownField)} (the fields: ${[...FIELDS].join(', ')})`;
  if (typeof value.scenario !== 'string' || value.scenario === '')
    return `"scenario" must be the scenario's name, found ${shown(value.scenario)}`;
  if (typeof value.recordedAt !== 'string' || !isIsoInstant(value.recordedAt))
    return `"recordedAt" must be a time as Date#toISOString writes it (2026-12-07T04:35:52.345Z), found ${shown(value.recordedAt)}`;
  return (
    countsProblem('cases', value.cases) ??
    countsProblem('faults', value.faults) ??
    OUTCOMES.map((field) => outcomeProblem(field, value[field])).find((p) => p !== undefined) ??
    notesProblem(value.notes)
  );
}

function countsProblem(field: string, counts: unknown): string | undefined {
  if (!isRecord(counts)) return `"${field}" must be an object of counts, found ${shown(counts)}`;
  const [kind, count] = Object.entries(counts).find(([, c]) => !isCount(c)) ?? [];
  return kind === undefined ? undefined : `"${field}"."${kind}" must be ${COUNT}, found ${shown(count)}`;
}

function outcomeProblem(field: string, count: unknown): string | undefined {
  return count === undefined || isCount(count)
    ? undefined
    : `"${field}" must be ${COUNT} or left out (not measured), found ${shown(count)}`;
}

function notesProblem(notes: unknown): string | undefined {
  if (notes === undefined) return undefined;
  if (!isRecord(notes)) return `"notes" must be an object or left out, found ${shown(notes)}`;
  const [name, note] =
    Object.entries(notes).find(([, n]) => typeof n !== 'string' && typeof n !== 'number') ?? [];
  return name === undefined
    ? undefined
    : `"notes"."${name}" must be a number or a text, found ${shown(note)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** The shape `Date#toISOString` writes, so that the newest time is the greatest text. */
function isIsoInstant(text: string): boolean {
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString() === text;
}

/** A value as JSON for an error message, cut short; "nothing" for a missing one. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function rank(scenario: string): number {
  const i = SCENARIO_ORDER.indexOf(scenario);
  return i < 0 ? SCENARIO_ORDER.length : i;
}

/** A measured outcome, or "n/a" for one the scenario does not measure (left out of its figures). */
function outcome(count: number | undefined): string {
  return count === undefined ? 'n/a' : String(count);
}

/** `key value; key value`, counts with thousands separators (not seeds: `grouped` false). */
function list(values: Readonly<Record<string, number | string>>, grouped = true): string {
  return Object.entries(values)
    .map(
      ([key, value]) => `${key} ${typeof value === 'number' && grouped ? value.toLocaleString('en') : value}`,
    )
    .join('; ');
}

/**
 * The generated section of RELIABILITY.md, markers included: the newest time the figures were taken, the
 * scenarios of the documented order missing from the run, a table row per scenario (in that order, any other
 * after them) and their notes.
 *
 * @param figures - every scenario's figures, in any order
 * @param nodeVersion - the Node.js version the run used (`process.versions.node`), shown with the time
 */
export function renderFigures(figures: readonly RecordedFigures[], nodeVersion: string): string {
  const lines = [FIGURES_START, ''];
  if (figures.length === 0) {
    lines.push('_No figures yet: run `npm run test:faults`._');
  } else {
    const ordered = [...figures].sort((a, b) => rank(a.scenario) - rank(b.scenario));
    const newest = ordered
      .map((f) => f.recordedAt)
      .sort()
      .at(-1);
    const missing = SCENARIO_ORDER.filter((s) => !ordered.some((f) => f.scenario === s));
    lines.push(`Last run: ${newest} (Node.js ${nodeVersion}).`);
    if (missing.length > 0) lines.push(`Not in this run: ${missing.join(', ')}.`);
    lines.push(
      '',
      '| scenario | cases tried | faults injected | wrong deletions | lost events | duplicates (an event sent twice) |',
      '|---|---|---|---|---|---|',
    );
    for (const f of ordered) {
      const outcomes = [f.wrongDeletions, f.lostEvents, f.duplicateEvents].map(outcome).join(' | ');
      lines.push(`| ${f.scenario} | ${list(f.cases)} | ${list(f.faults)} | ${outcomes} |`);
    }
    const notes = ordered.filter((f) => f.notes && Object.keys(f.notes).length > 0);
    if (notes.length > 0) lines.push('', 'Notes:', '');
    for (const f of notes) lines.push(`- **${f.scenario}**: ${list(f.notes ?? {}, false)}`);
  }
  lines.push('', FIGURES_END);
  return lines.join('\n');
}

/**
 * The document with its figures section (from the first start marker to the first end marker, both included)
 * replaced by `section`; the text around it kept as it is.
 *
 * @param docName - the document's name or path, for the error
 * @throws Error when the document has no start marker followed by an end marker
 */
export function spliceFigures(doc: string, section: string, docName: string): string {
  const start = doc.indexOf(FIGURES_START);
  const end = doc.indexOf(FIGURES_END);
  if (start < 0 || end < start)
    throw new Error(`${docName} has no ${FIGURES_START} ... ${FIGURES_END} section`);
  return doc.slice(0, start) + section + doc.slice(end + FIGURES_END.length);
}
