/**
 * A brought table with the wrong shape synthesizes and deploys, then fails at run time (the sweep's writes, the
 * notifier's scan of a missing `hygiene-outbox` index, the directory read by `userId`). When the table is built in
 * the app (an L2 `Table` or `TableV2`) its key schema and indexes are known at synth: this module reads them from
 * its CloudFormation resource and compares them with the one definition of each table
 * (`lambdas/aws/credential-table-definition.ts`, `lambdas/aws/owner-directory-table-definition.ts`). An imported
 * table (`fromTableName`, `fromTableAttributes`) shows nothing to compare: it is not checked.
 */
import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { type KeyAttribute, TABLE_DEFINITION } from '../lambdas/aws/credential-table-definition';
import { OWNER_DIRECTORY_TABLE } from '../lambdas/aws/owner-directory-table-definition';

/** The key schema a table (or one of its indexes) must have. */
interface ExpectedKeys {
  readonly partitionKey: KeyAttribute;
  /** Undefined: the table must have no sort key (items are read and written by the partition key alone). */
  readonly sortKey?: KeyAttribute;
}

/** What a brought table must have: its keys, and its global secondary indexes by name. */
export interface ExpectedTableSchema {
  /** Where the definition lives, for the error. */
  readonly definedIn: string;
  readonly keys: ExpectedKeys;
  readonly indexes: Readonly<Record<string, ExpectedKeys>>;
}

/** The credentials table: partition key `id`, no sort key, the sparse `hygiene-outbox` index. */
export const CREDENTIAL_TABLE_SCHEMA: ExpectedTableSchema = {
  definedIn: 'lambdas/aws/credential-table-definition.ts',
  keys: { partitionKey: TABLE_DEFINITION.partitionKey },
  indexes: Object.fromEntries(
    TABLE_DEFINITION.globalSecondaryIndexes.map((index) => [
      index.indexName,
      { partitionKey: index.partitionKey, sortKey: index.sortKey },
    ]),
  ),
};

/** The owner directory: partition key `userId`, no sort key, no index needed. */
export const OWNER_DIRECTORY_SCHEMA: ExpectedTableSchema = {
  definedIn: 'lambdas/aws/owner-directory-table-definition.ts',
  keys: { partitionKey: OWNER_DIRECTORY_TABLE.partitionKey },
  indexes: {},
};

/** The parts of a `CfnTable` / `CfnGlobalTable` the check reads, resolved. */
interface ResolvedSchema {
  readonly timeToLiveSpecification?: { attributeName?: string; enabled?: boolean };
  readonly keySchema?: readonly { attributeName: string; keyType: string }[];
  readonly attributeDefinitions?: readonly { attributeName: string; attributeType: string }[];
  readonly globalSecondaryIndexes?: readonly {
    indexName: string;
    keySchema: readonly { attributeName: string; keyType: string }[];
  }[];
}

/**
 * The problems of a brought table's shape, `prop` naming the prop it was given as; none for an imported table
 * (nothing to compare) or one that fits. Read when called: a table's indexes must be added before it is given.
 */
export function broughtTableProblems(
  prop: string,
  table: dynamodb.ITable | undefined,
  expected: ExpectedTableSchema,
): string[] {
  if (table === undefined) return [];
  const schema = resolvedSchema(table);
  if (schema === undefined) return [];
  const where = `${prop} (${table.node.path})`;
  const typeOf = (name: string) =>
    schema.attributeDefinitions?.find((a) => a.attributeName === name)?.attributeType;
  const problems = keyProblems(where, schema.keySchema ?? [], typeOf, expected.keys);
  for (const [indexName, keys] of Object.entries(expected.indexes)) {
    const index = schema.globalSecondaryIndexes?.find((i) => i.indexName === indexName);
    if (index === undefined) {
      problems.push(
        `${where} has no global secondary index ${indexName} (${describeKeys(keys)}), which the worker reads (${expected.definedIn})`,
      );
      continue;
    }
    problems.push(...keyProblems(`${where}, index ${indexName},`, index.keySchema, typeOf, keys));
  }
  return problems;
}

/**
 * The problem of a brought table, built in the app, that DynamoDB would not purge from: `purgeAfterDays` gives each
 * soft-deleted item the TTL attribute of the table definition (docs/configuration.md), and only a table whose TTL is
 * on that attribute ever removes it. None for an imported table (nothing to read), or when nothing is to be purged.
 * @param purgeAfterDays the config's `purgeAfterDays`, undefined when it is not set
 */
export function broughtTableTtlProblems(
  prop: string,
  table: dynamodb.ITable | undefined,
  purgeAfterDays: number | undefined,
): string[] {
  if (table === undefined) return [];
  const schema = resolvedSchema(table);
  if (schema === undefined || purgeAfterDays === undefined) return [];
  const expected = TABLE_DEFINITION.timeToLiveAttribute;
  const ttl = schema.timeToLiveSpecification;
  if (ttl?.enabled === true && ttl.attributeName === expected) return [];
  const actual =
    ttl?.enabled === true && ttl.attributeName !== undefined
      ? `its TTL is on ${ttl.attributeName}`
      : 'it has no TTL';
  return [
    `${prop} (${table.node.path}): config.purgeAfterDays = ${purgeAfterDays} marks soft-deleted items for purging in ${expected}, but ${actual}: set timeToLiveAttribute: '${expected}', or leave purgeAfterDays unset`,
  ];
}

/** The table's key schema, attribute types and indexes from its CloudFormation resource; undefined when imported. */
function resolvedSchema(table: dynamodb.ITable): ResolvedSchema | undefined {
  const resource = table.node.defaultChild;
  if (!(resource instanceof dynamodb.CfnTable) && !(resource instanceof dynamodb.CfnGlobalTable))
    return undefined;
  // Resolving reads the lists as they are now; nothing is cached, so indexes added later still synthesize.
  return Stack.of(table).resolve({
    timeToLiveSpecification: resource.timeToLiveSpecification,
    keySchema: resource.keySchema,
    attributeDefinitions: resource.attributeDefinitions,
    globalSecondaryIndexes: resource.globalSecondaryIndexes,
  }) as ResolvedSchema;
}

/** A key schema against the expected partition and sort keys (names and types). */
function keyProblems(
  where: string,
  keySchema: readonly { attributeName: string; keyType: string }[],
  typeOf: (name: string) => string | undefined,
  expected: ExpectedKeys,
): string[] {
  const actual = (keyType: 'HASH' | 'RANGE') => {
    const name = keySchema.find((k) => k.keyType === keyType)?.attributeName;
    return name === undefined ? undefined : { name, type: typeOf(name) };
  };
  const partition = actual('HASH');
  const sort = actual('RANGE');
  const problems: string[] = [];
  if (partition?.name !== expected.partitionKey.name || partition.type !== expected.partitionKey.type) {
    problems.push(
      `${where} partition key is ${describe(partition)}: must be ${describe(expected.partitionKey)}`,
    );
  }
  if (expected.sortKey === undefined && sort !== undefined) {
    problems.push(
      `${where} has sort key ${describe(sort)}: must have none (items are keyed by the partition key alone)`,
    );
  } else if (
    expected.sortKey !== undefined &&
    (sort?.name !== expected.sortKey.name || sort.type !== expected.sortKey.type)
  ) {
    problems.push(`${where} sort key is ${describe(sort)}: must be ${describe(expected.sortKey)}`);
  }
  return problems;
}

function describe(key: { name: string; type?: string | undefined } | undefined): string {
  return key === undefined ? 'missing' : `${key.name} (${typeName(key.type)})`;
}

function describeKeys(keys: ExpectedKeys): string {
  const sort = keys.sortKey === undefined ? '' : `, sort key ${describe(keys.sortKey)}`;
  return `partition key ${describe(keys.partitionKey)}${sort}`;
}

/** DynamoDB's attribute type letters as CDK names them. */
function typeName(type: string | undefined): string {
  const names: Record<string, string> = { S: 'STRING', N: 'NUMBER', B: 'BINARY' };
  return type === undefined ? 'undefined type' : (names[type] ?? type);
}
