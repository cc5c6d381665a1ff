/**
 * `owners sync-subscriptions`' text summary names what a run created and then
 * withdrew because the owner opted out, left or moved while it ran (removed,
 * or left pending: SNS cannot delete a subscription awaiting confirmation),
 * and a withdrawal SNS refused (docs/notifications.md, "Subscription reconciler"),
 * each line sanitised: the ids and addresses are stored text; and how many
 * subscriptions deliver every admin message, with the Lambda's warning at none
 * (docs/deploy.md, "Runbook: No admin subscription"); and the owners it did
 * not subscribe again because their confirmation emails went unanswered.
 */
import { describe, expect, it } from 'vitest';
import { renderSyncSummaryText } from '../../cli/commands/owners/sync-subscriptions';
import type { ReconcileSummary } from '../../lambdas/hygiene/subscription-reconciler';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

const summary: ReconcileSummary = {
  dryRun: false,
  route: 'sns-email',
  owners: 3,
  operations: [],
  created: 3,
  repaired: 0,
  removed: 0,
  failed: [
    {
      operation: { kind: 'withdraw', userId: 'cy', email: 'cy@x', subscriptionArn: `${TOPIC}:c` },
      error: 'AuthorizationError: refused',
    },
  ],
  states: { confirmed: 0, pending: 1, none: 0, unsubscribed: 2 },
  stateChanges: [{ userId: 'ada', state: 'pending' }],
  skippedStateChanges: [],
  withdrawnAfterCreate: [
    {
      kind: 'withdraw',
      userId: 'bob\u001b[2J',
      email: 'bob@x',
      subscriptionArn: `${TOPIC}:b`,
      pendingLeft: false,
    },
    { kind: 'withdraw', userId: 'dee', email: 'dee@x', subscriptionArn: `${TOPIC}:d`, pendingLeft: true },
  ],
  unsubscribeGuard: { tripped: false, overridden: false, newlyUnsubscribed: [], confirmedBefore: 0 },
  conflicts: [],
  confirmationsExhausted: [],
  untouched: 0,
  filterPolicies: { current: 0, planned: 2, quota: 200 },
  adminSubscriptions: 1,
};

describe('owners sync-subscriptions text summary', () => {
  it('names the subscriptions withdrawn after their creation, removed or left pending, and a withdrawal SNS refused', () => {
    const lines = renderSyncSummaryText(summary, TOPIC).split('\n');

    expect(lines).toContain(
      '  withdrawn            1 created this run, then removed: the owner unsubscribed, left or moved while the run subscribed (SNS had already emailed them a confirmation link)',
    );
    expect(lines).toContain(`  withdrawn bob\\x1b[2J <bob@x> ${TOPIC}:b`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}left pending {9}1 created this run for an owner who unsubscribed, left or moved .*SNS cannot delete a subscription awaiting confirmation.*48 hours/,
      ),
    );
    expect(lines).toContain(`  left pending dee <dee@x> ${TOPIC}:d`);
    expect(lines).not.toContain(`  withdrawn dee <dee@x> ${TOPIC}:d`);
    expect(lines).toContain(
      `  failed: withdraw cy <cy@x> ${TOPIC}:c (created this run): AuthorizationError: refused`,
    );
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it('names the owners it did not subscribe again (their confirmation emails went unanswered) and the way back', () => {
    const exhausted = [{ userId: 'eve', email: 'eve@x', confirmationEmailsSent: 3 }];
    const lines = renderSyncSummaryText({ ...summary, confirmationsExhausted: exhausted }, TOPIC).split('\n');

    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}not subscribed again 1 \(their confirmation emails went unanswered: no new one was sent; .*subscription-unconfirmed; when one asks: pc-hygiene owners resubscribe "<userId>"\)$/,
      ),
    );
    expect(lines).toContain('  not subscribed again eve <eve@x>: 3 confirmation emails unanswered');
    expect(renderSyncSummaryText(summary, TOPIC)).not.toContain('not subscribed again');
  });

  it('counts the admin subscriptions, with no warning while one is left', () => {
    const text = renderSyncSummaryText(summary, TOPIC);

    expect(text.split('\n')).toContain('  admin subscriptions  1');
    expect(text).not.toContain('no admin subscription');
  });

  it.each([false, true])('at none, warns and names the runbook (dry run: %s)', (dryRun) => {
    const lines = renderSyncSummaryText({ ...summary, dryRun, adminSubscriptions: 0 }, TOPIC).split('\n');

    expect(lines).toContain('  admin subscriptions  0');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}no admin subscription: .*SNS drops the admin run summaries.*"Runbook: No admin subscription"$/,
      ),
    );
  });
});
