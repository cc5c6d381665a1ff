/**
 * One credential's transition write, described once and rendered two ways
 * (docs/data-model.md, "The transition write"): as a conditional `UpdateItem`
 * (the per-item path) and as a PartiQL `UPDATE` (the batched path: up to 25
 * statements in one `BatchExecuteStatement`, each its own conditional write at
 * the price of an `UpdateItem`). Both carry the same condition on every field
 * the decision depends on, so they write the same thing or nothing.
 *
 * Why two renderings of one description: PartiQL has no `if_not_exists`, so
 * the statement is written for the outbox's shape as read (absent, or a list
 * to append to) and its `WHERE` demands that shape; a statement whose guess
 * no longer holds fails and the writer sends that transition down the
 * per-item path, which needs no guess.
 */

import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { actionChanges } from '../hygiene/action-changes';
import { HISTORY_ATTR, HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from '../hygiene/data-contract';
import type { OutboxEvent } from '../hygiene/events';
import { type HistoryEntry, historyLength, planHistoryAppend, transitionHistory } from '../hygiene/history';
import { storedEvent } from '../hygiene/outbox-item';
import { DECISION_FIELDS, isDeletion } from '../hygiene/policy';
import type { RawItem, Transition } from '../hygiene/ports';
import { formatInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { appendHistory } from './history-update';
import { partiqlIdentifier } from './outbox-mark-write';
import { UpdateExpressionBuilder } from './update-expression';

/**
 * The fields the decision depends on ({@link DECISION_FIELDS}: the owner, the
 * dates, the risk tier's lists, the bookkeeping): a write is conditional on
 * each having exactly the value (or absence) it was decided from, a list or a
 * string set compared whole with `=` in both renderings (order matters for a
 * list, not for a set; a list stored again as a set is a change).
 * `deletedAt` is read as absent (or null) for every credential the policy
 * acts on.
 */
export const CONDITION_FIELDS = ['deletedAt', ...DECISION_FIELDS] as const;

/** Two actions of one transition write the same attribute (a policy bug, never written). */
export class ConflictingTransitionError extends Error {
  override readonly name = 'ConflictingTransitionError';
}

/** What one attribute of the item gets. */
export type TransitionClause =
  | { readonly kind: 'set'; readonly value: unknown }
  | { readonly kind: 'remove' }
  /** The outbox: these entries appended (the list created when absent). */
  | { readonly kind: 'append'; readonly entries: readonly unknown[] }
  /** The outbox's `since`: set only when absent (the oldest pending event keeps its instant). */
  | { readonly kind: 'set-if-absent'; readonly value: string };

/** What a transition writes and what it is conditional on. */
export interface TransitionWrite {
  /** The credential's key. */
  readonly id: string;
  /** Per attribute, in the order they were planned. */
  readonly clauses: ReadonlyMap<string, TransitionClause>;
  /** The history's length when read (the write is conditional on it) and the entries appended. */
  readonly history: { readonly length: number; readonly entries: readonly HistoryEntry[] };
  /** Each condition field with the value it was read with (`undefined`: absent). */
  readonly conditions: readonly { readonly field: string; readonly read: unknown }[];
}

/**
 * The write for a transition, or `undefined` when it has nothing to write
 * (no actions, no events).
 * @throws {ConflictingTransitionError} when two actions write one attribute
 */
export function transitionWrite(transition: Transition): TransitionWrite | undefined {
  const { credential, actions, events, runId, now, purgeAt } = transition;
  if (actions.length === 0 && events.length === 0) return undefined;
  const clauses = new Map<string, TransitionClause>();
  const put = (attribute: string, clause: TransitionClause) => {
    if (clauses.has(attribute)) {
      throw new ConflictingTransitionError(
        `credential ${credential.id}: actions ${actions.map((a) => a.type).join(', ')} both write ${attribute}`,
      );
    }
    clauses.set(attribute, clause);
  };
  for (const change of actionChanges(actions, { runId, now })) {
    put(change.attribute, change.kind === 'set' ? { kind: 'set', value: change.value } : { kind: 'remove' });
  }
  // With a notice queued, TTL waits until the notifier has sent it ("never lost", docs/notifications.md).
  if (purgeAt !== undefined && actions.some(isDeletion)) {
    put(events.length > 0 ? PURGE_PENDING_ATTR : HYGIENE_ATTR.purgeAt, { kind: 'set', value: purgeAt });
  }
  if (events.length > 0) {
    const owner = outboxOwner(credential.raw, credential.userId);
    put(OUTBOX_ATTR.events, { kind: 'append', entries: events.map((e) => outboxEntry(e, owner)) });
    put(OUTBOX_ATTR.owner, { kind: 'set', value: owner });
    put(OUTBOX_ATTR.since, { kind: 'set-if-absent', value: formatInstant(now) });
  }
  return {
    id: credential.id,
    clauses,
    history: { length: historyLengthOf(transition), entries: transitionHistory(actions, { runId, now }) },
    conditions: CONDITION_FIELDS.map((field) => ({ field, read: credential.raw[field] })),
  };
}

/**
 * The outbox owner the write keeps: the owner of notices already pending
 * (`hygieneOutboxOwner` as read), else the credential's owner. A credential
 * reassigned while notices for its earlier owner are pending keeps them
 * routed to that owner (the drain then reports them as addressed to another
 * owner, docs/notifications.md), instead of handing them to the new one.
 */
function outboxOwner(raw: RawItem, credentialOwner: string): string {
  const pendingFor = raw[OUTBOX_ATTR.owner];
  return typeof pendingFor === 'string' && pendingFor !== '' ? pendingFor : credentialOwner;
}

/** An event as appended: compact when addressed to the outbox owner, else whole (naming its own owner). */
function outboxEntry(event: OutboxEvent, outboxOwnerId: string): unknown {
  return event.userId === outboxOwnerId ? storedEvent(event) : event;
}

/** The history length the transition was decided with: given (a compacted deletion), else the read item's. */
export function historyLengthOf(transition: Transition): number {
  return transition.historyLength ?? historyLength(transition.credential.raw[HISTORY_ATTR]);
}

/**
 * The `UpdateItem` request for a transition, or `undefined` when it has
 * nothing to write.
 * @throws {ConflictingTransitionError} when two actions write one attribute
 */
export function transitionUpdate(tableName: string, transition: Transition): UpdateCommandInput | undefined {
  const write = transitionWrite(transition);
  if (write === undefined) return undefined;
  const x = new UpdateExpressionBuilder();
  for (const [attribute, clause] of write.clauses) {
    const name = x.name(attribute);
    if (clause.kind === 'set') x.setExpression(name, x.value(clause.value));
    else if (clause.kind === 'remove') x.remove(attribute);
    else if (clause.kind === 'append') {
      x.setExpression(
        name,
        `list_append(if_not_exists(${name}, ${x.value([])}), ${x.value(clause.entries)})`,
      );
    } else x.setExpression(name, `if_not_exists(${name}, ${x.value(clause.value)})`);
  }
  appendHistory(x, write.history.length, write.history.entries);

  const key = TABLE_DEFINITION.partitionKey.name;
  x.condition(`attribute_exists(${x.name(key)})`);
  for (const { field, read } of write.conditions) x.conditionUnchanged(field, read);
  return {
    TableName: tableName,
    Key: { [key]: write.id },
    ...x.build(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * Whether the item as read holds an outbox to append to: the statement is
 * written for that shape (a compacted deletion keeps only `since`, which a
 * pending outbox always has).
 */
export function readOutboxPresent(raw: RawItem): boolean {
  return raw[OUTBOX_ATTR.events] !== undefined || raw[OUTBOX_ATTR.since] !== undefined;
}

/** A PartiQL statement with its positional parameters (any stored value: the document client marshalls them). */
export interface TransitionStatement {
  readonly Statement: string;
  readonly Parameters: unknown[];
}

/** A statement under construction: clauses, `WHERE` conditions, and their positional parameters in order. */
class StatementParts {
  readonly clauses: string[] = [];
  readonly setParameters: unknown[] = [];
  readonly where: string[] = [];
  readonly whereParameters: unknown[] = [];

  set(path: string, value: unknown, wrap = (p: string) => p): void {
    this.clauses.push(`SET ${path} = ${wrap('?')}`);
    this.setParameters.push(value);
  }

  condition(expression: string, ...parameters: unknown[]): void {
    this.where.push(expression);
    this.whereParameters.push(...parameters);
  }
}

/**
 * The history clauses and their condition: the same {@link planHistoryAppend} as {@link appendHistory} renders
 * (at most `HISTORY_MAX_DROP` removals, which keeps the statement within PartiQL's 8,192 characters).
 */
function historyParts(parts: StatementParts, history: TransitionWrite['history']): void {
  const plan = planHistoryAppend(history.length, history.entries);
  if (plan === undefined) return;
  const name = partiqlIdentifier(HISTORY_ATTR);
  if (plan.kind === 'replace') {
    parts.set(name, plan.entries);
    parts.condition(`(NOT attribute_type(${name}, ?) OR size(${name}) = ?)`, 'L', 0);
    return;
  }
  plan.entries.forEach((entry, i) => {
    parts.set(`${name}[${plan.length + i}]`, entry);
  });
  for (let i = 0; i < plan.drop; i++) parts.clauses.push(`REMOVE ${name}[${i}]`);
  parts.condition(`attribute_type(${name}, ?) AND size(${name}) = ?`, 'L', plan.length);
}

/**
 * The write as one PartiQL `UPDATE`, for the outbox's shape as read
 * (`outboxPresent`): appended to (`list_append`) and `since` kept, or created
 * with `since`; the `WHERE` requires that shape, the key (a PartiQL `UPDATE`
 * never creates an item), the history's length and every condition field.
 */
export function transitionStatement(
  tableName: string,
  write: TransitionWrite,
  outboxPresent: boolean,
): TransitionStatement {
  const parts = new StatementParts();
  parts.condition(`${partiqlIdentifier(TABLE_DEFINITION.partitionKey.name)} = ?`, write.id);
  for (const [attribute, clause] of write.clauses) {
    const name = partiqlIdentifier(attribute);
    if (clause.kind === 'set') parts.set(name, clause.value);
    else if (clause.kind === 'remove') parts.clauses.push(`REMOVE ${name}`);
    else if (clause.kind === 'append') {
      if (outboxPresent) parts.set(name, clause.entries, (p) => `list_append(${name}, ${p})`);
      else parts.set(name, clause.entries);
      parts.condition(`${name} IS ${outboxPresent ? 'NOT ' : ''}MISSING`);
    } else {
      if (!outboxPresent) parts.set(name, clause.value);
      parts.condition(`${name} IS ${outboxPresent ? 'NOT ' : ''}MISSING`);
    }
  }
  historyParts(parts, write.history);
  for (const { field, read } of write.conditions) {
    const name = partiqlIdentifier(field);
    if (read === undefined) parts.condition(`${name} IS MISSING`);
    else if (read === null) parts.condition(`attribute_type(${name}, ?)`, 'NULL');
    else parts.condition(`${name} = ?`, read);
  }
  return {
    Statement: `UPDATE ${partiqlIdentifier(tableName)} ${parts.clauses.join(' ')} WHERE ${parts.where.join(' AND ')}`,
    Parameters: [...parts.setParameters, ...parts.whereParameters],
  };
}
