/**
 * A run manifest's pages and run index are stored data, checked entry by
 * entry before `runs show`, `restore --run` or `runs list` use them
 * (docs/data-model.md, "Run manifests"): a malformed entry (a date included:
 * the sweep's own instants in canonical UTC, a credential's dates as any
 * RFC 3339 instant) is named (page,
 * position, field, stored value, rule), sanitised, and left out; the valid
 * ones are kept; a page or an index that is not a list at all is named as such.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  MalformedRunIndexError,
  parseRunEntries,
  parseRunIndex,
  parseRunPage,
} from '../../cli/aws/run-manifest-parse';
import type { ManifestEntry, RunIndexEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { days } from './support/credentials';

const good: ManifestEntry = {
  id: 'b-one',
  userId: 'user-b',
  clientId: 'client-b-one',
  displayName: 'Credential b-one',
  rule: 'expired',
  deletedAt: days(0),
  expiresTime: days(-1),
  lastUsedAt: days(-2),
  createdAt: days(-100),
};
const minimal: ManifestEntry = { id: 'e-two', userId: 'user-e', rule: 'stale', deletedAt: days(0) };

describe('parseRunEntries', () => {
  const parse = (stored: unknown[]) => parseRunEntries(stored, 'run-x', 2);

  it('keeps entries as the sweep writes them, and drops fields it does not know', () => {
    expect(parse([good, { ...minimal, addedLater: 1 }])).toEqual({ entries: [good, minimal], malformed: [] });
  });

  it.each([
    ['id', { ...good, id: 42 }, 'id = the number 42: must be a non-empty string'],
    ['id', { ...good, id: '' }, 'id = "": must be a non-empty string'],
    ['rule', { ...good, rule: undefined }, 'rule = (absent): must be one of expired, stale, orphaned'],
    ['rule', { ...good, rule: 'gone' }, 'rule = "gone": must be one of expired, stale, orphaned'],
    [
      'userId',
      { ...good, userId: NumberValue.from('1E+125') },
      'userId = the number 1E+125, which a double cannot hold exactly: must be a string',
    ],
    ['expiresTime', { ...good, expiresTime: null }, 'expiresTime = null: must be a string'],
    [
      'deletedAt',
      { ...good, deletedAt: '2026-02-30T00:00:00.000Z' },
      'deletedAt = "2026-02-30T00:00:00.000Z": must be an instant in canonical UTC (YYYY-MM-DDTHH:mm:ss.sssZ), ' +
        'as the sweep writes it; it is an impossible date (2026-02 has no day 30)',
    ],
    [
      'expiresTime',
      { ...good, expiresTime: 'soon' },
      'expiresTime = "soon": must be an instant in canonical UTC (YYYY-MM-DDTHH:mm:ss.sssZ), as the sweep writes it; ' +
        'it is not an RFC 3339 date-time',
    ],
    [
      'flaggedAt',
      { ...good, rule: 'stale', flaggedAt: '2026-12-01T01:00:00+01:00' },
      'flaggedAt = "2026-12-01T01:00:00+01:00": must be an instant in canonical UTC (YYYY-MM-DDTHH:mm:ss.sssZ), ' +
        'as the sweep writes it; it is a valid instant written in another form',
    ],
    [
      'deleteAfter',
      { ...good, rule: 'stale', deleteAfter: '2026-12-01' },
      'deleteAfter = "2026-12-01": must be an instant in canonical UTC (YYYY-MM-DDTHH:mm:ss.sssZ), as the sweep writes it; ' +
        'it is a date without a time',
    ],
    [
      'lastUsedAt',
      { ...good, lastUsedAt: '2026-11-30 10:00' },
      'lastUsedAt = "2026-11-30 10:00": must be an RFC 3339 instant, as the credential stored it; ' +
        'it is a date-time without a time zone',
    ],
    [
      'createdAt',
      { ...good, createdAt: '2026-13-01T00:00:00Z' },
      'createdAt = "2026-13-01T00:00:00Z": must be an RFC 3339 instant, as the credential stored it; ' +
        'it is an impossible date (there is no month 13)',
    ],
    ['entry', 'garbage', 'entry = "garbage": must be a map'],
  ])('an entry with %s wrong is named and passed over; the others are kept', (field, bad, text) => {
    const { entries, malformed } = parse([minimal, bad, good]);

    expect(entries).toEqual([minimal, good]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ page: 2, position: 2, field });
    expect(malformed[0]?.error).toMatch(
      /^run run-x: manifest page 2, entry 2 (\(id "b-one"\) )?is malformed: /,
    );
    expect(malformed[0]?.error).toContain(text);
    expect(malformed[0]?.error).toContain(
      '(pc-hygiene export --include-reserved shows the item __hygiene__#run#run-x#2)',
    );
  });

  it('keeps a credential’s own dates (lastUsedAt, createdAt) as stored when they are any RFC 3339 instant', () => {
    const copied = {
      ...good,
      lastUsedAt: '2026-11-30T10:00:00+02:00',
      createdAt: '2026-01-01t00:00:00.123456789z',
    };
    expect(parse([copied])).toEqual({ entries: [copied], malformed: [] });
  });

  it('names a malformed entry by its id when the id is readable', () => {
    const [bad] = parse([{ ...good, rule: 'gone' }]).malformed;
    expect(bad).toMatchObject({ id: 'b-one', field: 'rule' });
    expect(bad?.error).toContain('manifest page 2, entry 1 (id "b-one") is malformed: rule = "gone"');
  });

  it('stored text in the error cannot drive the terminal or start a line', () => {
    const [bad] = parse([{ ...good, id: 'b\u202e\nx', rule: 'e\u009b31m' }]).malformed;
    expect(bad?.id).toBe('b\u202e\nx');
    expect(bad?.error).not.toMatch(/[\u202e\u009b\n]/);
    expect(bad?.error).toContain('(id "b\\u202e\\nx")');
  });
});

describe('parseRunPage', () => {
  const header: RunManifestHeader = {
    runId: 'run-x',
    now: days(0),
    startedAt: days(0),
    finishedAt: days(0),
    status: 'complete',
    deleted: { expired: 3, stale: 0, orphaned: 0, total: 3 },
    pages: 2,
    failedPages: [],
    failedPageCount: 0,
    guard: { tripped: false, overridden: false },
  };

  it('a page item whose entries are not a list is a malformed page, not a missing one', () => {
    const page = parseRunPage({ id: 'p', hygieneRunEntries: { M: 'x' } }, header, 2);

    expect(page).toMatchObject({
      page: 2,
      entries: [],
      malformed: [],
      missing: { page: 2, cause: 'malformed' },
    });
    expect(page.missing?.error).toBe(
      'run run-x: manifest page 2 of 2 is malformed: hygieneRunEntries = a map {"M":"x"}: must be a list of deletion entries; ' +
        'its deletions carry hygieneDeletedByRun = run-x (pc-hygiene export shows them; docs/deploy.md, "Restore runbook")',
    );
    expect(parseRunPage({ id: 'p' }, header, 1).missing?.cause).toBe('malformed');
  });

  it('an absent page item is missing, with the header’s cause', () => {
    expect(parseRunPage(undefined, header, 1).missing?.cause).toBe('lost');
  });

  it('a page item with a list has its entries checked', () => {
    const page = parseRunPage({ hygieneRunEntries: [good, { ...good, id: 7 }] }, header, 1);
    expect(page.entries).toEqual([good]);
    expect(page.malformed.map((m) => [m.page, m.position, m.field])).toEqual([[1, 2, 'id']]);
    expect(page.missing).toBeUndefined();
  });
});

describe('parseRunIndex', () => {
  const run = (runId: string): RunIndexEntry => ({ runId, now: days(0), status: 'complete', deleted: 3 });

  it('keeps the runs as stored, oldest first', () => {
    expect(parseRunIndex([run('r-1'), run('r-2')], 'T')).toEqual({
      runs: [run('r-1'), run('r-2')],
      malformed: [],
    });
  });

  it.each([
    ['deleted', { ...run('r-2'), deleted: '3' }, 'deleted = "3": must be a whole number'],
    ['deleted', { ...run('r-2'), deleted: -1 }, 'deleted = the number -1: must be a whole number'],
    [
      'status',
      { ...run('r-2'), status: 'done' },
      'status = "done": must be one of complete, incomplete, aborted',
    ],
    ['runId', { ...run('r-2'), runId: null }, 'runId = null: must be a non-empty string'],
    ['entry', [1], 'entry = a list [1]: must be a map'],
  ])('a run with %s wrong is named and left out; the others are kept', (field, bad, text) => {
    const { runs, malformed } = parseRunIndex([run('r-1'), bad, run('r-3')], 'T');

    expect(runs).toEqual([run('r-1'), run('r-3')]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ position: 2, field });
    expect(malformed[0]?.error).toMatch(
      /^the run index in T: entry 2 of 3 \(oldest first\)(, run "r-2",)? is malformed: /,
    );
    expect(malformed[0]?.error).toContain(`${text}`);
    expect(malformed[0]?.error).toContain('it is not listed');
  });

  it('returns the run id whose header stays readable when it is readable; the error names no command', () => {
    const [bad] = parseRunIndex([{ ...run('r-2'), deleted: 2.5 }], 'T').malformed;
    expect(bad).toMatchObject({ runId: 'r-2' });
    // The command that lists the index prints `runs show`, aimed at its table (cli/commands/runs.ts).
    expect(bad?.error).toContain('; it is not listed (pc-hygiene export --include-reserved shows the item ');
    expect(bad?.error).not.toContain('runs show');
  });

  it.each([
    ['a map', { '0': run('r-1') }, 'hygieneRuns = a map {"0":{"runId":"r-1",'],
    ['absent', undefined, 'hygieneRuns = (absent): must be a list of runs'],
  ])('an index that is not a list (%s) is an error naming it', (_what, stored, text) => {
    expect(() => parseRunIndex(stored, 'T')).toThrow(MalformedRunIndexError);
    expect(() => parseRunIndex(stored, 'T')).toThrow(`the run index in T is malformed: ${text}`);
  });
});
