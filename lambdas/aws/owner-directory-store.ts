/**
 * The owner directory on DynamoDB (table: `owner-directory-table.ts`;
 * items: docs/data-model.md, "Owner directory"): one class,
 * {@link DynamoOwnerDirectory}, that implements the read ports the notifier,
 * the relay and the sweep use ({@link OwnerDirectory}, {@link DepartedOwners})
 * and the writes of the import, the subscription reconciler
 * ({@link OwnerSubscriptionRegistry}), the relay's bounce handling
 * ({@link OwnerBounceRecorder}) and the operator's `owners` commands.
 *
 * Why a thin class over modules by job: the callers want one object that
 * is the directory (built once from a client and a table name, passed
 * wherever a port is wanted), while the code has three jobs that change for
 * different reasons, each in its own module, the class only holding the
 * table and the options and delegating in one line per method:
 * - owner-directory-reads.ts: freshness, owners by key, every owner, who
 *   departed (and why the sweep scans rather than keeps an index);
 * - owner-directory-import-writes.ts (with owner-directory-upsert-request.ts,
 *   what an upsert's item becomes): the import's upserts, `--sync`'s departures
 *   and the freshness compare-and-swap;
 * - owner-directory-reach-writes.ts: the route state an address holds
 *   (subscription, bounce, complaint), written only while the owner still has
 *   the address it was decided for;
 * - below them, owner-directory-items.ts (a stored item read as an
 *   {@link OwnerRecord}, and conditions that match a value as that reading
 *   does) and owner-directory-update.ts (one conditional owner `UpdateItem`,
 *   judged against its own lost-response retry), which both kinds of write share.
 *
 * The names that moved are imported from their module, not re-exported here:
 * `ownerFromItem` (items), `DirectoryReadIncompleteError`,
 * `StoredDirectoryFreshness` (reads), `FreshnessRecord`, `UpsertOutcome`
 * (import writes).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  DepartedOwners,
  OwnerBounceRecorder,
  OwnerDirectory,
  OwnerRecord,
  OwnerSubscriptionRegistry,
  PlannedSubscriptionState,
} from '../hygiene/owner-directory';
import type { OwnerUpsert } from '../hygiene/owner-import';
import { CASE_INSENSITIVE_MAILBOXES, type MailboxRule } from '../hygiene/owner-import-opt-outs';
import {
  type FreshnessRecord,
  markDeparted,
  recordFreshness,
  type UpsertOptions,
  type UpsertOutcome,
  upsertOwners,
} from './owner-directory-import-writes';
import type { OwnerTable } from './owner-directory-items';
import {
  clearBouncing,
  markBouncing,
  recordComplaint,
  recordSubscription,
  recordSubscriptionStates,
  rememberOptedOutAddresses,
} from './owner-directory-reach-writes';
import {
  type BatchGetRetryOptions,
  listOwners,
  readDepartedUserIds,
  readFreshness,
  readOwners,
  type StoredDirectoryFreshness,
  scanOwners,
} from './owner-directory-reads';

/** Options of {@link DynamoOwnerDirectory}: the reads' retry of unprocessed keys, and how the writes go. */
export interface OwnerDirectoryStoreOptions extends BatchGetRetryOptions {
  /** Owner writes in flight at once (default 16). */
  readonly writeConcurrency?: number;
  /**
   * How the import that plans the upserts tells mailboxes apart (the rule it
   * passes `planOwnerImport`; `pc-hygiene owners import` gives the relay's,
   * `RELAY_MAILBOXES`, cli/use-cases/import-owners.ts): the upsert checks a
   * whole-set write by the same spellings the plan found and forgot opt-outs
   * by (`plannedFromStored`, owner-directory-upsert-request.ts). Default:
   * {@link CASE_INSENSITIVE_MAILBOXES}, the plan's default.
   */
  readonly mailboxes?: MailboxRule;
}

/** The owner directory table, read and written through the document client. */
export class DynamoOwnerDirectory
  implements OwnerDirectory, DepartedOwners, OwnerSubscriptionRegistry, OwnerBounceRecorder
{
  private readonly table: OwnerTable;
  /** Owner writes in flight at once ({@link OwnerDirectoryStoreOptions.writeConcurrency}). */
  private readonly writeConcurrency: number;
  /** How upserts are written: {@link writeConcurrency} and the plan's mailbox spellings. */
  private readonly upsertOptions: UpsertOptions;

  constructor(
    client: DynamoDBDocumentClient,
    /** The directory table's name. */
    readonly tableName: string,
    private readonly options: OwnerDirectoryStoreOptions = {},
  ) {
    this.table = { client, tableName };
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.upsertOptions = {
      writeConcurrency: this.writeConcurrency,
      spellings: (options.mailboxes ?? CASE_INSENSITIVE_MAILBOXES).spellings,
    };
  }

  // --- OwnerDirectory, DepartedOwners (the notifier, the relay, the sweep) ---

  /** The freshness item ({@link readFreshness}); `undefined` when never imported or the table does not exist. */
  async freshness(): Promise<StoredDirectoryFreshness | undefined> {
    return readFreshness(this.table);
  }

  /** Owners by id ({@link readOwners}: `BatchGetItem`, unprocessed keys retried); absent owners missing. */
  async getMany(userIds: readonly string[]): Promise<ReadonlyMap<string, OwnerRecord>> {
    return readOwners(this.table, userIds, this.options);
  }

  /** Every owner, in scan order ({@link scanOwners}); nothing when the table does not exist. */
  owners(): AsyncGenerator<OwnerRecord> {
    return scanOwners(this.table);
  }

  /** The `userId`s the directory marks `departed` ({@link readDepartedUserIds}: one filtered scan). */
  async departedUserIds(): Promise<ReadonlySet<string>> {
    return readDepartedUserIds(this.table);
  }

  // --- The import (cli/use-cases/import-owners.ts) ---

  /** Writes new and changed owners, each only while still as planned ({@link upsertOwners}). */
  async upsertOwners(
    upserts: readonly OwnerUpsert[],
    now: string,
    onWritten?: (written: number) => void,
  ): Promise<UpsertOutcome> {
    return upsertOwners(this.table, upserts, now, this.upsertOptions, onWritten);
  }

  /** Marks owners `departed`, each only while still `active` ({@link markDeparted}). @returns owners changed */
  async markDeparted(userIds: readonly string[], now: string): Promise<number> {
    return markDeparted(this.table, userIds, now, this.writeConcurrency);
  }

  /**
   * Records the import's snapshot, a compare-and-swap on the freshness read at its start
   * (`replacing`; {@link recordFreshness}).
   * @returns false when another import recorded its snapshot meanwhile (nothing written)
   */
  async recordFreshness(
    freshness: FreshnessRecord,
    importedAt: string,
    options: { readonly replacing?: StoredDirectoryFreshness } = {},
  ): Promise<boolean> {
    return recordFreshness(this.table, freshness, importedAt, options.replacing);
  }

  // --- OwnerSubscriptionRegistry (the subscription reconciler, `owners unsubscribe` / `resubscribe`) ---

  /** Every owner, collected ({@link listOwners}). */
  async listOwners(): Promise<readonly OwnerRecord[]> {
    return listOwners(this.table);
  }

  /**
   * Records one owner's subscription state while the address, state, ARN and count are as read (and, `whileActive`,
   * the owner still not `departed`) ({@link recordSubscription}). @returns false when the condition failed (nothing written by this call)
   */
  async recordSubscription(planned: PlannedSubscriptionState): Promise<boolean> {
    return recordSubscription(this.table, planned);
  }

  /** Records each owner's subscription state ({@link recordSubscriptionStates}). @returns the `userId`s skipped */
  async recordSubscriptionStates(states: readonly PlannedSubscriptionState[]): Promise<readonly string[]> {
    return recordSubscriptionStates(this.table, states, this.writeConcurrency);
  }

  // --- OwnerBounceRecorder (the relay) and `owners clear-bouncing` ---

  /** Marks an owner's address bouncing, keeping the first instant ({@link markBouncing}). @returns false: address changed */
  async markBouncing(userId: string, email: string, since: string): Promise<boolean> {
    return markBouncing(this.table, userId, email, since);
  }

  /** Removes `bouncingSince` while the address and instant are as read ({@link clearBouncing}). */
  async clearBouncing(userId: string, email: string | undefined, since: string): Promise<boolean> {
    return clearBouncing(this.table, userId, email, since);
  }

  /** Records an SES complaint's `unsubscribed` at the address complained about ({@link recordComplaint}). */
  async recordComplaint(userId: string, email: string): Promise<boolean> {
    return recordComplaint(this.table, userId, email);
  }

  /** Adds opt-out digests of addresses the owner moved away from ({@link rememberOptedOutAddresses}). */
  async rememberOptedOutAddresses(
    userId: string,
    email: string | undefined,
    digests: readonly string[],
  ): Promise<boolean> {
    return rememberOptedOutAddresses(this.table, userId, email, digests);
  }
}
