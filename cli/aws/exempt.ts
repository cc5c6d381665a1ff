/**
 * Sets or clears `hygieneExempt` on one credential (`pc-hygiene exempt` /
 * `unexempt`), recording who, why and when as an entry in its history
 * (docs/data-model.md, "History"). One conditional write: on the exemption,
 * the `deletedAt` and the history length that were read, so a concurrent
 * change is never overwritten unnoticed — it is a conflict, to check and run again.
 *
 * A write whose response was lost is sent again by the SDK, and the retry
 * fails that condition on the write's own change. So a failed condition asks
 * for the item as it now is, and a write that may have applied
 * (`may-have-applied.ts`) and finds the item exactly as it leaves it — the
 * exemption requested, and this write's own entry last in a history of the
 * length it leaves — is done, not a conflict (docs/data-model.md, "How
 * conditional writes protect against races").
 *
 * An exemption does not undo a soft-delete: a credential the sweep (or its
 * owner) already deleted stays deleted, and its purge, if one is configured,
 * stays due — a restore cancels both (docs/rules.md, "Exempt credentials").
 * The result says so: it carries the deletion read (`deletedAt`, its reason,
 * the purge time) for the command to tell the operator. Nor may it erase one:
 * a write whose entry would push the deletion's own history entry out of the
 * bounded history — the record of why and by which run it was deleted, and
 * what `restore` needs to undo it — is refused, judged on the very item the
 * write is planned from, so the write's conditions on what it read cover any
 * change since ({@link DeletionHistoryFullError}).
 *
 * A CLI-only adapter.
 */
import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import { failedConditionItem, sendUnlessConditionFails } from '../../lambdas/aws/dynamodb-client';
import { appendHistory } from '../../lambdas/aws/history-update';
import { mayHaveApplied } from '../../lambdas/aws/may-have-applied';
import { UpdateExpressionBuilder } from '../../lambdas/aws/update-expression';
import { parseCredential } from '../../lambdas/hygiene/credential';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  isReservedId,
  PURGE_PENDING_ATTR,
} from '../../lambdas/hygiene/data-contract';
import {
  deletionRecord,
  dropsEntry,
  HISTORY_LIMIT,
  type HistoryEntry,
  historyLength,
  historyTrim,
  operatorFields,
} from '../../lambdas/hygiene/history';
import type { OperatorIdentity } from '../../lambdas/hygiene/operator-identity';
import { isExpired } from '../../lambdas/hygiene/policy';
import { formatInstant } from '../../lambdas/hygiene/time';
import { CredentialNotFoundError } from './restore';

/** Exempt or unexempt one credential, by whom (`by`, and the caller ARN when known) and why. */
export interface ExemptRequest extends OperatorIdentity {
  readonly id: string;
  /** `true`: exempt (set `hygieneExempt`); `false`: unexempt (remove it). */
  readonly exempt: boolean;
  readonly reason: string;
  /** The instant recorded in the history entry (epoch ms). */
  readonly now: number;
  /**
   * The `restore` of this credential as the operator would type it, named in a {@link DeletionHistoryFullError}
   * as the command to run first (absent: the refusal says only to restore it first).
   */
  readonly restoreCommand?: string;
}

/**
 * The soft-delete of a credential as read, which neither `exempt` nor `unexempt` changes: only `restore` undoes it
 * (docs/data-model.md, "Restore"). Empty for a credential that is not deleted.
 */
export interface CredentialDeletion {
  /** `deletedAt` as stored: the credential is soft-deleted. */
  readonly deletedAt?: string;
  /** `hygieneDeletedReason`: why pc-hygiene deleted it; absent for a deletion made upstream (restore refuses those). */
  readonly deletedReason?: string;
  /**
   * When DynamoDB's TTL may remove the item for good (`hygienePurgeAt`, else the purge held back for its deletion
   * notice, `hygienePurgePending`; docs/data-model.md, "Purge waits for the deletion notice"), unless restored first.
   */
  readonly purgeAt?: string;
}

/**
 * A deletion the next sweep makes of a live credential no longer exempt, by its own dates at the instant recorded
 * (docs/rules.md, "Precedence": expired first, then orphaned, then stale): `since` is its `expiresTime`, or the
 * `deleteAfter` of its orphan or stale flag, that has passed. A flag's deletion still waits on its rule (the owner
 * still departed; not used since it was flagged); an expired credential's does not.
 */
export interface DeletionDue {
  readonly rule: 'expired' | 'orphaned' | 'stale';
  readonly since: string;
}

/** What happened, and who did it (as recorded in the history entry); and the credential's soft-delete, if any. */
export interface ExemptResult extends OperatorIdentity, CredentialDeletion {
  readonly id: string;
  readonly exempt: boolean;
  /** False when the credential already was in the requested state (nothing written). */
  readonly changed: boolean;
  readonly at: string;
  readonly reason: string;
  /** `unexempt` of a valid, live credential whose deletion has come due ({@link DeletionDue}); absent otherwise. */
  readonly deletionDue?: DeletionDue;
}

/** The credential changed between the read and the write. */
export class ExemptConflictError extends Error {
  override readonly name = 'ExemptConflictError';
}

/** A pc-hygiene soft-delete as its history records it: the entry `restore` needs to undo it. */
export interface RecordedDeletion {
  readonly deletedAt: string;
  readonly deletedByRun: string;
}

/**
 * An `exempt` or `unexempt` refused before it writes: the credential is soft-deleted and this write's history
 * entry would push its deletion's entry out of the bounded history — the record of why and by which run it was
 * deleted, which `restore` needs to undo it (docs/data-model.md, "Restore"). Nothing is written: restore it first,
 * then change its exemption.
 */
export class DeletionHistoryFullError extends Error {
  override readonly name = 'DeletionHistoryFullError';

  /**
   * @param request the refused request (its `restoreCommand`, when given, is named as the command to run first)
   * @param deletion the deletion whose entry the write would push out
   */
  constructor(
    request: Pick<ExemptRequest, 'id' | 'exempt' | 'restoreCommand'>,
    readonly deletion: RecordedDeletion,
  ) {
    const command = request.exempt ? 'exempt' : 'unexempt';
    const { deletedAt, deletedByRun } = deletion;
    const restoreFirst = request.restoreCommand === undefined ? '' : ` (${request.restoreCommand})`;
    super(
      `credential ${request.id} is soft-deleted (deletedAt ${deletedAt}, by run ${deletedByRun}) and its history ` +
        `is full (the newest ${HISTORY_LIMIT} entries are kept): this ${command}'s entry would push out the ` +
        `oldest, run ${deletedByRun}'s deletion entry, which records why it was deleted and which restore needs ` +
        `to undo it. Nothing written: restore it first${restoreFirst}, then ${command} it`,
    );
  }
}

/** The conditional write planned from the item read, and how it leaves the item. */
interface ExemptWrite {
  readonly update: ReturnType<UpdateExpressionBuilder['build']>;
  /** `true`: it sets `hygieneExempt`; `false`: it removes it. */
  readonly exempt: boolean;
  /** This write's history entry. */
  readonly entry: HistoryEntry;
  /** How many entries the history holds once written: the length read, less the oldest dropped, plus the entry. */
  readonly lengthAfter: number;
}

/**
 * Sets or clears the exemption.
 * @throws {CredentialNotFoundError} unknown id, or a reserved id (the worker's own items)
 * @throws {DeletionHistoryFullError} the write's entry would push the credential's deletion entry out of its history
 * @throws {ExemptConflictError} changed between read and write, and not by this write's own earlier attempt
 *   (run it again)
 */
export async function setExempt(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: ExemptRequest,
): Promise<ExemptResult> {
  const { id, exempt, reason } = request;
  const who = operatorFields(request);
  const at = formatInstant(request.now);
  const key = TABLE_DEFINITION.partitionKey.name;
  if (isReservedId(id)) {
    throw new CredentialNotFoundError(`${id} is a reserved id (the worker's own item), not a credential`);
  }
  const { Item: item } = await client.send(
    new GetCommand({ TableName: tableName, Key: { [key]: id }, ConsistentRead: true }),
  );
  if (!item) throw new CredentialNotFoundError(`no credential with id ${id} in ${tableName}`);
  // The write's conditions on `deletedAt` and the history's length hold the deletion read: a sweep's deletion or a
  // restore in between fails the write (a conflict), so it is never reported stale.
  const due = exempt ? undefined : deletionDueOf(item, request.now);
  const result = { id, exempt, at, ...who, reason, ...deletionOf(item), ...(due && { deletionDue: due }) };
  if ((item[HYGIENE_ATTR.exempt] === true) === exempt) return { ...result, changed: false };

  const dropped = deletionDroppedByWrite(item);
  if (dropped !== undefined) throw new DeletionHistoryFullError(request, dropped);
  const entry: HistoryEntry = { at, action: exempt ? 'exempt' : 'unexempt', ...who, reason };
  await writeExempt(client, tableName, id, planWrite(item, exempt, entry));
  return { ...result, changed: true };
}

/** The soft-delete `item` holds ({@link CredentialDeletion}); none when `deletedAt` is absent or null. */
function deletionOf(item: Readonly<Record<string, unknown>>): CredentialDeletion {
  const { deletedAt } = item;
  if (deletedAt === undefined || deletedAt === null) return {};
  const reason = item[HYGIENE_ATTR.deletedReason];
  const purgeSeconds = item[HYGIENE_ATTR.purgeAt] ?? item[PURGE_PENDING_ATTR];
  return {
    deletedAt: String(deletedAt),
    ...(typeof reason === 'string' && { deletedReason: reason }),
    ...(isEpochSeconds(purgeSeconds) && { purgeAt: formatInstant(purgeSeconds * 1000) }),
  };
}

/**
 * The deletion that has come due for `item` at `now` ({@link DeletionDue}), read as the sweep reads it
 * (`parseCredential`; an invalid record is never acted on, a soft-deleted one has none).
 */
function deletionDueOf(item: Readonly<Record<string, unknown>>, now: number): DeletionDue | undefined {
  const parsed = parseCredential(item);
  if (!parsed.ok || parsed.credential.deletedAt !== undefined) return undefined;
  const { credential } = parsed;
  if (isExpired(credential, now)) return { rule: 'expired', since: formatInstant(credential.expiresTime.ms) };
  const { orphanedAt, orphanDeleteAfter, staleFlaggedAt, staleDeleteAfter } = credential.hygiene;
  if (orphanedAt !== undefined && orphanDeleteAfter !== undefined && orphanDeleteAfter.ms <= now)
    return { rule: 'orphaned', since: formatInstant(orphanDeleteAfter.ms) };
  if (staleFlaggedAt !== undefined && staleDeleteAfter !== undefined && staleDeleteAfter.ms <= now)
    return { rule: 'stale', since: formatInstant(staleDeleteAfter.ms) };
  return undefined;
}

/**
 * The soft-delete of `item` whose history entry this command's write — one entry appended, the oldest dropped past
 * the bound ({@link planWrite}) — would push out: a deletion `restore` undoes, one pc-hygiene made and its history
 * records ({@link deletionRecord}, lambdas/hygiene/history.ts, as restore checks it). `undefined` when the write
 * keeps that entry, or there is none to lose.
 */
function deletionDroppedByWrite(item: Readonly<Record<string, unknown>>): RecordedDeletion | undefined {
  const { deletedAt } = item;
  const record = deletionRecord(item);
  // A sweep writes `deletedAt` as text; the refusal names it so.
  if (record.kind !== 'recorded' || typeof deletedAt !== 'string') return undefined;
  const { deletedByRun, index } = record;
  return dropsEntry(historyLength(item[HISTORY_ATTR]), 1, index) ? { deletedAt, deletedByRun } : undefined;
}

/** The latest instant a JavaScript `Date` holds, in epoch seconds. */
const MAX_DATE_SECONDS = 8_640_000_000_000;

/** Whether `value` is a purge time as the worker writes one: whole epoch seconds a date can show. */
function isEpochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_DATE_SECONDS;
}

/**
 * The write: `hygieneExempt` set or removed and `entry` appended, conditional on the item existing and on the
 * exemption, the `deletedAt` and the history length read (absent as read stays absent). The `deletedAt`: a sweep
 * that deletes a credential whose history is at its bound appends its entry and drops the oldest, leaving the
 * length as read, so the length alone would let the write through and the result report a deleted credential live.
 */
function planWrite(
  item: Readonly<Record<string, unknown>>,
  exempt: boolean,
  entry: HistoryEntry,
): ExemptWrite {
  const key = TABLE_DEFINITION.partitionKey.name;
  const length = historyLength(item[HISTORY_ATTR]);
  const update = new UpdateExpressionBuilder();
  if (exempt) update.set(HYGIENE_ATTR.exempt, true);
  else update.remove(HYGIENE_ATTR.exempt);
  update.condition(`attribute_exists(${update.name(key)})`);
  for (const attribute of [HYGIENE_ATTR.exempt, 'deletedAt'])
    update.conditionUnchanged(attribute, item[attribute]);
  appendHistory(update, length, [entry]);
  const lengthAfter = length - historyTrim(length, 1) + 1;
  return { update: update.build(), exempt, entry, lengthAfter };
}

/**
 * Sends the write. A failed condition is a conflict, unless the write may have applied in an earlier attempt
 * whose response was lost (`may-have-applied.ts`) and the item, as the failure returned it, holds exactly that
 * attempt's change ({@link holdsOwnWrite}): then it is done.
 * @throws {ExemptConflictError} the condition failed on another writer's change
 */
async function writeExempt(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  write: ExemptWrite,
): Promise<void> {
  const sent = await sendUnlessConditionFails(
    client,
    new UpdateCommand({
      TableName: tableName,
      Key: { [TABLE_DEFINITION.partitionKey.name]: id },
      ...write.update,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (sent.applied) return;
  // An earlier attempt applied, its response lost: the SDK's retry failed its condition on this very write.
  if (mayHaveApplied(sent.failed) && holdsOwnWrite(failedConditionItem(sent.failed), write)) return;
  throw new ExemptConflictError(
    `credential ${id} changed while writing its exemption: check it and run again`,
  );
}

/**
 * Whether `item` (as the failed condition returned it) is exactly as `write` leaves it: the exemption requested
 * (`hygieneExempt` true, or absent for `unexempt`), and a history of the length the write leaves whose last entry
 * is this write's own (same instant, action, operator, caller ARN and reason). Anything else — another writer's
 * change, before or after this write's own — is a conflict.
 */
function holdsOwnWrite(item: Record<string, unknown> | undefined, write: ExemptWrite): boolean {
  if (item === undefined) return false;
  const stored = item[HYGIENE_ATTR.exempt];
  if (write.exempt ? stored !== true : stored !== undefined) return false;
  const history = item[HISTORY_ATTR];
  return (
    Array.isArray(history) &&
    history.length === write.lengthAfter &&
    isDeepStrictEqual(history.at(-1), write.entry)
  );
}
