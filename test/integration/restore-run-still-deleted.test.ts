/**
 * A credential of the run that a later run deleted again is skipped by
 * `restore --run` (that run's deletion stands; README.md, docs/data-model.md,
 * "Restore"), exit 0 — so the summary says how many are still deleted that way
 * and how to see them: `runs show` of each such run, up to three named (the
 * skipped lines name every one; JSON `skipped[].deletedByRun`), each aimed at
 * the table restored (pasted, it reads that table's run, not the default
 * stack's), a run id a terminal cannot show as the placeholder `"<runId>"`
 * and why (one command for all such runs, printed once), and those deleted
 * again with no run id the CLI can read apart (none recorded, or a stored run
 * id the CLI refuses as one, empty or too long, as their skipped lines say).
 * Against DynamoDB Local on a manifest a real sweep wrote.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { hiddenRunIdWhy } from '../../cli/format/shell-word';
import { MAX_RUN_ID_BYTES } from '../../cli/options/run-id';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { runInProcess } from '../support/in-process-cli';
import { pastedArguments } from '../support/pasted-arguments';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { days, staleDue } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

/** Why the summary names no run for some: what it says they are. */
const UNREAD_WHY = `none recorded, or one empty or over ${MAX_RUN_ID_BYTES.toLocaleString('en-US')} bytes`;

describe('restore --run: credentials still deleted by another run (DynamoDB Local)', () => {
  const table = useTestTable('restore-run-still-deleted', 'each');
  /** The flags `restoreRun` gives, as the printed `runs show` carries them. */
  const aim = () => `--endpoint ${table.endpoint} --table ${table.tableName}`;

  /** Records e-N as deleted since by `run` (none: no run recorded), as a later deletion leaves it. */
  const deletedAgain = (id: string, run: string | undefined) =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id },
        ExpressionAttributeNames: { '#run': HYGIENE_ATTR.deletedByRun },
        ...(run === undefined
          ? { UpdateExpression: 'REMOVE #run' }
          : { UpdateExpression: 'SET #run = :run', ExpressionAttributeValues: { ':run': run } }),
      }),
    );
  const restoreRun = (...extra: string[]) =>
    runInProcess(
      registerRestoreCommand,
      [
        'restore',
        '--run',
        'run-1',
        '--reason',
        'bad config',
        '--now',
        days(1),
        ...tableFlags(table),
        ...extra,
      ],
      { rethrow: true },
    );

  it('one other run: the summary counts them and names runs show of that run; exit 0', async () => {
    await sweepWithManifest(table, 'run-1', ['e-1', 'e-2', 'e-3'].map(staleDue));
    await deletedAgain('e-1', 'run-2');
    await deletedAgain('e-2', 'run-2');

    const run = await restoreRun();

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-1: 1 restored, 2 skipped, 0 refused; 2 skipped still deleted by another run: see pc-hygiene runs show run-2 ${aim()}`,
    );
  });

  it('several other runs: up to three named, the others counted; no run recorded counted apart; JSON names the run', async () => {
    await sweepWithManifest(table, 'run-1', ['e-1', 'e-2', 'e-3', 'e-4', 'e-5', 'e-6'].map(staleDue));
    for (const [id, run] of [
      ['e-1', 'run-5'],
      ['e-2', 'run-3'],
      ['e-3', 'run-2'],
      ['e-4', 'run-4'],
      ['e-5', 'run-2'],
      ['e-6', undefined],
    ] as const)
      await deletedAgain(id, run);

    const text = await restoreRun('--dry-run');
    const json = await restoreRun('--dry-run', '--format', 'json');

    expect(text.exitCode).toBe(0);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      'run run-1: 0 would restore, 6 skipped, 0 refused (dry run: nothing written); ' +
        `5 skipped still deleted by 4 other runs: see pc-hygiene runs show run-2 ${aim()}, ` +
        `pc-hygiene runs show run-3 ${aim()}, pc-hygiene runs show run-4 ${aim()} ` +
        '(and 1 more run: the skipped lines name them); ' +
        `1 skipped deleted again with no run id the CLI can read (${UNREAD_WHY}: pc-hygiene export shows it)`,
    );
    const skipped = (JSON.parse(json.stdout) as { skipped: Record<string, unknown>[] }).skipped;
    expect(skipped.map((m) => [m.id, m.check, m.deletedByRun])).toEqual([
      ['e-1', 'not-deleted-by-run', 'run-5'],
      ['e-2', 'not-deleted-by-run', 'run-3'],
      ['e-3', 'not-deleted-by-run', 'run-2'],
      ['e-4', 'not-deleted-by-run', 'run-4'],
      ['e-5', 'not-deleted-by-run', 'run-2'],
      ['e-6', 'not-deleted-by-run', undefined],
    ]);
  });

  it('a run id that starts with -: the printed runs show, pasted, names the table restored and that run', async () => {
    await sweepWithManifest(table, 'run-1', ['e-1', 'e-2'].map(staleDue));
    await deletedAgain('e-1', '-r2');

    const run = await restoreRun();
    const summary = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    const command = /see (pc-hygiene runs show .*)$/.exec(summary)?.[1] ?? '';

    expect(command).toBe(`pc-hygiene runs show ${aim()} -- -r2`);
    expect(pastedArguments(command)).toEqual([
      'runs',
      'show',
      '--endpoint',
      table.endpoint,
      '--table',
      table.tableName,
      '--',
      '-r2',
    ]);
  });

  it('a stored run id the CLI refuses (empty, too long): counted as no run id the CLI can read, as the skipped lines say; no runs show printed', async () => {
    await sweepWithManifest(table, 'run-1', ['e-1', 'e-2', 'e-3'].map(staleDue));
    await deletedAgain('e-1', '');
    await deletedAgain('e-2', 'x'.repeat(MAX_RUN_ID_BYTES + 1));

    const run = await restoreRun();
    const lines = run.stdout.trimEnd().split('\n');

    expect(run.exitCode).toBe(0);
    expect(lines).toContain(
      'skipped e-1: credential e-1 is deleted, but by a run whose stored id is empty, not by run run-1',
    );
    expect(lines).toContain(
      `skipped e-2: credential e-2 is deleted, but by run ${'x'.repeat(MAX_RUN_ID_BYTES + 1)}, not by run run-1`,
    );
    expect(lines.at(-1)).toBe(
      'run run-1: 1 restored, 2 skipped, 0 refused; ' +
        `2 skipped deleted again with no run id the CLI can read (${UNREAD_WHY}: pc-hygiene export shows them)`,
    );
  });

  it('run ids a terminal cannot show: one runs show with the placeholder "<runId>" and why, printed once; the runs counted', async () => {
    await sweepWithManifest(table, 'run-1', ['e-1', 'e-2', 'e-3', 'e-4', 'e-5', 'e-6'].map(staleDue));
    for (const [id, run] of [
      ['e-1', 'a\u001b[31m'],
      ['e-2', 'a\u202e'],
      ['e-3', 'run-2'],
      ['e-4', 'run-3'],
      ['e-5', 'run-4'],
    ] as const)
      await deletedAgain(id, run);

    const run = await restoreRun();
    const summary = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    const hidden = `pc-hygiene runs show "<runId>" ${aim()}`;

    expect(run.exitCode).toBe(0);
    expect(summary).toBe(
      'run run-1: 1 restored, 5 skipped, 0 refused; ' +
        `5 skipped still deleted by 5 other runs: see ${hidden} (${hiddenRunIdWhy(aim())}), ` +
        `pc-hygiene runs show run-2 ${aim()}, pc-hygiene runs show run-3 ${aim()} ` +
        '(and 1 more run: the skipped lines name them)',
    );
    expect(summary).not.toContain('RUN_ID');
    // Pasted, the placeholder is one argument, aimed at the table restored.
    expect(pastedArguments(hidden)).toEqual([
      'runs',
      'show',
      '<runId>',
      '--endpoint',
      table.endpoint,
      '--table',
      table.tableName,
    ]);
  });
});
