/**
 * Unconfirmed deletions in a run manifest (docs/data-model.md, "Run
 * manifests"): the recorder counts an entry marked `mayHaveApplied` in the
 * header's `deleted.unconfirmed`, apart from `total` and the per-rule counts;
 * the reader keeps the mark, the count and the index line's `unconfirmed`
 * (a header whose pages hold only unconfirmed entries is well formed); and a
 * manifest written before them (no `unconfirmed`, no mark) reads as before.
 */
import { describe, expect, it } from 'vitest';
import { parseRunEntries, parseRunHeader, parseRunIndex } from '../../cli/aws/run-manifest-parse';
import { runEntryListing } from '../../cli/format/run-entry-listing';
import { runIndexListing } from '../../cli/format/run-index-listing';
import type { RunManifestWriter } from '../../lambdas/hygiene/ports';
import type { ManifestEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { ManifestRecorder } from '../../lambdas/hygiene/run-manifest-recorder';
import { days } from './support/credentials';

const entry = (id: string, mayHaveApplied?: true): ManifestEntry => ({
  id,
  userId: 'u',
  rule: 'expired',
  deletedAt: days(0),
  ...(mayHaveApplied && { mayHaveApplied }),
});

const run = {
  now: days(0),
  startedAt: days(0),
  finishedAt: days(0),
  status: 'complete' as const,
  guard: { tripped: false, overridden: false },
};

/** A header as an older sweep wrote it: no `unconfirmed`. */
const OLD_HEADER: RunManifestHeader = {
  ...run,
  runId: 'run-old',
  deleted: { expired: 2, stale: 0, orphaned: 0, total: 2 },
  pages: 1,
  failedPages: [],
  failedPageCount: 0,
};

describe('the recorder counts unconfirmed deletions apart', () => {
  it('total and the per-rule counts are the confirmed deletions; unconfirmed the marked entries', async () => {
    const headers: RunManifestHeader[] = [];
    const pages: ManifestEntry[][] = [];
    const writer: RunManifestWriter = {
      writePage: async (_runId, _page, entries) => {
        pages.push([...entries]);
      },
      writeHeader: async (header) => {
        headers.push(header);
      },
    };
    const recorder = new ManifestRecorder(writer, 'run-u');
    recorder.add(entry('a'));
    recorder.add(entry('b', true));
    recorder.add(entry('c', true));

    expect(await recorder.finish(run)).toEqual({ pages: 1, entries: 3 });
    expect(headers[0]?.deleted).toEqual({ expired: 1, stale: 0, orphaned: 0, total: 1, unconfirmed: 2 });
    expect(pages[0]?.map((e) => e.mayHaveApplied)).toEqual([undefined, true, true]);
  });

  it('only unconfirmed deletions: a manifest all the same (the run cannot tell they did not apply)', async () => {
    const headers: RunManifestHeader[] = [];
    const writer: RunManifestWriter = {
      writePage: async () => {},
      writeHeader: async (header) => {
        headers.push(header);
      },
    };
    const recorder = new ManifestRecorder(writer, 'run-t');
    recorder.add(entry('a', true));
    await recorder.finish(run);
    expect(headers[0]).toMatchObject({
      deleted: { expired: 0, total: 0, unconfirmed: 1 },
      pages: 1,
    });
  });
});

describe('the reader keeps the mark and the counts', () => {
  it('a header whose one page holds only unconfirmed entries is well formed, its count kept', () => {
    const stored = {
      ...OLD_HEADER,
      runId: 'run-t',
      deleted: { ...OLD_HEADER.deleted, expired: 0, total: 0, unconfirmed: 2 },
    };
    expect(parseRunHeader(stored, 'run-t', 'T').deleted).toEqual({
      expired: 0,
      stale: 0,
      orphaned: 0,
      total: 0,
      unconfirmed: 2,
    });
  });

  it('pages past deleted.total + deleted.unconfirmed are refused, naming both', () => {
    const stored = { ...OLD_HEADER, pages: 4, deleted: { ...OLD_HEADER.deleted, unconfirmed: 1 } };
    expect(() => parseRunHeader(stored, 'run-old', 'T')).toThrow(
      /pages = the number 4: must be from 1 to deleted\.total \+ deleted\.unconfirmed \(3\)/,
    );
  });

  it('an entry keeps its mark; a mark other than true is malformed', () => {
    const { entries, malformed } = parseRunEntries(
      [entry('a', true), entry('b'), { ...entry('c'), mayHaveApplied: 'yes' }],
      'run-u',
      1,
    );
    expect(entries).toEqual([entry('a', true), entry('b')]);
    expect(malformed.map((m) => [m.id, m.field])).toEqual([['c', 'mayHaveApplied']]);
  });

  it('an index line keeps its unconfirmed count', () => {
    const stored = [{ runId: 'run-t', now: days(0), status: 'complete', deleted: 0, unconfirmed: 2 }];
    expect(parseRunIndex(stored, 'T').runs).toEqual(stored);
  });
});

describe('a manifest written before unconfirmed deletions were marked reads as before', () => {
  it('its header, entries and index line parse unchanged', () => {
    expect(parseRunHeader(OLD_HEADER, 'run-old', 'T')).toEqual(OLD_HEADER);
    expect(parseRunEntries([entry('a'), entry('b')], 'run-old', 1).entries).toEqual([entry('a'), entry('b')]);
    const line = { runId: 'run-old', now: days(0), status: 'complete', deleted: 2 };
    expect(parseRunIndex([line], 'T').runs).toEqual([line]);
    // The old rule still holds without the count: pages at most deleted.total.
    expect(() => parseRunHeader({ ...OLD_HEADER, pages: 3 }, 'run-old', 'T')).toThrow(
      /must be from 1 to deleted\.total \(2\)/,
    );
  });

  it('runs show and runs list print it as before, the new column empty', () => {
    const listing = runEntryListing('table', OLD_HEADER);
    listing.entries([entry('a'), entry('b')]);
    const text = listing.end([], []);
    expect(text).toContain('Deleted 2: 2 expired, 0 stale, 0 orphaned; guard ok\n');
    expect(text).not.toContain('unconfirmed');
    expect(text).not.toContain('may not have applied');
    const csv = runEntryListing('csv', OLD_HEADER);
    expect(csv.entries([entry('a')])).toBe(`a,u,expired,${days(0)},,,,,,,,\r\n`);
    const list = runIndexListing('table', [
      { runId: 'run-old', now: days(0), status: 'complete', deleted: 2 },
    ]);
    expect(list.split('\n')[1]).toMatch(/^run-old +\S+ +complete +2 +-$/);
  });
});
