/**
 * The reconciler's write that records `pending` with one more confirmation
 * email counted (docs/data-model.md, "Owner directory", `confirmationEmailsSent`),
 * whose response was lost, against DynamoDB Local: the write is conditional on
 * the count it read, which its own change falsifies, so the SDK's retry fails
 * on it. Judged from the item the failed condition returns, it is recorded
 * (its own change: the planned state and count), and its control — another
 * run that counted another confirmation email after this write applied, before
 * the retry — is not taken for it: skipped, the other run's count stands.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { type LostResponsePlan, loseFirstResponseAfter } from './support/lost-response-between';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-count-retried';
const EMAIL = 'ada@example.com';

/** A topic with no subscription (ada's last link lapsed): `create` subscribes her again, pending. */
class EmptyTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  async list(): Promise<readonly TopicSubscription[]> {
    return [];
  }
  async create(): Promise<string> {
    return `${TOPIC}:ada-again`;
  }
  async setFilterPolicy(): Promise<void> {}
  async remove(): Promise<void> {}
}

const isUpdateOfAda = (input: Readonly<Record<string, unknown>>) =>
  'UpdateExpression' in input && JSON.stringify(input.Key ?? null).includes('"ada"');

describe('the reconciler’s count write whose retry meets its own change (DynamoDB Local)', () => {
  let table: TestDirectoryTable;
  let faulty: DynamoDBDocumentClient;

  beforeEach(async () => {
    table = await createTestDirectoryTable('count-retried');
    faulty = createDocumentClient({ endpoint: table.endpoint });
    // a refused creation left ada none with one confirmation email counted
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          userId: 'ada',
          email: EMAIL,
          status: 'active',
          subscription: 'none',
          confirmationEmailsSent: 1,
        },
      }),
    );
    return async () => {
      faulty.destroy();
      await table.drop();
    };
  });

  const reconcile = (plan: Omit<LostResponsePlan, 'matches'>) => {
    const counts = loseFirstResponseAfter(faulty, { ...plan, matches: isUpdateOfAda });
    const directory = new DynamoOwnerDirectory(faulty, table.tableName);
    return {
      counts,
      run: reconcileSubscriptions({ topic: new EmptyTopic(), directory }, { route: 'sns-email' }),
    };
  };
  const ada = async () =>
    (await new DynamoOwnerDirectory(table.client, table.tableName).getMany(['ada'])).get('ada');

  it('counts its own retried write as recorded: pending, two confirmation emails', async () => {
    const { counts, run } = reconcile({});

    const summary = await run;

    expect(counts.lost).toBe(1);
    expect(summary.skippedStateChanges).toEqual([]);
    expect(summary.stateChanges).toEqual([{ userId: 'ada', state: 'pending' }]);
    expect(await ada()).toMatchObject({ subscription: 'pending', confirmationEmailsSent: 2 });
  });

  it('control: another run counted a confirmation email after it applied, before the retry: skipped', async () => {
    const anotherRun = async () => {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { userId: 'ada' },
          UpdateExpression: 'SET confirmationEmailsSent = :three',
          ExpressionAttributeValues: { ':three': 3 },
        }),
      );
    };
    const { counts, run } = reconcile({ between: anotherRun });

    const summary = await run;

    expect(counts.lost).toBe(1);
    expect(summary.skippedStateChanges).toEqual([{ userId: 'ada', state: 'pending' }]);
    expect(await ada()).toMatchObject({ subscription: 'pending', confirmationEmailsSent: 3 });
  });
});
