/**
 * RELIABILITY.md's figures section (`scripts/reliability-figures.ts`): what the table shows for each scenario
 * ("n/a" for an outcome not measured, never a 0 no one counted), in the order RELIABILITY.md describes the
 * scenarios; the section put between its markers without touching the rest; and a bad figures file refused with
 * its name and what is wrong, so `scripts/reliability-report.ts` stops before writing the document.
 */
import { describe, expect, it } from 'vitest';
import {
  FIGURES_END,
  FIGURES_START,
  parseFiguresFile,
  type RecordedFigures,
  renderFigures,
  spliceFigures,
} from '../../scripts/reliability-figures';

const NODE = '24.0.0-test';

/** The scenarios RELIABILITY.md describes, in its order. */
const DOCUMENTED = [
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

function figures(scenario: string, more: Partial<RecordedFigures> = {}): RecordedFigures {
  return {
    scenario,
    cases: { rounds: 2 },
    faults: { crashes: 3 },
    recordedAt: '2026-12-07T04:00:00.000Z',
    ...more,
  };
}

/** The table's rows (header and rule left out), each split into its cells. */
function rows(section: string): string[][] {
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| scenario |'))
    .map((line) => line.slice(2, -2).split(' | '));
}

describe('renderFigures', () => {
  it('says there are no figures yet when the run wrote none', () => {
    expect(renderFigures([], NODE)).toBe(
      `${FIGURES_START}\n\n_No figures yet: run \`npm run test:faults\`._\n\n${FIGURES_END}`,
    );
  });

  it('shows an outcome the scenario left out as n/a, and a measured 0 as 0', () => {
    const section = renderFigures([figures('races', { wrongDeletions: 0, duplicateEvents: 7 })], NODE);

    expect(rows(section)).toEqual([['races', 'rounds 2', 'crashes 3', '0', 'n/a', '7']]);
  });

  it('groups the counts by thousands, not the notes (seeds) nor the outcomes', () => {
    const section = renderFigures(
      [
        figures('fuzz-sweep', {
          cases: { 'generated items': 12_345, runs: 20 },
          faults: { 'malformed items': 1_234_567 },
          lostEvents: 12_345,
          notes: { seed: 20_261_126, fleet: '30 records' },
        }),
      ],
      NODE,
    );

    expect(rows(section)).toEqual([
      ['fuzz-sweep', 'generated items 12,345; runs 20', 'malformed items 1,234,567', 'n/a', '12345', 'n/a'],
    ]);
    expect(section).toContain('\nNotes:\n\n- **fuzz-sweep**: seed 20261126; fleet 30 records\n');
  });

  it('lists the scenarios in the documented order, one it does not know last', () => {
    const given = [
      'clock',
      'zz-new',
      'crash-requests-batched',
      'crash-boundaries',
      'races',
      'throttling',
      'aa-new',
    ];

    const section = renderFigures(
      given.map((s) => figures(s)),
      NODE,
    );

    // The batched crash scenarios (RELIABILITY.md describes them with the crash-requests ones) right after those.
    expect(rows(section).map(([scenario]) => scenario)).toEqual([
      'crash-boundaries',
      'crash-requests-batched',
      'throttling',
      'races',
      'clock',
      'zz-new',
      'aa-new',
    ]);
  });

  it('names the documented scenarios missing from the run, and no such line when none is', () => {
    const some = renderFigures(
      DOCUMENTED.filter(
        (s) => !['crash-requests', 'crash-requests-budget-batched', 'races', 'clock'].includes(s),
      ).map((s) => figures(s)),
      NODE,
    );
    const all = renderFigures(
      DOCUMENTED.map((s) => figures(s)),
      NODE,
    );

    expect(some).toContain(
      '\nNot in this run: crash-requests, crash-requests-budget-batched, races, clock.\n',
    );
    expect(all).not.toContain('Not in this run');
  });

  it('dates the run by its newest figures, with the Node.js version it is given', () => {
    const section = renderFigures(
      [
        figures('races', { recordedAt: '2026-12-07T04:00:00.000Z' }),
        figures('clock', { recordedAt: '2026-12-07T05:30:00.000Z' }),
        figures('throttling', { recordedAt: '2026-12-06T23:59:59.999Z' }),
      ],
      NODE,
    );

    expect(section).toContain(`\nLast run: 2026-12-07T05:30:00.000Z (Node.js ${NODE}).\n`);
  });

  it('lists notes only for the scenarios that have some', () => {
    const section = renderFigures(
      [figures('races', { notes: {} }), figures('clock', { notes: { skews: '1y, 3y' } })],
      NODE,
    );

    expect(section).toContain('\nNotes:\n\n- **clock**: skews 1y, 3y\n');
    expect(section).not.toContain('**races**');
  });
});

describe('spliceFigures', () => {
  const section = `${FIGURES_START}\nnew figures\n${FIGURES_END}`;

  it('replaces the section, markers included, and keeps the text around it', () => {
    const doc = `# Title\n\nbefore\n${FIGURES_START}\nold figures\n${FIGURES_END}\nafter\n`;

    expect(spliceFigures(doc, section, 'RELIABILITY.md')).toBe(`# Title\n\nbefore\n${section}\nafter\n`);
  });

  it('refuses a document without the markers, or with them the wrong way round, naming it', () => {
    const refusal = `/x/RELIABILITY.md has no ${FIGURES_START} ... ${FIGURES_END} section`;

    expect(() => spliceFigures('# Title\n', section, '/x/RELIABILITY.md')).toThrow(refusal);
    expect(() => spliceFigures(`a ${FIGURES_START} b`, section, '/x/RELIABILITY.md')).toThrow(refusal);
    expect(() => spliceFigures(`a ${FIGURES_END} b ${FIGURES_START}`, section, '/x/RELIABILITY.md')).toThrow(
      refusal,
    );
  });
});

describe('parseFiguresFile', () => {
  const FILE = '/x/.tmp/reliability/races.json';
  const valid = figures('races', { wrongDeletions: 0, notes: { seed: 20261126, fleet: '4 fleets' } });
  const withField = (field: string, value: unknown) => JSON.stringify({ ...valid, [field]: value });
  const without = (field: string) => JSON.stringify({ ...valid, [field]: undefined });

  it('reads the figures writeFigures wrote', () => {
    expect(parseFiguresFile(FILE, `${JSON.stringify(valid, null, 2)}\n`)).toEqual(valid);
  });

  it.each([
    ['text that is not JSON', '{"scenario": "races",', /not JSON \(/],
    ['an empty file', '', /not JSON \(/],
    ['a list', '[]', /not a JSON object, found \[\]/],
    ['no scenario', without('scenario'), /"scenario" must be the scenario's name, found nothing/],
    ['an empty scenario', withField('scenario', ''), /"scenario" must be the scenario's name, found ""/],
    ['no recordedAt', without('recordedAt'), /"recordedAt" must be a time .*, found nothing/],
    ['a recordedAt not as toISOString writes it', withField('recordedAt', '7 Dec 2026'), /"recordedAt"/],
    ['no cases', without('cases'), /"cases" must be an object of counts, found nothing/],
    ['no faults', without('faults'), /"faults" must be an object of counts, found nothing/],
    ['a negative count', withField('cases', { rounds: -1 }), /"cases"."rounds" must be a count .*, found -1/],
    [
      'a count as text',
      withField('faults', { crashes: '3' }),
      /"faults"."crashes" must be a count .*, found "3"/,
    ],
    ['an outcome as text', withField('lostEvents', '0'), /"lostEvents" must be a count .* or left out/],
    ['a fractional outcome', withField('duplicateEvents', 1.5), /"duplicateEvents" must be a count/],
    ['notes not an object', withField('notes', 'seed 1'), /"notes" must be an object or left out/],
    ['a note that is null', withField('notes', { seed: null }), /"notes"."seed" must be a number or a text/],
    ['a misspelt outcome', withField('lostEvent', 0), /unknown field "lostEvent"/],
  ])('refuses %s, naming the file and what is wrong', (_, text, problem) => {
    const refusal = (): unknown => parseFiguresFile(FILE, text);

    expect(refusal).toThrow(`${FILE} is not a fault run's figures file: `);
    expect(refusal).toThrow(problem);
  });
});
