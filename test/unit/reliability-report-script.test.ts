/**
 * `scripts/reliability-report.ts` (RELIABILITY.md, "npx tsx scripts/reliability-report.ts"): without figures to
 * render (a fresh clone has no `.tmp/reliability/`, or the folder holds no `.json`) it says so on stderr, exits 1
 * and leaves the document byte for byte as it was; before, it rendered "no figures yet" over the committed ones
 * and exited 0. With a figures file, written as the fault tests write it (test/faults/support/figures.ts), it
 * still renders. On a copy of RELIABILITY.md in a temporary folder, never the repository's.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../scripts/reliability-report';
import type { ScenarioFigures } from '../faults/support/figures';
import { useTempDir } from '../support/temp-dir';

const REPOSITORY_DOC = join(import.meta.dirname, '..', '..', 'RELIABILITY.md');

/** What the script wrote on each stream. */
function capture() {
  const written = { out: '', err: '' };
  const output = {
    out: (text: string) => {
      written.out += text;
    },
    err: (text: string) => {
      written.err += text;
    },
  };
  return { written, output };
}

/** One scenario's figures file, as `writeFigures` (test/faults/support/figures.ts) writes it. */
function writeFiguresFile(folder: string, figures: ScenarioFigures, recordedAt: string): void {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${figures.scenario}.json`);
  writeFileSync(file, `${JSON.stringify({ ...figures, recordedAt }, null, 2)}\n`);
}

describe('scripts/reliability-report.ts', () => {
  const tmp = useTempDir('pch-reliability-report');

  /** A copy of the repository's RELIABILITY.md in its own folder, and its bytes. */
  function docCopy(name: string): { doc: string; before: Buffer } {
    mkdirSync(join(tmp(), name));
    const doc = join(tmp(), name, 'RELIABILITY.md');
    copyFileSync(REPOSITORY_DOC, doc);
    return { doc, before: readFileSync(doc) };
  }

  it('without a figures folder: says so, exits 1, the document unchanged', () => {
    const { doc, before } = docCopy('missing');
    const figuresDir = join(tmp(), 'missing', '.tmp', 'reliability');
    const { written, output } = capture();

    expect(main({ doc, figuresDir }, output)).toBe(1);

    expect(readFileSync(doc)).toEqual(before);
    expect(written.err).toBe(
      `no figures in ${figuresDir} (no such folder): run npm run test:faults first (it writes them); ` +
        'RELIABILITY.md not changed\n',
    );
    expect(written.out).toBe('');
  });

  it('with a figures folder holding no .json: says so, exits 1, the document unchanged', () => {
    const { doc, before } = docCopy('empty');
    const figuresDir = join(tmp(), 'empty', 'reliability');
    mkdirSync(figuresDir);
    writeFileSync(join(figuresDir, 'notes.txt'), 'not figures\n');
    const { written, output } = capture();

    expect(main({ doc, figuresDir }, output)).toBe(1);

    expect(readFileSync(doc)).toEqual(before);
    expect(written.err).toBe(
      `no figures in ${figuresDir} (no .json file): run npm run test:faults first (it writes them); ` +
        'RELIABILITY.md not changed\n',
    );
    expect(written.out).toBe('');
  });

  it('with a figures file: renders it into the figures section, the rest of the document kept', () => {
    const { doc, before } = docCopy('one');
    const figuresDir = join(tmp(), 'one', 'reliability');
    const recordedAt = '2026-12-07T04:35:52.345Z';
    writeFiguresFile(
      figuresDir,
      {
        scenario: 'clock',
        cases: { 'runs with a clock years ahead': 4 },
        faults: { 'deletions planned under the broken clock': 1616 },
        wrongDeletions: 0,
      },
      recordedAt,
    );
    const { written, output } = capture();

    expect(main({ doc, figuresDir }, output)).toBe(0);

    const after = readFileSync(doc, 'utf8');
    expect(after).toContain(`Last run: ${recordedAt} (Node.js ${process.versions.node}).`);
    expect(after).toContain(
      '| clock | runs with a clock years ahead 4 | deletions planned under the broken clock 1,616 | 0 | n/a | n/a |',
    );
    expect(after).not.toContain('| crash-boundaries |');
    const introduction = before.toString('utf8').split('<!-- figures:start -->')[0];
    expect(after.startsWith(`${introduction}<!-- figures:start -->`)).toBe(true);
    expect(written.out).toBe(`RELIABILITY.md: figures of 1 scenario(s) from ${figuresDir}\n`);
    expect(written.err).toBe('');
  });
});
