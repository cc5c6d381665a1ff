/**
 * Whether a table named to a command is of the kind the command reads and
 * writes, told by its key schema (`DescribeTable`): the credentials table is
 * keyed by `id`, the owner directory by `userId`, neither with a sort key.
 * DynamoDB alone does not refuse the mistake: every credential has a
 * `userId`, so a credentials `import` aimed at the owner directory replaced
 * owners with credential items (their email and opt-out gone). The CLI checks
 * before it reads or writes (`cli/options/table-options.ts`,
 * `requireTableKind`), and `--create-table` checks a table it finds already
 * there (`createTableFrom`) before it changes anything on it. A relay
 * ledger, also keyed by `id`, cannot be told from a credentials table by its key.
 */
import {
  DescribeTableCommand,
  type KeySchemaElement,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A table whose key schema is not the expected one: another kind of table, named by mistake. */
export class TableKeyMismatchError extends Error {
  override readonly name = 'TableKeyMismatchError';

  /**
   * @param table the table's name
   * @param partitionKey the partition key expected (and no sort key)
   * @param found the table's key schema, as text (`userId`, `pk + sk`)
   */
  constructor(
    readonly table: string,
    readonly partitionKey: string,
    readonly found: string,
  ) {
    super(`table ${table} is keyed by ${found}, not by ${partitionKey} alone`);
  }
}

/**
 * What {@link checkTableKey} found: the table has the expected key; it does
 * not exist (only when a missing table is allowed); or the caller may not
 * call `DescribeTable` (AccessDenied), so its key is unknown.
 */
export type TableKeyCheck = 'matches' | 'missing' | 'cannot check';

/**
 * Checks that `tableName` is keyed by `partitionKey` alone (a `HASH` key of
 * that name, no `RANGE` key). One `DescribeTable`.
 * @param options.mayBeMissing a missing table is `missing` (`--create-table` creates it), not an error
 * @throws {TableKeyMismatchError} when the table has another key
 * @throws {ResourceNotFoundException} when the table is missing and `mayBeMissing` is not set
 */
export async function checkTableKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  partitionKey: string,
  { mayBeMissing = false } = {},
): Promise<TableKeyCheck> {
  let keySchema: readonly KeySchemaElement[];
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    keySchema = described.Table?.KeySchema ?? [];
  } catch (error: unknown) {
    if (mayBeMissing && error instanceof ResourceNotFoundException) return 'missing';
    if (error instanceof Error && error.name === 'AccessDeniedException') return 'cannot check';
    throw error;
  }
  const [only, ...more] = keySchema;
  if (only?.AttributeName === partitionKey && only.KeyType === 'HASH' && more.length === 0) return 'matches';
  throw new TableKeyMismatchError(tableName, partitionKey, keySchemaText(keySchema));
}

/** A key schema as an error says it: the partition key, then the sort key (`pk + sk`); `no key` when empty. */
function keySchemaText(keySchema: readonly KeySchemaElement[]): string {
  const ordered = keySchema.toSorted((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0));
  return ordered.length === 0 ? 'no key' : ordered.map((key) => String(key.AttributeName)).join(' + ');
}
