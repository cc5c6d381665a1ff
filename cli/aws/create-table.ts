/**
 * Creates the credentials table from {@link TABLE_DEFINITION} (key, sparse
 * outbox index, TTL attribute): for the CLI (`import --create-table`, `local`),
 * the integration tests and the benchmarks. The deployed table is CDK's job,
 * so no Lambda uses this: it lives in `cli/aws/`, apart from `lambdas/aws/`.
 * A table found already there is used only when it is of the spec's kind, by its key and indexes
 * (table-key.ts, `tableKindCheck`): `--create-table` aimed at another kind of table by mistake
 * changes nothing on it (not its TTL), nor on one whose kind it may not check.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type KeyAttribute, TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import { sayOnStderr } from '../stderr';
import {
  CREDENTIALS_TABLE_KEY,
  isAccessDenied,
  sayKindUnchecked,
  type TableKeyKind,
  tableKindCheck,
} from './table-key';

/** A `CreateTable` request that names its table. */
export type NamedCreateTableInput = CreateTableCommandInput & { readonly TableName: string };

/** The `CreateTable` request for the credentials table (on-demand capacity). */
export function createTableInput(tableName: string): NamedCreateTableInput {
  const keys: KeyAttribute[] = [TABLE_DEFINITION.partitionKey];
  for (const index of TABLE_DEFINITION.globalSecondaryIndexes) keys.push(index.partitionKey, index.sortKey);
  const attributeDefinitions = new Map<string, AttributeDefinition>();
  for (const key of keys)
    attributeDefinitions.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeDefinitions.values()],
    KeySchema: [{ AttributeName: TABLE_DEFINITION.partitionKey.name, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}

/** A table keyed by one string partition key alone, as the owner directory's and the relay ledger's definitions say. */
export interface SingleKeyTableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
  readonly billing: 'PAY_PER_REQUEST';
}

/** The `CreateTable` request for a local or CLI-created table keyed by its partition key alone. */
export function singleKeyTableInput(
  definition: SingleKeyTableDefinition,
  tableName: string,
): NamedCreateTableInput {
  const key = definition.partitionKey;
  return {
    TableName: tableName,
    BillingMode: definition.billing,
    AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
    KeySchema: [{ AttributeName: key.name, KeyType: 'HASH' }],
  };
}

/** Options for {@link createTable} and {@link createTableFrom}. */
export interface CreateTableOptions {
  /** Succeed (and still make sure TTL is on) when the table already exists with the spec's key. */
  readonly ifNotExists?: boolean;
  /** How long to wait for the table to become active, in seconds (default 120). */
  readonly maxWaitSeconds?: number;
}

/**
 * A table to create: its `CreateTable` request, its kind (the key a table found already there must have:
 * table-key.ts) and, when it has one, its TTL attribute.
 */
export interface LocalTableSpec {
  readonly input: NamedCreateTableInput;
  readonly kind: TableKeyKind;
  readonly timeToLiveAttribute?: string;
}

/**
 * Creates the credentials table, waits until it is active and enables TTL on
 * `hygienePurgeAt`.
 * @returns whether the table was created (false: it existed and `ifNotExists` was set)
 * @throws {ResourceInUseException} when the table exists and `ifNotExists` is not set
 * @throws {TableKeyMismatchError} when it exists with another key, or (`TableIndexMismatchError`) without the
 *   `hygiene-outbox` index (nothing changed on it)
 */
export function createTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: CreateTableOptions = {},
): Promise<{ readonly created: boolean }> {
  const timeToLiveAttribute = TABLE_DEFINITION.timeToLiveAttribute;
  const spec = { input: createTableInput(tableName), kind: CREDENTIALS_TABLE_KEY, timeToLiveAttribute };
  return createTableFrom(client, spec, options);
}

/**
 * What a table found already there whose kind could not be checked gets
 * instead of the wait and TTL (said after the check's notice, on the same line).
 */
const UNCHECKED_EXISTING_TABLE =
  'going on with it as it is (not waited for, nothing turned on); ' +
  'if it is still being created, its first read or write finds it missing: run again once it is active';

/**
 * Creates any table from its spec (the one way the CLI, tests and benchmarks
 * create tables), waits until it is active and enables TTL when the spec
 * names a TTL attribute. A table already there (`ifNotExists`) must be of the
 * spec's kind (`tableKindCheck`, the check every command makes: its
 * partition key and no sort key, and the credentials table's index present
 * or absent as the kind says) before anything is changed on it. A caller
 * that may not call `DescribeTable` is told the table cannot be checked and
 * the table is used as it is: `CreateTable`'s `ResourceInUseException` proved
 * it exists, and waiting on `DescribeTable` would only repeat the denial
 * until the timeout; its TTL is not touched (its kind unknown). A caller that
 * may check the table but not call `DescribeTimeToLive` is told its TTL
 * cannot be checked, and goes on ({@link makeSureTimeToLive}).
 * @returns whether the table was created (false: it existed and `ifNotExists` was set)
 * @throws {ResourceInUseException} when the table exists and `ifNotExists` is not set
 * @throws {TableKeyMismatchError} when it exists with another key, or (`TableIndexMismatchError`) the indexes of
 *   another kind
 */
export async function createTableFrom(
  client: DynamoDBDocumentClient,
  spec: LocalTableSpec,
  options: CreateTableOptions = {},
): Promise<{ readonly created: boolean }> {
  const tableName = spec.input.TableName;
  let created = true;
  try {
    await client.send(new CreateTableCommand(spec.input));
  } catch (error: unknown) {
    if (!(error instanceof ResourceInUseException && options.ifNotExists)) throw error;
    created = false;
    if ((await tableKindCheck(client, tableName, spec.kind)) === 'cannot check') {
      sayKindUnchecked(tableName, spec.kind, UNCHECKED_EXISTING_TABLE);
      return { created };
    }
  }
  await waitUntilTableExists(
    { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
  if (spec.timeToLiveAttribute !== undefined)
    await makeSureTimeToLive(client, tableName, spec.timeToLiveAttribute, created);
  return { created };
}

/**
 * Turns TTL on for `attributeName` unless it is on (or being turned on). On a
 * table found already there, a caller denied `DescribeTimeToLive` is told
 * that TTL cannot be checked, and nothing is changed; on a table just
 * created, the denial is an error (its TTL would stay off). TTL already on
 * for another attribute is said on stderr and left as it is: DynamoDB takes
 * one TTL attribute a table, and changing it is the table owner's decision.
 * @param created whether the table was just created
 */
async function makeSureTimeToLive(
  client: DynamoDBDocumentClient,
  tableName: string,
  attributeName: string,
  created: boolean,
): Promise<void> {
  let status: string | undefined;
  let onAttribute: string | undefined;
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    status = current.TimeToLiveDescription?.TimeToLiveStatus;
    onAttribute = current.TimeToLiveDescription?.AttributeName;
  } catch (error: unknown) {
    if (created || !isAccessDenied(error)) throw error;
    sayOnStderr(
      `cannot check that TTL is on for table ${tableName} (dynamodb:DescribeTimeToLive denied): going on`,
    );
    return;
  }
  if (status === 'ENABLED' || status === 'ENABLING') {
    if (onAttribute !== undefined && onAttribute !== attributeName)
      sayOnStderr(
        `TTL on table ${tableName} is on attribute ${onAttribute}, not ${attributeName}: ` +
          `DynamoDB will not remove items by ${attributeName} (one TTL attribute a table); left as it is`,
      );
    return;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true },
    }),
  );
}
