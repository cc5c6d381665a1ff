/**
 * Owner-reach figures as a test expects them in a run summary or a posture
 * report: `byReason` always carries every unreachable reason, so a test
 * names only the reasons it expects to count and the rest are zero; a
 * `sample` that names every unreachable owner omits none.
 */
import type { OwnerDeliveryRoute, UnreachableReason } from '../../lambdas/hygiene/owner-directory';

/** One owner the reach section names as unreachable. */
export interface UnreachableOwner {
  readonly userId: string;
  readonly reason: UnreachableReason;
}

/** Every reason at zero, then `counts`. */
export function reasonCounts(
  counts: Partial<Record<UnreachableReason, number>>,
): Record<UnreachableReason, number> {
  return {
    'not-in-directory': 0,
    departed: 0,
    'no-email': 0,
    'subscription-pending': 0,
    'subscription-unconfirmed': 0,
    unsubscribed: 0,
    'no-subscription': 0,
    bouncing: 0,
    'unsendable-address': 0,
    ...counts,
  };
}

/** A reach sample that lists every one of `records` (count = their number, none omitted). */
function completeSample<T>(records: readonly T[]): {
  count: number;
  omitted: 0;
  records: readonly T[];
} {
  return { count: records.length, omitted: 0, records };
}

/**
 * A run summary's verified reach section whose sample names every one of
 * `unreachable`: the owner count and the count per reason are theirs.
 */
export function verifiedReach(
  route: OwnerDeliveryRoute,
  ownersChecked: number,
  unreachable: readonly UnreachableOwner[],
) {
  const byReason = reasonCounts({});
  for (const owner of unreachable) byReason[owner.reason] += 1;
  return {
    status: 'verified',
    route,
    ownersChecked,
    unreachableOwners: unreachable.length,
    byReason,
    sample: completeSample(unreachable),
  };
}
