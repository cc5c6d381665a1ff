/**
 * What the admins' `owner-unreachable` report tells them to do is what the commands do. For `subscription-pending`:
 * no command sends a new confirmation link while one is pending — `owners sync-subscriptions` (a reconcile) creates
 * nothing for an address with a pending subscription — so the advice says how a new one comes (SNS deletes the
 * pending one after 48 hours, then the reconciler's next run subscribes the owner again), and the example in
 * docs/notifications.md ("The report message") is that advice. For `no-subscription`: a run stopped at the
 * filter-policy quota leaves owners out on every run, so the advice names the quota, not only waiting; and an owner
 * whose address another active owner or an admin subscription holds is a conflict `owners sync-subscriptions
 * --dry-run` lists, recorded `none` (so `no-subscription`) by every run, which a sync does not change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryTopic } from '../../bench/memory-topic';
import { renderSyncSummaryText } from '../../cli/commands/owners/sync-subscriptions';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { PENDING_CONFIRMATION_ARN, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { UNREACHABLE_REASON_TEXT } from '../../lambdas/hygiene/unreachable-report';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';

/** A topic whose only subscription is an unconfirmed one at bob's address, listed as SNS lists it (no ARN). */
class PendingAtBob implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  readonly writes: string[] = [];
  async list(): Promise<readonly TopicSubscription[]> {
    return [
      { arn: PENDING_CONFIRMATION_ARN, protocol: 'email', endpoint: 'bob@corp.example', pending: true },
    ];
  }
  async create(email: string): Promise<string> {
    this.writes.push(`create ${email}`);
    return `${TOPIC}:new`;
  }
  async setFilterPolicy(arn: string): Promise<void> {
    this.writes.push(`repair ${arn}`);
  }
  async remove(arn: string): Promise<void> {
    this.writes.push(`remove ${arn}`);
  }
}

/** The advice as the example report in docs/notifications.md aims it: at the deployment `PersonalClientHygiene`. */
const pendingTodo = UNREACHABLE_REASON_TEXT['subscription-pending'].todo(
  'bob',
  '--stack PersonalClientHygiene --region eu-west-1',
);

describe('the subscription-pending advice', () => {
  it('promises no new link from sync-subscriptions, which sends none while the subscription is pending', async () => {
    const topic = new PendingAtBob();
    const directory = new MemoryOwnerRegistry([
      { userId: 'bob', email: 'bob@corp.example', status: 'active', subscription: 'pending' },
    ]);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(topic.writes).toEqual([]);
    expect(summary.states.pending).toBe(1);
    expect(pendingTodo).not.toMatch(/sync-subscriptions sends/);
    expect(pendingTodo).toContain('no pc-hygiene command sends another while it is pending');
    expect(pendingTodo).toContain(
      'SNS deletes it unconfirmed after 48 hours and the reconciler’s next run (hourly) subscribes them again, ' +
        'sending a new link',
    );
  });

  it('is the one the example report in docs/notifications.md shows', () => {
    const docs = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8').split('\n');
    const line = docs.indexOf(
      '  * bob at bob@corp.example: has not confirmed the SNS email subscription [subscription-pending]',
    );

    expect(line).toBeGreaterThan(0);
    expect(docs[line + 1]).toBe(`    What to do: ${pendingTodo}`);
  });
});

describe('the no-subscription advice', () => {
  it('names the filter-policy quota and the way past it, not only waiting for the reconciler', () => {
    const todo = UNREACHABLE_REASON_TEXT['no-subscription'].todo('bob', undefined);

    expect(todo).toContain('if it stops at the filter-policy quota (SubscriptionQuotaExceeded)');
    expect(todo).toContain('FilterPolicyLimitExceeded');
    expect(todo).toContain('raise the quota and filterPolicyQuota, or switch to relay');
  });
});

describe('the no-subscription advice on an address conflict', () => {
  const todo = UNREACHABLE_REASON_TEXT['no-subscription'].todo('bob', '');
  const active = (userId: string, email: string): OwnerRecord => ({ userId, email, status: 'active' });

  it('is true: the dry run lists the conflict, every run records the owner none, and a sync changes nothing', async () => {
    // alice and bob share a mailbox (alice keeps it: first by userId); the admins subscribed at carol's.
    const admins = {
      arn: `${TOPIC}:admins`,
      protocol: 'email',
      endpoint: 'carol@corp.example',
      filterPolicy: '{"audience":["admin"]}',
    };
    const topic = new MemoryTopic(TOPIC, [admins]);
    const directory = new MemoryOwnerRegistry([
      active('alice', 'team@corp.example'),
      active('bob', 'team@corp.example'),
      active('carol', 'carol@corp.example'),
    ]);
    const sync = (dryRun = false) =>
      reconcileSubscriptions({ topic, directory }, { route: 'sns-email', dryRun });

    const listed = renderSyncSummaryText(await sync(true), TOPIC);
    await sync();
    topic.confirmAll();
    await sync();
    const settled = topic.subscriptions;
    await sync();

    expect(listed).toContain('conflict: bob <team@corp.example> shares the address with alice');
    expect(listed).toContain(
      `conflict: carol <carol@corp.example> already has a non-owner subscription ${admins.arn}`,
    );
    expect(topic.subscriptions).toEqual(settled);
    const judged = directory.owners.map((o) => [o.userId, reachabilityOf(o, 'sns-email')]);
    expect(judged).toEqual([
      ['alice', { reachable: true }],
      ['bob', { reachable: false, reason: 'no-subscription' }],
      ['carol', { reachable: false, reason: 'no-subscription' }],
    ]);
    expect(todo).toContain(
      'If another active owner, or an admin or other email subscription, has the same address ' +
        '(pc-hygiene owners sync-subscriptions --dry-run lists it as a conflict), a sync changes nothing: ' +
        'give the owner an address of their own, or switch to relay.',
    );
  });
});
