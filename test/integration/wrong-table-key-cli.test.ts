/**
 * A credentials table command aimed at another table by mistake (the owner
 * directory, whose key is `userId`, not `id`): DynamoDB refuses the request's
 * key with a `ValidationException` that names neither the table nor the
 * mistake ("One of the required keys was not given a value" from DynamoDB
 * Local, "The provided key element does not match the schema" from AWS); the
 * CLI says which table it is and what it likely is instead, exit 1. Child
 * processes, DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestDirectoryTable } from '../support/test-directory-table';

describe('restore and runs aimed at the owner directory (CLI, DynamoDB Local)', () => {
  const owners = useTestDirectoryTable('wrong-table-key');

  it.each([
    [['restore', '--run', 'sweep-x', '--reason', 'r']],
    [['restore', 'cred-1', '--reason', 'r']],
    [['runs', 'list']],
    [['runs', 'show', 'sweep-x']],
  ])('%j names the table and says it is not a credentials table', async (args) => {
    const run = await runCli([...args, ...tableFlags(owners)]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `pc-hygiene: table ${owners.tableName} at ${owners.endpoint} is not a credentials table (its key is not \`id\`): ` +
        'did you name the owner directory?\n',
    );
  });
});
