/**
 * Applies one credential's transitions as ONE conditional `UpdateItem`
 * (the transition write contract, docs/data-model.md): the write happens
 * only if every field the policy read still has the value it was read with,
 * and the owner's outbox events and the credential's history entries are
 * appended in the same write, so a committed change always has its notice and
 * its audit trail, and a changed item is never touched.
 */

import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { actionChanges } from '../hygiene/action-changes';
import { HISTORY_ATTR, HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from '../hygiene/data-contract';
import { historyLength, transitionHistory } from '../hygiene/history';
import { storedEvent } from '../hygiene/outbox-item';
import { DECISION_FIELDS, isDeletion } from '../hygiene/policy';
import type { Transition, TransitionResult, TransitionWriter } from '../hygiene/ports';
import { formatInstant } from '../hygiene/time';
import { TABLE_DEFINITION } from './credential-table-definition';
import { unmarshallOptions } from './dynamodb-client';
import { appendHistory } from './history-update';
import { UpdateExpressionBuilder } from './update-expression';

/**
 * The fields the policy reads: a write is conditional on each having exactly
 * the value (or absence) it was decided from. `deletedAt` is read as absent
 * (or null) for every credential the policy acts on.
 */
export const CONDITION_FIELDS = ['deletedAt', ...DECISION_FIELDS] as const;

/** Name used in `changed` when the item no longer exists. */
export const ITEM_GONE = '(item gone)';

/** Two actions of one transition write the same attribute (a policy bug, never written). */
export class ConflictingTransitionError extends Error {
  override readonly name = 'ConflictingTransitionError';
}

/** One `SET path = value-expression` or `REMOVE path` clause, keyed by attribute. */
type Clause = { readonly kind: 'set'; readonly expression: string } | { readonly kind: 'remove' };

/**
 * The `UpdateItem` request for a transition, or `undefined` when it has
 * nothing to write (no actions, no events). Exported for tests and docs.
 * @throws {ConflictingTransitionError} when two actions write one attribute
 */
export function transitionUpdate(tableName: string, transition: Transition): UpdateCommandInput | undefined {
  const { credential, actions, events, runId, now, purgeAt } = transition;
  if (actions.length === 0 && events.length === 0) return undefined;
  const x = new UpdateExpressionBuilder();
  const nowIso = formatInstant(now);
  const clauses = new Map<string, Clause>();
  const put = (attribute: string, clause: Clause) => {
    if (clauses.has(attribute)) {
      throw new ConflictingTransitionError(
        `credential ${credential.id}: actions ${actions.map((a) => a.type).join(', ')} both write ${attribute}`,
      );
    }
    clauses.set(attribute, clause);
  };
  const set = (attribute: string, value: unknown) =>
    put(attribute, { kind: 'set', expression: x.value(value) });

  for (const change of actionChanges(actions, { runId, now })) {
    if (change.kind === 'set') set(change.attribute, change.value);
    else put(change.attribute, { kind: 'remove' });
  }
  // With a notice queued, TTL waits until the notifier has sent it ("never lost", docs/notifications.md).
  if (purgeAt !== undefined && actions.some(isDeletion)) {
    set(events.length > 0 ? PURGE_PENDING_ATTR : HYGIENE_ATTR.purgeAt, purgeAt);
  }
  if (events.length > 0) {
    const outbox = x.name(OUTBOX_ATTR.events);
    put(OUTBOX_ATTR.events, {
      kind: 'set',
      expression: `list_append(if_not_exists(${outbox}, ${x.value([])}), ${x.value(events.map(storedEvent))})`,
    });
    set(OUTBOX_ATTR.owner, credential.userId);
    const since = x.name(OUTBOX_ATTR.since);
    put(OUTBOX_ATTR.since, { kind: 'set', expression: `if_not_exists(${since}, ${x.value(nowIso)})` });
  }

  for (const [attribute, clause] of clauses) {
    if (clause.kind === 'set') x.setExpression(x.name(attribute), clause.expression);
    else x.remove(attribute);
  }
  appendHistory(x, historyLengthOf(transition), transitionHistory(actions, { runId, now }));

  const key = TABLE_DEFINITION.partitionKey.name;
  x.condition(`attribute_exists(${x.name(key)})`);
  for (const field of CONDITION_FIELDS) {
    const read = credential.raw[field];
    const name = x.name(field);
    if (read === undefined) x.condition(`attribute_not_exists(${name})`);
    // The parser reads a stored NULL as "not set"; it must still be NULL at write time.
    else if (read === null) x.condition(`attribute_type(${name}, ${x.value('NULL')})`);
    else x.condition(`${name} = ${x.value(read)}`);
  }

  return {
    TableName: tableName,
    Key: { [key]: credential.id },
    ...x.build(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** The history length the transition was decided with: given (a compacted deletion), else the read item's. */
function historyLengthOf(transition: Transition): number {
  return transition.historyLength ?? historyLength(transition.credential.raw[HISTORY_ATTR]);
}

/**
 * The condition fields whose current value differs from the value read
 * (`hygieneHistory` when only its length did): `(item gone)` when the item was
 * deleted outright, `deletedAt` when it was soft-deleted meanwhile. Never empty.
 */
function changedFields(
  transition: Transition,
  current: Readonly<Record<string, unknown>> | undefined,
): string[] {
  if (current === undefined) return [ITEM_GONE];
  const read = transition.credential.raw;
  const changed: string[] = CONDITION_FIELDS.filter(
    (field) => !isDeepStrictEqual(read[field], current[field]),
  );
  // The history changes only with a condition field (every writer appends with its change): named when alone.
  if (changed.length === 0 && historyLengthOf(transition) !== historyLength(current[HISTORY_ATTR])) {
    changed.push(HISTORY_ATTR);
  }
  // A race that changed a field and changed it back: the condition still failed at that instant.
  return changed.length > 0 ? changed : ['(changed and restored)'];
}

/**
 * True when `current` provably holds this very transition, written by its own
 * run: a soft-delete stamped with the run id, or every one of its outbox events
 * (which carry the run id) still pending. Transitions without either proof
 * (an unflag, or a run that queues no events) are not claimed.
 */
export function appliedByRun(
  transition: Transition,
  current: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (current === undefined) return false;
  if (transition.actions.some(isDeletion)) {
    return (
      current[HYGIENE_ATTR.deletedByRun] === transition.runId &&
      current.deletedAt === formatInstant(transition.now)
    );
  }
  if (transition.events.length === 0) return false;
  const outbox = current[OUTBOX_ATTR.events];
  if (!Array.isArray(outbox)) return false;
  return transition.events.every((event) =>
    outbox.some((stored: unknown) => {
      const s = stored as { eventId?: unknown; runId?: unknown } | null;
      return s?.eventId === event.eventId && s.runId === transition.runId;
    }),
  );
}

/** {@link TransitionWriter} over a DynamoDB table. */
export class DynamoDbTransitionWriter implements TransitionWriter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the transition. A failed condition is an outcome
   * (`skipped-changed`), never an error and never retried; other errors
   * (after the SDK's own retries) propagate.
   */
  async apply(transition: Transition): Promise<TransitionResult> {
    const input = transitionUpdate(this.tableName, transition);
    if (!input) return { status: 'applied' };
    try {
      await this.client.send(new UpdateCommand(input));
      return { status: 'applied' };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client does not unmarshall the exception's item.
      const current = error.Item ? unmarshall(error.Item, unmarshallOptions()) : undefined;
      // Failed on an SDK retry: the first attempt may have taken effect (its response was lost).
      // Then the item holds this very transition: it is ours, not a change by someone else.
      const retried = (error.$metadata?.attempts ?? 1) > 1;
      if (retried && appliedByRun(transition, current)) return { status: 'applied' };
      return { status: 'skipped-changed', changed: changedFields(transition, current) };
    }
  }
}
