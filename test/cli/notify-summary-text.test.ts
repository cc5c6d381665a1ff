/**
 * `pc-hygiene notify`'s text summary (docs/notifications.md, "Drain summary"):
 * it names the items holding malformed outbox entries by credential id (stored
 * text, shown with visible escapes), says how many more it does not list, and
 * says when judged events were not reported to the admins this drain.
 */
import { describe, expect, it } from 'vitest';
import { renderNotifySummaryText } from '../../cli/commands/notify';
import type { NotifierSummary } from '../../lambdas/hygiene/notifier';
import { emptyReasonCounts } from '../../lambdas/hygiene/run-summary';

const clean: NotifierSummary = {
  drainId: 'd1',
  status: 'complete',
  startedAt: '2026-11-26T02:00:00.000Z',
  finishedAt: '2026-11-26T02:00:01.000Z',
  durationMs: 1000,
  pendingItems: 4,
  owners: 1,
  digests: 1,
  parts: 1,
  eventsPublished: 1,
  eventsFailed: 0,
  claimConflicts: 0,
  alreadyDrained: 0,
  malformedEvents: 0,
  eventsAlreadyMarked: 0,
  storeErrors: 0,
  oldestPendingAgeSeconds: 60,
  reach: 'verified',
  ownerDelivery: 'sns-email',
  subscriptionCheck: 'listed',
  unreachableOwners: 0,
  unreachableReasons: emptyReasonCounts(),
  unreachableEvents: 0,
  invalidEvents: 0,
  reportParts: 0,
  unreportedEvents: 0,
  malformedItems: { count: 0, records: [], omitted: 0 },
  failures: { count: 0, records: [], omitted: 0 },
};

const lines = (summary: NotifierSummary) => renderNotifySummaryText(summary, 'sns:topic').split('\n');

describe('notify text summary', () => {
  it('names the items holding malformed entries by credential id, escaped, and counts those not listed', () => {
    const text = lines({
      ...clean,
      malformedEvents: 5,
      malformedItems: {
        count: 4,
        records: [
          { credentialId: 'pc-1', entries: 2 },
          { credentialId: 'pc-\u001b[2J', entries: 1 },
        ],
        omitted: 2,
      },
    });

    expect(text).toContain('  malformed entries    5 in 4 items (never sent; inspect and repair the items)');
    expect(text).toContain('  malformed: pc-1 (2 entries)');
    expect(text).toContain('  malformed: pc-\\x1b[2J (1 entry)');
    expect(text).toContain('  ... 2 more items with malformed entries (not listed)');
    expect(text.join('\n')).not.toContain('\u001b');
  });

  it('says nothing of malformed entries when there are none', () => {
    expect(lines(clean).join('\n')).not.toContain('malformed');
  });

  it('says when events judged for the admin report were not reported this drain', () => {
    const skipped = {
      ...clean,
      status: 'incomplete',
      unreachableOwners: 1,
      unreachableReasons: { ...emptyReasonCounts(), 'not-in-directory': 1 },
      unreachableEvents: 2,
      unreportedEvents: 2,
    } as const;

    expect(lines(skipped)).toContain(
      "  admin report         2 unreachable owners' events, 0 addressed to the wrong owner; 0 messages published; " +
        '2 events NOT reported (left pending: a later drain reports them, except one too large for any message)',
    );
    expect(lines({ ...skipped, status: 'complete', reportParts: 1, unreportedEvents: 0 })).toContain(
      "  admin report         2 unreachable owners' events, 0 addressed to the wrong owner; 1 message published",
    );
  });
});
