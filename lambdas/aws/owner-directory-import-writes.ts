/**
 * The writes of an owner import (`pc-hygiene owners import`,
 * cli/use-cases/import-owners.ts; docs/deploy.md, "Owner directory"): the
 * owners it adds and changes ({@link upsertOwners}), those it marks departed
 * (`--sync`, {@link markDeparted}), and, last, the snapshot it recorded
 * ({@link recordFreshness}), so an interrupted import never looks fresh.
 *
 * Every write is conditional on what the import read, and a write refused
 * is reported, not forced: the import reads the owner again and re-plans. A
 * write whose response was lost and whose retry fails its own condition is
 * judged by what it left ({@link mayHaveApplied}). What an upsert's item
 * becomes is decided in owner-directory-upsert-request.ts.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DIRECTORY_FRESHNESS_ATTR, DIRECTORY_FRESHNESS_ID, OWNER_ATTR } from '../hygiene/data-contract';
import type { MailboxSpellings } from '../hygiene/opted-out-address';
import type { DirectoryFreshness } from '../hygiene/owner-directory';
import type { OwnerUpsert } from '../hygiene/owner-import';
import { TaskPool } from '../hygiene/task-pool';
import { asStored } from './as-stored';
import { sendUnlessConditionFails } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import { digestsOf, type OwnerTable, STATUS, STATUS_NAMES } from './owner-directory-items';
import { readFreshness, type StoredDirectoryFreshness } from './owner-directory-reads';
import { conditionalUpdate } from './owner-directory-update';
import {
  plannedFromStored,
  type StoredOptOuts,
  upsertRequest,
  writesOptOutsWhole,
} from './owner-directory-upsert-request';

/** What {@link upsertOwners} did. */
export interface UpsertOutcome {
  /** Owners written. */
  readonly written: number;
  /**
   * Upserts not written: the owner is no longer as planned (`asPlannedCondition`, owner-directory-upsert-request.ts:
   * created meanwhile, or their address changed, or for a write of the route state — a move, opt-outs merged — their
   * state changed, another import wrote them, `updatedAt`, or their remembered opt-outs gained an address). Re-plan
   * them from a fresh read.
   */
  readonly refused: readonly OwnerUpsert[];
}

/** What an import records in the freshness item. */
export interface FreshnessRecord extends Required<DirectoryFreshness> {
  /** The imported export's content digest (`ownerExportDigest`). */
  readonly contentDigest?: string;
}

/** How {@link upsertOwners} writes: owner writes in flight at once, and the plan's mailbox spellings. */
export interface UpsertOptions {
  readonly writeConcurrency: number;
  /** Under which spellings an opt-out is found (`OwnerDirectoryStoreOptions.mailboxes`, owner-directory-store.ts). */
  readonly spellings: MailboxSpellings;
}

/**
 * Writes new and changed owners (one `UpdateItem` each, bounded
 * concurrency). A new owner, or one staying at their address, is written
 * with the opt-outs the plan kept from their export line. An update
 * otherwise sets only the stated fields, so a subscription state or bounce
 * recorded meanwhile is kept; `resetRoute` resets them (the address changed).
 * Every upsert is written only while the owner is still as it was planned
 * from (a new owner still absent; an existing one still at the address read,
 * and for a move or merged opt-outs in the state and with the `updatedAt`
 * read, and with the remembered set as stored, read just before the write
 * and checked against the plan: owner-directory-upsert-request.ts);
 * otherwise it is returned in `refused`, for the import to read the owner
 * again and re-plan. So an owner another import
 * moved meanwhile is never written back to the old address with the new
 * one's route state, a new owner is never merged into one created
 * meanwhile, and an opt-out recorded meanwhile at the old address, or
 * remembered meanwhile for another (an SES complaint), is remembered, not
 * cleared.
 */
export async function upsertOwners(
  table: OwnerTable,
  upserts: readonly OwnerUpsert[],
  now: string,
  options: UpsertOptions,
  onWritten?: (written: number) => void,
): Promise<UpsertOutcome> {
  const pool = new TaskPool(options.writeConcurrency);
  let written = 0;
  const refused: OwnerUpsert[] = [];
  for (const upsert of upserts) {
    await pool.submit(async () => {
      if (!(await upsertOwner(table, upsert, now, options.spellings))) {
        refused.push(upsert);
        return;
      }
      written++;
      onWritten?.(written);
    });
  }
  await pool.drain();
  return { written, refused };
}

/**
 * One upsert; false when the owner is no longer as planned (nothing written): its condition failed, or, for
 * a write of the remembered set whole, the owner is gone or the set stored now is not one it was planned from
 * ({@link plannedFromStored}; the set read here is then part of the condition).
 */
async function upsertOwner(
  table: OwnerTable,
  upsert: OwnerUpsert,
  now: string,
  spellings: MailboxSpellings,
): Promise<boolean> {
  let storedOptOuts: StoredOptOuts | undefined;
  if (writesOptOutsWhole(upsert)) {
    storedOptOuts = await readStoredOptOuts(table, upsert.owner.userId);
    if (storedOptOuts === undefined) return false;
    if (!plannedFromStored(upsert, digestsOf(storedOptOuts.value) ?? [], spellings)) return false;
  }
  const sent = await sendUnlessConditionFails(
    table.client,
    new UpdateCommand(upsertRequest(table.tableName, upsert, now, storedOptOuts)),
  );
  return sent.applied;
}

/** An owner's stored {@link OWNER_ATTR.optedOutAddresses} exactly as stored (a consistent read); `undefined`: no such owner. */
async function readStoredOptOuts(table: OwnerTable, userId: string): Promise<StoredOptOuts | undefined> {
  const out = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: { [OWNER_ATTR.userId]: userId },
      ConsistentRead: true,
      ProjectionExpression: '#userId, #optedOut',
      ExpressionAttributeNames: { '#userId': OWNER_ATTR.userId, '#optedOut': OWNER_ATTR.optedOutAddresses },
    }),
  );
  return out.Item === undefined ? undefined : { value: out.Item[OWNER_ATTR.optedOutAddresses] };
}

/**
 * Marks owners `departed` (`owners import --sync`), each only while it is
 * still in the directory and `active`. A write whose retry meets its own
 * change (`departed` with this import's `now`) counts as changed
 * ({@link conditionalUpdate}).
 * @returns owners changed (an owner changed meanwhile is skipped)
 */
export async function markDeparted(
  table: OwnerTable,
  userIds: readonly string[],
  now: string,
  writeConcurrency: number,
): Promise<number> {
  const pool = new TaskPool(writeConcurrency);
  let changed = 0;
  for (const userId of userIds) {
    await pool.submit(async () => {
      const done = await conditionalUpdate(table, userId, `SET ${STATUS} = :departed, #updatedAt = :now`, {
        condition: `${STATUS} = :active`,
        names: { ...STATUS_NAMES, '#updatedAt': OWNER_ATTR.updatedAt },
        values: { ':departed': 'departed', ':active': 'active', ':now': now },
        leaves: (item) => item[OWNER_ATTR.status] === 'departed' && item[OWNER_ATTR.updatedAt] === now,
      });
      if (done) changed++;
    });
  }
  await pool.drain();
  return changed;
}

/**
 * Records the snapshot instant, owner count and content digest of the last
 * import; written after the owners, so an interrupted import never looks
 * fresh. A compare-and-swap on the freshness the import read at its start
 * (`replacing`, as {@link readFreshness} gave it; `undefined`: none): written
 * only while the stored `asOf`, `contentDigest` and `importedAt` are still
 * exactly as read (of any type; each still absent when it was). Another
 * import that recorded its snapshot while this one wrote its owners may have
 * overwritten them, so this one must not then claim the directory holds its
 * snapshot: the digest catches another export as of the same `asOf`, and
 * `importedAt` (each import's own instant) catches an import that recorded
 * exactly the values read again (a re-run of the recorded export, whose
 * owner writes may have undone this one's).
 *
 * A write whose response was lost is sent again by the SDK, and the retry
 * fails the compare-and-swap on this import's own freshness. So when the
 * write may have applied ({@link mayHaveApplied}), a failed condition reads
 * the freshness back (consistently): exactly as this write puts it (the same
 * `asOf`, owner count, content digest and `importedAt`, this import's own
 * instant), it counts as recorded, as {@link conditionalUpdate}'s `leaves`
 * judges the owner writes. (Read after the failure rather than returned
 * with it: if another import recorded its snapshot in between, that is
 * what the directory holds, and `superseded` is true.)
 * @returns false when the condition failed otherwise (nothing written: another import recorded its snapshot
 *   meanwhile)
 */
export async function recordFreshness(
  table: OwnerTable,
  freshness: FreshnessRecord,
  importedAt: string,
  replacing: StoredDirectoryFreshness | undefined,
): Promise<boolean> {
  const sent = await sendUnlessConditionFails(
    table.client,
    new PutCommand({
      TableName: table.tableName,
      Item: {
        [OWNER_ATTR.userId]: DIRECTORY_FRESHNESS_ID,
        [DIRECTORY_FRESHNESS_ATTR.asOf]: freshness.asOf,
        [DIRECTORY_FRESHNESS_ATTR.owners]: freshness.owners,
        [DIRECTORY_FRESHNESS_ATTR.importedAt]: importedAt,
        ...(freshness.contentDigest !== undefined && {
          [DIRECTORY_FRESHNESS_ATTR.contentDigest]: freshness.contentDigest,
        }),
      },
      ...stillAsReadCondition(replacing),
    }),
  );
  if (sent.applied) return true;
  return mayHaveApplied(sent.failed) && isFreshnessWritten(await readFreshness(table), freshness, importedAt);
}

/**
 * The freshness attributes the compare-and-swap of {@link recordFreshness}
 * is on, each exactly as `read` holds it (`undefined`: absent, or no item).
 */
function compareAndSwapValues(read: StoredDirectoryFreshness | undefined): ReadonlyArray<[string, unknown]> {
  return [
    [DIRECTORY_FRESHNESS_ATTR.asOf, read?.asOf ?? read?.invalidAsOf],
    [DIRECTORY_FRESHNESS_ATTR.contentDigest, read?.contentDigest ?? read?.invalidContentDigest],
    [DIRECTORY_FRESHNESS_ATTR.importedAt, read?.importedAt ?? read?.invalidImportedAt],
  ];
}

/**
 * The condition that each of {@link compareAndSwapValues} is still as read (absent: still absent). A read value is
 * put back through {@link asStored}, so a damaged one (a number set the reader made mixed) marshals to exactly
 * what is stored instead of failing the write.
 */
function stillAsReadCondition(read: StoredDirectoryFreshness | undefined) {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [attribute, value] of compareAndSwapValues(read)) {
    names[`#${attribute}`] = attribute;
    if (value === undefined) conditions.push(`attribute_not_exists(#${attribute})`);
    else {
      conditions.push(`#${attribute} = :${attribute}`);
      values[`:${attribute}`] = asStored(value);
    }
  }
  return {
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}

/**
 * Whether the freshness read back (`stored`) is exactly what {@link recordFreshness} wrote:
 * the same `asOf`, owner count, content digest (or none) and `importedAt`, and nothing it did not write (no
 * damaged attribute). The write's own earlier attempt leaves it so.
 */
function isFreshnessWritten(
  stored: StoredDirectoryFreshness | undefined,
  written: FreshnessRecord,
  importedAt: string,
): boolean {
  if (stored === undefined) return false;
  const { asOf, owners, contentDigest } = written;
  const expected = Object.entries({ asOf, owners, contentDigest, importedAt }).filter(
    ([, v]) => v !== undefined,
  );
  const read = new Map(Object.entries(stored));
  return read.size === expected.length && expected.every(([key, value]) => read.get(key) === value);
}
