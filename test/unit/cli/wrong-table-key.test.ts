/**
 * DynamoDB's refusal of a key that is not the table's (a credentials command
 * aimed at the owner directory or the relay ledger) names the table and the
 * likely mistake (`describeTableError`), in AWS's words as in DynamoDB
 * Local's (test/integration/wrong-table-key-cli.test.ts); the owner
 * directory's commands say theirs (not an owner directory); any other
 * validation error passes through.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { withDirectoryErrors } from '../../../cli/options/directory-options';
import { describeTableError, TableAccessError } from '../../../cli/options/table-options';

const validation = (message: string) =>
  new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message, $metadata: {} });

const NOT_CREDENTIALS = 'is not a credentials table (its key is not `id`): did you name the owner directory?';

describe('a table whose key is not id', () => {
  it.each([
    'The provided key element does not match the schema',
    'One of the required keys was not given a value',
    'One or more parameter values were invalid: Missing the key id in the item',
  ])('"%s" names the table', (message) => {
    const error = describeTableError(validation(message), {
      table: 'PersonalClientOwners',
      region: 'eu-west-1',
    });

    expect(error).toBeInstanceOf(TableAccessError);
    expect((error as Error).message).toBe(`table PersonalClientOwners in eu-west-1 ${NOT_CREDENTIALS}`);
  });

  it('another validation error passes through unchanged', () => {
    const other = validation('ExpressionAttributeValues must not be empty');

    expect(describeTableError(other, { table: 'PersonalClients' })).toBe(other);
  });

  it("the owner directory's commands are told it is not an owner directory", async () => {
    const mismatch = validation('One of the required keys was not given a value');

    const error = await withDirectoryErrors({ directoryTable: 'PersonalClients' }, () =>
      Promise.reject(mismatch),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TableAccessError);
    expect((error as Error).message).toBe(
      'owner directory table PersonalClients is not an owner directory (its key is not `userId`): ' +
        'did you name the credentials table?',
    );
  });
});
