/**
 * `judgeSnapshotOrder`: an owner export older than the directory's recorded
 * snapshot is refused unless overridden (docs/deploy.md, "Owner directory").
 */
import { describe, expect, it } from 'vitest';
import { judgeSnapshotOrder } from '../../lambdas/hygiene/owner-import-guards';

describe('judgeSnapshotOrder', () => {
  it('lets anything replace a directory never imported, and the same or a newer instant replace one', () => {
    expect(judgeSnapshotOrder(undefined, '2026-11-28T06:00:00.000Z')).toEqual({ older: false });
    expect(judgeSnapshotOrder('2026-11-28T06:00:00.000Z', '2026-11-28T06:00:00.000Z')).toEqual({
      older: false,
    });
    expect(judgeSnapshotOrder('2026-11-28T06:00:00.000Z', '2026-11-28T06:00:00.001Z')).toEqual({
      older: false,
    });
  });

  it('compares instants, not spellings: an offset recorded instant is ordered by its UTC value', () => {
    expect(judgeSnapshotOrder('2026-11-28T07:00:00+02:00', '2026-11-28T06:00:00.000Z')).toEqual({
      older: false,
    });
  });

  it('calls an older instant older, naming both', () => {
    expect(judgeSnapshotOrder('2026-11-30T06:00:00.000Z', '2026-11-30T05:59:59.999Z')).toEqual({
      older: true,
      reason:
        "--as-of 2026-11-30T05:59:59.999Z is older than the directory's snapshot (as of 2026-11-30T06:00:00.000Z)",
    });
  });

  it('counts a recorded instant it cannot read as newer, quoting it', () => {
    const verdict = judgeSnapshotOrder('\u001b[2Jsoon', '2026-11-30T06:00:00.000Z');
    expect(verdict.older).toBe(true);
    expect(verdict.reason).toContain('"\\u001b[2Jsoon") is not a valid instant');
  });

  it.each<[unknown, string]>([
    [20261130, 'the number 20261130'],
    [12345678901234567890n, 'the number 12345678901234567890'],
    // A stored number a double cannot hold (a `NumberValue`, recognised by shape).
    [
      { value: '1.00000000000000000001', toAttributeValue: () => ({}) },
      'the number 1.00000000000000000001, which a double cannot hold exactly',
    ],
    [null, 'null'],
    [true, 'boolean true'],
    [{ at: '2026-11-30T06:00:00.000Z' }, 'a map {"at":"2026-11-30T06:00:00.000Z"}'],
    [['2026-11-30T06:00:00.000Z'], 'a list ["2026-11-30T06:00:00.000Z"]'],
    [new Set(['b', 'a']), 'a set ["b","a"]'],
    [new Uint8Array([1, 2]), 'binary (2 bytes)'],
    ['x'.repeat(100), `"${'x'.repeat(56)}...`],
  ])('counts a recorded asOf that is not an instant string (%o) as newer, naming it', (recorded, shown) => {
    expect(judgeSnapshotOrder(recorded, '2026-11-30T06:00:00.000Z')).toEqual({
      older: true,
      reason: `the directory's recorded snapshot instant (${shown}) is not a valid instant, so --as-of 2026-11-30T06:00:00.000Z cannot be shown to be newer`,
    });
  });

  describe('at the recorded instant, by content digest', () => {
    const at = '2026-11-30T06:00:00.000Z';
    const mine = 'a'.repeat(64);
    const theirs = `${'b'.repeat(12)}${'0'.repeat(52)}`;

    it('lets the same export through (a re-run), and one over a digest never recorded (it cannot tell)', () => {
      expect(judgeSnapshotOrder(at, at, { recordedDigest: mine, digest: mine })).toEqual({ older: false });
      expect(judgeSnapshotOrder(at, at, { recordedDigest: undefined, digest: mine })).toEqual({
        older: false,
      });
      // A newer instant goes whatever the digests; an older one is older whatever they are.
      expect(
        judgeSnapshotOrder(at, '2026-11-30T06:00:00.001Z', { recordedDigest: theirs, digest: mine }),
      ).toEqual({ older: false });
      expect(
        judgeSnapshotOrder(at, '2026-11-30T05:00:00.000Z', { recordedDigest: mine, digest: mine }).older,
      ).toBe(true);
    });

    it('refuses a different export as of the same instant (spelled either way), naming both digests short', () => {
      const verdict = {
        older: true,
        otherExport: true,
        reason: `the directory's snapshot as of ${at} is a different export (content digest bbbbbbbbbbbb; this export's is aaaaaaaaaaaa)`,
      };
      expect(judgeSnapshotOrder(at, at, { recordedDigest: theirs, digest: mine })).toEqual(verdict);
      expect(
        judgeSnapshotOrder('2026-11-30T08:00:00+02:00', at, { recordedDigest: theirs, digest: mine }),
      ).toEqual(verdict);
    });

    it.each<[unknown, string]>([
      [5, 'the number 5'],
      [null, 'null'],
      [['x'], 'a list ["x"]'],
      ['\u001b[2J', '"\\u001b[2J"'],
      ['A'.repeat(64), `"${'A'.repeat(56)}...`],
    ])('counts a recorded digest that is not one (%o) as another export, naming it', (recorded, shown) => {
      expect(judgeSnapshotOrder(at, at, { recordedDigest: recorded, digest: mine })).toEqual({
        older: true,
        otherExport: true,
        reason: `the directory's snapshot as of ${at} is a different export (content digest ${shown}; this export's is aaaaaaaaaaaa)`,
      });
    });
  });
});
