/**
 * `restore --run` stopped part-way says what it did before the stop (docs/deploy.md, "Restore runbook"):
 * interrupted (Ctrl-C's SIGINT, a `kill`, a closed terminal), it starts no further restore, lets those in flight
 * finish, lists what it restored, skipped and refused, names the page it stopped at (`interrupted`, in the text and
 * the JSON's `missingPages`) and that running it again is safe, and exits as the signal would (130) — where Node's
 * default ended it at once, listing nothing. A credential whose write fails with DynamoDB's error (access denied,
 * throttled) is listed refused, the summary saying to run the same command again once the cause is fixed. Either
 * way the same command run again restores the rest, skips those restored (exit 0), and what the table holds agrees
 * with what was listed. In process over DynamoDB Local, the signal emitted, and the failure injected, at the
 * document client when the fifth restore write is sent.
 */
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { runInProcess } from '../support/in-process-cli';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { days, staleDue } from '../unit/support/credentials';
import { exportTable, sweepWithManifest } from './support/sweep-deps';

/**
 * One page of deletions, many more than the restores that can have started when the fifth write is sent (8 in
 * flight, and one more for each of the four finished), so an interruption there always leaves some to do.
 */
const IDS = Array.from({ length: 40 }, (_, i) => `s-${String(i).padStart(2, '0')}`);

/** Runs `what` when the fifth restore write (an `UpdateItem` or a withdrawing transaction) is sent. */
function atFifthWrite(what: () => Promise<never> | undefined): void {
  const send = DynamoDBDocumentClient.prototype.send;
  let writes = 0;
  vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
    this: DynamoDBDocumentClient,
    ...args: Parameters<typeof send>
  ) {
    const [command] = args;
    const isWrite = command instanceof UpdateCommand || command instanceof TransactWriteCommand;
    if (isWrite && ++writes >= 5) {
      const failed = what();
      if (failed !== undefined) return failed;
    }
    return (send as (...a: typeof args) => ReturnType<typeof send>).apply(this, args);
  } as typeof send);
}

/** The ids the table holds still deleted. */
async function stillDeleted(table: Parameters<typeof exportTable>[0]): Promise<string[]> {
  return (await exportTable(table)).filter((i) => i.deletedAt !== undefined).map((i) => String(i.id));
}

describe('restore --run stopped part-way (DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('restore-run-interrupted', 'each');
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const restoreRun = (...extra: string[]) =>
    runInProcess(registerRestoreCommand, [
      ...['restore', '--run', 'run-i', '--reason', 'bad run', '--by', 'ops', '--now', days(1)],
      ...tableFlags(table),
      ...extra,
    ]);

  it('interrupted: lists what it restored, names where it stopped, exits 130; the rerun restores the rest', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    let once = false;
    atFifthWrite(() => {
      if (!once) process.emit('SIGINT', 'SIGINT');
      once = true;
      return undefined;
    });

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(130);
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(run.stderr).toContain('pc-hygiene: restore --run interrupted (SIGINT): no further restore starts');
    const lines = run.stdout.trimEnd().split('\n');
    const restored = lines.filter((l) => l.startsWith('restored ')).map((l) => l.split(' ')[1]);
    const left = await stillDeleted(table);
    // What it says it restored is exactly what the table no longer holds deleted: the in-flight ones finished.
    expect(restored.length).toBeGreaterThanOrEqual(5);
    expect(left.length).toBeGreaterThan(0);
    expect([...restored, ...left].sort()).toEqual(IDS);
    expect(lines.slice(-2)).toEqual([
      'interrupted at page 1: run run-i: interrupted (SIGINT) at manifest page 1 of 1: the deletions of that page ' +
        'not listed above were not restored; run the same restore --run again (a credential restored already is skipped)',
      `run run-i: ${restored.length} restored, 0 skipped, 0 refused, interrupted (SIGINT)`,
    ]);

    const rerun = await restoreRun();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${left.length} restored, ${restored.length} skipped, 0 refused`,
    );
    expect(await stillDeleted(table)).toEqual([]);
  });

  it('interrupted, --format json: one document, the stop in missingPages', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    let once = false;
    atFifthWrite(() => {
      if (!once) process.emit('SIGTERM', 'SIGTERM');
      once = true;
      return undefined;
    });

    const run = await restoreRun('--format', 'json');
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(143);
    const result = JSON.parse(run.stdout) as {
      restored: { id: string }[];
      missingPages: { page: number; cause: string; error: string }[];
    };
    expect(result.missingPages).toEqual([
      {
        page: 1,
        cause: 'interrupted',
        error:
          'run run-i: interrupted (SIGTERM) at manifest page 1 of 1: the deletions of that page not listed above ' +
          'were not restored; run the same restore --run again (a credential restored already is skipped)',
      },
    ]);
    const left = await stillDeleted(table);
    expect([...result.restored.map((r) => r.id), ...left].sort()).toEqual(IDS);
  });

  it('writes failing with an error: listed refused, the summary says to run it again; the rerun skips the restored', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    const denied = Object.assign(new Error('not authorized to perform dynamodb:UpdateItem'), {
      name: 'AccessDeniedException',
    });
    atFifthWrite(() => Promise.reject(denied));

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const refused = lines.filter((l) => l.startsWith('refused '));
    expect(refused.length).toBe(IDS.length - 4);
    for (const line of refused)
      expect(line).toMatch(/^refused s-\d\d: AccessDeniedException: not authorized/);
    expect(lines.at(-1)).toBe(
      `run run-i: 4 restored, 0 skipped, ${refused.length} refused; ${refused.length} failed with an error ` +
        "(named on their lines, not a check's refusal): once its cause is fixed, run the same restore --run again " +
        '(a credential restored already is skipped)',
    );

    const rerun = await restoreRun();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${refused.length} restored, 4 skipped, 0 refused`,
    );
    expect(await stillDeleted(table)).toEqual([]);
  });
});
