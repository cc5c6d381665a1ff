/**
 * The durable outbox in the credentials table ({@link OutboxStore}); the
 * protocol is described in docs/notifications.md ("The outbox protocol"):
 * one class, {@link DynamoDbOutboxStore}, that the notifier's drain uses as
 * its outbox port.
 *
 * Why a thin class over modules by job: the callers want one object that is
 * the outbox (built once from a client, a table name and options, passed
 * wherever the port is wanted), while the protocol has three jobs that change
 * for different reasons, each in its own module, the class only holding the
 * table and the options ({@link OutboxTable}) and delegating in one line per
 * method:
 * - outbox-reads.ts: `pending` (a Scan of the sparse, keys-only
 *   `hygiene-outbox` index: the backlog, never the whole table) and `read`
 *   (strongly consistent `BatchGetItem`s of the base table, the cleanup of an
 *   item left indexed with an empty list, an item whose outbox is not a list
 *   read as malformed);
 * - outbox-lease.ts: `acquireLease` / `releaseLease`, ONE conditional
 *   `UpdateItem` on a reserved item per drain, so one drain at a time
 *   publishes and marks, and the live-lease rule a restore checks too;
 * - outbox-marks.ts: `markSent`, 25 items a `BatchExecuteStatement` of
 *   conditional PartiQL `UPDATE`s, a failed item re-read and marked on its own,
 *   an earlier attempt's removals counted as its own;
 * - below them, outbox-table.ts (what every read and write goes to, and the
 *   shared request concurrency), outbox-item-update.ts (the one conditional
 *   `UpdateItem` of a credential item, judged against its own lost-response
 *   retry) and outbox-mark-write.ts (what one mark writes, and its guards).
 *
 * The names that moved stay importable from here (re-exported below), so no
 * importer changes. The methods return the modules' promises as they are
 * (no `async` wrapper), so a call is the same one async function it was.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  LeaseRequest,
  LeaseResult,
  MarkOutcome,
  MarkRequest,
  OutboxIndexEntry,
  OutboxStore,
  PendingOutboxItem,
} from '../hygiene/outbox-ports';
import { acquireDrainLease, releaseDrainLease } from './outbox-lease';
import { markSent } from './outbox-marks';
import { readOutboxItems, scanOutboxIndex } from './outbox-reads';
import type { OutboxStoreOptions, OutboxTable } from './outbox-table';

export { noLiveLeaseCondition } from './outbox-lease';
export { MARK_BATCH_STATEMENTS, OutboxMarkContentionError } from './outbox-marks';
export { OutboxReadThrottledError } from './outbox-reads';
export type { OutboxStoreOptions } from './outbox-table';

/** {@link OutboxStore} over the credentials table and its sparse outbox index. */
export class DynamoDbOutboxStore implements OutboxStore {
  /** The table every method reads and writes, with the store's options. */
  private readonly table: OutboxTable;

  constructor(client: DynamoDBDocumentClient, tableName: string, options: OutboxStoreOptions = {}) {
    this.table = { client, tableName, options };
  }

  /** The outbox index, a page at a time ({@link scanOutboxIndex}): which items, owners and how old, never events. */
  pending(): AsyncIterable<readonly OutboxIndexEntry[]> {
    return scanOutboxIndex(this.table);
  }

  /** Sets the lease item's holder and end if the lease is free, lapsed or this drain's ({@link acquireDrainLease}). */
  acquireLease(request: LeaseRequest): Promise<LeaseResult> {
    return acquireDrainLease(this.table, request);
  }

  /** Removes the lease's holder and end if this drain still holds it ({@link releaseDrainLease}). */
  releaseLease(drainId: string): Promise<void> {
    return releaseDrainLease(this.table, drainId);
  }

  /** The items with something pending, read consistently from the base table ({@link readOutboxItems}). */
  read(credentialIds: readonly string[]): Promise<readonly PendingOutboxItem[]> {
    return readOutboxItems(this.table, credentialIds);
  }

  /** Removes exactly the published events of each item, 25 items a request ({@link markSent}). */
  markSent(requests: readonly MarkRequest[]): Promise<readonly MarkOutcome[]> {
    return markSent(this.table, requests);
  }
}
