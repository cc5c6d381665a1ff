/**
 * `setExempt` (cli/aws/exempt.ts) judges whether its write would push a soft-deleted credential's deletion entry out
 * of the bounded history on the very item it reads and plans the write from — not on a read of its own made
 * earlier, which a sweep's deletion in between would make stale while the write, planned from a later read,
 * dropped the new deletion's entry. Against a client-boundary mock of the document client that returns the deleted
 * credential with a full history exactly once (any later read, a live one): the refusal comes from that one read,
 * and nothing else is sent — no second `GetItem`, no `UpdateItem`. A write that keeps the entry is still made.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeletionHistoryFullError, type ExemptRequest, setExempt } from '../../../cli/aws/exempt';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT } from '../../../lambdas/hygiene/history';
import { hygieneDeletion } from '../../support/hygiene-deletion';
import { credential, days, NOW } from '../support/credentials';

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);

/** Credential `gone`, soft-deleted by run-1, its history the deletion's entry then `toggles` exemption entries. */
function deletedWithHistory(toggles: number): Record<string, unknown> {
  const deletion = hygieneDeletion(days(-2), 'stale', 'run-1');
  const entries = Array.from({ length: toggles }, (_, i) => ({
    at: days(-1),
    action: i % 2 === 0 ? 'exempt' : 'unexempt',
    by: 'ops',
    reason: `toggle ${i}`,
  }));
  return {
    ...credential('gone', deletion),
    [HISTORY_ATTR]: [...(deletion[HISTORY_ATTR] as unknown[]), ...entries],
  };
}

const unexempt: ExemptRequest = {
  id: 'gone',
  exempt: false,
  reason: 'one too many',
  by: 'ops',
  now: NOW,
  restoreCommand: 'pc-hygiene restore gone --reason TEXT --table t',
};

describe('setExempt refuses dropping the deletion entry of the item it read', () => {
  afterEach(() => ddb.reset());

  it('refuses on its one read, and sends nothing more', async () => {
    // The deletion's entry and 19 toggles, the last an exempt: the unexempt's entry would push the deletion's out.
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...deletedWithHistory(HISTORY_LIMIT - 1), [HYGIENE_ATTR.exempt]: true } })
      .resolves({ Item: credential('gone') });
    ddb.on(UpdateCommand).resolves({});

    const error = await setExempt(client, 't', unexempt).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );

    expect(error).toBeInstanceOf(DeletionHistoryFullError);
    expect((error as DeletionHistoryFullError).deletion).toEqual({
      deletedAt: days(-2),
      deletedByRun: 'run-1',
    });
    expect((error as DeletionHistoryFullError).message).toBe(
      `credential gone is soft-deleted (deletedAt ${days(-2)}, by run run-1) and its history is full (the newest ` +
        `${HISTORY_LIMIT} entries are kept): this unexempt's entry would push out the oldest, run run-1's deletion ` +
        'entry, which records why it was deleted and which restore needs to undo it. Nothing written: restore it ' +
        'first (pc-hygiene restore gone --reason TEXT --table t), then unexempt it',
    );
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('writes, after its one read, when the history has room for the deletion entry', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...deletedWithHistory(HISTORY_LIMIT - 2), [HYGIENE_ATTR.exempt]: true } });
    ddb.on(UpdateCommand).resolves({});

    const result = await setExempt(client, 't', unexempt);

    expect(result).toMatchObject({ changed: true, deletedAt: days(-2) });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
