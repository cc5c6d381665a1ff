/**
 * The owner directory on DynamoDB (table: `owner-directory-table.ts`;
 * items: docs/data-model.md, "Owner directory"). Implements the read ports
 * the notifier, the relay and the sweep use ({@link OwnerDirectory},
 * {@link DepartedOwners}) and the writes of the import, the subscription
 * reconciler, the relay's bounce handling and the operator's `owners`
 * commands. The route state those last three record (`subscription`,
 * `bouncingSince`; `owners clear-bouncing` removes the latter) belongs to an
 * address, so each is written only while the owner still has the address
 * it was decided for: an import that changes the email clears it (or records
 * the opt-out it remembers for the new address, `optedOutAddresses`), and a
 * write already in flight must not bring it back.
 *
 * How the sweep learns who left: one filtered Scan per run
 * ({@link DynamoOwnerDirectory.departedUserIds}) into a Set, not a sparse
 * index. A directory holds one small item per person, so the scan costs a few
 * hundred RCUs even for a large company, runs once per sweep (and only when
 * the directory is fresh enough to orphan anything), and needs no index to
 * keep in step; the Set is a few bytes per departed owner.
 *
 * A missing table reads as "no directory" (freshness `undefined`, nobody
 * departed, nobody found): the sweep and the notifier then behave as without
 * a directory, which is the safe side (docs/rules.md, "Orphaned credentials").
 */
import { ConditionalCheckFailedException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  type ScanCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { fullJitterDelayMs } from '../hygiene/backoff';
import { chunks } from '../hygiene/chunks';
import {
  DIRECTORY_FRESHNESS_ATTR,
  DIRECTORY_FRESHNESS_ID,
  isReservedId,
  OWNER_ATTR,
} from '../hygiene/data-contract';
import { timerSleep } from '../hygiene/notifier/pacing';
import {
  forgetOptOutAt,
  isAddressDigest,
  type MailboxSpellings,
  remembersOptOutAt,
} from '../hygiene/opted-out-address';
import {
  type DepartedOwners,
  type DirectoryFreshness,
  type OwnerBounceRecorder,
  type OwnerDirectory,
  type OwnerRecord,
  type OwnerSubscriptionRegistry,
  type PlannedSubscriptionState,
  type RecordedSubscription,
  SUBSCRIPTION_STATES,
  type SubscriptionState,
} from '../hygiene/owner-directory';
import type { ExistingOwnerUpsert, OwnerUpsert } from '../hygiene/owner-import';
import {
  type AddressMove,
  CASE_INSENSITIVE_MAILBOXES,
  type KeptOptOuts,
  type MailboxRule,
} from '../hygiene/owner-import-opt-outs';
import type { ImportedOwner } from '../hygiene/owner-import-rows';
import { TaskPool } from '../hygiene/task-pool';
import { asStored } from './as-stored';
import { failedConditionItem } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';

/** DynamoDB's limit of keys in one `BatchGetItem`. */
export const BATCH_GET_LIMIT = 100;

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

/** Options of {@link DynamoOwnerDirectory}. */
export interface OwnerDirectoryStoreOptions {
  /** Attempts per `BatchGetItem` chunk, the first included (default 8). */
  readonly maxAttempts?: number;
  /** First backoff delay in ms, doubled per retry, full jitter (default 50). */
  readonly baseDelayMs?: number;
  /** Waits `ms` (injectable so tests do not wait). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for jitter (injectable for tests). */
  readonly random?: () => number;
  /** Owner writes in flight at once (default 16). */
  readonly writeConcurrency?: number;
  /**
   * How the import that plans the upserts tells mailboxes apart (the rule it
   * passes `planOwnerImport`; `pc-hygiene owners import` gives the relay's,
   * `RELAY_MAILBOXES`, cli/use-cases/import-owners.ts): {@link plannedFromStored}
   * checks a whole-set write by the same spellings the plan found and forgot
   * opt-outs by. Default: {@link CASE_INSENSITIVE_MAILBOXES}, the plan's default.
   */
  readonly mailboxes?: MailboxRule;
}

const STATUS = '#status';
const NAMES = { [STATUS]: OWNER_ATTR.status };

/** Placeholders for the known subscription states in a condition (`IN`): any other stored value reads as none. */
const STATE_VALUES = SUBSCRIPTION_STATES.map((_, i) => `:known${i}`);

/** The placeholders {@link readsAsAbsent} uses. */
const ABSENT_TEXT_VALUES = { ':string': 'S', ':empty': '' };

/**
 * The condition that a text attribute (`name`: its placeholder) reads as absent, as {@link ownerFromItem} reads
 * one: missing, or not a non-empty string (a damaged value reads as absent, so it must match as absent, or the
 * write would be refused on every run). Its values: {@link ABSENT_TEXT_VALUES}.
 */
function readsAsAbsent(name: string): string {
  return `(attribute_not_exists(${name}) OR NOT attribute_type(${name}, :string) OR ${name} = :empty)`;
}

/**
 * The condition that a text attribute (`name`) still reads as `read`: equal
 * to it (its value under `placeholder`), or, when `read` is absent, absent as
 * {@link readsAsAbsent} matches it.
 */
function textStillAsRead(
  name: string,
  placeholder: string,
  read: string | undefined,
): { condition: string; values: Record<string, unknown> } {
  return read === undefined
    ? { condition: readsAsAbsent(name), values: ABSENT_TEXT_VALUES }
    : { condition: `${name} = ${placeholder}`, values: { [placeholder]: read } };
}

/** Whether the text attribute `name` of `item` reads as `read`, as {@link textStillAsRead}'s condition matches it. */
function textReadsAs(
  item: Readonly<Record<string, unknown>>,
  name: string,
  read: string | undefined,
): boolean {
  const value = item[name];
  return read === undefined ? typeof value !== 'string' || value === '' : value === read;
}

/**
 * Whether `item` is as a subscription write of `planned` leaves it: the planned state, the planned ARN (none when
 * it has none: the write removes it), at the address the write was conditional on.
 */
function holdsSubscription(
  item: Readonly<Record<string, unknown>>,
  planned: PlannedSubscriptionState,
): boolean {
  return (
    item[OWNER_ATTR.subscription] === planned.state &&
    item[OWNER_ATTR.subscriptionArn] === planned.subscriptionArn &&
    countOf(item[OWNER_ATTR.confirmationEmailsSent]) === planned.confirmationEmailsSent &&
    textReadsAs(item, OWNER_ATTR.email, planned.email)
  );
}

/** A stored confirmation count as {@link ownerFromItem} reads it: a number, else absent (a damaged value). */
function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The condition that the stored `subscription` and `subscriptionArn` are
 * still the ones a run read. An absent one is matched as {@link ownerFromItem}
 * reads it: missing, or a value it ignores (an unknown state; an empty or
 * non-string ARN), so a damaged value is replaced, not a write blocked forever.
 */
function stillAsRead(read: RecordedSubscription): { condition: string; values: Record<string, unknown> } {
  const state = stateStillAsRead(read.subscription);
  const arn = textStillAsRead('#subscriptionArn', ':readArn', read.subscriptionArn);
  const sent = countStillAsRead(read.confirmationEmailsSent);
  return {
    condition: `${state.condition} AND ${arn.condition} AND ${sent.condition}`,
    values: { ...state.values, ...arn.values, ...sent.values },
  };
}

/**
 * The condition that the stored confirmation count (`#sent`) still reads as `read`: equal to it, or, when `read` is
 * absent, missing or not a number ({@link countOf}: a damaged value matches as absent, so it is replaced, not a
 * write blocked forever). Two runs that both subscribed an owner again cannot both count from the same value.
 */
function countStillAsRead(read: number | undefined): { condition: string; values: Record<string, unknown> } {
  return read === undefined
    ? {
        condition: '(attribute_not_exists(#sent) OR NOT attribute_type(#sent, :number))',
        values: { ':number': 'N' },
      }
    : { condition: '#sent = :readSent', values: { ':readSent': read } };
}

/** The condition that the stored `subscription` still reads as `read` (absent: missing or unknown, as {@link stillAsRead}). */
function stateStillAsRead(read: SubscriptionState | undefined): {
  condition: string;
  values: Record<string, unknown>;
} {
  return read === undefined
    ? {
        condition: `(attribute_not_exists(#subscription) OR NOT (#subscription IN (${STATE_VALUES.join(', ')})))`,
        values: Object.fromEntries(SUBSCRIPTION_STATES.map((s, i) => [STATE_VALUES[i], s])),
      }
    : { condition: '#subscription = :readState', values: { ':readState': read } };
}

/**
 * The stored opt-out digests as {@link OwnerRecord.optedOutAddresses}: a String Set's elements that are digests,
 * sorted. Anything else reads as absent, as a damaged text attribute does (another type; a non-digest element).
 */
function digestsOf(value: unknown): readonly string[] | undefined {
  if (!(value instanceof Set)) return undefined;
  const digests = [...value].filter(isAddressDigest).sort();
  return digests.length > 0 ? digests : undefined;
}

/** A stored owner item as an {@link OwnerRecord}; `undefined` for the freshness item or an item without a `userId`. */
export function ownerFromItem(item: Readonly<Record<string, unknown>>): OwnerRecord | undefined {
  const userId = item[OWNER_ATTR.userId];
  if (typeof userId !== 'string' || isReservedId(userId)) return undefined;
  const text = (key: string) => {
    const value = item[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const email = text(OWNER_ATTR.email);
  const name = text(OWNER_ATTR.name);
  const subscription = text(OWNER_ATTR.subscription);
  const subscriptionArn = text(OWNER_ATTR.subscriptionArn);
  const bouncingSince = text(OWNER_ATTR.bouncingSince);
  const updatedAt = text(OWNER_ATTR.updatedAt);
  const optedOutAddresses = digestsOf(item[OWNER_ATTR.optedOutAddresses]);
  const confirmationEmailsSent = countOf(item[OWNER_ATTR.confirmationEmailsSent]);
  return {
    userId,
    // Only an explicit `departed` orphans anything; anything else reads as active.
    status: item[OWNER_ATTR.status] === 'departed' ? 'departed' : 'active',
    ...(email !== undefined && { email }),
    ...(name !== undefined && { name }),
    ...((SUBSCRIPTION_STATES as readonly (string | undefined)[]).includes(subscription) && {
      subscription: subscription as SubscriptionState,
    }),
    ...(subscriptionArn !== undefined && { subscriptionArn }),
    ...(confirmationEmailsSent !== undefined && { confirmationEmailsSent }),
    ...(bouncingSince !== undefined && { bouncingSince }),
    ...(optedOutAddresses !== undefined && { optedOutAddresses }),
    ...(updatedAt !== undefined && { updatedAt }),
  };
}

function isMissingTable(error: unknown): boolean {
  return error instanceof ResourceNotFoundException;
}

/**
 * The freshness item as {@link DynamoOwnerDirectory.freshness} reads it: the
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

/** What an import records in the freshness item. */
export interface FreshnessRecord extends Required<DirectoryFreshness> {
  /** The imported export's content digest (`ownerExportDigest`). */
  readonly contentDigest?: string;
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

/**
 * The freshness attributes the compare-and-swap of {@link DynamoOwnerDirectory.recordFreshness}
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
 * Whether the freshness read back (`stored`) is exactly what {@link DynamoOwnerDirectory.recordFreshness} wrote:
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

/** What {@link DynamoOwnerDirectory.upsertOwners} did. */
export interface UpsertOutcome {
  /** Owners written. */
  readonly written: number;
  /**
   * Upserts not written: the owner is no longer as planned ({@link asPlannedCondition}: created meanwhile, or
   * their address changed, or for a write of the route state — a move, opt-outs merged — their state changed,
   * another import wrote them, `updatedAt`, or their remembered opt-outs gained an address). Re-plan them from a
   * fresh read.
   */
  readonly refused: readonly OwnerUpsert[];
}

/** An `UpdateItem`'s clauses (an attribute in one of them only), names and values, as they are built. */
interface UpdateParts {
  readonly set: string[];
  readonly remove: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

function updateParts(): UpdateParts {
  return { set: [], remove: [], names: {}, values: {} };
}

function mergeParts(into: UpdateParts, from: UpdateParts): void {
  for (const clause of ['set', 'remove'] as const) into[clause].push(...from[clause]);
  Object.assign(into.names, from.names);
  Object.assign(into.values, from.values);
}

/** The `UpdateExpression` of {@link UpdateParts}: each non-empty clause once. */
function updateExpression(parts: UpdateParts): string {
  const clauses = [
    ['SET', parts.set.join(', ')],
    ['REMOVE', parts.remove.join(', ')],
  ] as const;
  return clauses
    .filter(([, list]) => list !== '')
    .map(([clause, list]) => `${clause} ${list}`)
    .join(' ');
}

/** `subscription` set `unsubscribed`: an opt-out the import records (no ARN: the state is not the topic's). */
function unsubscribedParts(): UpdateParts {
  const parts = updateParts();
  parts.names['#subscription'] = OWNER_ATTR.subscription;
  parts.set.push('#subscription = :unsubscribed');
  parts.values[':unsubscribed'] = 'unsubscribed';
  return parts;
}

/**
 * {@link OWNER_ATTR.optedOutAddresses} written whole: a String Set, removed
 * when empty (DynamoDB stores no empty set).
 */
function optedOutParts(digests: readonly string[]): UpdateParts {
  const parts = updateParts();
  parts.names['#optedOut'] = OWNER_ATTR.optedOutAddresses;
  if (digests.length === 0) parts.remove.push('#optedOut');
  else {
    parts.set.push('#optedOut = :optedOut');
    parts.values[':optedOut'] = new Set(digests);
  }
  return parts;
}

/**
 * An import's route reset (`resetRoute`): the bounce, subscription ARN and
 * confirmation count (`OWNER_ATTR.confirmationEmailsSent`: a new address starts
 * a new count) removed, the state removed or, when the owner moved to an
 * address they opted out at, set `unsubscribed`; {@link OWNER_ATTR.optedOutAddresses}
 * written whole as the move planned it. What it is conditional on:
 * {@link asPlannedCondition}.
 */
function routeResetParts(move: AddressMove | undefined): UpdateParts {
  const parts = updateParts();
  Object.assign(parts.names, {
    '#subscriptionArn': OWNER_ATTR.subscriptionArn,
    '#bouncingSince': OWNER_ATTR.bouncingSince,
    '#sent': OWNER_ATTR.confirmationEmailsSent,
  });
  parts.remove.push('#subscriptionArn', '#bouncingSince', '#sent');
  if (move?.state === 'unsubscribed') mergeParts(parts, unsubscribedParts());
  else {
    parts.names['#subscription'] = OWNER_ATTR.subscription;
    parts.remove.push('#subscription');
  }
  if (move !== undefined) mergeParts(parts, optedOutParts(move.optedOutAddresses));
  return parts;
}

/**
 * The opt-outs of an owner's export line as the plan kept them
 * ({@link KeptOptOuts}, a new owner's or one staying at their address):
 * `unsubscribed` recorded without an ARN (any ARN is removed: an opt-out the
 * import records is not the topic's), and the remembered set written whole.
 * The bounce is kept: it is this deployment's, about the same address.
 * Nothing when there are none. What it is conditional on:
 * {@link asPlannedCondition}.
 */
function keptOptOutParts(kept: KeptOptOuts | undefined): UpdateParts {
  const parts = updateParts();
  if (kept === undefined) return parts;
  if (kept.state === 'unsubscribed') {
    mergeParts(parts, unsubscribedParts());
    parts.names['#subscriptionArn'] = OWNER_ATTR.subscriptionArn;
    parts.remove.push('#subscriptionArn');
  }
  mergeParts(parts, optedOutParts(kept.optedOutAddresses));
  return parts;
}

/**
 * The one condition an import's upsert is written under: the owner is still
 * as the plan read them. A new owner (`existed` false): still absent. One
 * that existed: still there, at the address read
 * ({@link ExistingOwnerUpsert.read}; absent read as {@link ownerFromItem}
 * reads it, so a damaged value matches as absent), and for a write of the
 * route state — a move, or a line's opt-outs merged at the same address
 * (`keptOptOuts`) — also in the subscription state read (the opt-out
 * decision depends on it: a reconcile that recorded a subscription meanwhile
 * is re-planned, and the opt-out reported not applied) and with the
 * `updatedAt` read (both write the remembered opt-outs whole, and another
 * import may have written the owner meanwhile: `OwnerAsRead.updatedAt` in
 * owner-import.ts). A write that changes only stated fields keeps the route
 * state, so a state recorded meanwhile for the same address is not part of
 * it; nor are `name` and `status` (see {@link ExistingOwnerUpsert.read} for
 * why). A write of the remembered set whole is also conditional on the set
 * exactly as stored just before it (`storedOptOuts`, read by
 * {@link DynamoOwnerDirectory.upsertOwners} and checked against the plan:
 * {@link plannedFromStored}): an SES complaint may add a digest without
 * touching the rest ({@link DynamoOwnerDirectory.rememberOptedOutAddresses}).
 */
function asPlannedCondition(
  upsert: OwnerUpsert,
  storedOptOuts?: StoredOptOuts,
): UpdateParts & { readonly condition: string } {
  const parts = updateParts();
  parts.names['#userId'] = OWNER_ATTR.userId;
  if (!upsert.existed) return { ...parts, condition: 'attribute_not_exists(#userId)' };
  const { read } = upsert;
  parts.names['#email'] = OWNER_ATTR.email;
  const held = [textStillAsRead('#email', ':readEmail', read.email)];
  if (upsert.move !== undefined || upsert.keptOptOuts !== undefined) {
    parts.names['#subscription'] = OWNER_ATTR.subscription;
    parts.names['#updatedAt'] = OWNER_ATTR.updatedAt;
    held.push(
      stateStillAsRead(read.subscription),
      textStillAsRead('#updatedAt', ':readUpdatedAt', read.updatedAt),
    );
  }
  if (storedOptOuts !== undefined) {
    parts.names['#optedOut'] = OWNER_ATTR.optedOutAddresses;
    held.push(optOutsStillAsStored(storedOptOuts));
  }
  for (const { values } of held) Object.assign(parts.values, values);
  return {
    ...parts,
    condition: ['attribute_exists(#userId)', ...held.map((h) => h.condition)].join(' AND '),
  };
}

/** The stored {@link OWNER_ATTR.optedOutAddresses} exactly as read, of any type (`value` undefined: none stored). */
interface StoredOptOuts {
  readonly value: unknown;
}

/**
 * Whether an import's upsert writes {@link OWNER_ATTR.optedOutAddresses} whole: a move
 * ({@link routeResetParts}), or a line's opt-outs merged into an existing owner ({@link keptOptOutParts}).
 */
function writesOptOutsWhole(upsert: OwnerUpsert): upsert is ExistingOwnerUpsert {
  return upsert.existed && (upsert.resetRoute ? upsert.move !== undefined : upsert.keptOptOuts !== undefined);
}

/**
 * Whether the digests stored now (`stored`) can be the set a whole-set write
 * was planned from. The plan carries the set it writes, not the one it read,
 * so this checks what the plan's rules imply of the set it read
 * (owner-import-opt-outs.ts), by the plan's `spellings`
 * ({@link OwnerDirectoryStoreOptions.mailboxes}): a merge keeps every digest it
 * read (a union); a move keeps every one but those the old address's opt-out
 * may be stored under (`forgetOptOutAt`: the current form and the legacy ones,
 * of every spelling of its mailbox, all forgotten together), and records
 * `unsubscribed` whenever the set it read holds any of the new address's
 * (`remembersOptOutAt`, with the same spellings; `AddressMove.state`).
 * Only imports take digests out, and they are ordered by the `updatedAt`
 * condition ({@link asPlannedCondition}), so a set that fails this gained a
 * digest since the plan read it (an SES complaint about an address the owner
 * had moved away from, {@link DynamoOwnerDirectory.rememberOptedOutAddresses}):
 * written whole, the write would erase that opt-out or decide the new
 * address's state without it. A digest gained that the write keeps anyway
 * changes nothing the plan decided.
 */
function plannedFromStored(
  upsert: ExistingOwnerUpsert,
  stored: readonly string[],
  spellings: MailboxSpellings,
): boolean {
  const { move } = upsert;
  const written = upsert.resetRoute ? move?.optedOutAddresses : upsert.keptOptOuts?.optedOutAddresses;
  // What the plan's forget leaves of the stored set must all be written.
  const leftAfterForget = new Set(stored);
  if (upsert.resetRoute && upsert.read.email !== undefined)
    forgetOptOutAt(leftAfterForget, upsert.read.email, spellings);
  const kept = new Set(written);
  if (![...leftAfterForget].every((digest) => kept.has(digest))) return false;
  const to = upsert.owner.email;
  return !(
    upsert.resetRoute &&
    move?.state === undefined &&
    to !== undefined &&
    remembersOptOutAt(new Set(stored), to, spellings)
  );
}

/**
 * The condition that {@link OWNER_ATTR.optedOutAddresses} is still exactly as
 * stored when read (`held`; missing: still missing). Of any type: a damaged
 * value is put back through {@link asStored} (a stored NULL, which `=` cannot
 * match, by its type), so the write that replaces it is not refused forever.
 */
function optOutsStillAsStored(held: StoredOptOuts): { condition: string; values: Record<string, unknown> } {
  if (held.value === undefined) return { condition: 'attribute_not_exists(#optedOut)', values: {} };
  if (held.value === null)
    return { condition: 'attribute_type(#optedOut, :null)', values: { ':null': 'NULL' } };
  return { condition: '#optedOut = :storedOptedOut', values: { ':storedOptedOut': asStored(held.value) } };
}

/** The owner directory table, read and written through the document client. */
export class DynamoOwnerDirectory
  implements OwnerDirectory, DepartedOwners, OwnerSubscriptionRegistry, OwnerBounceRecorder
{
  private readonly sleep: (ms: number) => Promise<void>;
  /** Under which spellings an opt-out is found ({@link OwnerDirectoryStoreOptions.mailboxes}). */
  private readonly spellings: MailboxSpellings;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    /** The directory table's name. */
    readonly tableName: string,
    private readonly options: OwnerDirectoryStoreOptions = {},
  ) {
    this.sleep = options.sleep ?? timerSleep;
    this.spellings = (options.mailboxes ?? CASE_INSENSITIVE_MAILBOXES).spellings;
  }

  /**
   * The freshness item; `undefined` when never imported or the table does not
   * exist. A stored `asOf` that is not a string is `invalidAsOf`, not `asOf`
   * (the readers see no snapshot instant: a stale directory); likewise
   * `contentDigest` and `importedAt` (`invalidContentDigest`, `invalidImportedAt`).
   */
  async freshness(): Promise<StoredDirectoryFreshness | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
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
   * Reads owners by id with `BatchGetItem` (100 keys a request), retrying
   * unprocessed keys with backoff. Absent owners are missing from the map.
   * @throws {DirectoryReadIncompleteError} when keys stay unprocessed after every attempt
   */
  async getMany(userIds: readonly string[]): Promise<ReadonlyMap<string, OwnerRecord>> {
    const wanted = [...new Set(userIds)].filter((id) => id !== '' && !isReservedId(id));
    const found = new Map<string, OwnerRecord>();
    try {
      for (const keys of chunks(wanted, BATCH_GET_LIMIT)) {
        for (const item of await this.batchGet(keys)) {
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

  private async batchGet(userIds: readonly string[]): Promise<Record<string, unknown>[]> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    const items: Record<string, unknown>[] = [];
    let keys: Record<string, unknown>[] = userIds.map((id) => ({ [OWNER_ATTR.userId]: id }));
    for (let attempt = 1; ; attempt++) {
      const out = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      items.push(...(out.Responses?.[this.tableName] ?? []));
      keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      if (keys.length === 0) return items;
      if (attempt >= maxAttempts) {
        throw new DirectoryReadIncompleteError(
          keys.map((k) => String(k[OWNER_ATTR.userId])),
          maxAttempts,
        );
      }
      const random = this.options.random ?? Math.random;
      await this.sleep(
        fullJitterDelayMs(attempt, { baseMs: this.options.baseDelayMs ?? 50, capMs: 5_000, random }),
      );
    }
  }

  /** Every owner, in scan order (the freshness item skipped); nothing when the table does not exist. */
  async *owners(): AsyncGenerator<OwnerRecord> {
    for await (const item of this.scan({})) {
      const owner = ownerFromItem(item);
      if (owner !== undefined) yield owner;
    }
  }

  /** The `userId`s the directory marks `departed` (one filtered scan; see the file header). */
  async departedUserIds(): Promise<ReadonlySet<string>> {
    const departed = new Set<string>();
    const scan = this.scan({
      FilterExpression: `${STATUS} = :departed`,
      ProjectionExpression: `#userId, ${STATUS}`,
      ExpressionAttributeNames: { ...NAMES, '#userId': OWNER_ATTR.userId },
      ExpressionAttributeValues: { ':departed': 'departed' },
    });
    for await (const item of scan) {
      const owner = ownerFromItem(item);
      if (owner?.status === 'departed') departed.add(owner.userId);
    }
    return departed;
  }

  private async *scan(input: Omit<ScanCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
    try {
      const pages = paginateScan(
        { client: this.client },
        { ...input, TableName: this.tableName, ConsistentRead: true },
      );
      for await (const page of pages) yield* page.Items ?? [];
    } catch (error: unknown) {
      if (isMissingTable(error)) return;
      throw error;
    }
  }

  /**
   * Writes new and changed owners (one `UpdateItem` each, bounded
   * concurrency). A new owner, or one staying at their address, is written
   * with the opt-outs the plan kept from their export line
   * ({@link keptOptOutParts}). An update otherwise sets only the stated
   * fields, so a subscription state or bounce recorded meanwhile is kept;
   * `resetRoute` resets them (the address changed: {@link routeResetParts}).
   * Every upsert is written only while the owner is still as it was planned
   * from ({@link asPlannedCondition}: a new owner still absent; an existing
   * one still at the address read, and for a move or merged opt-outs in the
   * state and with the `updatedAt` read, and with the remembered set as
   * stored, read just before the write and checked against the plan:
   * {@link plannedFromStored});
   * otherwise it is returned in `refused`, for the import to read the owner
   * again and re-plan. So an owner another import
   * moved meanwhile is never written back to the old address with the new
   * one's route state, a new owner is never merged into one created
   * meanwhile, and an opt-out recorded meanwhile at the old address, or
   * remembered meanwhile for another (an SES complaint), is remembered, not
   * cleared.
   */
  async upsertOwners(
    upserts: readonly OwnerUpsert[],
    now: string,
    onWritten?: (written: number) => void,
  ): Promise<UpsertOutcome> {
    const pool = new TaskPool(this.options.writeConcurrency ?? 16);
    let written = 0;
    const refused: OwnerUpsert[] = [];
    for (const upsert of upserts) {
      await pool.submit(async () => {
        if (!(await this.upsert(upsert, now))) {
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
  private async upsert(upsert: OwnerUpsert, now: string): Promise<boolean> {
    let storedOptOuts: StoredOptOuts | undefined;
    if (writesOptOutsWhole(upsert)) {
      storedOptOuts = await this.storedOptOuts(upsert.owner.userId);
      if (storedOptOuts === undefined) return false;
      if (!plannedFromStored(upsert, digestsOf(storedOptOuts.value) ?? [], this.spellings)) return false;
    }
    try {
      await this.client.send(new UpdateCommand(this.upsertRequest(upsert, now, storedOptOuts)));
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** An owner's stored {@link OWNER_ATTR.optedOutAddresses} exactly as stored (a consistent read); `undefined`: no such owner. */
  private async storedOptOuts(userId: string): Promise<StoredOptOuts | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [OWNER_ATTR.userId]: userId },
        ConsistentRead: true,
        ProjectionExpression: '#userId, #optedOut',
        ExpressionAttributeNames: { '#userId': OWNER_ATTR.userId, '#optedOut': OWNER_ATTR.optedOutAddresses },
      }),
    );
    return out.Item === undefined ? undefined : { value: out.Item[OWNER_ATTR.optedOutAddresses] };
  }

  private upsertRequest(upsert: OwnerUpsert, now: string, storedOptOuts?: StoredOptOuts) {
    const { owner } = upsert;
    const parts = updateParts();
    parts.set.push(`${STATUS} = :status`, '#updatedAt = :now');
    Object.assign(parts.names, NAMES, { '#updatedAt': OWNER_ATTR.updatedAt });
    Object.assign(parts.values, { ':status': owner.status, ':now': now });
    for (const key of ['email', 'name'] as const satisfies readonly (keyof ImportedOwner)[]) {
      parts.names[`#${key}`] = OWNER_ATTR[key];
      const value = owner[key];
      if (value === undefined) parts.remove.push(`#${key}`);
      else {
        parts.set.push(`#${key} = :${key}`);
        parts.values[`:${key}`] = value;
      }
    }
    if (upsert.existed && upsert.resetRoute) mergeParts(parts, routeResetParts(upsert.move));
    else mergeParts(parts, keptOptOutParts(upsert.keptOptOuts));
    const planned = asPlannedCondition(upsert, storedOptOuts);
    mergeParts(parts, planned);
    return {
      TableName: this.tableName,
      Key: { [OWNER_ATTR.userId]: owner.userId },
      UpdateExpression: updateExpression(parts),
      ConditionExpression: planned.condition,
      ExpressionAttributeNames: parts.names,
      ExpressionAttributeValues: parts.values,
    };
  }

  /**
   * Marks owners `departed` (`owners import --sync`), each only while it is
   * still in the directory and `active`. A write whose retry meets its own
   * change (`departed` with this import's `now`) counts as changed
   * ({@link conditionalUpdate}).
   * @returns owners changed (an owner changed meanwhile is skipped)
   */
  async markDeparted(userIds: readonly string[], now: string): Promise<number> {
    const pool = new TaskPool(this.options.writeConcurrency ?? 16);
    let changed = 0;
    for (const userId of userIds) {
      await pool.submit(async () => {
        const done = await this.conditionalUpdate(userId, `SET ${STATUS} = :departed, #updatedAt = :now`, {
          condition: `${STATUS} = :active`,
          names: { ...NAMES, '#updatedAt': OWNER_ATTR.updatedAt },
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
   * (`replacing`, as {@link freshness} gave it; `undefined`: none): written
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
  async recordFreshness(
    freshness: FreshnessRecord,
    importedAt: string,
    options: { readonly replacing?: StoredDirectoryFreshness } = {},
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [OWNER_ATTR.userId]: DIRECTORY_FRESHNESS_ID,
            [DIRECTORY_FRESHNESS_ATTR.asOf]: freshness.asOf,
            [DIRECTORY_FRESHNESS_ATTR.owners]: freshness.owners,
            [DIRECTORY_FRESHNESS_ATTR.importedAt]: importedAt,
            ...(freshness.contentDigest !== undefined && {
              [DIRECTORY_FRESHNESS_ATTR.contentDigest]: freshness.contentDigest,
            }),
          },
          ...stillAsReadCondition(options.replacing),
        }),
      );
      return true;
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return mayHaveApplied(error) && isFreshnessWritten(await this.freshness(), freshness, importedAt);
    }
  }

  /**
   * Records an owner's SNS email subscription state, its subscription ARN
   * (removed when the state has none) and the confirmation emails counted
   * (`OWNER_ATTR.confirmationEmailsSent`: set to the planned count, removed when
   * it has none), only while the directory still holds
   * what the state was planned from: the address (`email`, or none when
   * `undefined`; an import that changed it cleared the state, and it stays
   * cleared) and the state, ARN and count as read (`read`: {@link stillAsRead}). So
   * an overlapping run's or an operator's newer state is never overwritten.
   *
   * A failed condition is false even when it met this write's own earlier
   * attempt (a lost response the SDK sent again): the operator's commands
   * that call this judge that on a fresh read and say so (recorded meanwhile:
   * cli/use-cases/resubscribe-owners.ts, unsubscribe-owners.ts). The
   * reconciler's writes ({@link recordSubscriptionStates}) are judged here.
   * @returns false when the condition failed: the owner is absent, or their address, state or ARN has changed
   *   (nothing written), or this write's own earlier attempt changed them
   */
  async recordSubscription(planned: PlannedSubscriptionState): Promise<boolean> {
    return this.writeSubscription(planned, false);
  }

  /**
   * {@link recordSubscription}'s write; with `ownAttempts`, a failed condition that met the write's own earlier
   * attempt (the owner as it leaves them: {@link holdsSubscription}) counts as written ({@link conditionalUpdate}).
   */
  private writeSubscription(planned: PlannedSubscriptionState, ownAttempts: boolean): Promise<boolean> {
    const { userId, email, state, read } = planned;
    const parts = updateParts();
    parts.set.push('#subscription = :state');
    parts.values[':state'] = state;
    for (const [name, placeholder, value] of [
      ['#subscriptionArn', ':arn', planned.subscriptionArn],
      ['#sent', ':sent', planned.confirmationEmailsSent],
    ] as const) {
      if (value === undefined) parts.remove.push(name);
      else {
        parts.set.push(`${name} = ${placeholder}`);
        parts.values[placeholder] = value;
      }
    }
    const stillRead = stillAsRead(read);
    return this.conditionalUpdate(userId, updateExpression(parts), {
      condition: `${email === undefined ? readsAsAbsent('#email') : '#email = :email'} AND ${stillRead.condition}`,
      names: {
        '#subscription': OWNER_ATTR.subscription,
        '#subscriptionArn': OWNER_ATTR.subscriptionArn,
        '#sent': OWNER_ATTR.confirmationEmailsSent,
        '#email': OWNER_ATTR.email,
      },
      values: {
        ...parts.values,
        ...(email === undefined ? ABSENT_TEXT_VALUES : { ':email': email }),
        ...stillRead.values,
      },
      ...(ownAttempts && { leaves: (item) => holdsSubscription(item, planned) }),
    });
  }

  // --- OwnerSubscriptionRegistry (the subscription reconciler) ---

  /** Every owner, collected (the reconciler plans over the whole directory at once). */
  async listOwners(): Promise<readonly OwnerRecord[]> {
    const all: OwnerRecord[] = [];
    for await (const owner of this.owners()) all.push(owner);
    return all;
  }

  /**
   * Records each owner's subscription state ({@link recordSubscription},
   * bounded concurrency). A write whose attempts may have applied and whose
   * failed condition found the owner as it leaves them (the planned state
   * and ARN at the address: its own retry after a lost response met its own
   * change) is recorded, not skipped.
   * @returns the `userId`s skipped: absent, or their address, state or ARN changed since it was read (nothing written)
   */
  async recordSubscriptionStates(states: readonly PlannedSubscriptionState[]): Promise<readonly string[]> {
    const pool = new TaskPool(this.options.writeConcurrency ?? 16);
    const skipped: string[] = [];
    for (const planned of states) {
      await pool.submit(async () => {
        if (!(await this.writeSubscription(planned, true))) skipped.push(planned.userId);
      });
    }
    await pool.drain();
    return skipped;
  }

  /**
   * Marks an owner's address bouncing (the relay, on an SES permanent
   * bounce; a complaint is {@link recordComplaint}): only while the
   * directory still holds that address in exactly this spelling (a
   * condition cannot ignore case: the SES events use
   * case compares normalised and passes the spelling it read,
   * `lambdas/relay/ses-events.ts`), keeping the first bounce's instant.
   * @returns false when the owner is absent or their address has changed (nothing written)
   */
  async markBouncing(userId: string, email: string, since: string): Promise<boolean> {
    return this.conditionalUpdate(userId, 'SET #bouncingSince = if_not_exists(#bouncingSince, :since)', {
      condition: '#email = :email',
      names: { '#bouncingSince': OWNER_ATTR.bouncingSince, '#email': OWNER_ATTR.email },
      values: { ':since': since, ':email': email },
    });
  }

  /**
   * Ends an owner's bouncing by hand (`pc-hygiene owners clear-bouncing`:
   * the address is deliverable again without having changed, and SES no
   * longer suppresses it): removes `bouncingSince` with one conditional
   * `UpdateItem`, only while the owner exists, still has the address read
   * (`email`, in exactly this spelling; `undefined`: none, matched as
   * {@link readsAsAbsent} matches a damaged one) and is still bouncing since
   * the instant read (`since`). Nothing else is written (not `updatedAt`: only
   * imports write it).
   *
   * Why the condition is on the instant, not just on a bounce being recorded:
   * {@link markBouncing} keeps the first bounce's instant, so `since` changes
   * only when the bouncing ended and began again — an import that moved the
   * owner (it removes `bouncingSince`; a bounce at the new address records a
   * new one), or another clear followed by a new bounce. That new bounce is
   * about an address the operator has not vouched for, and wins. A bounce
   * reported while the owner is still bouncing since `since` records nothing
   * ({@link markBouncing}'s `if_not_exists`): it leaves the owner exactly as
   * read, as if it had come before the read, and is cleared with the rest
   * (the relay does not email a bouncing owner, so it is about an email sent
   * before they were marked). A bounce after this write marks them again. The
   * address is part of the condition because the bounce is about it: an import
   * that gave the owner another address, or only re-spelled it (which keeps
   * `bouncingSince`), changed what the operator read.
   *
   * A write whose retry meets its own removal (no `bouncingSince`, the
   * address as read) counts as cleared ({@link conditionalUpdate}).
   * @returns false when the owner is absent, or their address or `bouncingSince` has changed (nothing written)
   */
  async clearBouncing(userId: string, email: string | undefined, since: string): Promise<boolean> {
    const address = textStillAsRead('#email', ':email', email);
    return this.conditionalUpdate(userId, 'REMOVE #bouncingSince', {
      condition: `${address.condition} AND #bouncingSince = :since`,
      names: { '#bouncingSince': OWNER_ATTR.bouncingSince, '#email': OWNER_ATTR.email },
      values: { ':since': since, ...address.values },
      leaves: (item) =>
        item[OWNER_ATTR.bouncingSince] === undefined && textReadsAs(item, OWNER_ATTR.email, email),
    });
  }

  /**
   * Records an owner `unsubscribed` on an SES complaint (the relay, route
   * `relay`: the person marked the notice as spam, their own "stop"): only
   * while the owner exists and the directory still holds that address in
   * exactly this spelling, as {@link markBouncing}. One conditional
   * `UpdateItem` that sets the state only:
   * - not `updatedAt`: only imports write it. An import that read the owner
   *   before this write and moves them away is conditional on the state it
   *   read ({@link asPlannedCondition}), so it is refused, reads the owner
   *   again and, planning the move from `unsubscribed`, remembers the address
   *   in `optedOutAddresses`; an import that keeps the address writes only
   *   its stated fields (or, merging a line's opt-outs, is refused the same way).
   * - not `subscriptionArn`: the recorded ARN is left as it is, as the
   *   reconciler keeps it with `unsubscribed` (`unsubscribedState`) and
   *   `owners unsubscribe` without a topic does. On route `relay` the
   *   reconciler removes any owner subscription the ARN names (reason
   *   `route-relay`) and keeps an `unsubscribed` owner so, ARN and all; a
   *   subscription still live would win over the state whatever ARN is
   *   recorded, so removing it here would only lose the evidence of which
   *   subscription the owner had.
   * @returns false when the owner is absent or their address has changed (nothing written)
   */
  async recordComplaint(userId: string, email: string): Promise<boolean> {
    const parts = unsubscribedParts();
    return this.conditionalUpdate(userId, updateExpression(parts), {
      condition: '#email = :email',
      names: { ...parts.names, '#email': OWNER_ATTR.email },
      values: { ...parts.values, ':email': email },
    });
  }

  /**
   * Remembers opt-outs at addresses an owner no longer holds (an SES
   * complaint about an email the relay sent to an address an import moved
   * the owner away from): adds `digests` to {@link OWNER_ATTR.optedOutAddresses}
   * with one conditional `UpdateItem` (`ADD` to the String Set, so nothing
   * else of the set or the owner is written), only while the owner exists
   * and their address is still `email` in exactly this spelling (`undefined`:
   * none, matched as {@link readsAsAbsent} matches a damaged one). An
   * import that writes the set whole meanwhile is conditional on the set as
   * stored ({@link asPlannedCondition}), so it is refused and re-planned
   * instead of erasing the digests.
   *
   * A stored value that is not a String Set reads as absent (`digestsOf`),
   * and `ADD` of a String Set to it would fail on every retry: it is then
   * replaced by `digests`, as the import replaces it, with the same
   * condition on the owner and their address. That replacement's own change
   * fails its condition when the SDK sends it again after a lost response:
   * it then returns false, and its caller reads the owner again and writes
   * again (lambdas/relay/ses-events.ts), where the `ADD` succeeds.
   * @returns false when the owner is absent or their address has changed (nothing written)
   * @throws {RangeError} when `digests` is empty (DynamoDB holds no empty set)
   */
  async rememberOptedOutAddresses(
    userId: string,
    email: string | undefined,
    digests: readonly string[],
  ): Promise<boolean> {
    if (digests.length === 0)
      throw new RangeError(`owner ${JSON.stringify(userId)}: no address digests to remember`);
    const address = textStillAsRead('#email', ':email', email);
    const parts = {
      names: { '#optedOut': OWNER_ATTR.optedOutAddresses, '#email': OWNER_ATTR.email },
      values: { ':digests': new Set(digests), ':stringSet': 'SS', ...address.values },
    };
    const added = await this.conditionalUpdate(userId, 'ADD #optedOut :digests', {
      ...parts,
      condition: `${address.condition} AND (attribute_not_exists(#optedOut) OR attribute_type(#optedOut, :stringSet))`,
    });
    return (
      added ||
      this.conditionalUpdate(userId, 'SET #optedOut = :digests', {
        ...parts,
        condition: `${address.condition} AND attribute_exists(#optedOut) AND NOT attribute_type(#optedOut, :stringSet)`,
      })
    );
  }

  /**
   * One `UpdateItem` of an existing owner, conditional on `parts.condition`.
   *
   * A write whose own condition it falsifies (a state it moves away from, an
   * attribute it removes) fails that condition when the SDK sends it again
   * after its applied attempt's response was lost. Such a write passes
   * `leaves`, what the owner item holds once it applied: when its attempts may
   * have applied ({@link mayHaveApplied}) and the item the failed condition
   * returns (`ALL_OLD`) holds it, the write counts as done. A write whose own
   * change keeps its condition true (`markBouncing`, `recordComplaint`, the
   * `ADD` of {@link rememberOptedOutAddresses}) needs none: its retry succeeds.
   * @returns false when the condition failed (nothing written, or nothing `leaves` recognises as this write's)
   */
  private async conditionalUpdate(
    userId: string,
    update: string,
    parts: {
      readonly condition?: string;
      readonly names: Record<string, string>;
      readonly values: Record<string, unknown>;
      readonly leaves?: (item: Readonly<Record<string, unknown>>) => boolean;
    },
  ): Promise<boolean> {
    const exists = 'attribute_exists(#userId)';
    const { leaves } = parts;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [OWNER_ATTR.userId]: userId },
          UpdateExpression: update,
          ConditionExpression: parts.condition === undefined ? exists : `${exists} AND ${parts.condition}`,
          ExpressionAttributeNames: { ...parts.names, '#userId': OWNER_ATTR.userId },
          ExpressionAttributeValues: parts.values,
          ...(leaves !== undefined && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
        }),
      );
      return true;
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = failedConditionItem(error);
      return leaves !== undefined && item !== undefined && mayHaveApplied(error) && leaves(item);
    }
  }
}
