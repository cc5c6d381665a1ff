/**
 * A stored owner item read as an {@link OwnerRecord} ({@link ownerFromItem};
 * items: docs/data-model.md, "Owner directory"), and the condition fragments
 * that match a stored value the same way.
 *
 * Why together: every conditional write of the directory (the import's, the
 * subscription reconciler's, the relay's, the operator's `owners` commands)
 * is conditional on what a reader saw, and a reader sees a damaged value (a
 * text attribute that is not a non-empty string, an unknown subscription
 * state, a count that is not a number) as absent. A condition that matched
 * such a value any other way would refuse the write on every run, so the
 * reading and its conditions are one module, changed together. It also names
 * what every read and write of the directory goes to ({@link OwnerTable}).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isReservedId, OWNER_ATTR } from '../hygiene/data-contract';
import { isAddressDigest } from '../hygiene/opted-out-address';
import { type OwnerRecord, SUBSCRIPTION_STATES, type SubscriptionState } from '../hygiene/owner-directory';

/** The owner directory table a read or write goes to: the document client and the table's name. */
export interface OwnerTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** A condition fragment of an owner write and the placeholder values it uses. */
export interface ConditionPart {
  readonly condition: string;
  readonly values: Record<string, unknown>;
}

/** The `status` attribute's name placeholder. */
export const STATUS = '#status';
/** The name map of {@link STATUS}. */
export const STATUS_NAMES = { [STATUS]: OWNER_ATTR.status };

/** Placeholders for the known subscription states in a condition (`IN`): any other stored value reads as none. */
const STATE_VALUES = SUBSCRIPTION_STATES.map((_, i) => `:known${i}`);

/** The placeholders {@link readsAsAbsent} uses. */
export const ABSENT_TEXT_VALUES = { ':string': 'S', ':empty': '' };

/**
 * The condition that a text attribute (`name`: its placeholder) reads as absent, as {@link ownerFromItem} reads
 * one: missing, or not a non-empty string (a damaged value reads as absent, so it must match as absent, or the
 * write would be refused on every run). Its values: {@link ABSENT_TEXT_VALUES}.
 */
export function readsAsAbsent(name: string): string {
  return `(attribute_not_exists(${name}) OR NOT attribute_type(${name}, :string) OR ${name} = :empty)`;
}

/**
 * The condition that a text attribute (`name`) still reads as `read`: equal
 * to it (its value under `placeholder`), or, when `read` is absent, absent as
 * {@link readsAsAbsent} matches it.
 */
export function textStillAsRead(name: string, placeholder: string, read: string | undefined): ConditionPart {
  return read === undefined
    ? { condition: readsAsAbsent(name), values: ABSENT_TEXT_VALUES }
    : { condition: `${name} = ${placeholder}`, values: { [placeholder]: read } };
}

/** Whether the text attribute `name` of `item` reads as `read`, as {@link textStillAsRead}'s condition matches it. */
export function textReadsAs(
  item: Readonly<Record<string, unknown>>,
  name: string,
  read: string | undefined,
): boolean {
  const value = item[name];
  return read === undefined ? typeof value !== 'string' || value === '' : value === read;
}

/**
 * The condition that the stored `subscription` (`#subscription`) still reads as `read` (absent: missing, or a
 * state {@link ownerFromItem} does not know, so a damaged value is replaced, not a write blocked forever).
 */
export function stateStillAsRead(read: SubscriptionState | undefined): ConditionPart {
  return read === undefined
    ? {
        condition: `(attribute_not_exists(#subscription) OR NOT (#subscription IN (${STATE_VALUES.join(', ')})))`,
        values: Object.fromEntries(SUBSCRIPTION_STATES.map((s, i) => [STATE_VALUES[i], s])),
      }
    : { condition: '#subscription = :readState', values: { ':readState': read } };
}

/** A stored confirmation count as {@link ownerFromItem} reads it: a number, else absent (a damaged value). */
export function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The stored opt-out digests as {@link OwnerRecord.optedOutAddresses}: a String Set's elements that are digests,
 * sorted. Anything else reads as absent, as a damaged text attribute does (another type; a non-digest element).
 */
export function digestsOf(value: unknown): readonly string[] | undefined {
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
