/**
 * The notifier use case (docs/notifications.md): drain the durable outbox
 * into one digest per owner. Anything not published stays pending for the
 * next drain, however long the publisher is down. Over ports only: no AWS
 * here. The phases live in `notifier/` (list, claim, render, publish, mark),
 * each a function over the drain's explicit context and state.
 *
 * Exactly-once between concurrent drains comes from the claim (a conditional
 * lease on the base-table item); the only duplicate window is a crash between
 * publishing and marking (see docs/notifications.md).
 */
import { drainSettings, newDrainState, summarize } from './notifier/drain-state';
import { listPending } from './notifier/list';
import { drainOwnerGroups } from './notifier/owner-groups';
import type { NotifierDeps, NotifierOptions, NotifierSummary } from './notifier/types';

export { batchEntries } from './notifier/publish';
export { groupByOwner } from './notifier/render';
export type {
  DeliveryFailure,
  NotifierDeps,
  NotifierOptions,
  NotifierSummary,
} from './notifier/types';
export { NOTIFIER_FAILURE_LIMIT } from './notifier/types';

/**
 * Drains the outbox once: list the pending items' keys → per group of owners
 * (≤ 10 messages and ≤ 256 KiB a call): claim → render → publish → mark.
 * There is no progress callback: the summary is the only report.
 */
export async function runNotifier(
  deps: NotifierDeps,
  options: NotifierOptions = {},
): Promise<NotifierSummary> {
  const context = { deps, settings: drainSettings(options), now: deps.clock() };
  const state = newDrainState();
  const byOwner = await listPending(context, state);
  await drainOwnerGroups(context, state, byOwner);
  return summarize(context, state);
}
