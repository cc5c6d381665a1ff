/**
 * The `<userId...>` arguments of `owners resubscribe`, `owners unsubscribe`
 * and `owners clear-bouncing` (cli/options/owner-id.ts), against DynamoDB
 * Local: an empty id, a blank one, or one past DynamoDB's 2048-byte partition
 * key limit is a usage error (exit 2) naming the argument, before the
 * directory is read or written — not "not in the owner directory" (exit 1)
 * after the valid ids next to it were acted on; an id of exactly 2048 bytes is
 * a real lookup.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { putItem } from '../support/items';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTestDirectoryTable } from '../support/test-directory-table';

/** The owners as stored: `ada` opted out and bouncing (resubscribe and clear-bouncing would change her), `bob` plain. */
const OWNERS: Readonly<Record<string, Record<string, unknown>>> = {
  ada: {
    userId: 'ada',
    email: 'ada@example.com',
    status: 'active',
    subscription: 'unsubscribed',
    bouncingSince: '2026-11-30T00:00:00.000Z',
  },
  bob: { userId: 'bob', email: 'bob@example.com', status: 'active' },
};

/** Each command, the owner it would change, and the flags it needs besides the ids (unsubscribe: no topic). */
const COMMANDS: readonly [string, string, readonly string[]][] = [
  ['resubscribe', 'ada', []],
  ['clear-bouncing', 'ada', []],
  ['unsubscribe', 'bob', ['--route', 'relay']],
];
/** 2049 bytes in UTF-8: 1024 two-byte letters and one ASCII one. */
const TOO_LONG = `${'é'.repeat(1024)}x`;

describe('owners resubscribe / unsubscribe / clear-bouncing: the userId arguments', {
  timeout: 120_000,
}, () => {
  const table = useTestDirectoryTable('owner-id-arg');

  beforeAll(async () => {
    for (const owner of Object.values(OWNERS)) await putItem(table.client, table.tableName, owner);
  });

  const run = (command: string, ids: readonly string[], extra: readonly string[]) =>
    runCli(['owners', command, ...ids, ...extra, ...directoryFlags(table)]);
  const stored = async (userId: string) =>
    (
      await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: { userId }, ConsistentRead: true }),
      )
    ).Item;

  it.each(COMMANDS)('%s "": a usage error naming the argument (exit 2)', async (command, _owner, extra) => {
    expect(await run(command, [''], extra)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pc-hygiene: the userId argument must not be empty\n',
    });
  });

  it.each(COMMANDS)(
    '%s "  ": a usage error naming the blank argument (exit 2)',
    async (command, _owner, extra) => {
      expect(await run(command, [' \t '], extra)).toEqual({
        code: 2,
        stdout: '',
        stderr: 'pc-hygiene: the userId argument " \\t " is only whitespace: an owner id is never blank\n',
      });
    },
  );

  it.each(COMMANDS)(
    '%s <2049-byte id>: a usage error naming the limit (exit 2)',
    async (command, _owner, extra) => {
      expect(await run(command, [TOO_LONG], extra)).toEqual({
        code: 2,
        stdout: '',
        stderr: 'pc-hygiene: the userId argument is 2,049 bytes in UTF-8; DynamoDB keys hold at most 2,048\n',
      });
    },
  );

  it.each(COMMANDS)(
    '%s <owner> "": refused before the valid id next to it is acted on (exit 2, nothing written)',
    async (command, owner, extra) => {
      expect(await run(command, [owner, ''], extra)).toEqual({
        code: 2,
        stdout: '',
        stderr: 'pc-hygiene: userId argument 2 must not be empty\n',
      });
      expect(await stored(owner)).toEqual(OWNERS[owner]);
    },
  );

  it.each(COMMANDS)(
    '%s <2048-byte id>: looked up, not in the directory (exit 1)',
    async (command, _owner, extra) => {
      const id = 'k'.repeat(MAX_KEY_BYTES);
      const result = await run(command, [id], extra);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe(`${id}: not changed: not in the owner directory\n`);
    },
  );
});
