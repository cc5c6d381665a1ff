/**
 * What every read and write of the outbox goes to ({@link OutboxTable}): the
 * document client, the credentials table's name and the store's options, as
 * `DynamoDbOutboxStore` (outbox-store.ts) holds them and passes them to
 * the modules that do the work (outbox-reads.ts, outbox-lease.ts,
 * outbox-marks.ts; docs/notifications.md, "The outbox protocol").
 *
 * Why a module of its own: the reads and the marks both need the table and
 * share one request concurrency, and neither should import the other's
 * module only for these.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Options of the DynamoDB outbox store (`DynamoDbOutboxStore`, outbox-store.ts). */
export interface OutboxStoreOptions {
  /** Items per page of the outbox index's Scan (its `Limit`); default the service's page. */
  readonly pageSize?: number;
  /** Wall clock (epoch ms) for releasing a held-back purge; default `Date.now`. */
  readonly clock?: () => number;
  /** Reads write nothing, not even the cleanup of an emptied outbox (`notify --dry-run`). */
  readonly readOnly?: boolean;
  /** Waits `ms` between `BatchGetItem` rounds (injectable so tests do not wait); default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The credentials table an outbox read or write goes to: the document client, the table's name, the options. */
export interface OutboxTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly options: OutboxStoreOptions;
}

/** Concurrent requests of one `read` or `markSent` call. */
export const REQUEST_CONCURRENCY = 4;
