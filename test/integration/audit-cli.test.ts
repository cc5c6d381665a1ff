/**
 * The audit trail and the operator's controls as a user runs them, against
 * DynamoDB Local: run manifests (`runs list|show`), `restore --run` (dry run,
 * per-credential checks), `exempt`/`unexempt`, and `guard approve|status`
 * honoured by the next CLI sweep.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_ATTR, RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days, staleDue } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = days(0);
const OPERATOR = { PC_HYGIENE_OPERATOR: 'ops-alice' };

const healthy = (n: number) =>
  Array.from({ length: n }, (_, i) => credential(`a-${String(i).padStart(2, '0')}`));
const expired = (id: string) => credential(id, { expiresTime: days(-1) });

// Each test runs the CLI several times (a child process each): generous under a loaded machine.
describe('audit trail and operator controls (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('audit-cli', 'each');
  const tempDir = useTempDir('audit-cli');
  const flags = () => tableFlags(table);
  /** Puts `healthyCount` healthy credentials and `others` into the test's table. */
  const seed = (healthyCount: number, ...others: Record<string, unknown>[]) =>
    putItems(table.client, table.tableName, [...healthy(healthyCount), ...others]);
  let generous: string;
  const item = async (id: string) => (await exportTable(table)).find((i) => i.id === id);
  const sweep = async (...extra: string[]) => {
    const run = await runCli(['sweep', ...flags(), '--now', NOW_ISO, '--format', 'json', ...extra], OPERATOR);
    return { code: run.code, summary: JSON.parse(run.stdout) as RunSummary };
  };

  beforeEach(async () => {
    generous = join(tempDir(), `generous-${table.tableName}.json`);
    await writeFile(generous, JSON.stringify({ maxDeletePercent: 100 }));
  });

  it('runs list / show name what a run deleted; restore --run undoes it with the per-credential checks', async () => {
    await seed(3, expired('b-one'), expired('b-two'), staleDue('e-due'));
    const { code, summary } = await sweep('--config', generous);
    expect(code).toBe(0);
    expect(summary.manifest).toEqual({ pages: 1, entries: 3 });

    const list = await runCli(['runs', 'list', ...flags(), '--format', 'json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { runId: summary.runId, now: NOW_ISO, status: 'complete', deleted: 3, unconfirmed: 0 },
    ]);

    const show = await runCli(['runs', 'show', summary.runId, ...flags(), '--format', 'json']);
    const manifest = JSON.parse(show.stdout) as {
      header: Record<string, unknown>;
      entries: Record<string, unknown>[];
    };
    expect(manifest.header).toMatchObject({
      runId: summary.runId,
      deleted: { expired: 2, stale: 1, orphaned: 0, total: 3 },
      pages: 1,
      guard: { tripped: false, overridden: false },
    });
    expect(manifest.entries.map((e) => e.id).sort()).toEqual(['b-one', 'b-two', 'e-due']);
    expect(manifest.entries.find((e) => e.id === 'b-one')).toEqual({
      id: 'b-one',
      userId: 'user-b',
      clientId: 'client-b-one',
      displayName: 'Credential b-one',
      rule: 'expired',
      deletedAt: NOW_ISO,
      expiresTime: days(-1),
      lastUsedAt: days(-1),
      createdAt: days(-200),
    });
    expect(manifest.entries.find((e) => e.id === 'e-due')).toMatchObject({
      rule: 'stale',
      flaggedAt: days(-20),
      deleteAfter: days(-6),
      lastUsedAt: days(-120),
    });
    const csv = await runCli(['runs', 'show', summary.runId, ...flags(), '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'ID,USER ID,RULE,DELETED AT,EXPIRES,LAST USED,CREATED,FLAGGED,DELETE AFTER,CLIENT ID,DISPLAY NAME,UNCONFIRMED',
    );
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(4);
    const text = await runCli(['runs', 'show', summary.runId, ...flags()]);
    expect(text.stdout).toContain('Deleted 3: 2 expired, 1 stale, 0 orphaned');

    // Past their expiry (restore's clock is the wall clock): refused without --force, even in a dry run.
    const dry = await runCli([
      'restore',
      '--run',
      summary.runId,
      '--reason',
      'bad config',
      '--dry-run',
      ...flags(),
    ]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('would restore e-due');
    expect(dry.stdout).toMatch(
      /^refused b-one: credential b-one expired at .*; pass --force to restore it anyway$/m,
    );
    expect(dry.stdout).toContain('(dry run: nothing written)');
    expect((await item('e-due'))?.deletedAt).toBe(NOW_ISO);

    const forced = await runCli(
      [
        'restore',
        '--run',
        summary.runId,
        '--reason',
        'bad config',
        '--force',
        '--format',
        'json',
        ...flags(),
      ],
      OPERATOR,
    );
    expect(forced.code).toBe(0);
    const result = JSON.parse(forced.stdout) as { restored: { id: string }[]; refused: unknown[] };
    expect(result.restored.map((r) => r.id).sort()).toEqual(['b-one', 'b-two', 'e-due']);
    expect(result.refused).toEqual([]);
    const restored = await item('b-one');
    expect(restored?.deletedAt).toBeUndefined();
    expect(restored?.[HISTORY_ATTR]).toEqual([
      expect.objectContaining({ action: 'delete-expired', reason: 'expired', runId: summary.runId }),
      expect.objectContaining({ action: 'restore', reason: 'bad config', deletedByRun: summary.runId }),
    ]);

    // Again: nothing of that run is deleted any more.
    const again = await runCli(['restore', '--run', summary.runId, '--reason', 'again', ...flags()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 restored, 3 skipped, 0 refused');
  });

  it('runs show of an unknown run and restore with neither id nor --run are clear errors', async () => {
    const show = await runCli(['runs', 'show', 'sweep-nope', ...flags()]);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('no manifest header for run sweep-nope');
    const neither = await runCli(['restore', '--reason', 'x', ...flags()]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give the credential id to restore, or --run RUN_ID');
    const empty = await runCli(['runs', 'list', ...flags()]);
    expect(empty.stdout).toContain('No run manifests');
  });

  it('exempt makes the next sweep leave the credential alone; unexempt gives it back to the rules', async () => {
    await seed(3, expired('b-keep'));
    const exempt = await runCli(
      ['exempt', 'b-keep', '--reason', 'break-glass account', ...flags()],
      OPERATOR,
    );
    expect(exempt.code).toBe(0);
    expect(exempt.stdout).toContain('b-keep is now exempt (by ops-alice');

    const first = await sweep('--config', generous);
    expect(first.summary.deletions.applied).toBe(0);
    const kept = await item('b-keep');
    expect(kept?.deletedAt).toBeUndefined();
    expect(kept?.hygieneExempt).toBe(true);
    expect(kept?.[HISTORY_ATTR]).toEqual([
      { at: expect.any(String), action: 'exempt', by: 'ops-alice', reason: 'break-glass account' },
    ]);

    const twice = await runCli(['exempt', 'b-keep', '--reason', 'again', ...flags()]);
    expect(twice.stdout).toContain('already was exempt: nothing written');

    const unexempt = await runCli(
      ['unexempt', 'b-keep', '--reason', 'account retired', ...flags()],
      OPERATOR,
    );
    expect(unexempt.code).toBe(0);
    expect((await item('b-keep'))?.hygieneExempt).toBeUndefined();
    const second = await sweep('--config', generous);
    expect(second.summary.deletions.applied).toBe(1);
    expect((await item('b-keep'))?.[HISTORY_ATTR]).toEqual([
      expect.objectContaining({ action: 'exempt' }),
      expect.objectContaining({ action: 'unexempt', by: 'ops-alice', reason: 'account retired' }),
      expect.objectContaining({ action: 'delete-expired', runId: second.summary.runId }),
    ]);
  });

  it('exempt refuses an unknown id and a reserved id, writing nothing', async () => {
    const unknown = await runCli(['exempt', 'pc-none', '--reason', 'x', ...flags()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no credential with id pc-none');
    const reserved = await runCli([
      'unexempt',
      `${RESERVED_ID_PREFIX}guard-approval`,
      '--reason',
      'x',
      ...flags(),
    ]);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toContain('is a reserved id');
    expect(await exportTable(table)).toEqual([]);
  });

  it('guard approve: a too small approval is kept and reported, a sufficient one is used once and shown by status', async () => {
    // 3 of 10 active credentials: over the default maxDeletePercent of 10 %.
    await seed(7, expired('b-1'), expired('b-2'), expired('b-3'));
    const small = await runCli(
      ['guard', 'approve', '--max-deletes', '2', '--reason', 'too few', ...flags()],
      OPERATOR,
    );
    expect(small.code).toBe(0);
    const held = await sweep();
    expect(held.code).toBe(3);
    expect(held.summary.guard).toMatchObject({
      tripped: true,
      overridden: false,
      approval: { status: 'not-enough', maxDeletes: 2, by: 'ops-alice' },
    });

    const approve = await runCli(
      [
        'guard',
        'approve',
        '--max-deletes',
        '3',
        '--reason',
        'migration clean-up',
        '--expires-in',
        '2h',
        ...flags(),
      ],
      OPERATOR,
    );
    expect(approve.stdout).toContain('guard approval recorded: up to 3 deletions, by ops-alice');
    expect(approve.stdout).toContain('replaced the pending approval up to 2 deletions');
    const used = await sweep();
    expect(used.code).toBe(0);
    expect(used.summary.guard).toMatchObject({
      tripped: true,
      overridden: true,
      deletionsAllowed: true,
      approval: { status: 'used', maxDeletes: 3, by: 'ops-alice', reason: 'migration clean-up' },
    });
    expect(used.summary.deletions.applied).toBe(3);

    const status = await runCli(['guard', 'status', ...flags(), '--format', 'json']);
    const state = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(state.pending).toBeUndefined();
    expect(state.lastUsed).toMatchObject({ runId: used.summary.runId, plannedDeletes: 3 });
    const text = await runCli(['guard', 'status', ...flags()]);
    expect(text.stdout).toContain('Pending approval: none');
    expect(text.stdout).toContain(`Last used: run ${used.summary.runId}`);
  });

  it('guard approve refuses bad values before writing', async () => {
    const zero = await runCli(['guard', 'approve', '--max-deletes', '0', '--reason', 'x', ...flags()]);
    expect(zero.code).toBe(2);
    const long = await runCli([
      'guard',
      'approve',
      '--max-deletes',
      '5',
      '--reason',
      'x',
      '--expires-in',
      '30d',
      ...flags(),
    ]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain(
      '--expires-in "30d" must be a duration such as 30m, 24h or 2d, from 1m to 7d',
    );
    expect(await exportTable(table)).toEqual([]);
  });
});
