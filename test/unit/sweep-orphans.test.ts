/**
 * The sweep with an owner directory (docs/rules.md, "Orphaned credentials"):
 * the directory is read once per run, departed owners' credentials are
 * flagged then deleted (counted by the guard, events queued), and a stale,
 * empty or missing directory, or one whose snapshot is days after the run's
 * `now`, orphans nothing and the summary says why.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import type { DirectoryFreshness, SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import { runSweep, type SweepOptions } from '../../lambdas/hygiene/sweep';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 1, writeConcurrency: 2 });
const options = (overrides: Partial<SweepOptions> = {}): SweepOptions => ({
  config,
  now: NOW,
  runId: 'run-1',
  mode: 'enforce',
  ...overrides,
});

/** A directory that counts how often the sweep reads it (holding no owner records: reach is not tested here). */
class FakeDirectory implements SweepOwnerDirectory {
  freshnessReads = 0;
  departedReads = 0;
  constructor(
    private readonly fresh: DirectoryFreshness | undefined,
    private readonly departed: readonly string[],
  ) {}
  async freshness() {
    this.freshnessReads++;
    return this.fresh;
  }
  async departedUserIds() {
    this.departedReads++;
    return new Set(this.departed);
  }
  async getMany() {
    return new Map();
  }
}

// `credential(id)` owns `id` by `user-<first part of id>`: a-* → user-a, b-* → user-b.
function items() {
  return [
    credential('a-1'),
    credential('a-2', { [HYGIENE_ATTR.orphanedAt]: days(-8), [HYGIENE_ATTR.orphanDeleteAfter]: days(-1) }),
    credential('a-3', { [HYGIENE_ATTR.exempt]: true }),
    credential('b-1', { [HYGIENE_ATTR.orphanedAt]: days(-3), [HYGIENE_ATTR.orphanDeleteAfter]: days(4) }),
    credential('c-1'),
  ];
}

function setup() {
  const table = new MemoryTable(items());
  return { table, scanner: new MemoryScanner(table, 2), writer: new MemoryWriter(table) };
}

const fresh = { asOf: days(-1), owners: 3 };

describe('runSweep with an owner directory', () => {
  it("flags and deletes departed owners' credentials, clears returned owners' flags, reads the directory once", async () => {
    const { table, scanner, writer } = setup();
    const directory = new FakeDirectory(fresh, ['user-a']);

    const summary = await runSweep({ clock: Date.now, scanner, writer, directory }, options());

    expect(table.get('a-1')).toMatchObject({
      [HYGIENE_ATTR.orphanedAt]: days(0),
      [HYGIENE_ATTR.orphanDeleteAfter]: days(7),
    });
    expect(table.get('a-2')).toMatchObject({ deletedAt: days(0), [HYGIENE_ATTR.deletedReason]: 'orphaned' });
    expect(table.get('a-3')).not.toHaveProperty(HYGIENE_ATTR.orphanedAt);
    // `unflag-orphan` removes both attributes (docs/data-model.md, "Updates"): half a pair is an invalid record.
    expect(table.get('b-1')).not.toHaveProperty(HYGIENE_ATTR.orphanedAt);
    expect(table.get('b-1')).not.toHaveProperty(HYGIENE_ATTR.orphanDeleteAfter);
    expect(parseCredential(table.get('b-1')).ok).toBe(true);
    expect(table.get('c-1')).not.toHaveProperty(HYGIENE_ATTR.orphanedAt);
    const outboxTypes = (id: string) =>
      ((table.get(id)?.[OUTBOX_ATTR.events] as { type: string }[] | undefined) ?? []).map((e) => e.type);
    expect(outboxTypes('a-1')).toEqual(['orphan-flagged']);
    expect(outboxTypes('a-2')).toEqual(['deleted-orphaned']);
    expect(outboxTypes('b-1')).toEqual([]);
    expect(summary.deletions).toMatchObject({ orphaned: 1, applied: 1 });
    expect(summary.guard.plannedDeletes).toBe(1);
    expect(summary.directory).toEqual({
      status: 'used',
      asOf: days(-1),
      owners: 3,
      departed: 1,
      maxAgeDays: 7,
    });
    expect(renderRunSummaryText(summary)).toContain('Deletions: 0 expired + 0 stale + 1 orphaned planned');
    expect([directory.freshnessReads, directory.departedReads]).toEqual([1, 1]);
  });

  it('counts orphan deletions toward the guard: a tripped guard deletes none', async () => {
    const { table, scanner, writer } = setup();
    const strict = parseConfig({ maxDeletesPerRun: 0, scanSegments: 1 });

    const summary = await runSweep(
      { clock: Date.now, scanner, writer, directory: new FakeDirectory(fresh, ['user-a']) },
      options({ config: strict }),
    );

    expect(summary.guard.tripped).toBe(true);
    expect(summary.deletions).toMatchObject({ orphaned: 1, blockedByGuard: 1, applied: 0 });
    expect(table.get('a-2')).not.toHaveProperty('deletedAt');
  });

  it.each([
    ['stale', { asOf: days(-8), owners: 3 }, 'Owner directory: STALE'],
    // Judged at a `now` before its snapshot (a local --now in the past): departures it records may be later.
    [
      'ahead',
      { asOf: days(3), owners: 3 },
      `Owner directory: AHEAD (as of ${days(3)}, more than 2 days after this run's now`,
    ],
    ['empty', { asOf: days(0), owners: 0 }, 'Owner directory: empty'],
    ['no-directory', undefined, 'Owner directory: none loaded'],
  ] as const)('orphans nothing with a %s directory and says why', async (status, freshness, text) => {
    const { table, scanner, writer } = setup();
    const before = table.snapshot();
    const directory = new FakeDirectory(freshness, ['user-a']);

    const summary = await runSweep({ clock: Date.now, scanner, writer, directory }, options());

    expect(table.snapshot()).toEqual(before);
    expect(summary.directory.status).toBe(status);
    expect(summary.deletions.orphaned).toBe(0);
    expect(directory.departedReads).toBe(0);
    expect(renderRunSummaryText(summary)).toContain(text);
  });

  it('without a directory port the rule is off and the summary says none is loaded', async () => {
    const { table, scanner, writer } = setup();
    const before = table.snapshot();

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options());

    expect(table.snapshot()).toEqual(before);
    expect(summary.directory).toEqual({ status: 'no-directory', departed: 0, maxAgeDays: 7 });
  });

  it('with an unreadable directory still sweeps, orphans nothing and says why', async () => {
    const { table, scanner, writer } = setup();
    const expiring = credential('e-1', { expiresTime: days(-1) });
    table.items.set('e-1', expiring);
    const directory: SweepOwnerDirectory = {
      freshness: async () => {
        throw Object.assign(new Error('User is not authorized to perform: dynamodb:GetItem'), {
          name: 'AccessDeniedException',
        });
      },
      departedUserIds: async () => new Set(['user-a']),
      getMany: async () => new Map(),
    };

    const summary = await runSweep({ clock: Date.now, scanner, writer, directory }, options());

    expect(summary.directory).toMatchObject({
      status: 'unreadable',
      error: expect.stringContaining('AccessDenied'),
    });
    expect(summary.deletions).toMatchObject({ expired: 1, orphaned: 0, applied: 1 });
    expect(table.get('a-1')).not.toHaveProperty(HYGIENE_ATTR.orphanedAt);
    expect(renderRunSummaryText(summary)).toContain('Owner directory: UNREADABLE (AccessDeniedException');
  });
});
