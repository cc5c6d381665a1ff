/**
 * A brought credentials table DynamoDB would never purge from: with `purgeAfterDays` set, the worker marks each
 * soft-deleted item for purging in `hygienePurgeAt`, and only a table whose TTL is on that attribute removes it.
 * Built in the app, such a table fails the synth with the one props error; imported, it cannot be read.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING } from './synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const ID = { name: 'id', type: dynamodb.AttributeType.STRING };
const OUTBOX = {
  indexName: 'hygiene-outbox',
  partitionKey: { name: 'hygieneOutboxOwner', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'hygieneOutboxSince', type: dynamodb.AttributeType.STRING },
};
const PURGE = TABLE_DEFINITION.timeToLiveAttribute;

type TableMaker = (stack: Stack) => dynamodb.ITable;

/** A `Table` of the right keys and index, its TTL on `timeToLiveAttribute` (none when undefined). */
const table =
  (timeToLiveAttribute?: string): TableMaker =>
  (stack) => {
    const made = new dynamodb.Table(stack, 'Credentials', {
      partitionKey: ID,
      ...(timeToLiveAttribute !== undefined && { timeToLiveAttribute }),
    });
    made.addGlobalSecondaryIndex(OUTBOX);
    return made;
  };

/** The same as a `TableV2`. */
const tableV2 =
  (timeToLiveAttribute?: string): TableMaker =>
  (stack) =>
    new dynamodb.TableV2(stack, 'Credentials', {
      partitionKey: ID,
      globalSecondaryIndexes: [OUTBOX],
      ...(timeToLiveAttribute !== undefined && { timeToLiveAttribute }),
    });

function build(makeTable: TableMaker, config: CredentialHygieneProps['config']) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test', { env: ENV });
  return new CredentialHygiene(stack, 'Hygiene', { table: makeTable(stack), config });
}

const problemsOf = (makeTable: TableMaker, config: CredentialHygieneProps['config']) =>
  thrownBy(CredentialHygienePropsError, () => build(makeTable, config)).problems;

describe('a brought table and purgeAfterDays', () => {
  it('refuses a table without TTL when purgeAfterDays is set, naming the attribute to set', () => {
    expect(problemsOf(table(), { purgeAfterDays: 365 })).toEqual([
      `table (Test/Credentials): config.purgeAfterDays = 365 marks soft-deleted items for purging in ${PURGE}, but it has no TTL: set timeToLiveAttribute: '${PURGE}', or leave purgeAfterDays unset`,
    ]);
  });

  it('refuses a TableV2 whose TTL is on another attribute (a table has one TTL attribute)', () => {
    expect(problemsOf(tableV2('expiresAt'), { purgeAfterDays: 30 })).toEqual([
      `table (Test/Credentials): config.purgeAfterDays = 30 marks soft-deleted items for purging in ${PURGE}, but its TTL is on expiresAt: set timeToLiveAttribute: '${PURGE}', or leave purgeAfterDays unset`,
    ]);
  });

  it(`accepts a Table and a TableV2 with TTL on ${PURGE}`, () => {
    expect(build(table(PURGE), { purgeAfterDays: 365 }).table.node.id).toBe('Credentials');
    expect(build(tableV2(PURGE), { purgeAfterDays: 365 }).table.node.id).toBe('Credentials');
  });

  it('accepts any TTL, or none, when nothing is to be purged (purgeAfterDays unset)', () => {
    expect(build(table(), {}).table.node.id).toBe('Credentials');
    expect(build(tableV2('expiresAt'), {}).table.node.id).toBe('Credentials');
  });

  it('does not check an imported table: its TTL cannot be read', () => {
    const imported: TableMaker = (stack) =>
      dynamodb.Table.fromTableName(stack, 'Credentials', 'PersonalClients');
    expect(build(imported, { purgeAfterDays: 365 }).table.node.id).toBe('Credentials');
  });
});
