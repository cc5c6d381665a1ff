/**
 * `owners sync-subscriptions` prints stored owner ids and addresses: a stored
 * newline or escape sequence can neither forge a summary line nor drive the
 * terminal (each line is sanitised on its own; lambdas/render/sanitize.ts).
 * Child process, directory on DynamoDB Local, the SNS-compatible local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { runSyncSubscriptions, upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:stored-text';

describe('owners sync-subscriptions: stored text in its lines', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('sync-stored-text');
    await upsertNewOwners(
      new DynamoOwnerDirectory(table.client, table.tableName),
      [
        { userId: 'ada', email: 'shared@example.com', status: 'active' as const },
        {
          userId: 'zed\n  would remove         9\u001b[2J',
          email: 'shared@example.com',
          status: 'active' as const,
        },
      ],
      '2026-12-01T00:00:00.000Z',
    );
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  it('prints each stored id on its own line, escaped, with no raw control character', async () => {
    const run = await runSyncSubscriptions(TOPIC, sns, table, '--dry-run');

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\u001b');
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.trim().startsWith('would remove'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('conflict:'))).toEqual([
      '  conflict: zed\\x0a  would remove         9\\x1b[2J <shared@example.com> shares the address with ada, who keeps the subscription',
    ]);
  });
});
