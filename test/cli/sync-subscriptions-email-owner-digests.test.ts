/**
 * `owners sync-subscriptions`' text summary says why an email subscription that also receives owner digests is not
 * an admin subscription (`emailSubscriptionsWithOwnerDigests`: SNS suspends an email subscription past 10 messages a
 * second; docs/notifications.md, "Admin reach"), and says nothing of it when there is none.
 */
import { describe, expect, it } from 'vitest';
import { renderSyncSummaryText } from '../../cli/commands/owners/sync-subscriptions';
import type { ReconcileSummary } from '../../lambdas/hygiene/subscription-reconciler';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

const summary: ReconcileSummary = {
  dryRun: false,
  route: 'sns-email',
  owners: 0,
  operations: [],
  created: 0,
  repaired: 0,
  removed: 0,
  failed: [],
  states: { confirmed: 0, pending: 0, none: 0, unsubscribed: 0 },
  stateChanges: [],
  skippedStateChanges: [],
  withdrawnAfterCreate: [],
  unsubscribeGuard: { tripped: false, overridden: false, newlyUnsubscribed: [], confirmedBefore: 0 },
  conflicts: [],
  confirmationsExhausted: [],
  untouched: 1,
  filterPolicies: { current: 0, planned: 0, quota: 200 },
  adminSubscriptions: 0,
};

const WHY =
  '  email subscriptions that also receive owner digests: 2 (not counted: SNS suspends an email subscription past 10 messages a second: filter it to {"audience": ["admin"]})';

describe('owners sync-subscriptions text summary: email subscriptions that also receive owner digests', () => {
  it('follows the admin count and its warning at 0 with the reason they do not count', () => {
    const lines = renderSyncSummaryText({ ...summary, emailSubscriptionsWithOwnerDigests: 2 }, TOPIC).split(
      '\n',
    );

    const at = lines.indexOf('  admin subscriptions  0');
    expect(lines[at + 1]).toMatch(/^ {2}no admin subscription: /);
    expect(lines[at + 2]).toBe(WHY);
  });

  it('says it also while another subscription counts', () => {
    const lines = renderSyncSummaryText(
      { ...summary, adminSubscriptions: 1, emailSubscriptionsWithOwnerDigests: 2 },
      TOPIC,
    ).split('\n');

    expect(lines).toContain(WHY);
    expect(lines.some((l) => l.includes('no admin subscription'))).toBe(false);
  });

  it('says nothing of them when there is none', () => {
    const text = renderSyncSummaryText({ ...summary, adminSubscriptions: 1 }, TOPIC);

    expect(text).not.toContain('owner digests');
  });
});
