/**
 * Applies one credential's transitions as ONE conditional `UpdateItem`
 * (the transition write contract, docs/data-model.md): the write happens
 * only if every field the decision depends on (`CONDITION_FIELDS`: the owner
 * and the risk tier's lists too) still has the value it was read with,
 * and the owner's outbox events and the credential's history entries are
 * appended in the same write, so a committed change always has its notice and
 * its audit trail, and a changed item is never touched. A write that fails
 * but may have taken effect (`may-have-applied.ts`: its response lost) is
 * answered `may-have-applied`, not thrown, so the sweep still records a
 * deletion's manifest entry (docs/sweep.md, "Write failures"); one DynamoDB
 * refused for the item's size is answered `too-large`, so the sweep reports
 * the credential instead of counting a failed write every run (docs/data-model.md,
 * "Item size").
 */

import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HISTORY_ATTR, HYGIENE_ATTR, OUTBOX_ATTR } from '../hygiene/data-contract';
import { historyLength } from '../hygiene/history';
import { isDeletion } from '../hygiene/policy';
import type { Transition, TransitionResult, TransitionWriter } from '../hygiene/ports';
import { formatInstant } from '../hygiene/time';
import { failedConditionItem } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import { CONDITION_FIELDS, historyLengthOf, transitionUpdate } from './transition-write';

/** Name used in `changed` when the item no longer exists. */
export const ITEM_GONE = '(item gone)';

/** DynamoDB's words for a write refused by the 400 KB item limit (`Item size to update has exceeded …`). */
const ITEM_TOO_LARGE = /^Item size (?:to update )?has exceeded the maximum allowed size/;

/** Whether `error` is DynamoDB refusing a write for the item's size (a `ValidationException`: nothing applied). */
export function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && ITEM_TOO_LARGE.test(error.message);
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
   * (`skipped-changed`), never an error and never retried; another error
   * (after the SDK's own retries) is `may-have-applied` when the write may
   * have taken effect ({@link mayHaveApplied}), else `too-large` when
   * DynamoDB refused it for the item's size ({@link isItemTooLarge}), and
   * propagates otherwise.
   */
  apply(transition: Transition): Promise<TransitionResult> {
    return this.applyItem(transition, false);
  }

  /**
   * {@link apply}, told whether an earlier request carrying this transition
   * may have taken effect (a batch whose response was lost): then a failed
   * condition is checked against the run's own change, as after an SDK retry,
   * and a failed write may have applied whatever its own error.
   */
  async applyItem(transition: Transition, earlierAttempt: boolean): Promise<TransitionResult> {
    const input = transitionUpdate(this.tableName, transition);
    if (!input) return { status: 'applied' };
    try {
      await this.client.send(new UpdateCommand(input));
      return { status: 'applied' };
    } catch (error: unknown) {
      // Failed on an SDK retry, by a transient error, or after a lost batch: an earlier attempt may have
      // taken effect (may-have-applied.ts).
      const retried = earlierAttempt || mayHaveApplied(error);
      if (!(error instanceof ConditionalCheckFailedException)) {
        // The sweep records a deletion that may have applied in its manifest (docs/sweep.md, "Write failures").
        if (retried) return { status: 'may-have-applied', error };
        if (isItemTooLarge(error)) return { status: 'too-large', error };
        throw error;
      }
      const current = failedConditionItem(error);
      // Then the item holds this very transition: it is ours, not a change by someone else.
      if (retried && appliedByRun(transition, current)) return { status: 'applied' };
      return { status: 'skipped-changed', changed: changedFields(transition, current) };
    }
  }
}
