/**
 * `owners resubscribe` and `owners unsubscribe` when their own writes meet
 * faults, against DynamoDB Local: a resubscribe whose write applied and whose
 * response was lost fails its condition on its own change on the SDK's retry,
 * and is still a success (cli/use-cases/resubscribe-owners.ts: the owner read
 * again, `none` at the address read); and an error on one owner's write (after
 * the SDK's retries) is that owner's outcome (reason `error`): the owners
 * before and after it are still written and printed, exit 1
 * (cli/use-cases/unsubscribe-owners.ts, resubscribe-owners.ts).
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOwnersCommand } from '../../cli/commands/owners';
import { resubscribeOwners } from '../../cli/use-cases/resubscribe-owners';
import { type OptOutTopic, unsubscribeOwners } from '../../cli/use-cases/unsubscribe-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import { runInProcess } from '../support/in-process-cli';
import { directoryFlags } from '../support/run-cli';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { armLostResponse, armNextClient, loseFirstResponseAfter } from './support/lost-response-between';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  const { hookArmedClient } = await import('./support/lost-response-between');
  return hookDocumentClients(await importOriginal(), hookArmedClient);
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const OLD_ARN = `${TOPIC}:old-subscription`;

/** An `UpdateItem` of this owner (the key marshalled or not, as the middleware meets it). */
const updateOf = (userId: string) => (input: Readonly<Record<string, unknown>>) =>
  'UpdateExpression' in input && JSON.stringify(input.Key).includes(JSON.stringify(userId));
const isUpdate = (input: Readonly<Record<string, unknown>>) => 'UpdateExpression' in input;

/** The one call of a middleware stack used here (its generic types are the client's). */
interface RelativeMiddlewareStack {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/** Refuses every request `matches` accepts with an access error (not retried: as one that failed for good). */
function refuse(
  client: DynamoDBDocumentClient,
  matches: (input: Readonly<Record<string, unknown>>) => boolean,
) {
  (client.middlewareStack as unknown as RelativeMiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      if (!matches((args as { readonly input: Readonly<Record<string, unknown>> }).input)) return next(args);
      throw new DynamoDBServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized (injected by the fault tests)',
        $metadata: { httpStatusCode: 400 },
      });
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'refuse', override: true },
  );
}

describe('owners resubscribe / unsubscribe: their own writes under faults', () => {
  let table: TestDirectoryTable;
  const directory = (client = table.client) => new DynamoOwnerDirectory(client, table.tableName);
  const put = (userId: string, subscription?: string) =>
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          userId,
          email: `${userId}@example.com`,
          name: userId,
          status: 'active',
          ...(subscription !== undefined && { subscription }),
          ...(subscription === 'unsubscribed' && { subscriptionArn: OLD_ARN }),
        },
      }),
    );
  const states = async (...userIds: string[]) => {
    const owners = await directory().getMany(userIds);
    return userIds.map((id) => owners.get(id)?.subscription ?? '-');
  };
  const owners = (...args: string[]) =>
    runInProcess(registerOwnersCommand, ['owners', ...args, ...directoryFlags(table)]);

  beforeEach(async () => {
    table = await createTestDirectoryTable('owners-faults');
    // Route relay without a topic, whatever the shell exports.
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', '');
    return async () => {
      vi.unstubAllEnvs();
      await table.drop();
    };
  });

  it('resubscribe: a retried write that landed is resubscribed, not changed-meanwhile', async () => {
    await put('ada', 'unsubscribed');
    const counts = loseFirstResponseAfter(table.client, { matches: isUpdate });

    const result = await resubscribeOwners(directory(), ['ada']);

    expect(counts.lost).toBe(1);
    expect(result).toEqual({ resubscribed: ['ada'], recordedMeanwhile: ['ada'], notChanged: [] });
    expect(await states('ada')).toEqual(['none']);
  });

  it('resubscribe (the command): says it found its write recorded, exit 0', async () => {
    await put('ada', 'unsubscribed');
    const lost = armLostResponse({ matches: isUpdate });

    const run = await owners('resubscribe', 'ada');

    expect(lost()?.lost).toBe(1);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `ada: resubscribe already recorded in ${table.tableName} while this ran (a retried write of this one landed, or another resubscribe recorded it) (state none)`,
    );
  });

  it('resubscribe: a write that met another state (an unsubscribe since) is still changed-meanwhile', async () => {
    await put('ada', 'unsubscribed');
    loseFirstResponseAfter(table.client, {
      matches: isUpdate,
      throttled: true,
      // Another writer records a new opt-out (another ARN) before the first attempt: the write's condition fails.
      between: async () =>
        void (await directory().recordSubscription({
          userId: 'ada',
          email: 'ada@example.com',
          state: 'unsubscribed',
          subscriptionArn: `${TOPIC}:newer`,
          read: { subscription: 'unsubscribed', subscriptionArn: OLD_ARN },
        })),
    });

    const result = await resubscribeOwners(directory(), ['ada']);

    expect(result).toEqual({
      resubscribed: [],
      notChanged: [{ userId: 'ada', reason: 'changed-meanwhile' }],
    });
  });

  it('resubscribe (the command): an error on one owner is theirs; the others are written and printed, exit 1', async () => {
    for (const id of ['ada', 'bob', 'cyd']) await put(id, 'unsubscribed');
    armNextClient((client) => refuse(client, updateOf('bob')));

    const text = await owners('resubscribe', 'ada', 'bob', 'cyd');

    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(`ada: resubscribe recorded in ${table.tableName}`);
    expect(text.stdout).toContain(`cyd: resubscribe recorded in ${table.tableName}`);
    expect(text.stdout).toContain(
      'bob: not changed: reading or writing it failed: AccessDeniedException: not authorized (injected by the fault tests)',
    );
    expect(await states('ada', 'bob', 'cyd')).toEqual(['none', 'unsubscribed', 'none']);

    await put('ada', 'unsubscribed');
    armNextClient((client) => refuse(client, updateOf('ada')));
    const json = await owners('resubscribe', 'ada', 'bob', '--format', 'json');
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      resubscribed: ['bob'],
      notChanged: [
        {
          userId: 'ada',
          reason: 'error',
          error: 'AccessDeniedException: not authorized (injected by the fault tests)',
        },
      ],
    });
  });

  it('unsubscribe (the command, route relay): an error on one owner is theirs; the others are written and printed', async () => {
    for (const id of ['ada', 'bob', 'cyd']) await put(id);
    armNextClient((client) => refuse(client, updateOf('bob')));

    const run = await owners('unsubscribe', 'ada', 'bob', 'cyd', '--route', 'relay', '--format', 'json');

    expect(run.exitCode).toBe(1);
    const out = JSON.parse(run.stdout) as { unsubscribed: { userId: string }[]; notChanged: unknown[] };
    expect(out.unsubscribed.map((o) => o.userId)).toEqual(['ada', 'cyd']);
    expect(out.notChanged).toEqual([
      {
        userId: 'bob',
        reason: 'error',
        removed: [],
        error: 'AccessDeniedException: not authorized (injected by the fault tests)',
      },
    ]);
    expect(await states('ada', 'bob', 'cyd')).toEqual(['unsubscribed', '-', 'unsubscribed']);

    armNextClient((client) => refuse(client, updateOf('bob')));
    const text = await owners('unsubscribe', 'bob', '--route', 'relay');
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toBe(
      'bob: not changed: AccessDeniedException: not authorized (injected by the fault tests); run it again (if the state was recorded after all, it says already unsubscribed)\n',
    );
  });

  it('unsubscribe: the error outcome keeps the subscriptions removed before it', async () => {
    for (const id of ['ada', 'bob']) await put(id, 'confirmed');
    const subscription = (userId: string): TopicSubscription => ({
      arn: `${TOPIC}:${userId}`,
      protocol: 'email',
      endpoint: `${userId}@example.com`,
      filterPolicy: JSON.stringify({ userId: [userId], audience: ['owner'] }),
      pending: false,
    });
    const removed: string[] = [];
    const topic: OptOutTopic = {
      topicArn: TOPIC,
      list: async () => [subscription('ada'), subscription('bob')],
      remove: async (arn) => void removed.push(arn),
    };
    refuse(table.client, updateOf('ada'));

    const result = await unsubscribeOwners(directory(), { route: 'sns-email', topic }, ['ada', 'bob']);

    expect(removed).toEqual([`${TOPIC}:ada`, `${TOPIC}:bob`]);
    expect(result.notChanged).toEqual([
      {
        userId: 'ada',
        reason: 'error',
        removed: [`${TOPIC}:ada`],
        error: 'AccessDeniedException: not authorized (injected by the fault tests)',
      },
    ]);
    expect(result.unsubscribed).toEqual([
      {
        userId: 'bob',
        removed: [`${TOPIC}:bob`],
        subscriptionArn: `${TOPIC}:bob`,
        pendingLeft: false,
        recordedMeanwhile: false,
      },
    ]);
  });
});
