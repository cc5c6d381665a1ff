/**
 * Copies the figures of the last fault run (`.tmp/reliability/*.json`, written
 * by the `faults` test project) into RELIABILITY.md, between the
 * `figures:start` / `figures:end` markers. Run by `npm run test:faults` after
 * the tests; `tsx scripts/reliability-report.ts` re-renders without a run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES_DIR, type ScenarioFigures } from '../test/faults/support/figures';

const DOC = join(import.meta.dirname, '..', 'RELIABILITY.md');
const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';

/** Scenarios in the order RELIABILITY.md describes them. */
const ORDER = [
  'crash-boundaries',
  'crash-requests',
  'crash-requests-budget',
  'throttling',
  'lost-responses',
  'sns-outage',
  'concurrency',
  'races',
  'fuzz-sweep',
  'fuzz-valid',
  'fuzz-cli',
  'fuzz-import',
  'clock',
];

type Recorded = ScenarioFigures & { readonly recordedAt: string };

function readFigures(): Recorded[] {
  if (!existsSync(FIGURES_DIR)) return [];
  return readdirSync(FIGURES_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(FIGURES_DIR, name), 'utf8')) as Recorded)
    .sort((a, b) => rank(a.scenario) - rank(b.scenario));
}

function rank(scenario: string): number {
  const i = ORDER.indexOf(scenario);
  return i < 0 ? ORDER.length : i;
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

/** The generated section (markers included). */
export function renderFigures(figures: readonly Recorded[]): string {
  const lines = [START, ''];
  if (figures.length === 0) {
    lines.push('_No figures yet: run `npm run test:faults`._');
  } else {
    const newest = figures
      .map((f) => f.recordedAt)
      .sort()
      .at(-1);
    const missing = ORDER.filter((s) => !figures.some((f) => f.scenario === s));
    lines.push(`Last run: ${newest} (Node.js ${process.versions.node}).`);
    if (missing.length > 0) lines.push(`Not in this run: ${missing.join(', ')}.`);
    lines.push(
      '',
      '| scenario | cases tried | faults injected | wrong deletions | lost events | duplicates (an event sent twice) |',
      '|---|---|---|---|---|---|',
    );
    for (const f of figures) {
      const outcomes = [f.wrongDeletions, f.lostEvents, f.duplicateEvents].map(outcome).join(' | ');
      lines.push(`| ${f.scenario} | ${list(f.cases)} | ${list(f.faults)} | ${outcomes} |`);
    }
    const notes = figures.filter((f) => f.notes && Object.keys(f.notes).length > 0);
    if (notes.length > 0) lines.push('', 'Notes:', '');
    for (const f of notes) lines.push(`- **${f.scenario}**: ${list(f.notes ?? {}, false)}`);
  }
  lines.push('', END);
  return lines.join('\n');
}

function main(): void {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC} has no ${START} ... ${END} section`);
  const figures = readFigures();
  writeFileSync(DOC, doc.slice(0, start) + renderFigures(figures) + doc.slice(end + END.length));
  process.stdout.write(`RELIABILITY.md: figures of ${figures.length} scenario(s) from ${FIGURES_DIR}\n`);
}

main();
