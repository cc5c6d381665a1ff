/**
 * A drain's delivery failures as text lines, one per distinct cause: when a sink fails (the SNS topic refuses, the
 * file sink's disk is full), every owner of the drain fails the same way, and an operator needs the cause once with
 * whom it hit — not the same cause repeated owner after owner (docs/notifications.md, "Drain summary"). The
 * summary's `failures` list is capped, so the lines are bounded by that cap, and the rest is only counted.
 */
import type { DeliveryFailure } from '../../lambdas/hygiene/notifier/types';
import type { CappedList } from '../../lambdas/hygiene/run-summary';
import { terminalText } from '../../lambdas/render/sanitize';

/** Owners named on one cause's line; the rest of them are counted. */
const OWNERS_NAMED_PER_CAUSE = 5;

/** The listed failures of one cause (`code: message`), in the order the drain met them. */
interface CauseGroup {
  readonly cause: string;
  readonly owners: string[];
  events: number;
}

/** Groups `records` by cause, first met first; an owner failed twice by one cause is named once. */
function groupByCause(records: readonly DeliveryFailure[]): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const f of records) {
    const cause = `${f.code}: ${f.message}`;
    const group = groups.get(cause) ?? { cause, owners: [], events: 0 };
    if (!group.owners.includes(f.userId)) group.owners.push(f.userId);
    group.events += f.events;
    groups.set(cause, group);
  }
  return [...groups.values()];
}

/** `alice, bob` or `alice, …, erin and 15 more`. */
function ownersText(owners: readonly string[]): string {
  const named = owners.slice(0, OWNERS_NAMED_PER_CAUSE).join(', ');
  const more = owners.length - OWNERS_NAMED_PER_CAUSE;
  return more > 0 ? `${named} and ${more} more` : named;
}

/**
 * The lines of a drain's delivery failures (none when there were none): `  failed: OWNERS: CODE: MESSAGE (N events)`
 * once per distinct cause among the listed failures, then how many failures are not listed. Stored ids and error
 * texts are shown through `terminalText`.
 */
export function deliveryFailureLines(failures: CappedList<DeliveryFailure>): string[] {
  const lines = groupByCause(failures.records).map((g) =>
    terminalText(
      `  failed: ${ownersText(g.owners)}: ${g.cause} (${g.events} event${g.events === 1 ? '' : 's'})`,
    ),
  );
  if (failures.omitted > 0) lines.push(`  ... ${failures.omitted} more failures (not listed)`);
  return lines;
}
