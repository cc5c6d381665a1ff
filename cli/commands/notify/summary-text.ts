/**
 * A drain's summary as the readable lines `pc-hygiene notify` prints (docs/notifications.md, "Drain summary"): the
 * counts, owner reach, superseded and malformed outbox entries, store errors and delivery failures; the superseded,
 * malformed and subscription-check lines are shared with the dry run's preview (`preview.ts`).
 */
import type { NotifierSummary, SubscriptionCheckKind } from '../../../lambdas/hygiene/notifier';
import { terminalText } from '../../../lambdas/render/sanitize';
import { deliveryFailureLines } from '../../format/delivery-failures';
import { claimConflictsNote, leaseEndText } from './lease-notes';
import { notifyOutcome } from './outcome';

/** The summary as a few readable lines (stored ids shown through `terminalText`). */
export function renderNotifySummaryText(summary: NotifierSummary, sinkLabel: string): string {
  const lines = [
    `Notify ${summary.drainId}: ${statusText(summary)}`,
    `  sink                 ${sinkLabel}`,
    `  pending items read   ${summary.pendingItems}`,
    `  owners               ${summary.owners}`,
    `  digests published    ${summary.digests} (${summary.parts} message${summary.parts === 1 ? '' : 's'})`,
    `  events published     ${summary.eventsPublished}`,
    `  events failed        ${summary.eventsFailed}${summary.eventsFailed > 0 ? ' (left pending, retried next drain)' : ''}`,
    `  claim conflicts      ${summary.claimConflicts}${claimConflictsNote(summary)}`,
    `  oldest pending       ${summary.oldestPendingAgeSeconds} s`,
  ];
  lines.push(...reachLines(summary));
  lines.push(...supersededLines(summary));
  lines.push(...malformedLines(summary));
  if (summary.storeErrors > 0) lines.push(`  store errors         ${summary.storeErrors}`);
  lines.push(...deliveryFailureLines(summary.failures));
  return `${lines.join('\n')}\n`;
}

/** The heading's status: complete, or incomplete and why the rest waits ({@link notifyOutcome}). */
function statusText(summary: NotifierSummary): string {
  if (notifyOutcome(summary).status === 'complete') return 'complete';
  if (summary.leaseHeld === undefined) return 'INCOMPLETE (the rest waits for the next drain)';
  return `INCOMPLETE (another drain holds the drain lease ${leaseEndText(summary.leaseHeld)}: the rest waits for it)`;
}

/**
 * The pending notices the credentials had outgrown (docs/notifications.md, "Drain summary"; nothing when none): a
 * drain's summary and a dry run's preview say them alike.
 */
export function supersededLines(summary: Pick<NotifierSummary, 'supersededEvents'>): string[] {
  const n = summary.supersededEvents;
  if (n === 0) return [];
  return [
    `  superseded events    ${n} (no longer true: renewed, used again, flagged anew or no longer deleted; never sent, a drain removes them)`,
  ];
}

/**
 * The malformed outbox entries and the items holding them, by credential id (nothing when none): a drain's summary
 * and a dry run's preview say them alike.
 */
export function malformedLines(
  summary: Pick<NotifierSummary, 'malformedEvents' | 'malformedItems'>,
): string[] {
  if (summary.malformedEvents === 0) return [];
  const { count, records, omitted } = summary.malformedItems;
  const lines = [
    `  malformed entries    ${summary.malformedEvents} in ${count} item${count === 1 ? '' : 's'} (never sent; inspect and repair the items)`,
  ];
  for (const m of records)
    lines.push(
      terminalText(`  malformed: ${m.credentialId} (${m.entries} entr${m.entries === 1 ? 'y' : 'ies'})`),
    );
  if (omitted > 0)
    lines.push(`  ... ${omitted} more item${omitted === 1 ? '' : 's'} with malformed entries (not listed)`);
  return lines;
}

/** How owners recorded `confirmed` were checked, as a summary line says it (nothing when not applicable). */
const SUBSCRIPTION_CHECK_TEXT: Readonly<Record<SubscriptionCheckKind, string | undefined>> = {
  listed: 'listed on the topic: owners recorded confirmed were checked against its subscriptions',
  'recorded-states':
    'not listed: judged on the recorded states (no topic: --topic-arn or --stack lists its subscriptions)',
  'not-applicable': undefined,
};

/** The dry run's heading clause on the subscription check (empty when not applicable). */
export function subscriptionCheckNote(kind: SubscriptionCheckKind): string {
  const text = SUBSCRIPTION_CHECK_TEXT[kind];
  return text === undefined ? '' : `; subscriptions ${text}`;
}

/** The owner-reach lines of the summary (docs/notifications.md, "Owner reach"). */
function reachLines(summary: NotifierSummary): string[] {
  const lines: string[] = [];
  if (summary.reach === 'unverified') {
    lines.push(
      '  owner reach          unverified (no owner directory imported: every owner assumed reachable)',
    );
  } else {
    const reasons = Object.entries(summary.unreachableReasons)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${n}`);
    lines.push(
      `  owner reach          verified on ${summary.ownerDelivery}: ${summary.unreachableOwners} unreachable owner${summary.unreachableOwners === 1 ? '' : 's'}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
    );
  }
  const check = SUBSCRIPTION_CHECK_TEXT[summary.subscriptionCheck];
  if (check !== undefined) lines.push(`  subscriptions        ${check}`);
  if (summary.unreachableEvents > 0 || summary.invalidEvents > 0 || summary.reportParts > 0) {
    const unreported = summary.unreportedEvents;
    lines.push(
      `  admin report         ${summary.unreachableEvents} unreachable owners' event${summary.unreachableEvents === 1 ? '' : 's'}, ` +
        `${summary.invalidEvents} addressed to the wrong owner; ${summary.reportParts} message${summary.reportParts === 1 ? '' : 's'} published` +
        (unreported > 0
          ? `; ${unreported} event${unreported === 1 ? '' : 's'} NOT reported (left pending: a later drain reports them, except one too large for any message)`
          : ''),
    );
  }
  return lines;
}
