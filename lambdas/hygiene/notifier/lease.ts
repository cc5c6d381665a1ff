/**
 * The drain lease (docs/notifications.md, "The outbox protocol"): ONE
 * conditional write lets one drain at a time publish and mark, instead of a
 * claim per item. Taken after listing (an empty outbox costs no write),
 * renewed before a chunk and before the admin report when less than half of
 * it is left, and released at the end — except when a published event could
 * not be marked: then the lease is kept until it lapses, as a crash would
 * leave it, so the next drain does not publish those events again at once.
 * A renewal is the same conditional write as the first take: it succeeds
 * while the lease is this drain's, and also when it lapsed and no other drain
 * holds it (taken back); it fails while another drain holds it, or when the
 * write itself fails (an error after the SDK's retries).
 */
import type { LeaseResult } from '../outbox-ports';
import { type DrainContext, type DrainState, recordStoreError } from './drain-state';
import type { LeaseHeld } from './types';

/** The `userId` a failed lease write is recorded under (it concerns no owner). */
const LEASE_FAILURE_OWNER = '(drain lease)';

/** Takes the lease; false when another drain holds it (everything listed counts as a claim conflict) or the write failed. */
export async function takeLease(context: DrainContext, state: DrainState): Promise<boolean> {
  const outcome = await askLease(context, state);
  if (outcome === 'conflict') state.counters.claimConflicts += state.counters.pendingItems;
  return outcome === 'held';
}

/**
 * Before a chunk or the admin report: renews the lease when less than half of it is left.
 * @returns false when the lease is lost — another drain holds it, or the write failed (the drain must start
 *   no chunk and no report: only the lease holder publishes and marks)
 */
export async function keepLease(context: DrainContext, state: DrainState): Promise<boolean> {
  if (state.leaseUntil === undefined) return false;
  const remaining = state.leaseUntil - context.deps.clock();
  if (remaining > context.settings.leaseMs / 2) return true;
  return (await askLease(context, state)) === 'held';
}

/** Releases the lease unless a published event is still unmarked (then it lapses by itself). */
export async function releaseLease(context: DrainContext, state: DrainState): Promise<void> {
  if (state.leaseUntil === undefined || state.unmarkedAfterPublish > 0) return;
  try {
    await context.deps.outbox.releaseLease(context.settings.drainId);
    state.leaseUntil = undefined;
  } catch (error: unknown) {
    // The lease lapses by itself; nothing is lost.
    recordStoreError(state, LEASE_FAILURE_OWNER, error, 0);
  }
}

async function askLease(context: DrainContext, state: DrainState): Promise<'held' | 'conflict' | 'failed'> {
  const { deps, settings } = context;
  const now = deps.clock();
  try {
    const result = await deps.outbox.acquireLease({
      drainId: settings.drainId,
      now,
      leaseUntil: now + settings.leaseMs,
    });
    state.leaseUntil = result.status === 'held' ? now + settings.leaseMs : undefined;
    if (result.status === 'conflict') state.leaseHeld = leaseHeldOf(result);
    return result.status;
  } catch (error: unknown) {
    // Nothing is published without the lease: the items stay pending for the next drain.
    recordStoreError(state, LEASE_FAILURE_OWNER, error, 0);
    state.leaseUntil = undefined;
    return 'failed';
  }
}

/** Who holds the lease this drain was refused, and until when, as far as the store said. */
function leaseHeldOf(conflict: Extract<LeaseResult, { status: 'conflict' }>): LeaseHeld {
  return {
    ...(conflict.heldBy !== undefined && { holder: conflict.heldBy }),
    ...(conflict.until !== undefined && { until: conflict.until }),
  };
}
