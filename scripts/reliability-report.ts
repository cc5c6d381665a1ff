/**
 * Copies the figures of the last fault run (`.tmp/reliability/*.json`, written
 * by the `faults` test project) into RELIABILITY.md, between the
 * `figures:start` / `figures:end` markers. Run by `npm run test:faults` after
 * the tests; `tsx scripts/reliability-report.ts` re-renders without a run.
 * Reads and writes only: checking, rendering and splicing are
 * `scripts/reliability-figures.ts`. A bad figures file stops it, named, before
 * RELIABILITY.md is written; so does a run without figures (no folder, or no
 * `.json` in it, as in a fresh clone): it says so and exits 1, and the
 * committed figures stay (RELIABILITY.md, its first section).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FIGURES_DIR } from '../test/faults/support/figures';
import { parseFiguresFile, type RecordedFigures, renderFigures, spliceFigures } from './reliability-figures';

/** Where the script reads and writes. */
export interface ReportPaths {
  /** The document whose figures section is rewritten (RELIABILITY.md). */
  readonly doc: string;
  /** The folder of the scenarios' figures files ({@link FIGURES_DIR}). */
  readonly figuresDir: string;
}

/** Where the script writes what it did (stdout) and why it did nothing (stderr). */
export interface ReportOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const REPOSITORY_PATHS: ReportPaths = {
  doc: join(import.meta.dirname, '..', 'RELIABILITY.md'),
  figuresDir: FIGURES_DIR,
};

const PROCESS_OUTPUT: ReportOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The `.json` files in `figuresDir`; none when the folder does not exist. */
function figuresFiles(figuresDir: string): string[] {
  if (!existsSync(figuresDir)) return [];
  return readdirSync(figuresDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(figuresDir, name));
}

/** Every figures file, checked (throws naming the first bad one). */
function readFigures(files: readonly string[]): RecordedFigures[] {
  return files.map((file) => parseFiguresFile(file, readFileSync(file, 'utf8')));
}

/**
 * Renders the figures in `paths.figuresDir` into `paths.doc`'s figures section.
 * Without any figures file (no folder, or no `.json` in it) it writes nothing: rendering none would replace the
 * committed figures with "no figures yet".
 * @returns the exit code: 0 when the document was written, 1 when there were no figures
 * @throws Error naming the first bad figures file, or a document without the section, before anything is written
 */
export function main(paths: ReportPaths = REPOSITORY_PATHS, output: ReportOutput = PROCESS_OUTPUT): number {
  const { doc, figuresDir } = paths;
  const files = figuresFiles(figuresDir);
  if (files.length === 0) {
    const why = existsSync(figuresDir) ? 'no .json file' : 'no such folder';
    output.err(
      `no figures in ${figuresDir} (${why}): run npm run test:faults first (it writes them); ` +
        `${basename(doc)} not changed\n`,
    );
    return 1;
  }
  const figures = readFigures(files);
  const text = readFileSync(doc, 'utf8');
  writeFileSync(doc, spliceFigures(text, renderFigures(figures, process.versions.node), doc));
  output.out(`${basename(doc)}: figures of ${figures.length} scenario(s) from ${figuresDir}\n`);
  return 0;
}

// Run as a script (tsx scripts/reliability-report.ts), not when a test imports `main`.
if (process.argv[1] !== undefined && /reliability-report\.ts$/.test(process.argv[1]))
  process.exitCode = main();
