/**
 * `restore --run` whose read of a manifest page fails (DynamoDB's error after
 * the SDK's retries, not a missing or malformed page) after it has restored
 * the pages before it: it stops reading there and reports the page like a
 * missing one (`unread page N`, `read-failed` in JSON) with everything it had
 * restored, exit 1 — not the read error alone, which would leave the operator
 * blind to the restores made (docs/deploy.md, "Restore runbook"). In process
 * over DynamoDB Local, the one page read failed at the document client.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { runPageId } from '../../lambdas/hygiene/data-contract';
import { MANIFEST_PAGE_SIZE } from '../../lambdas/hygiene/run-manifest';
import { runInProcess } from '../support/in-process-cli';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { days, staleDue } from '../unit/support/credentials';
import { exportTable, sweepWithManifest } from './support/sweep-deps';

const THROTTLED = 'Rate of requests exceeds the allowed throughput.';

/** Fails every read of `pageId` with a throttling error; every other command goes to DynamoDB Local. */
function failPageRead(pageId: string): void {
  const send = DynamoDBDocumentClient.prototype.send;
  vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
    this: DynamoDBDocumentClient,
    ...args: Parameters<typeof send>
  ) {
    const [command] = args;
    if (command instanceof GetCommand && command.input.Key?.id === pageId)
      return Promise.reject(Object.assign(new Error(THROTTLED), { name: 'ThrottlingException' }));
    return (send as (...a: typeof args) => ReturnType<typeof send>).apply(this, args);
  } as typeof send);
}

describe('restore --run when a page read fails (DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('restore-run-page-read', 'each');
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reports the page unread with what it restored before it, exit 1', async () => {
    const ids = Array.from({ length: MANIFEST_PAGE_SIZE + 3 }, (_, i) => `s-${String(i).padStart(4, '0')}`);
    await sweepWithManifest(table, 'run-p', ids.map(staleDue));
    failPageRead(runPageId('run-p', 2));

    const run = await runInProcess(registerRestoreCommand, [
      ...['restore', '--run', 'run-p', '--reason', 'bad run', '--by', 'ops', '--now', days(1)],
      ...tableFlags(table),
    ]);
    vi.restoreAllMocks();

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('restored s-'))).toHaveLength(MANIFEST_PAGE_SIZE);
    expect(lines.slice(-2)).toEqual([
      `unread page 2: run run-p: manifest page 2 of 2 could not be read (ThrottlingException: ${THROTTLED}): ` +
        'their deletions were not restored; run restore --run again (a credential restored already is skipped), ' +
        'or restore them by id: they carry hygieneDeletedByRun = run-p (pc-hygiene export shows them)',
      `run run-p: ${MANIFEST_PAGE_SIZE} restored, 0 skipped, 0 refused, 1 manifest page unread`,
    ]);
    const stillDeleted = (await exportTable(table)).filter((i) => i.deletedAt !== undefined);
    expect(stillDeleted).toHaveLength(3);
  });
});
