/**
 * Whether a table named to a command is of the kind the command reads and
 * writes, told by its key schema and its global secondary indexes
 * (`DescribeTable`): the credentials table is keyed by `id` and has the
 * `hygiene-outbox` index, the owner directory is keyed by `userId`, the relay
 * ledger by `id` without that index; none has a sort key, and each key is a
 * string (`S`: a directory keyed by a number `userId` holds no owner the
 * commands look up, and DynamoDB's refusal named no table). DynamoDB alone does
 * not refuse the mistake: every credential has a `userId`, so a credentials
 * `import` aimed at the owner directory replaced owners with credential items
 * (their email and opt-out gone), and one aimed at the relay ledger wrote
 * credentials there, without a TTL, the credentials table untouched. The one
 * check, {@link tableKindCheck}, runs before a command reads or writes
 * ({@link requireTableKind}: `cli/options/table-options.ts`, `withDocumentClient`)
 * and before `--create-table` changes anything on a table it finds already there
 * (`createTableFrom`, cli/aws/create-table.ts). The kinds it tells apart are
 * defined here beside the table definitions they read their keys and indexes
 * from (docs/data-model.md); the options add how messages and hints name each
 * ({@link TableKeyKind} is the part this check needs).
 */
import {
  DescribeTableCommand,
  type GlobalSecondaryIndexDescription,
  type KeySchemaElement,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION, type TableDefinition } from '../../lambdas/aws/credential-table-definition';
import { OWNER_DIRECTORY_TABLE } from '../../lambdas/aws/owner-directory-table-definition';
import { RELAY_LEDGER_TABLE } from '../../lambdas/aws/relay-ledger-table-definition';
import { describeError } from '../../lambdas/hygiene/errors';
import { sayOnStderr } from '../stderr';
import { isNotAuthorized } from './refusal-codes';

/** A kind of table as {@link requireTableKind} tells it and names it when it cannot. */
export interface TableKeyKind {
  /** How messages name it: `table`, `owner directory table`. */
  readonly noun: string;
  /** What the table is, as a message says it: `a credentials table`. */
  readonly kindText: string;
  /** The partition key the commands read it by (and no sort key): how the kind is told. */
  readonly partitionKey: string;
  /** The partition key's type as its definition gives it (`S`: a string), which the table's must be. */
  readonly partitionKeyType: KeyAttributeType;
  /** How it is told from the other kind keyed the same way, by its indexes; absent: its key alone tells it. */
  readonly indexRule?: IndexRule;
}

/** A key attribute's type as the table definitions give it (`S` string, `N` number). */
type KeyAttributeType = TableDefinition['partitionKey']['type'];

/** A global secondary index as the credentials table's definition gives it: its name and key. */
type IndexDefinition = TableDefinition['globalSecondaryIndexes'][number];

/**
 * How the two kinds keyed by `id` are told apart: the credentials table has every index of its definition
 * ({@link TABLE_DEFINITION}: `hygiene-outbox`), keyed as defined; the relay ledger, defined with no index, has
 * none of them.
 */
export interface IndexRule {
  /** The indexes that tell the kinds apart: the credentials table's. */
  readonly indexes: readonly IndexDefinition[];
  /** Whether a table of the kind has each of them (the credentials table) or none of them (the relay ledger). */
  readonly has: boolean;
  /** What a table that fails the rule likely is, as the refusal asks: `the relay ledger`. */
  readonly likely: string;
}

/** The credentials table ({@link TABLE_DEFINITION}): keyed by `id`, with the `hygiene-outbox` index. */
export const CREDENTIALS_TABLE_KEY: TableKeyKind = {
  noun: 'table',
  kindText: 'a credentials table',
  partitionKey: TABLE_DEFINITION.partitionKey.name,
  partitionKeyType: TABLE_DEFINITION.partitionKey.type,
  indexRule: { indexes: TABLE_DEFINITION.globalSecondaryIndexes, has: true, likely: 'the relay ledger' },
};

/**
 * The owner directory ({@link OWNER_DIRECTORY_TABLE}): keyed by `userId`, which no other kind is, so its key alone
 * tells it (its definition has no index, and none is asked of it).
 */
export const OWNER_DIRECTORY_TABLE_KEY: TableKeyKind = {
  noun: 'owner directory table',
  kindText: 'an owner directory',
  partitionKey: OWNER_DIRECTORY_TABLE.partitionKey.name,
  partitionKeyType: OWNER_DIRECTORY_TABLE.partitionKey.type,
};

/**
 * The relay ledger ({@link RELAY_LEDGER_TABLE}): keyed by `id` as the credentials table is, and told from it by
 * having none of its indexes (the ledger's definition has none); only tests and local use create it from the CLI's
 * code.
 */
export const RELAY_LEDGER_TABLE_KEY: TableKeyKind = {
  noun: 'relay ledger table',
  kindText: 'a relay ledger',
  partitionKey: RELAY_LEDGER_TABLE.partitionKey.name,
  partitionKeyType: RELAY_LEDGER_TABLE.partitionKey.type,
  indexRule: {
    indexes: TABLE_DEFINITION.globalSecondaryIndexes,
    has: false,
    likely: 'the credentials table',
  },
};

/**
 * A table whose key schema is not the expected one: another kind of table, named by mistake. A table keyed by the
 * right name but whose key's type ({@link TableKeyTypeMismatchError}) or indexes ({@link TableIndexMismatchError})
 * are not its kind's is a subclass, so a catch of this one catches all three.
 */
export class TableKeyMismatchError extends Error {
  override readonly name: string = 'TableKeyMismatchError';
  /**
   * What is wrong, as a message says it after the table's name, when the error says it itself (a subclass);
   * undefined for another key, which the caller's kind says in its own words (`wrongKey`,
   * cli/options/table-options.ts).
   */
  readonly reason: string | undefined = undefined;

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
 * A table keyed as its kind is but told by its indexes to be another kind ({@link IndexRule}): a relay ledger
 * named as the credentials table, or the reverse. Its message names the table and says why, as
 * `describeTableError` (cli/options/table-options.ts) says it too.
 */
export class TableIndexMismatchError extends TableKeyMismatchError {
  override readonly name = 'TableIndexMismatchError';

  /**
   * @param table the table's name
   * @param kind the kind it was expected to be
   * @param reason what is wrong, as a message says it after the table's name
   *   (`is not a credentials table: it has no "hygiene-outbox" index …`)
   */
  constructor(
    table: string,
    kind: TableKeyKind,
    override readonly reason: string,
  ) {
    super(table, kind.partitionKey, kind.partitionKey);
    this.message = `${kind.noun} ${table} ${reason}`;
  }
}

/** Where the tables' keys and the credentials table's index are described, as a refusal cites it. */
const TABLES_DOC = 'docs/data-model.md';

/** How a message names a key attribute type: DynamoDB's letter, then what it is. */
const KEY_TYPE_TEXT: Readonly<Record<string, string>> = { S: 'S (string)', N: 'N (number)', B: 'B (binary)' };

/**
 * A table keyed by its kind's partition key name but of another type (`userId` a number, not a string): no item
 * the commands read or write by that key fits it. Its message names the table, the attribute and both types, as
 * `describeTableError` (cli/options/table-options.ts) says it too.
 */
export class TableKeyTypeMismatchError extends TableKeyMismatchError {
  override readonly name = 'TableKeyTypeMismatchError';
  override readonly reason: string;

  /**
   * @param table the table's name
   * @param kind the kind it was expected to be
   * @param foundType the key attribute's type in the table (its `AttributeDefinitions`: `N`)
   */
  constructor(
    table: string,
    kind: TableKeyKind,
    readonly foundType: string,
  ) {
    super(table, kind.partitionKey, kind.partitionKey);
    const typeText = (type: string) => KEY_TYPE_TEXT[type] ?? type;
    this.reason =
      `is not ${kind.kindText}: its key \`${kind.partitionKey}\` is of type ${typeText(foundType)}, ` +
      `not ${typeText(kind.partitionKeyType)} (${TABLES_DOC})`;
    this.message = `${kind.noun} ${table} ${this.reason}`;
  }
}

/**
 * What {@link tableKindCheck} found: the table has the kind's key (and indexes); it does
 * not exist (only when a missing table is allowed); or the caller may not
 * call `DescribeTable` (AccessDenied), so its key is unknown.
 */
export type TableKindCheck = 'matches' | 'missing' | 'cannot check';

/**
 * Checks that `table` is of `kind`: keyed by its partition key alone (a
 * `HASH` key of that name and type, no `RANGE` key) and, when the kind has an
 * {@link IndexRule}, with (the credentials table) or without (the relay
 * ledger) the credentials table's indexes. One `DescribeTable`; says
 * nothing: {@link requireTableKind} is the check a command makes, and
 * `createTableFrom` (cli/aws/create-table.ts) reads what it found to decide
 * whether to wait for a table it found already there.
 * @param kind the credentials table by default
 * @param options.mayBeMissing a missing table is `'missing'`, not an error
 * @throws {TableKeyMismatchError} when the table has another key
 * @throws {TableKeyTypeMismatchError} when its key has the kind's name but another type
 * @throws {TableIndexMismatchError} when its key is the kind's but its indexes are another kind's
 * @throws {ResourceNotFoundException} when the table is missing and `mayBeMissing` is not set
 */
export async function tableKindCheck(
  client: DynamoDBDocumentClient,
  table: string,
  kind: TableKeyKind = CREDENTIALS_TABLE_KEY,
  { mayBeMissing = false } = {},
): Promise<TableKindCheck> {
  let described: TableDescription;
  try {
    described = (await client.send(new DescribeTableCommand({ TableName: table }))).Table ?? {};
  } catch (error: unknown) {
    if (mayBeMissing && error instanceof ResourceNotFoundException) return 'missing';
    if (isAccessDenied(error)) return 'cannot check';
    throw error;
  }
  const keySchema = described.KeySchema ?? [];
  const [only, ...more] = keySchema;
  if (only?.AttributeName !== kind.partitionKey || only.KeyType !== 'HASH' || more.length > 0)
    throw new TableKeyMismatchError(table, kind.partitionKey, keySchemaText(keySchema));
  const keyType = attributeType(described, kind.partitionKey);
  if (keyType !== undefined && keyType !== kind.partitionKeyType)
    throw new TableKeyTypeMismatchError(table, kind, keyType);
  const wrongIndexes = indexMismatch(kind, described.GlobalSecondaryIndexes ?? []);
  if (wrongIndexes !== undefined) throw new TableIndexMismatchError(table, kind, wrongIndexes);
  return 'matches';
}

/**
 * The type `DescribeTable` gives the attribute `name` (`AttributeDefinitions`: DynamoDB lists every key
 * attribute's); undefined when the answer lists none for it, and then the type is not asked about.
 */
function attributeType(described: TableDescription, name: string): string | undefined {
  return described.AttributeDefinitions?.find((definition) => definition.AttributeName === name)
    ?.AttributeType;
}

/**
 * What is wrong with a table's indexes for `kind` ({@link IndexRule}), as a message says it after the table's
 * name; undefined when nothing is (or the kind has no rule). Told by each index's name and, for an index the kind
 * must have, its key; its projection is not asked about.
 */
function indexMismatch(
  kind: TableKeyKind,
  found: readonly GlobalSecondaryIndexDescription[],
): string | undefined {
  const rule = kind.indexRule;
  if (rule === undefined) return undefined;
  for (const index of rule.indexes) {
    const name = JSON.stringify(index.indexName);
    const there = found.find((candidate) => candidate.IndexName === index.indexName);
    if (!rule.has && there !== undefined)
      return `is not ${kind.kindText}: it has a ${name} index, as the credentials table has (${TABLES_DOC}); is it ${rule.likely}?`;
    if (rule.has && there === undefined)
      return `is not ${kind.kindText}: it has no ${name} index (${kind.kindText} has one: ${TABLES_DOC}); is it ${rule.likely}?`;
    if (rule.has && there !== undefined && !isKeyedAs(there.KeySchema ?? [], index)) {
      const expected = `${index.partitionKey.name} + ${index.sortKey.name}`;
      return `is not ${kind.kindText}: its ${name} index is keyed by ${keySchemaText(there.KeySchema ?? [])}, not by ${expected} (${TABLES_DOC})`;
    }
  }
  return undefined;
}

/** Whether an index's key schema is `index`'s: its partition key, then its sort key. */
function isKeyedAs(keySchema: readonly KeySchemaElement[], index: IndexDefinition): boolean {
  const hash = keySchema.filter((key) => key.KeyType === 'HASH');
  const range = keySchema.filter((key) => key.KeyType === 'RANGE');
  return (
    keySchema.length === 2 &&
    hash[0]?.AttributeName === index.partitionKey.name &&
    range[0]?.AttributeName === index.sortKey.name
  );
}

/**
 * Whether `error` is AWS refusing a call the caller may not make: its code (the SDK error's `name`, as
 * `describeError` reads it for every caller) judged by the one rule of cli/aws/refusal-codes.ts, `isNotAuthorized`
 * (`AccessDenied…`, `KMSAccessDenied…`).
 */
export function isAccessDenied(error: unknown): boolean {
  return isNotAuthorized(describeError(error).code);
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
 * Checks that `table` is of `kind` by its key and indexes ({@link tableKindCheck}), before a
 * command reads or writes it: one rule for every table, the owner directory's
 * included. A caller not allowed `dynamodb:DescribeTable` cannot be checked:
 * that is said once on stderr ({@link sayKindUnchecked}) and the command goes
 * on (DynamoDB's own refusal of a request's key is still said as the kind's
 * `wrongKey` by `describeTableError`, cli/options/table-options.ts). The errors
 * are left to the caller's table errors (`describeTableError` says them).
 * @param kind the credentials table by default
 * @param options.mayBeMissing a missing table is not an error (`--create-table --dry-run`)
 * @returns whether the table exists (false only with `mayBeMissing`)
 * @throws {TableKeyMismatchError} when the table has another key, or its key another type
 *   ({@link TableKeyTypeMismatchError}), or ({@link TableIndexMismatchError}) the indexes of another kind
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
