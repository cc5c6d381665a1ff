/**
 * `pc-hygiene notify`'s text summary (docs/notifications.md, "Drain summary"):
 * it names the items holding malformed outbox entries by credential id (stored
 * text, shown with visible escapes), says how many more it does not list, and
 * says when judged events were not reported to the admins this drain. A drain
 * that met another drain's live lease reads incomplete, names until when, and
 * exits 4, as a drain `maxItems` stopped does; undelivered events exit 1.
 * Delivery failures are said once per cause, naming the owners it failed.
 * Superseded notices (removed unsent) are counted in a line of their own.
 */
import { describe, expect, it } from 'vitest';
import {
  leaseHeldNote,
  notifyExitCode,
  notifyOutcome,
  renderNotifySummaryText,
} from '../../cli/commands/notify';
import { EXIT_CODE } from '../../cli/exit-codes';
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
  supersededEvents: 0,
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

  it('says each failure cause once, with the owners it failed, however many owners it failed', () => {
    const enospc = { code: 'Error', message: 'ENOSPC: no space left on device, write', senderFault: false };
    const owners = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    const text = lines({
      ...clean,
      status: 'incomplete',
      eventsFailed: 12,
      failures: {
        count: 40,
        records: [
          ...owners.map((userId) => ({ ...enospc, userId, events: 1 })),
          {
            userId: 'heidi',
            code: 'AuthorizationError',
            message: 'not \u001b[2Jallowed',
            senderFault: true,
            events: 4,
          },
          // A second part of alice's digest, failed the same way: she is named once, her events counted.
          { ...enospc, userId: 'alice', events: 1 },
        ],
        omitted: 31,
      },
    });

    expect(text.filter((l) => l.startsWith('  failed: '))).toEqual([
      '  failed: alice, bob, carol, dave, erin and 2 more: Error: ENOSPC: no space left on device, write (8 events)',
      '  failed: heidi: AuthorizationError: not \\x1b[2Jallowed (4 events)',
    ]);
    expect(text).toContain('  ... 31 more failures (not listed)');
  });

  it('says how many pending notices the credentials had outgrown (removed unsent), and nothing when none', () => {
    expect(lines({ ...clean, supersededEvents: 2 })).toContain(
      '  superseded events    2 (no longer true: renewed, used again, flagged anew or no longer deleted; never sent, a drain removes them)',
    );
    expect(lines(clean).join('\n')).not.toContain('superseded');
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

  describe('another drain holding the drain lease', () => {
    const held: NotifierSummary = {
      ...clean,
      owners: 0,
      digests: 0,
      parts: 0,
      eventsPublished: 0,
      claimConflicts: 4,
      leaseHeld: { holder: 'killed-\u001b[2J', until: '2026-11-26T02:05:02.000Z' },
    };

    it('reads incomplete until the lease ends, even when the drain counted itself complete', () => {
      const text = lines(held);

      expect(notifyOutcome(held).status).toBe('incomplete');
      expect(text[0]).toBe(
        'Notify d1: INCOMPLETE (another drain holds the drain lease until 2026-11-26T02:05:02.000Z: the rest waits for it)',
      );
      expect(text).toContain(
        '  claim conflicts      4 (another drain holds the drain lease until 2026-11-26T02:05:02.000Z)',
      );
      expect(notifyExitCode(held)).toBe(EXIT_CODE.incomplete);
    });

    it('names the holder escaped and when to run again; a --now after it only on a local table', () => {
      const local = leaseHeldNote(held, true);
      const deployed = leaseHeldNote(held, false);

      expect(local).toContain(
        'another drain (drain killed-\\x1b[2J) holds the drain lease until 2026-11-26T02:05:02.000Z',
      );
      expect(local).toMatch(/run notify again after 2026-11-26T02:05:02\.000Z, or with a --now after it$/);
      expect(deployed).toMatch(/run notify again after 2026-11-26T02:05:02\.000Z$/);
      expect(leaseHeldNote(clean, true)).toBeUndefined();
    });

    it('says how to free a lease item with no end recorded (no drain would ever take it)', () => {
      const endless = { ...held, leaseHeld: { holder: 'hand-edit' } };

      expect(lines(endless)[0]).toBe(
        'Notify d1: INCOMPLETE (another drain holds the drain lease with no end recorded: the rest waits for it)',
      );
      expect(leaseHeldNote(endless, true)).toContain(
        'remove hygieneLeaseHolder from the item __hygiene__#outbox-drain-lease',
      );
    });
  });

  it('exits 1 for undelivered events or store errors, 4 for a drain stopped early, else 0', () => {
    expect(notifyExitCode(clean)).toBe(EXIT_CODE.complete);
    expect(notifyExitCode({ ...clean, status: 'incomplete' })).toBe(EXIT_CODE.incomplete);
    expect(notifyExitCode({ ...clean, status: 'incomplete', eventsFailed: 1 })).toBe(EXIT_CODE.failure);
    expect(notifyExitCode({ ...clean, storeErrors: 1 })).toBe(EXIT_CODE.failure);
    expect(lines({ ...clean, status: 'incomplete' })[0]).toBe(
      'Notify d1: INCOMPLETE (the rest waits for the next drain)',
    );
  });
});
