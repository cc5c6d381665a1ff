/**
 * Figures of the last fault run: each scenario writes its own JSON file under
 * `.tmp/reliability/` (one file per test file, so parallel files never race);
 * `scripts/reliability-report.ts` merges them into RELIABILITY.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the figures are written (git-ignored). */
export const FIGURES_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '.tmp',
  'reliability',
);

/** The figures of one scenario. */
export interface ScenarioFigures {
  /** Short scenario name, also the file name. */
  readonly scenario: string;
  /** Cases tried (crash points, rounds, generated items, ...), by kind. */
  readonly cases: Readonly<Record<string, number>>;
  /** Faults injected (crashes, throttles, interfering changes, ...), by kind. */
  readonly faults: Readonly<Record<string, number>>;
  /**
   * The outcomes the scenario measured; one it cannot observe (no drain ran: no event could be lost or sent twice;
   * an import deletes nothing) is left out, and RELIABILITY.md shows it as "n/a", never as a 0 no one counted.
   */
  readonly wrongDeletions?: number;
  readonly lostEvents?: number;
  readonly duplicateEvents?: number;
  /** Anything else worth reporting. */
  readonly notes?: Readonly<Record<string, number | string>>;
}

/** Writes one scenario's figures, with the time they were taken. */
export function writeFigures(figures: ScenarioFigures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${figures.scenario}.json`);
  writeFileSync(file, `${JSON.stringify({ ...figures, recordedAt: new Date().toISOString() }, null, 2)}\n`);
}
