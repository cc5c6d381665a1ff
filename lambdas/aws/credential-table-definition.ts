/**
 * The credentials table's DynamoDB shape (key schema, TTL attribute, outbox
 * index), defined once: the CDK construct (lib/credential-table.ts), local
 * table creation (create-table.ts: CLI, tests, benchmarks) and the adapters'
 * keys all build from it, so they cannot drift. It sits with the adapters
 * because a key schema is a storage detail; the attribute names it uses come
 * from the data contract (docs/data-model.md). Plain data, no AWS imports.
 */
import { HYGIENE_ATTR, OUTBOX_ATTR, OUTBOX_INDEX } from '../hygiene/data-contract';

/** A DynamoDB key attribute. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** The table's shape. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  /** Items are removed by DynamoDB TTL only when an operator configures `purgeAfterDays`. */
  readonly timeToLiveAttribute: string;
  readonly globalSecondaryIndexes: readonly {
    readonly indexName: string;
    readonly partitionKey: KeyAttribute;
    readonly sortKey: KeyAttribute;
    /**
     * KEYS_ONLY: the index holds `id`, `hygieneOutboxOwner` and
     * `hygieneOutboxSince` only. The notifier needs no more from it (which
     * items, which owners, how old): it renders from the item its claim
     * returns from the base table. Projecting ALL would make every outbox
     * write a full-item index write too — the claim, which changes no index
     * key, would cost an extra index write, and every transition or mark
     * write would be written twice at full size (docs/data-model.md).
     */
    readonly projection: 'KEYS_ONLY';
  }[];
}

/**
 * Partition key `id`; a sparse, keys-only index over items with pending
 * outbox events (only items with `hygieneOutboxOwner` set appear in it), so
 * the notifier finds the backlog without scanning the table.
 */
export const TABLE_DEFINITION: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: HYGIENE_ATTR.purgeAt,
  globalSecondaryIndexes: [
    {
      indexName: OUTBOX_INDEX,
      partitionKey: { name: OUTBOX_ATTR.owner, type: 'S' },
      sortKey: { name: OUTBOX_ATTR.since, type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
};

/** Default table name for the CLI and local mode. */
export const DEFAULT_TABLE_NAME = 'PersonalClients';

/** The names DynamoDB accepts for a table: 3–255 of `A-Z a-z 0-9 _ . -`. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Whether DynamoDB accepts `name` as a table name (3–255 of `A-Z a-z 0-9 _ . -`): the one rule the CLI's
 * `--table` / `--directory-table` flags (`cli/options/table-options.ts`) and the CDK context's brought table names
 * (`lib/config.ts`) check, each with its own message.
 */
export function isTableName(name: unknown): name is string {
  return typeof name === 'string' && TABLE_NAME.test(name);
}
