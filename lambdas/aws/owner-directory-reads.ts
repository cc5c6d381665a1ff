/**
 * The owner directory's reads (items: docs/data-model.md, "Owner directory"):
 * the freshness item, owners by key (`BatchGetItem`, unprocessed keys retried
 * with backoff), every owner (a Scan), and who departed.
 *
 * How the sweep learns who left: one filtered Scan per run
 * ({@link readDepartedUserIds}) into a Set, not a sparse index. A directory
 * holds one small item per person, so the scan costs a few hundred RCUs even
 * for a large company, runs once per sweep (and only when the directory is
 * fresh enough to orphan anything), and needs no index to keep in step; the
 * Set is a few bytes per departed owner.
 *
 * A missing table reads as "no directory" (freshness `undefined`, nobody
 * departed, nobody found): the sweep and the notifier then behave as without
 * a directory, which is the safe side (docs/rules.md, "Orphaned credentials").
 * Every read is consistent: the writes that follow one are conditional on it.
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateScan, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { BACKOFF_CAP_MS, fullJitterDelayMs } from '../hygiene/backoff';
import { chunks } from '../hygiene/chunks';
import {
  DIRECTORY_FRESHNESS_ATTR,
  DIRECTORY_FRESHNESS_ID,
  isReservedId,
  OWNER_ATTR,
} from '../hygiene/data-contract';
import type { DirectoryFreshness, OwnerRecord } from '../hygiene/owner-directory';
import { BATCH_GET_KEY_LIMIT, batchGetUntilProcessed } from './batch-get';
import { type OwnerTable, ownerFromItem, STATUS, STATUS_NAMES } from './owner-directory-items';

/** Some owners could not be read after every retry of `BatchGetItem`'s unprocessed keys. */
export class DirectoryReadIncompleteError extends Error {
  override readonly name = 'DirectoryReadIncompleteError';
  constructor(
    /** The owners that were still unprocessed. */
    readonly unreadUserIds: readonly string[],
    attempts: number,
  ) {
    super(
      `${unreadUserIds.length} owner(s) were still unprocessed after ${attempts} BatchGetItem attempts (throttled?): ` +
        `${unreadUserIds.slice(0, 10).join(', ')}${unreadUserIds.length > 10 ? ', ...' : ''}`,
    );
  }
}

/** How {@link readOwners} retries a `BatchGetItem`'s unprocessed keys. */
export interface BatchGetRetryOptions {
  /** Attempts per `BatchGetItem` chunk, the first included (default 8). */
  readonly maxAttempts?: number;
  /** First backoff delay in ms, doubled per retry, full jitter (default 50). */
  readonly baseDelayMs?: number;
  /** Waits `ms` (injectable so tests do not wait). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for jitter (injectable for tests). */
  readonly random?: () => number;
}

/**
 * The freshness item as {@link readFreshness} reads it: the
 * ports' {@link DirectoryFreshness}, the recorded export's content digest and
 * import instant, and each of `asOf`, `contentDigest` and `importedAt` that is
 * not a string kept exactly as read (`invalid…`), so an import can name it and
 * compare-and-swap on it.
 */
export interface StoredDirectoryFreshness extends DirectoryFreshness {
  /** The stored `asOf` when it is not a string (a damaged item: `asOf` is then absent), of any type. */
  readonly invalidAsOf?: unknown;
  /** The recorded export's content digest (`ownerExportDigest`); absent when none was recorded (an older item). */
  readonly contentDigest?: string;
  /** The stored `contentDigest` when it is not a string (a damaged item), of any type: differs from any export's. */
  readonly invalidContentDigest?: unknown;
  /** When the recorded import ran (UTC ISO), as stored. */
  readonly importedAt?: string;
  /** The stored `importedAt` when it is not a string (a damaged item), of any type. */
  readonly invalidImportedAt?: unknown;
}

/** A stored attribute as {@link StoredDirectoryFreshness} holds it: under `key` when a string, else under `invalidKey`. */
function readText<K extends string, I extends string>(
  value: unknown,
  key: K,
  invalidKey: I,
): Partial<Record<K, string> & Record<I, unknown>> {
  if (value === undefined) return {};
  return (typeof value === 'string' ? { [key]: value } : { [invalidKey]: value }) as Partial<
    Record<K, string> & Record<I, unknown>
  >;
}

function isMissingTable(error: unknown): boolean {
  return error instanceof ResourceNotFoundException;
}

/**
 * The freshness item; `undefined` when never imported or the table does not
 * exist. A stored `asOf` that is not a string is `invalidAsOf`, not `asOf`
 * (the readers see no snapshot instant: a stale directory); likewise
 * `contentDigest` and `importedAt` (`invalidContentDigest`, `invalidImportedAt`).
 */
export async function readFreshness(table: OwnerTable): Promise<StoredDirectoryFreshness | undefined> {
  try {
    const out = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { [OWNER_ATTR.userId]: DIRECTORY_FRESHNESS_ID },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const item = out.Item;
    const owners = item[DIRECTORY_FRESHNESS_ATTR.owners];
    return {
      ...readText(item[DIRECTORY_FRESHNESS_ATTR.asOf], 'asOf', 'invalidAsOf'),
      owners: typeof owners === 'number' ? owners : 0,
      ...readText(item[DIRECTORY_FRESHNESS_ATTR.contentDigest], 'contentDigest', 'invalidContentDigest'),
      ...readText(item[DIRECTORY_FRESHNESS_ATTR.importedAt], 'importedAt', 'invalidImportedAt'),
    };
  } catch (error: unknown) {
    if (isMissingTable(error)) return undefined;
    throw error;
  }
}

/**
 * Reads owners by id with `BatchGetItem` ({@link BATCH_GET_KEY_LIMIT} keys a request), retrying
 * unprocessed keys with backoff. Absent owners are missing from the map.
 * @throws {DirectoryReadIncompleteError} when keys stay unprocessed after every attempt
 */
export async function readOwners(
  table: OwnerTable,
  userIds: readonly string[],
  retry: BatchGetRetryOptions,
): Promise<ReadonlyMap<string, OwnerRecord>> {
  const wanted = [...new Set(userIds)].filter((id) => id !== '' && !isReservedId(id));
  const found = new Map<string, OwnerRecord>();
  try {
    for (const keys of chunks(wanted, BATCH_GET_KEY_LIMIT)) {
      for (const item of await batchGet(table, keys, retry)) {
        const owner = ownerFromItem(item);
        if (owner !== undefined) found.set(owner.userId, owner);
      }
    }
  } catch (error: unknown) {
    if (isMissingTable(error)) return found;
    throw error;
  }
  return found;
}

/** One chunk's items ({@link batchGetUntilProcessed}), its unprocessed keys sent again after a backoff until none is left or the attempts run out. */
async function batchGet(
  table: OwnerTable,
  userIds: readonly string[],
  retry: BatchGetRetryOptions,
): Promise<Record<string, unknown>[]> {
  const maxAttempts = retry.maxAttempts ?? 8;
  const { items, unprocessedKeys } = await batchGetUntilProcessed(
    {
      client: table.client,
      tableName: table.tableName,
      keys: userIds.map((id) => ({ [OWNER_ATTR.userId]: id })),
      settings: { ConsistentRead: true },
    },
    {
      maxAttempts,
      delayMs: (attempt) =>
        fullJitterDelayMs(attempt, {
          baseMs: retry.baseDelayMs ?? 50,
          capMs: BACKOFF_CAP_MS,
          random: retry.random ?? Math.random,
        }),
      sleep: retry.sleep,
    },
  );
  if (unprocessedKeys.length > 0)
    throw new DirectoryReadIncompleteError(
      unprocessedKeys.map((k) => String(k[OWNER_ATTR.userId])),
      maxAttempts,
    );
  return items;
}

/** Every owner, in scan order (the freshness item skipped); nothing when the table does not exist. */
export async function* scanOwners(table: OwnerTable): AsyncGenerator<OwnerRecord> {
  for await (const item of scan(table, {})) {
    const owner = ownerFromItem(item);
    if (owner !== undefined) yield owner;
  }
}

/** Every owner, collected (the reconciler plans over the whole directory at once). */
export async function listOwners(table: OwnerTable): Promise<readonly OwnerRecord[]> {
  const all: OwnerRecord[] = [];
  for await (const owner of scanOwners(table)) all.push(owner);
  return all;
}

/** The `userId`s the directory marks `departed` (one filtered scan; see the file header). */
export async function readDepartedUserIds(table: OwnerTable): Promise<ReadonlySet<string>> {
  const departed = new Set<string>();
  const items = scan(table, {
    FilterExpression: `${STATUS} = :departed`,
    ProjectionExpression: `#userId, ${STATUS}`,
    ExpressionAttributeNames: { ...STATUS_NAMES, '#userId': OWNER_ATTR.userId },
    ExpressionAttributeValues: { ':departed': 'departed' },
  });
  for await (const item of items) {
    const owner = ownerFromItem(item);
    if (owner?.status === 'departed') departed.add(owner.userId);
  }
  return departed;
}

/** The table's items, consistently scanned page by page; nothing when the table does not exist. */
async function* scan(
  table: OwnerTable,
  input: Omit<ScanCommandInput, 'TableName'>,
): AsyncGenerator<Record<string, unknown>> {
  try {
    const pages = paginateScan(
      { client: table.client },
      { ...input, TableName: table.tableName, ConsistentRead: true },
    );
    for await (const page of pages) yield* page.Items ?? [];
  } catch (error: unknown) {
    if (isMissingTable(error)) return;
    throw error;
  }
}
