/**
 * The snapshot instant an owner import records (lambdas/hygiene/owner-import-as-of.ts; docs/deploy.md, "Owner
 * directory", moving a directory): `--as-of`, else the `directoryAsOf` an `owners export` file carries on its
 * lines, which must agree, else now for an HR file; an `--as-of` that differs from the file's, an export's instant
 * in the future, or an export line without one and no `--as-of`, refused. Pure, and through `checkOwnerRow`.
 */
import { describe, expect, it } from 'vitest';
import { FileSnapshotInstant, resolveImportAsOf } from '../../lambdas/hygiene/owner-import-as-of';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';

const NOW = '2026-12-06T00:00:00.000Z';
const SOURCE = '2026-11-25T00:00:00.000Z';
const owner = (line: number, extra: Record<string, unknown> = {}) => ({
  line,
  fields: { userId: `u${line}`, email: `u${line}@example.com`, status: 'active', ...extra },
});
/** An `owners export` line: route state the worker records, and the directory's instant. */
const exported = (line: number, directoryAsOf: unknown = SOURCE) =>
  owner(line, { updatedAt: '2026-11-25T00:00:01.000Z', directoryAsOf });

/** What the lines say of the file's instant, after checking them in order; and each line's verdict. */
function checkAll(rows: ReturnType<typeof owner>[]) {
  const snapshot = new FileSnapshotInstant();
  const firstLineOf = new Map<string, number>();
  const verdicts = rows.map((row) => checkOwnerRow(row, firstLineOf, snapshot));
  return { snapshot, verdicts };
}

describe('an owners export file states its instant on every line', () => {
  it('takes the instant the lines state, canonical, and accepts the lines as owners', () => {
    const { snapshot, verdicts } = checkAll([exported(1, '2026-11-25T01:00:00+01:00'), exported(2)]);

    expect(verdicts.every((v) => 'owner' in v)).toBe(true);
    expect(resolveImportAsOf(undefined, snapshot, NOW)).toEqual({ asOf: SOURCE, from: 'export' });
  });

  it('refuses a line whose instant differs from an earlier line’s, naming both (two exports joined)', () => {
    const { verdicts } = checkAll([exported(1), exported(2), exported(3, '2026-12-01T00:00:00Z')]);

    expect(verdicts[2]).toEqual({
      rejected: {
        line: 3,
        userId: 'u3',
        problems: [
          "directoryAsOf: 2026-12-01T00:00:00Z differs from line 1's 2026-11-25T00:00:00.000Z (one export is " +
            'one snapshot: were two exports joined?)',
        ],
      },
    });
  });

  it.each([
    [
      'a date alone',
      '2026-11-25',
      'directoryAsOf: must be an RFC 3339 instant, as owners export writes it; "2026-11-25" is',
    ],
    [
      'a number',
      1_764_028_800_000,
      'directoryAsOf: must be an RFC 3339 instant, as owners export writes it; got 1764028800000',
    ],
  ])('refuses a line whose instant is %s', (_what, value, problem) => {
    const { verdicts } = checkAll([exported(1, value)]);

    expect(verdicts[0]).toMatchObject({
      rejected: { line: 1, problems: [expect.stringContaining(problem)] },
    });
  });

  it('takes an --as-of that is the same instant, however spelled', () => {
    const { snapshot } = checkAll([exported(1)]);

    expect(resolveImportAsOf('2026-11-25T01:00:00+01:00', snapshot, NOW)).toEqual({
      asOf: '2026-11-25T01:00:00+01:00',
      from: 'as-of',
    });
  });

  it('refuses an --as-of that differs from the instant the export records, naming both and the way out', () => {
    const { snapshot } = checkAll([exported(1), exported(2)]);

    expect(resolveImportAsOf('2026-12-05T00:00:00.000Z', snapshot, NOW)).toEqual({
      asOf: '2026-12-05T00:00:00.000Z',
      from: 'as-of',
      problem:
        '--as-of 2026-12-05T00:00:00.000Z is not the instant this owners export records (directoryAsOf ' +
        "2026-11-25T00:00:00.000Z on line 1: the exported directory's snapshot): run the import without --as-of " +
        "to record the export's own instant",
    });
  });

  it('refuses an export whose instant is after now', () => {
    const { snapshot } = checkAll([exported(1, '2026-12-07T00:00:00Z')]);

    expect(resolveImportAsOf(undefined, snapshot, NOW)).toMatchObject({
      asOf: '2026-12-07T00:00:00.000Z',
      problem: "the export's directoryAsOf 2026-12-07T00:00:00.000Z (line 1) is in the future",
    });
  });
});

describe('a file whose lines state no instant', () => {
  it('an HR file (no route state): now, or the --as-of given', () => {
    const { snapshot } = checkAll([owner(1), owner(2)]);

    expect(resolveImportAsOf(undefined, snapshot, NOW)).toEqual({ asOf: NOW, from: 'now' });
    expect(resolveImportAsOf(SOURCE, snapshot, NOW)).toEqual({ asOf: SOURCE, from: 'as-of' });
  });

  it('an owners export without directoryAsOf (an earlier version): --as-of required, never now', () => {
    const earlier = owner(2, { updatedAt: '2026-11-25T00:00:01.000Z' });
    const { snapshot } = checkAll([owner(1), earlier, owner(3, { subscription: 'unsubscribed' })]);

    const resolved = resolveImportAsOf(undefined, snapshot, NOW);

    expect(resolved.problem).toMatch(
      /^this file is an owners export \(line 2 carries the route state the worker records\) that records no snapshot instant \(no directoryAsOf: .*\): give --as-of with the exported directory's asOf/,
    );
    expect(resolveImportAsOf(SOURCE, snapshot, NOW)).toEqual({ asOf: SOURCE, from: 'as-of' });
  });
});
