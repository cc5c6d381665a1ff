/**
 * The stored data contract: every attribute name, index name and reserved id
 * the worker reads or writes in the credentials table, in one place; and the
 * one name it shares with the topic's subscriptions, the protocol of owner
 * subscriptions ({@link OWNER_SUBSCRIPTION_PROTOCOL}).
 *
 * Why one module: these names are shared with whoever else reads the table (a
 * credentials UI, admins setting `hygieneExempt`, the CDK table definition),
 * so renaming one is a data migration, not a refactoring. Each constant here
 * is documented in docs/data-model.md; change both together. Pure data, no
 * imports.
 */

/**
 * The `PersonalClient` record's own fields, named exactly as the upstream
 * schema spells them (docs/data-model.md, "Seed fields"). Only `id` and
 * `userId` are required. The worker writes none of them except `deletedAt`
 * and `updatedAt`, and only when it soft-deletes or a restore undoes that.
 */
export const SEED_FIELDS = [
  'id',
  'clientId',
  'userId',
  'displayName',
  'createdAt',
  'updatedAt',
  'expiresTime',
  'lastUsedAt',
  'deletedAt',
  'allowSourceCidr',
  'scopedRoles',
] as const;

/** One of {@link SEED_FIELDS}. */
type SeedField = (typeof SEED_FIELDS)[number];

/**
 * The seed's date fields: RFC 3339 strings, read in any valid form, written
 * by the worker as canonical UTC (docs/data-model.md, "Seed fields").
 */
export const DATE_FIELDS = [
  'createdAt',
  'updatedAt',
  'expiresTime',
  'lastUsedAt',
  'deletedAt',
] as const satisfies readonly SeedField[];

/**
 * Bookkeeping attributes the sweep writes on a credential (and admins, for
 * `hygieneExempt`): public, a credentials UI may show them
 * (docs/data-model.md, "Bookkeeping").
 */
export const HYGIENE_ATTR = {
  /** Number (days): the most urgent expiry stage already noticed for {@link HYGIENE_ATTR.expiryNoticeFor}. */
  expiryNoticeStage: 'hygieneExpiryNoticeStage',
  /** UTC ISO string: the `expiresTime` that stage refers to; a renewal re-arms the stages. */
  expiryNoticeFor: 'hygieneExpiryNoticeFor',
  /** UTC ISO string: when the credential was flagged stale. */
  staleFlaggedAt: 'hygieneStaleFlaggedAt',
  /** UTC ISO string: when a still-unused flagged credential will be soft-deleted. */
  staleDeleteAfter: 'hygieneStaleDeleteAfter',
  /** UTC ISO string: when the credential was flagged orphaned (the owner directory marks its owner `departed`). */
  orphanedAt: 'hygieneOrphanedAt',
  /** UTC ISO string: when a still-orphaned credential will be soft-deleted (`orphanGraceDays` after the flag). */
  orphanDeleteAfter: 'hygieneOrphanDeleteAfter',
  /** `expired` | `stale` | `orphaned`: why the worker soft-deleted the credential. */
  deletedReason: 'hygieneDeletedReason',
  /** String: the run id that soft-deleted it. */
  deletedByRun: 'hygieneDeletedByRun',
  /** Boolean, written by admins only: `true` means never flagged or deleted (expiry notices still go). */
  exempt: 'hygieneExempt',
  /** Number (epoch seconds): the table's TTL attribute, set only when a purge is configured. */
  purgeAt: 'hygienePurgeAt',
} as const;

/**
 * Audit attributes a restore (`pc-hygiene restore`) writes
 * (docs/data-model.md, "Bookkeeping" and "Restore").
 */
export const RESTORE_ATTR = {
  /** UTC ISO string: when the last soft-delete was undone. */
  restoredAt: 'hygieneRestoredAt',
  /** String: who undid it. */
  restoredBy: 'hygieneRestoredBy',
  /** String: why. */
  restoreReason: 'hygieneRestoreReason',
} as const;

/**
 * Outbox attribute names on a credential item (internal; docs/data-model.md,
 * "Outbox"). Written in the same conditional write as the transition whose
 * notices they carry.
 */
export const OUTBOX_ATTR = {
  /** List of pending outbox event maps, oldest first; removed once published. */
  events: 'hygieneOutbox',
  /** The owner (`userId`) while events are pending, absent otherwise: the sparse outbox index's partition key. */
  owner: 'hygieneOutboxOwner',
  /** When the oldest pending event was queued (UTC ISO): the outbox index's sort key. */
  since: 'hygieneOutboxSince',
} as const;

/**
 * Per-item claim attributes of the previous drain protocol (internal;
 * docs/data-model.md, "Outbox"). Drains no longer write them (one drain lease,
 * {@link OUTBOX_LEASE_ID}, replaced them); a drain still skips an item whose
 * claim by another drain is live, and a mark removes a leftover claim.
 */
export const OUTBOX_CLAIM_ATTR = {
  /** The drain id holding the item. */
  claim: 'hygieneOutboxClaim',
  /** When the claim lapses (canonical UTC ISO; compared as a string, which orders correctly). */
  claimUntil: 'hygieneOutboxClaimUntil',
} as const;

/**
 * Where a soft-deletion whose notice is still in the outbox keeps its purge
 * time (epoch seconds) instead of {@link HYGIENE_ATTR.purgeAt}: DynamoDB TTL
 * must not remove an item with an unsent notice. The notifier moves it to
 * `hygienePurgeAt` in the write that empties the outbox (internal;
 * docs/data-model.md, "Purge waits for the deletion notice").
 */
export const PURGE_PENDING_ATTR = 'hygienePurgePending';

/**
 * Name of the sparse, keys-only global secondary index over items with
 * pending outbox events (keys {@link OUTBOX_ATTR.owner}, {@link OUTBOX_ATTR.since}).
 */
export const OUTBOX_INDEX = 'hygiene-outbox';

/**
 * Ids starting with this prefix are the worker's own items (the sweep
 * checkpoint), not credentials: the scanner, report and export skip them and
 * import rejects them (docs/data-model.md, "Reserved ids").
 */
export const RESERVED_ID_PREFIX = '__hygiene__#';

/** True for an id reserved for the worker's own items ({@link RESERVED_ID_PREFIX}). */
export function isReservedId(id: unknown): boolean {
  return typeof id === 'string' && id.startsWith(RESERVED_ID_PREFIX);
}

/** The id of the reserved item where an incomplete sweep keeps its scan position. */
export const CHECKPOINT_ID = `${RESERVED_ID_PREFIX}sweep-checkpoint`;

/** Attributes of the checkpoint item ({@link CHECKPOINT_ID}; docs/sweep.md). */
export const CHECKPOINT_ATTR = {
  /** JSON string of the scan checkpoint (segment count and each segment's position). */
  checkpoint: 'hygieneCheckpoint',
  /** When it was saved (UTC ISO). */
  savedAt: 'hygieneCheckpointSavedAt',
  /** Number: how many runs resumed from it. */
  loads: 'hygieneCheckpointLoads',
} as const;

/**
 * The id of the reserved item holding the outbox drain lease: one drain at a
 * time publishes and marks (docs/notifications.md, "The outbox protocol").
 */
export const OUTBOX_LEASE_ID = `${RESERVED_ID_PREFIX}outbox-drain-lease`;

/** Attributes of the drain lease item ({@link OUTBOX_LEASE_ID}). */
export const OUTBOX_LEASE_ATTR = {
  /** String: the drain id holding the lease; absent when free. */
  holder: 'hygieneLeaseHolder',
  /** UTC ISO string: when the lease lapses if its holder never releases it (compared as a string). */
  until: 'hygieneLeaseUntil',
} as const;

// ---------------------------------------------------------------------------
// Owner directory table (a separate table; docs/data-model.md, "Owner
// directory"). Maintained with the owner directory work: `lambdas/aws/
// owner-directory-table-definition.ts` and the `owner-directory-*.ts` store
// modules beside it read these names.
// ---------------------------------------------------------------------------

/**
 * Attributes of an owner item in the owner directory table. `email`, `name`
 * and `status` come from the imported export; `subscription` is recorded by
 * the subscription reconciler (and `unsubscribed` also by the email relay, on an SES complaint), `bouncingSince`
 * by the email relay.
 */
export const OWNER_ATTR = {
  /** String, the partition key: the credentials' `userId`. */
  userId: 'userId',
  /** String: where owner email goes; absent when the export has none. */
  email: 'email',
  /** String: display name, used to greet the owner. */
  name: 'name',
  /** `active` | `departed`. */
  status: 'status',
  /**
   * `confirmed` | `pending` | `unsubscribed` | `none`: the owner's SNS email subscription (route `sns-email`);
   * `unsubscribed` = the owner opted out (the unsubscribe link of an SNS email, recorded by an operator with
   * `pc-hygiene owners unsubscribe`, or an SES complaint about a relay email), which holds on both routes.
   */
  subscription: 'subscription',
  /**
   * String: the subscription ARN the reconciler recorded with `confirmed` (and kept with `unsubscribed`): the
   * evidence that an opt-out happened on the topic being reconciled (docs/notifications.md, "Subscription reconciler").
   */
  subscriptionArn: 'subscriptionArn',
  /**
   * Number: the SNS confirmation emails the reconciler caused for `email` while unconfirmed; removed on `confirmed`,
   * an address change and `owners resubscribe` (docs/data-model.md, "Owner directory").
   */
  confirmationEmailsSent: 'confirmationEmailsSent',
  /** UTC ISO string: when SES first reported a permanent bounce for `email` (route `relay`). */
  bouncingSince: 'bouncingSince',
  /**
   * String Set: SHA-256 hex digests of the addresses the owner opted out at and moved away from
   * (`optedOutAddressDigest`); written by the import only, so that a move back records `unsubscribed` again
   * (docs/data-model.md, "Owner directory").
   */
  optedOutAddresses: 'optedOutAddresses',
  /** UTC ISO string: when an import last wrote the owner. */
  updatedAt: 'updatedAt',
} as const;

/** The reserved `userId` of the directory's freshness item (never an owner; import rejects the prefix). */
export const DIRECTORY_FRESHNESS_ID = `${RESERVED_ID_PREFIX}directory-freshness`;

/** Attributes of the freshness item ({@link DIRECTORY_FRESHNESS_ID}). */
export const DIRECTORY_FRESHNESS_ATTR = {
  /** UTC ISO string: the instant the last imported snapshot reflects (`owners import --as-of`). */
  asOf: 'asOf',
  /** Number: owners in the directory after that import. */
  owners: 'owners',
  /** UTC ISO string: when that import ran. */
  importedAt: 'importedAt',
  /**
   * String, SHA-256 hex: the fingerprint of that export's owners as parsed (`ownerExportDigest`,
   * `lambdas/hygiene/owner-export-digest.ts`), so another export as of the same `asOf` is told apart and
   * refused; absent on an item recorded before it existed.
   */
  contentDigest: 'contentDigest',
} as const;

// ---------------------------------------------------------------------------
// Relay ledger table (a separate table; docs/data-model.md, "Relay ledger").
// Maintained with the email relay: `lambdas/aws/relay-ledger-table-definition.ts` and
// `relay-ledger-parts.ts` / `relay-ledger-reports.ts` (the store's protocols) read these names.
// ---------------------------------------------------------------------------

/**
 * Attributes of a relay ledger item: one per owner email the relay claimed,
 * keyed `relay#<drainId>#<part>#<userId>#<eventsKey>` (the part's events:
 * `lambdas/relay/events-key.ts`; earlier entries lack the last part), so a
 * redelivered SQS message does not send that message twice
 * (docs/notifications.md, "Email relay").
 */
export const RELAY_LEDGER_ATTR = {
  /** String, the partition key: `relay#<drainId>#<part>#<userId>#<eventsKey>`. */
  key: 'id',
  /** `sending` (claimed, send in progress) | `sent`. */
  state: 'state',
  /** String: a random token naming the claim, so only its holder releases it. */
  claimToken: 'claimToken',
  /** Number, epoch ms: when a `sending` claim lapses and another delivery may take it over. */
  leaseUntil: 'leaseUntil',
  /** String: the SES message id, once sent. */
  sesMessageId: 'sesMessageId',
  /** UTC ISO string: when the email was sent. */
  sentAt: 'sentAt',
  /** Number, epoch seconds: the DynamoDB TTL attribute (past SQS's longest retention). */
  expiresAt: 'expiresAt',
} as const;

// ---------------------------------------------------------------------------
// Audit trail: the per-credential history, the run manifests and the guard
// approval (docs/data-model.md, "History", "Run manifests", "Guard approval").
// ---------------------------------------------------------------------------

/**
 * List of maps on a credential item: its bounded history, oldest first. Every
 * transition appends to it in its own conditional write, and so do `restore`,
 * `exempt` and `unexempt`; the newest entries are kept (the bound is
 * `HISTORY_LIMIT`, `lambdas/hygiene/history.ts`).
 */
export const HISTORY_ATTR = 'hygieneHistory';

/** Reserved ids of the run manifests start with this: `__hygiene__#run#<runId>` (header), `…#<page>` (pages). */
export const RUN_MANIFEST_PREFIX = `${RESERVED_ID_PREFIX}run#`;

/** The id of a run's manifest header item. */
export function runHeaderId(runId: string): string {
  return `${RUN_MANIFEST_PREFIX}${runId}`;
}

/** The id of one page (1-based) of a run's manifest. */
export function runPageId(runId: string, page: number): string {
  return `${RUN_MANIFEST_PREFIX}${runId}#${page}`;
}

/** The reserved item listing the newest runs (so `runs list` reads one item, not the table). */
export const RUN_INDEX_ID = `${RESERVED_ID_PREFIX}run-index`;

/** Attributes of the run manifest items. */
export const RUN_MANIFEST_ATTR = {
  /** Header: map, the run's header (`RunManifestHeader`, `lambdas/hygiene/run-manifest.ts`). */
  header: 'hygieneRunHeader',
  /** Page: list of maps, the deletions of that page (`ManifestEntry`). */
  entries: 'hygieneRunEntries',
  /** Page: string, the run id. */
  runId: 'hygieneRunId',
  /** Run index: list of maps (`RunIndexEntry`), oldest first, the newest kept. */
  runs: 'hygieneRuns',
} as const;

/** The reserved item holding the operator's pending guard approval and its last use. */
export const GUARD_APPROVAL_ID = `${RESERVED_ID_PREFIX}guard-approval`;

/** Attributes of the guard approval item ({@link GUARD_APPROVAL_ID}). */
export const GUARD_APPROVAL_ATTR = {
  /**
   * Map: the pending approval (`GuardApproval`: `id`, `by`, `reason`, `maxDeletes`, `approvedAt`, `expiresAt`,
   * and `callerArn`, the STS caller ARN of whoever recorded it, when recorded against AWS); absent once used or
   * when none was given.
   */
  pending: 'hygieneApproval',
  /** Map: the last approval a sweep used (moved from {@link GUARD_APPROVAL_ATTR.pending} by the write that used it). */
  lastUsed: 'hygieneApprovalLastUsed',
  /** String: the run that used it. */
  usedByRun: 'hygieneApprovalUsedByRun',
  /** String (UTC ISO, wall clock): when it was used. */
  usedAt: 'hygieneApprovalUsedAt',
  /** Number: the planned deletions it allowed. */
  usedFor: 'hygieneApprovalUsedFor',
} as const;

/**
 * The SNS protocol of owner subscriptions: what the subscription reconciler
 * subscribes owners with (route `sns-email`), what it and the notifier's live
 * subscription check recognise an owner's subscription by, and what the
 * reconciler's grant allows it to subscribe (`sns:Protocol`,
 * lib/hygiene-grants.ts; docs/notifications.md, "Subscription reconciler").
 * A subscription of another protocol is never an owner's.
 */
export const OWNER_SUBSCRIPTION_PROTOCOL = 'email';
