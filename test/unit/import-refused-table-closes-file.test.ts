/**
 * `importJsonLines` opens the file before it prepares the table (an
 * unreadable file is a usage error with nothing created); when the table is
 * then refused — of another kind (its key is not `id`: cli/aws/table-key.ts)
 * or missing — the file is closed at once, not left open until garbage
 * collection closes it (Node then warns on stderr, after the refusal). Linux:
 * the process's open files are read from /proc/self/fd. DynamoDB mocked at the
 * document client (aws-sdk-client-mock).
 */
import { existsSync } from 'node:fs';
import { readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { TableKeyMismatchError } from '../../cli/aws/table-key';
import { importJsonLines } from '../../cli/commands/import';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { ownerDirectoryDescription } from '../support/table-descriptions';
import { useTempDir } from '../support/temp-dir';
import { credential } from './support/credentials';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

/** Whether this process still has `path` open, waiting up to a second for a close under way. */
async function stillOpen(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const targets = await Promise.all(
      (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
    );
    if (!targets.includes(path)) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe.skipIf(!existsSync('/proc/self/fd'))('import into a refused table', () => {
  const dir = useTempDir('pc-import-refused');

  it.each([
    ['of another kind', () => ddb.on(DescribeTableCommand).resolves(ownerDirectoryDescription('Owners'))],
    [
      'missing',
      () =>
        ddb
          .on(DescribeTableCommand)
          .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} })),
    ],
  ])('a table %s: refused, and the file closed at once', async (_, describeTable) => {
    describeTable();
    const file = join(dir(), `${Math.random()}.jsonl`);
    await writeFile(file, `${JSON.stringify(credential('c-1'))}\n`);
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });

    const error = await importJsonLines(client, { table: 'Owners', file }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect([TableKeyMismatchError.name, ResourceNotFoundException.name]).toContain((error as Error).name);
    expect(await stillOpen(file)).toBe(false);
  });
});
