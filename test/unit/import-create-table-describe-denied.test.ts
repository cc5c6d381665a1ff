/**
 * `import --create-table` by a role denied `dynamodb:DescribeTable`, on a
 * table that already exists (`CreateTable` answers `ResourceInUseException`):
 * the table is used as it is, without waiting on the `DescribeTable` it may not
 * call (`createTableFrom`, cli/aws/create-table.ts), so the records are
 * written; and a table someone else is still creating fails the first read of
 * the batch as not found (DynamoDB's answer for a table not yet active), which
 * the command says as a missing table, with nothing written. DynamoDB mocked
 * at the document client (aws-sdk-client-mock).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImportIncompleteError, importJsonLines } from '../../cli/commands/import';
import { describeTableError } from '../../cli/options/table-options';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { useTempDir } from '../support/temp-dir';
import { credential } from './support/credentials';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });

beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  ddb.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
  ddb.on(DescribeTableCommand).rejects(
    new DynamoDBServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'no',
      $metadata: {},
    }),
  );
});
afterEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

describe('import --create-table with DescribeTable denied, the table already there', () => {
  const dir = useTempDir('pc-import-describe-denied');

  async function oneRecordFile(): Promise<string> {
    const file = join(dir(), `${Math.random()}.jsonl`);
    await writeFile(file, `${JSON.stringify(credential('c-1'))}\n`);
    return file;
  }

  it('writes into the table as it is, without waiting for it', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { Existing: [] } });
    ddb.on(BatchWriteCommand).resolves({});

    const summary = await importJsonLines(client, {
      table: 'Existing',
      file: await oneRecordFile(),
      createTable: true,
    });

    expect(summary).toMatchObject({ written: 1, tableCreated: false });
    expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(1);
  });

  it('a table still being created: the first read finds it missing, said as such, nothing written', async () => {
    ddb.on(BatchGetCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    const error = await importJsonLines(client, {
      table: 'Creating',
      file: await oneRecordFile(),
      createTable: true,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ImportIncompleteError);
    expect((error as ImportIncompleteError).summary.written).toBe(0);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    const said = describeTableError((error as ImportIncompleteError).writeError, {
      table: 'Creating',
      region: 'eu-west-1',
    });
    expect((said as Error).message).toMatch(/^table Creating not found in eu-west-1 /);
  });
});
