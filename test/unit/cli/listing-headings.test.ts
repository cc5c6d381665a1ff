/**
 * Every table listing of the CLI heads its columns one way, in capitals
 * (`USER ID`, `DELETE AFTER`: `plan`, `owners list`, `runs list|show`), so
 * `report --list` and the deletions of `sweep --dry-run` do too
 * (`cli/format/listing.ts`), and so do the two tables rendered in
 * `lambdas/render/`: the posture report's owner table (`report`, `local`)
 * and the run summary's action table (`sweep`, `local`, the admins' report),
 * which sits right above the dry run's deletions. Their machine formats keep
 * their names: `report --list`'s CSV header and the dry run's JSON
 * `plannedDeletions` keys.
 */
import { describe, expect, it } from 'vitest';
import { categoryListing } from '../../../cli/format/category-listing';
import { renderDeletionListingText, renderDryRunJson } from '../../../cli/format/deletion-listing';
import { runEntryListing } from '../../../cli/format/run-entry-listing';
import { DEFAULT_CONFIG, parseConfig } from '../../../lambdas/hygiene/config';
import type { GuardStatus } from '../../../lambdas/hygiene/guard';
import { loadDirectoryState } from '../../../lambdas/hygiene/owner-directory';
import { PostureAccumulator } from '../../../lambdas/hygiene/posture';
import { withOwnerReach } from '../../../lambdas/hygiene/posture-reach';
import type { RunManifestHeader } from '../../../lambdas/hygiene/run-manifest';
import type { RunSummary } from '../../../lambdas/hygiene/run-summary';
import { type PlannedDeletion, runSweep } from '../../../lambdas/hygiene/sweep';
import { renderPostureText } from '../../../lambdas/render/posture-text';
import { renderRunSummaryText } from '../../../lambdas/render/run-summary-text';
import { InMemoryOwnerDirectory, reachableOwner } from '../owner-directory-fake';
import { credential, NOW, oneOfEachRule } from '../support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from '../support/memory-ports';

/** A table's heading words: its first line split at the column gaps. */
function headings(line: string | undefined): string[] {
  return (line ?? '').trim().split(/ {2,}/);
}

const GUARD: GuardStatus = {
  tripped: false,
  plannedDeletes: 1,
  activeValid: 10,
  maxDeletesPerRun: 500,
  maxDeletePercent: 10,
  overridden: false,
  deletionsAllowed: true,
  reasons: [],
};

const DELETION: PlannedDeletion = {
  id: 'pc-1',
  userId: 'u-1',
  rule: 'stale',
  deletedAt: '2026-11-26T00:00:00.000Z',
  lastUsedAt: '2026-05-01T00:00:00.000Z',
  flaggedAt: '2026-11-01T00:00:00.000Z',
  deleteAfter: '2026-11-15T00:00:00.000Z',
  verdict: 'allowed',
};

describe('table listings head their columns in capitals', () => {
  it('report --list (a table of fixed widths)', () => {
    const listing = categoryListing('table');
    expect(headings(listing.start())).toEqual([
      'ID',
      'OWNER',
      'DISPLAY NAME',
      'EXPIRES',
      'LAST USED',
      'CREATED',
      'DELETED AT',
      'PROBLEMS',
    ]);
  });

  it('the deletions of sweep --dry-run', () => {
    const lines = renderDeletionListingText([DELETION], GUARD).split('\n');
    // A blank line, the "Deletions planned" heading, then the table.
    expect(headings(lines[2])).toEqual([
      'ID',
      'OWNER',
      'RULE',
      'VERDICT',
      'EXPIRES',
      'LAST USED',
      'FLAGGED',
      'DELETE AFTER',
    ]);
    expect(lines[3]).toMatch(/^pc-1 +u-1 +stale +would delete +- +2026-05-01T00:00:00\.000Z/);
  });

  it('runs show, the words the others follow', () => {
    const header = {
      runId: 'r-1',
      now: '2026-11-26T00:00:00.000Z',
      startedAt: '2026-11-26T00:00:01.000Z',
      finishedAt: '2026-11-26T00:00:02.000Z',
      status: 'complete',
      deleted: { expired: 0, stale: 1, orphaned: 0, total: 1 },
      pages: 1,
      guard: { tripped: false, overridden: false },
    } satisfies RunManifestHeader;
    const listing = runEntryListing('table', header);
    listing.entries([DELETION]);
    const table = listing.end([], []).split('\n');
    expect(headings(table[2])).toEqual([
      'ID',
      'USER ID',
      'RULE',
      'DELETED AT',
      'EXPIRES',
      'LAST USED',
      'CREATED',
      'FLAGGED',
      'DELETE AFTER',
      'CLIENT ID',
      'DISPLAY NAME',
      'UNCONFIRMED',
    ]);
  });
});

describe('the tables rendered for the CLI and the admins head their columns in capitals too', () => {
  /** The line of a text that starts with `first`, the heading of the table it heads. */
  const headingLine = (text: string, first: string) =>
    text.split('\n').find((line) => line.startsWith(first));

  it("the posture report's owner table, with and without the directory's name and reach", async () => {
    const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
    accumulator.add(credential('a-1'));
    const report = accumulator.report();
    const directory = new InMemoryOwnerDirectory(
      [reachableOwner('user-a', 'Ann')],
      '2026-11-25T00:00:00.000Z',
    );
    const state = await loadDirectoryState(directory, DEFAULT_CONFIG.directoryMaxAgeDays, NOW);
    const owners = accumulator.reachOwners();
    const judged = await withOwnerReach(report, owners, directory, state, DEFAULT_CONFIG, NOW);
    const figures = [
      'CREDENTIALS',
      'RISKY',
      'EXEMPT',
      'EXPIRED',
      'STALE',
      'UNSCOPED+OPEN',
      'NO EXPIRY',
      'EXP<=30D',
    ];

    expect(headings(headingLine(renderPostureText(report), 'OWNER'))).toEqual(['OWNER', ...figures]);
    expect(headings(headingLine(renderPostureText(judged), 'OWNER'))).toEqual([
      'OWNER',
      'NAME',
      'REACH',
      ...figures,
    ]);
  });

  it("the run summary's action table, enforce and audit", async () => {
    const text = async (mode: 'enforce' | 'audit') => {
      const table = new MemoryTable(oneOfEachRule());
      const summary = await runSweep(
        { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
        { config: parseConfig({}), now: NOW, runId: 'r-1', mode },
      );
      return renderRunSummaryText(summary);
    };

    expect(headings(headingLine(await text('enforce'), 'ACTION'))).toEqual(['ACTION', 'PLANNED', 'APPLIED']);
    expect(headings(headingLine(await text('audit'), 'ACTION'))).toEqual([
      'ACTION',
      'PLANNED',
      'WOULD APPLY',
    ]);
  });
});

describe('machine formats keep their names', () => {
  it("report --list's CSV header is the field names", () => {
    expect(categoryListing('csv').start()).toBe(
      'id,owner,displayName,expiresTime,lastUsedAt,createdAt,deletedAt,problems\r\n',
    );
  });

  it("the dry run's JSON plannedDeletions are the manifest entry's keys and the verdict", () => {
    const json = JSON.parse(renderDryRunJson({} as RunSummary, [DELETION])) as {
      plannedDeletions: Record<string, unknown>[];
    };
    expect(Object.keys(json.plannedDeletions[0] ?? {})).toEqual([
      'id',
      'userId',
      'rule',
      'deletedAt',
      'lastUsedAt',
      'flaggedAt',
      'deleteAfter',
      'verdict',
    ]);
  });
});
