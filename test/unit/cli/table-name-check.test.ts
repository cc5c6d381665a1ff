/**
 * One rule for the table names the CLI takes (`checkTableName`,
 * cli/options/table-options.ts): `--table` and `--directory-table` refuse a
 * name DynamoDB would refuse, naming the flag, before any request. The rule
 * itself is `isTableName` (lambdas/aws/credential-table-definition.ts), which
 * the CDK context's table names (lib/config.ts) check too.
 */
import { describe, expect, it } from 'vitest';
import { checkDirectoryTableName } from '../../../cli/options/directory-options';
import { checkTableName, documentClientFor } from '../../../cli/options/table-options';
import { UsageError } from '../../../cli/usage-error';
import { isTableName } from '../../../lambdas/aws/credential-table-definition';

describe('table names', () => {
  it.each(['ab', 'has space', 'x'.repeat(256), 'semi;colon'])('refuses %j, naming the flag', (name) => {
    const message = `is not a valid table name (3-255 characters: letters, digits, _ . -)`;
    expect(isTableName(name)).toBe(false);
    expect(() => documentClientFor({ table: name })).toThrow(
      new UsageError(`--table ${JSON.stringify(name)} ${message}`),
    );
    expect(() => checkDirectoryTableName(name)).toThrow(
      new UsageError(`--directory-table ${JSON.stringify(name)} ${message}`),
    );
  });

  it.each(['abc', 'Personal.Clients_2-x', 'x'.repeat(255)])('takes %j as it is', (name) => {
    expect(isTableName(name)).toBe(true);
    expect(checkTableName('--table', name)).toBe(name);
    expect(checkDirectoryTableName(name)).toBe(name);
  });

  it.each([undefined, null, 123, ['abc'], { name: 'abc' }])('takes no %j: a table name is text', (value) => {
    expect(isTableName(value)).toBe(false);
  });
});
