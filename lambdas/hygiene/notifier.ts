/**
 * The notifier use case (docs/notifications.md): drain the durable outbox
 * into one digest per owner, and — with an owner directory — the events of
 * owners who cannot be reached into one admin report per drain. Anything not published stays pending for the
 * next drain, however long the publisher is down. Over ports only: no AWS
 * here. The phases live in `notifier/` (list, lease, read, reach, render, publish, mark, report),
 * each a function over the drain's explicit context and state.
 *
 * Exactly-once between concurrent drains comes from the drain lease (one
 * conditional write per drain on a reserved item); the duplicate windows (a
 * crash or a failed mark between publishing and marking, a publish the SDK
 * retried after a lost response) are listed in docs/notifications.md.
 */
import { type DrainContext, drainSettings, newDrainState, summarize } from './notifier/drain-state';
import { releaseLease, takeLease } from './notifier/lease';
import { listPending } from './notifier/list';
import { drainOwnerGroups } from './notifier/owner-groups';
import { checkSubscriptions, reachCheckOf } from './notifier/reach';
import { reportUndelivered } from './notifier/report';
import type { NotifierDeps, NotifierOptions, NotifierSummary } from './notifier/types';

export { SubscriptionListingError } from './notifier/live-subscriptions';
export { batchEntries } from './notifier/publish';
export { groupByOwner } from './notifier/render';
export type {
  DeliveryFailure,
  MalformedOutboxItem,
  NotifierDeps,
  NotifierOptions,
  NotifierSummary,
  SubscriptionCheckKind,
} from './notifier/types';
export { NOTIFIER_FAILURE_LIMIT, NOTIFIER_MALFORMED_ITEM_LIMIT } from './notifier/types';

/**
 * Drains the outbox once: list the pending items' keys → on `sns-email`
 * with a directory, list the topic's subscriptions once → take the drain
 * lease (nothing listed: no lease, no write) → per chunk of owners: keep the
 * lease, read → screen and judge reach → render → publish → mark → at the
 * end, while the lease is kept and the time budget not spent, one admin
 * report of the unreachable owners' and mismatched events, mark those, and
 * release the lease. There is no progress callback: the summary is the only report.
 * @throws the first unexpected error of a chunk (after the admin report of what was published)
 * @throws {SubscriptionListingError} when the topic's subscriptions cannot be listed (nothing published or written)
 */
export async function runNotifier(
  deps: NotifierDeps,
  options: NotifierOptions = {},
): Promise<NotifierSummary> {
  const now = deps.clock();
  const settings = drainSettings(options, deps.publisher.limits);
  let context: DrainContext = {
    deps,
    settings,
    now,
    reach: await reachCheckOf(deps, settings.ownerDelivery),
  };
  const state = newDrainState();
  const byOwner = await listPending(context, state);
  if (byOwner.size > 0) {
    // sns-email: the topic's subscriptions, listed once, before the lease and any publish (a failure throws here).
    context = { ...context, reach: await checkSubscriptions(context, state.counters.pendingItems) };
    if (await takeLease(context, state)) {
      await drainOwnerGroups(context, state, byOwner);
      await reportUndelivered(context, state);
      // An unexpected error may have left published events unmarked: keep the lease until it lapses.
      if (state.fatal === undefined) await releaseLease(context, state);
    }
  }
  if (state.fatal !== undefined) throw state.fatal.error;
  return summarize(context, state);
}
