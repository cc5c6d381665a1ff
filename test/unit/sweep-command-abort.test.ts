/**
 * `pc-hygiene sweep` when the run is aborted (more than `maxWriteFailures`
 * failed writes): the partial summary is printed and the exit code is 1,
 * whatever the last write error says. The abort's message quotes that error,
 * and the table-error rewording (cli/options/aws-setup-errors.ts) matches on
 * messages: a run whose writes failed for lost credentials was reported as
 * "no AWS credentials" with no summary, although it may have deleted.
 * In process: the sweep itself mocked, and DynamoDB (aws-sdk-client-mock)
 * only to describe the table as a credentials table, which every command
 * checks before it opens it.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPERATOR_ENV } from '../../cli/aws/caller-identity';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { EXIT_CODE } from '../../cli/exit-codes';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep, SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { runInProcess } from '../support/in-process-cli';
import { credentialsTableDescription, ownerDirectoryDescription } from '../support/table-descriptions';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const LAST_ERROR = 'CredentialsProviderError: Could not load credentials from any providers';

const aborted = vi.hoisted(() => ({ error: undefined as unknown }));
vi.mock('../../cli/use-cases/sweep-table', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../cli/use-cases/sweep-table')>()),
  sweepTable: () => Promise.reject(aborted.error),
}));

/** A real run's summary, as an aborted run carries it (status `aborted`, one deletion made). */
async function abortedSummary(): Promise<RunSummary> {
  const table = new MemoryTable([credential('a-1', { expiresTime: days(-1) })]);
  const summary = await runSweep(
    { clock: Date.now, scanner: new MemoryScanner(table), writer: new MemoryWriter(table) },
    { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'sweep-aborted', mode: 'enforce' },
  );
  return { ...summary, status: 'aborted' };
}

describe('sweep command: an aborted run', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterEach(() => {
    vi.unstubAllEnvs();
    ddb.reset();
  });

  it('prints the partial summary and exits 1 even when the last write error names lost credentials', async () => {
    const summary = await abortedSummary();
    aborted.error = new SweepAbortedError(
      `11 writes failed (maxWriteFailures 10); last: ${LAST_ERROR}`,
      summary,
    );

    vi.stubEnv(OPERATOR_ENV, 'tester');
    ddb.on(DescribeTableCommand).resolves(credentialsTableDescription('Prod-Table-1'));
    // The owner directory the sweep reads beside it (the default name), checked to be one first.
    ddb
      .on(DescribeTableCommand, { TableName: 'PersonalClientOwners' })
      .resolves(ownerDirectoryDescription('PersonalClientOwners'));
    const run = await runInProcess(registerSweepCommand, [
      'sweep',
      '--table',
      'Prod-Table-1',
      '--region',
      'eu-west-1',
      '--format',
      'json',
    ]);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect(JSON.parse(run.stdout)).toMatchObject({ runId: 'sweep-aborted', status: 'aborted' });
    expect(run.stderr).toContain(
      `pc-hygiene: sweep aborted: 11 writes failed (maxWriteFailures 10); last: ${LAST_ERROR}`,
    );
    expect(run.stderr).not.toContain('no AWS credentials');
  });
});
