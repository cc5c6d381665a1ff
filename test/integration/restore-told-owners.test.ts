/**
 * A restore after a drain sent the deletion's notice cannot withdraw it: the
 * owner may have been told "deleted", and restore does not retract that. So
 * the result says so — `deletionNoticeSent: true` with the owner's `userId` —
 * and the text names the owner to tell, `restore --run`'s summary counting
 * those owners once each (docs/deploy.md, "Restore runbook"; docs/cli-json.md).
 * A restore before the drain withdraws the notice and says no such thing.
 * Against DynamoDB Local with the real sweep (with its manifest), notifier and
 * outbox store.
 */
import { describe, expect, it } from 'vitest';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runInProcess } from '../support/in-process-cli';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';
import { days, NOW, staleDue } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

/** The drain's clock (its lease from then on), and the restore instant after it. */
const DRAIN_AT = NOW + 60_000;
const RESTORE_AT = days(0, NOW + 3_600_000);
/** The text of a restored credential whose owner `userId` may have been told of its deletion. */
const told = (userId: string) =>
  `its owner ${userId} may have been told it was deleted: no unsent notice to withdraw — tell them it is restored`;

describe('restore tells which owners were told of the deletion (DynamoDB Local)', () => {
  const table = useTestTable('restore-told-owners', 'each');

  /** Run run-1 deletes a-1 and a-2 (owner user-a) and b-1 (owner user-b), all as stale. */
  const sweep = () => sweepWithManifest(table, 'run-1', [staleDue('a-1'), staleDue('a-2'), staleDue('b-1')]);
  /** A whole drain of the outbox: every notice sent, and marked so (removed from the items). */
  const drain = async () => {
    const publisher = new RecordingPublisher();
    const outbox = new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => DRAIN_AT });
    await runNotifier(
      { outbox, publisher, clock: () => DRAIN_AT, sleep: timerSleep },
      { leaseMs: 5 * 60_000 },
    );
    return publisher.documents().flatMap((d) => d.events.map((e) => `${e.type} ${e.credentialId}`));
  };
  const restore = (...args: string[]) =>
    runInProcess(
      registerRestoreCommand,
      ['restore', ...args, '--reason', 'mistake', '--by', 'ops', '--now', RESTORE_AT, ...tableFlags(table)],
      { rethrow: true },
    );

  it('restore ID after the drain: deletionNoticeSent and the userId, and the line names the owner to tell', async () => {
    await sweep();
    expect(await drain()).toContain('deleted-stale a-1');

    const text = await restore('a-1');
    const json = await restore('a-2', '--format', 'json');

    expect(text.stdout).toBe(
      `restored a-1 (deleted ${days(0)} as stale by run run-1; ${told('user-a')}) by ops: mistake\n`,
    );
    const result = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ id: 'a-2', userId: 'user-a', deletionNoticeSent: true });
    expect(result).not.toHaveProperty('deletionNoticeWithdrawn');
  });

  it('restore ID before the drain: the notice withdrawn, no owner to tell', async () => {
    await sweep();

    const text = await restore('a-1');
    const json = await restore('a-2', '--format', 'json');

    expect(text.stdout).toBe(
      `restored a-1 (deleted ${days(0)} as stale by run run-1; its unsent deletion notice withdrawn) by ops: mistake\n`,
    );
    const result = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ id: 'a-2', userId: 'user-a', deletionNoticeWithdrawn: true });
    expect(result).not.toHaveProperty('deletionNoticeSent');
    expect(await drain()).toEqual(['deleted-stale b-1']);
  });

  it('restore --run after the drain: each line names the owner, the summary counts the owners once each', async () => {
    await sweep();
    await drain();

    const run = await restore('--run', 'run-1');

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `restored a-1 (deleted ${days(0)} as stale; ${told('user-a')})`,
      `restored a-2 (deleted ${days(0)} as stale; ${told('user-a')})`,
      `restored b-1 (deleted ${days(0)} as stale; ${told('user-b')})`,
      'run run-1: 3 restored, 0 skipped, 0 refused; 2 owners may have been told of the deletion: tell them it is restored',
    ]);
  });

  it('restore --run before the drain: every notice withdrawn, no owner counted', async () => {
    await sweep();

    const run = await restore('--run', 'run-1');

    expect(run.stdout).not.toContain('may have been told');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('run run-1: 3 restored, 0 skipped, 0 refused');
    expect(await drain()).toEqual([]);
  });
});
