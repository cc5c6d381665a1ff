/**
 * Copies the figures of the last fault run (`.tmp/reliability/*.json`, written
 * by the `faults` test project) into RELIABILITY.md, between the
 * `figures:start` / `figures:end` markers. Run by `npm run test:faults` after
 * the tests; `tsx scripts/reliability-report.ts` re-renders without a run.
 * Reads and writes only: checking, rendering and splicing are
 * `scripts/reliability-figures.ts`. A bad figures file stops it, named, before
 * RELIABILITY.md is written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES_DIR } from '../test/faults/support/figures';
import { parseFiguresFile, type RecordedFigures, renderFigures, spliceFigures } from './reliability-figures';

const DOC = join(import.meta.dirname, '..', 'RELIABILITY.md');

/** Every scenario's figures file in {@link FIGURES_DIR}, checked (throws naming the first bad one). */
function readFigures(): RecordedFigures[] {
  if (!existsSync(FIGURES_DIR)) return [];
  return readdirSync(FIGURES_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(FIGURES_DIR, name))
    .map((file) => parseFiguresFile(file, readFileSync(file, 'utf8')));
}

function main(): void {
  const doc = readFileSync(DOC, 'utf8');
  const figures = readFigures();
  writeFileSync(DOC, spliceFigures(doc, renderFigures(figures, process.versions.node), DOC));
  process.stdout.write(`RELIABILITY.md: figures of ${figures.length} scenario(s) from ${FIGURES_DIR}\n`);
}

main();
