/**
 * What rendering the `owner-unreachable` report costs (lambdas/hygiene/unreachable-report.ts; docs/notifications.md,
 * "The report message"), counted through a recording message budget: each unit's packing cost is measured once per
 * report, as digests do, however many parts it splits into and even when every packing attempt fails; a long,
 * multi-byte directory address is counted in its unit's cost, so one attempt packs every part within the limit.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import type { MessageBudget, NotificationMessage } from '../../lambdas/hygiene/message';
import type { UnreachableReason } from '../../lambdas/hygiene/owner-directory';
import { requireInstant } from '../../lambdas/hygiene/time';
import {
  renderUnreachableReport,
  UnreachableReportTooLargeError,
} from '../../lambdas/hygiene/unreachable-report';
import { boundedEvent, outboxEvent } from './outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

/** `count` owners with `reason`, one event each, ids `<reason>0`… */
function owners(count: number, reason: UnreachableReason) {
  return Array.from({ length: count }, (_, i) => ({
    userId: `${reason}${i}`,
    reason,
    events: [outboxEvent({ credentialId: `${reason}-c${i}`, userId: `${reason}${i}` })],
  }));
}

/** SNS's budget at `maxMessageBytes`, recording the subject of every message it measures. */
function recordingBudget(maxMessageBytes: number): { budget: MessageBudget; subjects: string[] } {
  const sns = snsLimits(maxMessageBytes);
  const subjects: string[] = [];
  const measure = (message: NotificationMessage) => {
    subjects.push(message.subject);
    return sns.measure(message);
  };
  return { budget: { ...sns, measure }, subjects };
}

/** How many renders measured packing costs: they carry the widest part counter. */
const costRenders = (subjects: readonly string[]) =>
  subjects.filter((s) => s.endsWith('(part 999/999)')).length;

describe('the owner-unreachable report measures packing costs once per report (as digests do)', () => {
  const all = [...owners(20, 'bouncing'), ...owners(10, 'unsubscribed'), ...owners(5, 'departed')];
  // An empty part, each of the 35 units alone without advice, and each of the 3 reasons' first unit with it.
  const once = 1 + 35 + 3;

  it('measures each unit once, however many parts the report has', () => {
    const { budget, subjects } = recordingBudget(12_000);

    const parts = renderUnreachableReport({
      drainId: 'drain-1',
      now: NOW,
      route: 'relay',
      owners: all,
      invalidEvents: [],
      budget,
    });

    expect(parts.length).toBeGreaterThan(2);
    expect(costRenders(subjects)).toBe(once);
  });

  it('counts a long directory address in each unit’s cost: one packing attempt, every part within the limit', () => {
    // 1,000 characters before the @, multi-byte and with a U+202E the text flattens (the document keeps it).
    const address = (i: number) => `${'é'.repeat(600)}\u202e${'x'.repeat(399)}${i}@corp.example`;
    const long = owners(20, 'bouncing').map((owner, i) => ({ ...owner, email: address(i) }));
    const { budget, subjects } = recordingBudget(12_000);

    const parts = renderUnreachableReport({
      drainId: 'drain-1',
      now: NOW,
      route: 'relay',
      owners: long,
      invalidEvents: [],
      budget,
    });

    expect(parts.length).toBeGreaterThan(2);
    // The whole report, each unit's cost (20 alone, 1 with the advice, an empty part), then each part once.
    expect(subjects).toHaveLength(1 + (1 + 20 + 1) + parts.length);
    for (const part of parts) {
      expect(part.bytes).toBeLessThanOrEqual(12_000);
      expect(part.bytes).toBe(snsLimits().measure(part.message));
      for (const owner of part.owners) {
        expect(part.message.text).toContain(` at ${owner.email?.replace('\u202e', ' ')}: `);
      }
    }
    expect(parts.flatMap((p) => p.owners.map((o) => o.email))).toEqual(long.map((o) => o.email));
  });

  it('measures each unit once, not once per packing attempt, when every attempt fails', () => {
    const event = boundedEvent('deleted-stale');
    const tooLarge = {
      credentialId: event.credentialId,
      itemUserId: 'alice',
      problem: 'owner-mismatch' as const,
      event,
    };
    const { budget, subjects } = recordingBudget(12_000);

    expect(() =>
      renderUnreachableReport({
        drainId: 'drain-1',
        now: NOW,
        route: 'relay',
        owners: all,
        invalidEvents: [tooLarge],
        budget,
      }),
    ).toThrow(UnreachableReportTooLargeError);
    // Many attempts were made (each renders its parts), yet the units were measured once: 36 units now.
    expect(subjects.length).toBeGreaterThan(5 * (once + 1));
    expect(costRenders(subjects)).toBe(once + 1);
  });
});
