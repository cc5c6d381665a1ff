/**
 * A run manifest's header records the pages whose write failed (ascending,
 * bounded: a count and the lowest FAILED_PAGES_RECORDED page numbers), so a
 * reader can tell a page whose write failed from one lost since; and a stored
 * header is checked field by field before `runs show` or `restore --run`
 * reads pages from it (docs/data-model.md, "Run manifests").
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MalformedRunHeaderError, parseRunHeader } from '../../cli/aws/run-manifest-parse';
import type { RunManifestWriter } from '../../lambdas/hygiene/ports';
import {
  FAILED_PAGES_RECORDED,
  type ManifestEntry,
  missingPageCause,
  type RunManifestHeader,
} from '../../lambdas/hygiene/run-manifest';
import { ManifestRecorder } from '../../lambdas/hygiene/run-manifest-recorder';
import { days } from './support/credentials';

const entry = (i: number): ManifestEntry => ({
  id: `c-${i}`,
  userId: 'u',
  rule: 'expired',
  deletedAt: days(0),
});
const run = {
  now: days(0),
  startedAt: days(0),
  finishedAt: days(0),
  status: 'complete' as const,
  guard: { tripped: false, overridden: false },
};

/** A writer whose page writes wait until the test settles them (to fail them in any order); headers are kept. */
function heldWriter() {
  const held = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const headers: RunManifestHeader[] = [];
  const writer: RunManifestWriter = {
    writePage: (_runId, page) => new Promise<void>((resolve, reject) => held.set(page, { resolve, reject })),
    writeHeader: async (header) => {
      headers.push(header);
    },
  };
  return { writer, held, headers };
}

describe('the header lists the pages whose write failed', () => {
  it('names each failed page, ascending, whatever order the writes fail in', async () => {
    const { writer, held, headers } = heldWriter();
    const recorder = new ManifestRecorder(writer, 'run-f', 2);
    for (let i = 0; i < 9; i++) recorder.add(entry(i)); // pages 1-4 full, page 5 written by finish
    const finished = recorder.finish(run);
    for (const page of [4, 2, 5, 1, 3]) {
      const write = held.get(page);
      if (page === 4 || page === 2) write?.reject(new Error('throttled'));
      else write?.resolve();
    }

    const summary = await finished;

    expect(summary).toMatchObject({ pages: 5, entries: 9, failed: expect.stringContaining('throttled') });
    expect(headers).toEqual([expect.objectContaining({ pages: 5, failedPages: [2, 4], failedPageCount: 2 })]);
  });

  it(`a run with more failed pages than ${FAILED_PAGES_RECORDED} lists the lowest ones and counts them all`, async () => {
    const { writer, held, headers } = heldWriter();
    const pages = FAILED_PAGES_RECORDED + 25;
    const recorder = new ManifestRecorder(writer, 'run-many', 1);
    for (let i = 0; i < pages; i++) recorder.add(entry(i));
    const finished = recorder.finish(run);
    // The highest pages fail first: the recorder must still keep the lowest.
    for (const page of [...held.keys()].reverse()) held.get(page)?.reject(new Error('throttled'));

    await finished;

    const [header] = headers;
    expect(header?.failedPageCount).toBe(pages);
    expect(header?.failedPages).toEqual(Array.from({ length: FAILED_PAGES_RECORDED }, (_, i) => i + 1));
  });
});

describe('missingPageCause', () => {
  const header = (fields: Partial<RunManifestHeader>): RunManifestHeader => ({
    ...run,
    runId: 'r',
    deleted: { expired: 10_000, stale: 0, orphaned: 0, total: 10_000 },
    pages: 5000,
    ...fields,
  });

  it('a listed page failed in the run; an unlisted one under a full list was lost since', () => {
    const h = header({ failedPages: [2, 7], failedPageCount: 2 });
    expect(missingPageCause(h, 7)).toBe('write-failed');
    expect(missingPageCause(h, 3)).toBe('lost');
    expect(missingPageCause(h, 4000)).toBe('lost');
    expect(missingPageCause(header({ failedPages: [], failedPageCount: 0 }), 1)).toBe('lost');
  });

  it('the header cannot say for a page past its bounded list, or when it predates failedPages', () => {
    const listed = Array.from({ length: FAILED_PAGES_RECORDED }, (_, i) => 2 * i + 1);
    const h = header({ failedPages: listed, failedPageCount: FAILED_PAGES_RECORDED + 3 });
    expect(missingPageCause(h, 2)).toBe('lost'); // below the last listed page: the list is complete there
    expect(missingPageCause(h, 1999)).toBe('write-failed');
    expect(missingPageCause(h, 2001)).toBe('unknown');
    expect(missingPageCause(header({}), 1)).toBe('unknown');
  });
});

describe('parseRunHeader', () => {
  const good = {
    ...run,
    runId: 'run-x',
    deleted: { expired: 3, stale: 1, orphaned: 0, total: 4 },
    pages: 2,
    failedPages: [2],
    failedPageCount: 1,
  };
  const parse = (stored: unknown) => parseRunHeader(stored, 'run-x', 'T');
  const error = (stored: unknown) => {
    try {
      parse(stored);
    } catch (e: unknown) {
      if (e instanceof MalformedRunHeaderError) return e.message;
      throw e;
    }
    throw new Error('parsed');
  };

  it('reads a header as the sweep writes it, and one written before failedPages', () => {
    expect(parse(good)).toEqual(good);
    const { failedPages: _, failedPageCount: __, ...old } = good;
    expect(parse(old)).toEqual(old);
  });

  it.each([
    ['pages', { ...good, pages: 2.5 }, 'pages = the number 2.5: must be a whole number'],
    ['pages', { ...good, pages: '2' }, 'pages = "2": must be a whole number'],
    [
      'pages',
      { ...good, pages: NumberValue.from('1E+125') },
      'pages = the number 1E+125, which a double cannot hold exactly: must be a whole number',
    ],
    [
      'pages',
      { ...good, pages: 2n ** 70n },
      'pages = the number 1180591620717411303424: must be a whole number',
    ],
    ['status', { ...good, status: 'done' }, 'status = "done": must be one of complete, incomplete, aborted'],
    [
      'deleted',
      { ...good, deleted: { ...good.deleted, stale: null } },
      'deleted.stale = null: must be a whole number',
    ],
    ['deleted', { ...good, deleted: [] }, 'deleted = a list []: must be a map of counts'],
    ['guard', { ...good, guard: { tripped: 'yes', overridden: false } }, 'guard.tripped = "yes"'],
    ['the header', 'garbage', 'hygieneRunHeader = "garbage": must be a map'],
    ['runId', { ...good, runId: 'run-y' }, 'runId = "run-y": must be the run\'s own id, "run-x"'],
    ['deleted.total', { ...good, deleted: { ...good.deleted, total: 9 } }, 'deleted.total = the number 9'],
    [
      'pages',
      { ...good, pages: 1e15 },
      'pages = the number 1000000000000000: must be from 1 to deleted.total (4)',
    ],
    [
      'failedPages',
      { ...good, failedPages: [3] },
      'failedPages.0 = the number 3: must be ascending page numbers',
    ],
    ['failedPages', { ...good, failedPages: [2, 1] }, 'failedPages.1 = the number 1: must be ascending'],
    [
      'failedPageCount',
      { ...good, failedPageCount: 2 },
      'failedPageCount = the number 2: must be at most pages',
    ],
    [
      'failedPageCount',
      { ...good, failedPageCount: undefined },
      'failedPageCount = (absent): must be stored with failedPages',
    ],
  ])('%s of the wrong type or out of range is an error naming the run and the field', (_f, stored, text) => {
    const message = error(stored);
    expect(message).toMatch(/^run run-x: its manifest header in T is malformed: /);
    expect(message).toContain(text);
  });

  it('stored text in the error cannot reorder or drive the terminal (controls JSON leaves as they are)', () => {
    const message = error({ ...good, status: 'ok\u202e\u009b31m\u2028x' });
    expect(message).toContain('status = "ok\\u202e\\x9b31m\\u2028x"');
    expect(message).not.toMatch(/[\u202e\u009b\u2028]/);
  });
});
