/**
 * The drain's reads of the outbox (docs/notifications.md, "One drain", steps
 * 1 and 3):
 * - {@link scanOutboxIndex} Scans the sparse `hygiene-outbox` index (only
 *   items with pending events carry its key `hygieneOutboxOwner`), so a drain
 *   reads the backlog, never the whole table; the index projects its keys
 *   only, so this yields which items, owners and how old, never events;
 * - {@link readOutboxItems}: strongly consistent `BatchGetItem`s (100 keys a
 *   call) of the base table: the index is eventually consistent, the table
 *   decides; an item it finds still indexed with an empty or absent list
 *   (left by a mark before partial removals were size-guarded) is taken out
 *   of the index, its held-back purge released, by one conditional
 *   `UpdateItem` (a `readOnly` store — `notify --dry-run` — writes nothing);
 *   one whose `hygieneOutbox` is not a list is returned with one malformed
 *   entry and never written; the read also takes the credential state the
 *   drain judges superseded notices by (`notifier/supersede.ts`).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { BACKOFF_CAP_MS, exponentialDelayMs } from '../hygiene/backoff';
import { chunks } from '../hygiene/chunks';
import { OUTBOX_ATTR, OUTBOX_CLAIM_ATTR, OUTBOX_INDEX, PURGE_PENDING_ATTR } from '../hygiene/data-contract';
import { SUPERSEDING_ATTRIBUTES } from '../hygiene/notifier/supersede';
import { readOutboxIndexEntry, readPendingItem } from '../hygiene/outbox-item';
import type { OutboxIndexEntry, PendingOutboxItem } from '../hygiene/outbox-ports';
import type { RawItem } from '../hygiene/ports';
import { describeStoredValue } from '../hygiene/stored-value-text';
import { mapWithConcurrency } from '../hygiene/task-pool';
import { BATCH_GET_KEY_LIMIT, batchGetUntilProcessed } from './batch-get';
import { TABLE_DEFINITION } from './credential-table-definition';
import { conditionalOutboxItemUpdate } from './outbox-item-update';
import { emptyOutboxCleanup, isEmptyIndexedOutbox } from './outbox-mark-write';
import { type OutboxTable, REQUEST_CONCURRENCY } from './outbox-table';

const KEY = TABLE_DEFINITION.partitionKey.name;

/** `BatchGetItem` rounds for keys the service left unprocessed (throttling) before giving up. */
const READ_ROUNDS = 6;
/**
 * The backoff before each repeated `BatchGetItem` round: 50 ms doubled per round (50 … 800 ms, 1.55 s in all), without
 * jitter: a drain's read has at most {@link REQUEST_CONCURRENCY} requests in flight (and one drain at a time holds
 * the drain lease), too few retriers for jitter to spread apart, while full jitter would halve the expected time a
 * throttled table is given before the drain gives up ({@link OutboxReadThrottledError}).
 */
const READ_BACKOFF = { baseMs: 50, capMs: BACKOFF_CAP_MS } as const;

/** `BatchGetItem` kept leaving keys unprocessed (throttling): those items stay pending. */
export class OutboxReadThrottledError extends Error {
  override readonly name = 'OutboxReadThrottledError';
}

/**
 * What a drain reads of an item: the outbox, its index keys, the owner and names (a stored event takes
 * them from its item), a held-back purge, a leftover claim, and the credential state that tells a notice it has
 * outgrown (`deletedAt`, and {@link SUPERSEDING_ATTRIBUTES}: the expiry, the last use, the flags and the run that
 * deleted it; `notifier/supersede.ts`). The credential's other fields are never used, so they are not shipped and unmarshalled
 * (the read capacity is the same: DynamoDB charges the whole item either way, so the projection's size barely
 * matters).
 */
const READ_PROJECTION = {
  ProjectionExpression: [
    '#id, #user, #name, #client, #events, #owner, #since, #purge, #deleted, #claim, #claimUntil',
    ...SUPERSEDING_ATTRIBUTES.map((_, i) => `#sup${i}`),
  ].join(', '),
  ExpressionAttributeNames: {
    '#id': KEY,
    '#user': 'userId',
    '#name': 'displayName',
    '#client': 'clientId',
    '#events': OUTBOX_ATTR.events,
    '#owner': OUTBOX_ATTR.owner,
    '#since': OUTBOX_ATTR.since,
    '#purge': PURGE_PENDING_ATTR,
    // Read once for its two readers: whether a held-back purge may be released (only on an item still
    // soft-deleted: planPurgeRelease), and whether a deletion notice still holds (notifier/supersede.ts).
    '#deleted': 'deletedAt',
    '#claim': OUTBOX_CLAIM_ATTR.claim,
    '#claimUntil': OUTBOX_CLAIM_ATTR.claimUntil,
    ...Object.fromEntries(SUPERSEDING_ATTRIBUTES.map((name, i) => [`#sup${i}`, name])),
  },
} as const;

/**
 * An item still in the outbox index whose `hygieneOutbox` is present but not
 * a list (a string, a map, a number, `NULL`: a hand edit; docs/data-model.md,
 * "Outbox"), read as a pending item with no event and one malformed entry
 * standing for the whole attribute (`index` 0: there is no list), so the
 * drain counts it in `malformedEvents` every time it lists it instead of
 * taking it for drained. Nothing is published or written for it: it is left
 * for an operator, like any malformed entry. `undefined` for any other item.
 */
function unlistedOutbox(raw: RawItem): PendingOutboxItem | undefined {
  const list = raw[OUTBOX_ATTR.events];
  const entry = readOutboxIndexEntry(raw);
  if (entry === undefined || list === undefined || Array.isArray(list)) return undefined;
  return {
    ...entry,
    events: [],
    malformed: [{ index: 0, problem: `hygieneOutbox is not a list: ${describeStoredValue(list)}` }],
    storedEventIds: [],
    raw,
  };
}

/** The outbox index's entries, a page at a time (`pageSize` items a Scan page when given); empty pages skipped. */
export async function* scanOutboxIndex(table: OutboxTable): AsyncIterable<readonly OutboxIndexEntry[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        IndexName: OUTBOX_INDEX,
        // The index's whole (KEYS_ONLY) projection, named so a wider projection would not widen the read.
        ProjectionExpression: '#id, #owner, #since',
        ExpressionAttributeNames: {
          '#id': KEY,
          '#owner': OUTBOX_ATTR.owner,
          '#since': OUTBOX_ATTR.since,
        },
        ...(table.options.pageSize !== undefined && { Limit: table.options.pageSize }),
        ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
      }),
    );
    const page = (out.Items ?? []).flatMap((raw) => {
      const entry = readOutboxIndexEntry(raw);
      return entry ? [entry] : [];
    });
    if (page.length > 0) yield page;
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/**
 * Strongly consistent `BatchGetItem`s of the items, 100 keys a call; items
 * with nothing pending left out (and, when still indexed, cleaned up unless
 * the store is `readOnly`: the cleanup's own conditions make it safe with or
 * without the drain lease); an indexed item whose `hygieneOutbox` is not a
 * list returned with no event and one malformed entry ({@link unlistedOutbox}).
 * @throws {OutboxReadThrottledError} when keys are still unprocessed after every round
 */
export async function readOutboxItems(
  table: OutboxTable,
  credentialIds: readonly string[],
): Promise<readonly PendingOutboxItem[]> {
  const unique = [...new Set(credentialIds)];
  const pages = await mapWithConcurrency(chunks(unique, BATCH_GET_KEY_LIMIT), REQUEST_CONCURRENCY, (ids) =>
    readBatch(table, ids),
  );
  const raws = pages.flat();
  if (!table.options.readOnly) await cleanUpEmptyOutboxes(table, raws.filter(isEmptyIndexedOutbox));
  return raws.flatMap((raw) => {
    const item = readPendingItem(raw) ?? unlistedOutbox(raw);
    return item ? [item] : [];
  });
}

/**
 * Takes items still indexed with nothing pending out of the index
 * (`emptyOutboxCleanup`, conditional). A failed condition means the item
 * changed (an append, a restore) and is as it should be; any other failure
 * fails the read, as a failed `BatchGetItem` would (the drain reports it as
 * a store error and leaves the items pending; the next drain tries again).
 */
async function cleanUpEmptyOutboxes(table: OutboxTable, raws: readonly RawItem[]): Promise<void> {
  const now = (table.options.clock ?? Date.now)();
  await mapWithConcurrency(raws, REQUEST_CONCURRENCY, async (raw) => {
    if (typeof raw[KEY] !== 'string') return;
    await conditionalOutboxItemUpdate(table, raw[KEY], emptyOutboxCleanup(raw, now));
  });
}

/** One `BatchGetItem` of ≤ 100 keys ({@link batchGetUntilProcessed}), re-asking for what the service left unprocessed. */
async function readBatch(table: OutboxTable, ids: readonly string[]): Promise<RawItem[]> {
  const { items, unprocessedKeys } = await batchGetUntilProcessed(
    {
      client: table.client,
      tableName: table.tableName,
      keys: ids.map((id) => ({ [KEY]: id })),
      settings: { ConsistentRead: true, ...READ_PROJECTION },
    },
    {
      maxAttempts: READ_ROUNDS,
      delayMs: (round) => exponentialDelayMs(round, READ_BACKOFF),
      sleep: table.options.sleep,
    },
  );
  if (unprocessedKeys.length > 0)
    throw new OutboxReadThrottledError(
      `${unprocessedKeys.length} outbox item(s) left unread after ${READ_ROUNDS} rounds`,
    );
  return items;
}
