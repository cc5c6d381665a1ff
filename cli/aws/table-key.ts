/**
 * Whether a table named to a command is of the kind the command reads and
 * writes, told by its key schema (`DescribeTable`): the credentials table is
 * keyed by `id`, the owner directory by `userId`, neither with a sort key.
 * DynamoDB alone does not refuse the mistake: every credential has a
 * `userId`, so a credentials `import` aimed at the owner directory replaced
 * owners with credential items (their email and opt-out gone). The one check,
 * {@link tableKindCheck}, runs before a command reads or writes
 * ({@link requireTableKind}: `cli/options/table-options.ts`, `withDocumentClient`)
 * and before `--create-table` changes anything on a table it finds already there
 * (`createTableFrom`, cli/aws/create-table.ts). The kinds it tells apart are
 * defined here beside the table definitions they read their keys from; the
 * options add how messages and hints name each ({@link TableKeyKind} is the part
 * this check needs). A relay ledger, also keyed by `id`, cannot be told from a
 * credentials table by its key.
 */
import {
  DescribeTableCommand,
  type KeySchemaElement,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import { OWNER_DIRECTORY_TABLE } from '../../lambdas/aws/owner-directory-table-definition';
import { RELAY_LEDGER_TABLE } from '../../lambdas/aws/relay-ledger-table-definition';
import { sayOnStderr } from '../stderr';

/** A kind of table as {@link requireTableKind} tells it and names it when it cannot. */
export interface TableKeyKind {
  /** How messages name it: `table`, `owner directory table`. */
  readonly noun: string;
  /** What the table is, as a message says it: `a credentials table`. */
  readonly kindText: string;
  /** The partition key the commands read it by (and no sort key): how the kind is told. */
  readonly partitionKey: string;
}

/** The credentials table ({@link TABLE_DEFINITION}): keyed by `id`. */
export const CREDENTIALS_TABLE_KEY: TableKeyKind = {
  noun: 'table',
  kindText: 'a credentials table',
  partitionKey: TABLE_DEFINITION.partitionKey.name,
};

/** The owner directory ({@link OWNER_DIRECTORY_TABLE}): keyed by `userId`. */
export const OWNER_DIRECTORY_TABLE_KEY: TableKeyKind = {
  noun: 'owner directory table',
  kindText: 'an owner directory',
  partitionKey: OWNER_DIRECTORY_TABLE.partitionKey.name,
};

/**
 * The relay ledger ({@link RELAY_LEDGER_TABLE}): keyed by `id` too, so a credentials table passes as one (and one
 * passes as a credentials table); only tests and local use create it from the CLI's code.
 */
export const RELAY_LEDGER_TABLE_KEY: TableKeyKind = {
  noun: 'relay ledger table',
  kindText: 'a relay ledger',
  partitionKey: RELAY_LEDGER_TABLE.partitionKey.name,
};

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
 * What {@link tableKindCheck} found: the table has the kind's key; it does
 * not exist (only when a missing table is allowed); or the caller may not
 * call `DescribeTable` (AccessDenied), so its key is unknown.
 */
export type TableKindCheck = 'matches' | 'missing' | 'cannot check';

/**
 * Checks that `table` is of `kind`: keyed by its partition key alone (a
 * `HASH` key of that name, no `RANGE` key). One `DescribeTable`; says
 * nothing: {@link requireTableKind} is the check a command makes, and
 * `createTableFrom` (cli/aws/create-table.ts) reads what it found to decide
 * whether to wait for a table it found already there.
 * @param kind the credentials table by default
 * @param options.mayBeMissing a missing table is `'missing'`, not an error
 * @throws {TableKeyMismatchError} when the table has another key
 * @throws {ResourceNotFoundException} when the table is missing and `mayBeMissing` is not set
 */
export async function tableKindCheck(
  client: DynamoDBDocumentClient,
  table: string,
  kind: TableKeyKind = CREDENTIALS_TABLE_KEY,
  { mayBeMissing = false } = {},
): Promise<TableKindCheck> {
  let keySchema: readonly KeySchemaElement[];
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    keySchema = described.Table?.KeySchema ?? [];
  } catch (error: unknown) {
    if (mayBeMissing && error instanceof ResourceNotFoundException) return 'missing';
    if (isAccessDenied(error)) return 'cannot check';
    throw error;
  }
  const [only, ...more] = keySchema;
  if (only?.AttributeName === kind.partitionKey && only.KeyType === 'HASH' && more.length === 0)
    return 'matches';
  throw new TableKeyMismatchError(table, kind.partitionKey, keySchemaText(keySchema));
}

/** Whether `error` is AWS refusing a call the caller's role does not allow (`AccessDeniedException`). */
export function isAccessDenied(error: unknown): boolean {
  return error instanceof Error && error.name === 'AccessDeniedException';
}

/** The tables already said to be unchecked (by kind and name): said once a run. */
const SAID_UNCHECKED = new Set<string>();

/**
 * Says on stderr, once a run for each table, that `table` could not be
 * checked to be of `kind` (`dynamodb:DescribeTable` denied), and what the
 * command does instead.
 * @param goingOn what happens next, as the line ends (`going on` for a command)
 */
export function sayKindUnchecked(table: string, kind: TableKeyKind, goingOn = 'going on'): void {
  const key = `${kind.noun} ${table}`;
  if (SAID_UNCHECKED.has(key)) return;
  SAID_UNCHECKED.add(key);
  sayOnStderr(
    `cannot check that ${kind.noun} ${table} is ${kind.kindText} (dynamodb:DescribeTable denied): ${goingOn}`,
  );
}

/**
 * Checks that `table` is of `kind` by its key ({@link tableKindCheck}), before a
 * command reads or writes it: one rule for every table, the owner directory's
 * included. A caller not allowed `dynamodb:DescribeTable` cannot be checked:
 * that is said once on stderr ({@link sayKindUnchecked}) and the command goes
 * on (DynamoDB's own refusal of a request's key is still said as the kind's
 * `wrongKey` by `describeTableError`, cli/options/table-options.ts). The errors
 * are left to the caller's table errors (`describeTableError` says them).
 * @param kind the credentials table by default
 * @param options.mayBeMissing a missing table is not an error (`--create-table --dry-run`)
 * @returns whether the table exists (false only with `mayBeMissing`)
 * @throws {TableKeyMismatchError} when the table has another key
 * @throws {ResourceNotFoundException} when the table is missing and `mayBeMissing` is not set
 */
export async function requireTableKind(
  client: DynamoDBDocumentClient,
  table: string,
  kind: TableKeyKind = CREDENTIALS_TABLE_KEY,
  { mayBeMissing = false } = {},
): Promise<boolean> {
  const found = await tableKindCheck(client, table, kind, { mayBeMissing });
  if (found === 'cannot check') sayKindUnchecked(table, kind);
  return found !== 'missing';
}

/** A key schema as an error says it: the partition key, then the sort key (`pk + sk`); `no key` when empty. */
function keySchemaText(keySchema: readonly KeySchemaElement[]): string {
  const ordered = keySchema.toSorted((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0));
  return ordered.length === 0 ? 'no key' : ordered.map((key) => String(key.AttributeName)).join(' + ');
}
