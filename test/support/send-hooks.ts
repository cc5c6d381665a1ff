/**
 * A change landing between a command's read and its write: `client.send`
 * spied on, with a hook before each request goes out or after its answer is
 * back. The hooks get the client's own `send`, so a write they make is not
 * hooked again. One wrapper for the tests that race a directory write
 * against `owners resubscribe` / `owners unsubscribe`.
 */
import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type MockInstance, vi } from 'vitest';

/** The client's own `send`, for a hook's writes. */
export type RawSend = (command: unknown) => Promise<unknown>;

/** What runs around each request: `before` it goes out, `after` its answer is back. */
export interface SendHooks {
  readonly before?: (command: unknown, send: RawSend) => Promise<void>;
  readonly after?: (command: unknown, send: RawSend) => Promise<void>;
}

/**
 * Spies on `client.send` with `hooks` around every request.
 * @returns the spy: `mockRestore()` it when the call under test is done
 */
export function hookSends(client: DynamoDBDocumentClient, hooks: SendHooks): MockInstance {
  const raw: RawSend = client.send.bind(client) as RawSend;
  return vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
    await hooks.before?.(command, raw);
    const out = await raw(command);
    await hooks.after?.(command, raw);
    return out;
  }) as never);
}

/** An `UpdateItem` of one owner's directory item: its expression and values. */
export interface OwnerUpdate {
  readonly expression: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Spies on `client.send` so that `update` is written to `userId`'s item in `tableName` right after each
 * `BatchGetItem` answer: a change (an import, a reconcile) landing between a command's read of the owners and its write.
 * @returns the spy: `mockRestore()` it when the call under test is done
 */
export function updateOwnerAfterRead(
  client: DynamoDBDocumentClient,
  tableName: string,
  userId: string,
  update: OwnerUpdate,
): MockInstance {
  return hookSends(client, {
    after: async (command, send) => {
      if (!(command instanceof BatchGetCommand)) return;
      await send(
        new UpdateCommand({
          TableName: tableName,
          Key: { userId },
          UpdateExpression: update.expression,
          ExpressionAttributeValues: update.values,
        }),
      );
    },
  });
}
