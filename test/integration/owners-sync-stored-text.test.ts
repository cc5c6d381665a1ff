/**
 * `owners sync-subscriptions` prints stored owner ids and addresses: a stored
 * newline or escape sequence can neither forge a summary line nor drive the
 * terminal (each line is sanitised on its own; lambdas/render/sanitize.ts).
 * Child process, directory on DynamoDB Local, the SNS-compatible local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
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

describe('owners sync-subscriptions: a userId an SNS filter policy cannot be trusted to match', () => {
  const topic = 'arn:aws:sns:eu-west-1:123456789012:unfilterable';
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('sync-unfilterable');
    await upsertNewOwners(
      new DynamoOwnerDirectory(table.client, table.tableName),
      [
        { userId: 'ada', email: 'ada@example.com', status: 'active' as const },
        { userId: 'team"lead', email: 'lead@example.com', status: 'active' as const },
      ],
      '2026-12-01T00:00:00.000Z',
    );
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  it('subscribes only the other owner, names the conflict, and leaves the owner unreachable (their events go to the admins)', async () => {
    const run = await runSyncSubscriptions(topic, sns, table);

    expect(run.code, run.stderr).toBe(0);
    expect(sns.subscriptionsOf(topic).map((s) => s.endpoint)).toEqual(['ada@example.com']);
    expect(run.stdout.split('\n').filter((l) => l.includes('conflict:'))).toEqual([
      '  conflict: team"lead <lead@example.com>: the userId holds " or \\, which an SNS filter policy cannot be trusted to match (route relay reaches them)',
    ]);
    const owners = await new DynamoOwnerDirectory(table.client, table.tableName).getMany(['team"lead']);
    // no state recorded (absent reads as none): unreachable on sns-email, so their events go to the admins
    expect(owners.get('team"lead')?.subscription).toBeUndefined();
    expect(reachabilityOf(owners.get('team"lead'), 'sns-email')).toEqual({
      reachable: false,
      reason: 'no-subscription',
    });
  });
});
