/**
 * An owner who unsubscribed by the link of an SNS email stays unsubscribed
 * (docs/notifications.md, "Subscription reconciler"): the plan records
 * `unsubscribed` instead of subscribing them again, keeps it until a
 * subscription of theirs appears at the address, and never mistakes a
 * removal the reconciler made itself, or an unconfirmed subscription that
 * expired, for an opt-out. Such an owner is unreachable for the reason
 * `unsubscribed`, which the admins' report names with its advice.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import {
  ownerFilterPolicy,
  PENDING_CONFIRMATION_ARN,
  planSubscriptions,
  type TopicSubscription,
  withoutCreations,
} from '../../lambdas/hygiene/subscription-plan';
import { requireInstant } from '../../lambdas/hygiene/time';
import { renderUnreachableReport } from '../../lambdas/hygiene/unreachable-report';
import { outboxEvent } from './outbox-fakes';

const owner = (
  userId: string,
  subscription?: OwnerRecord['subscription'],
  extra: Partial<OwnerRecord> = {},
): OwnerRecord => ({
  userId,
  email: `${userId}@x`,
  status: 'active',
  ...(subscription !== undefined && { subscription }),
  ...extra,
});
const confirmedSub = (userId: string, endpoint = `${userId}@x`): TopicSubscription => ({
  arn: `arn:sub:${userId}:${endpoint}`,
  protocol: 'email',
  endpoint,
  filterPolicy: ownerFilterPolicy(userId),
  pending: false,
});
const arnlessPending = (endpoint: string): TopicSubscription => ({
  arn: PENDING_CONFIRMATION_ARN,
  protocol: 'email',
  endpoint,
  pending: true,
});
const plan = (owners: readonly OwnerRecord[], subscriptions: readonly TopicSubscription[] = []) =>
  planSubscriptions({ owners, subscriptions, route: 'sns-email' });
const creates = (p: ReturnType<typeof plan>) =>
  p.operations.filter((o) => o.kind === 'create').map((o) => o.userId);

describe('planSubscriptions and an owner who unsubscribed', () => {
  it('records unsubscribed, and creates nothing, for a confirmed owner whose subscription vanished', () => {
    const p = plan([owner('ada', 'confirmed'), owner('bob', 'confirmed')], [confirmedSub('bob')]);

    expect(p.operations).toEqual([]);
    expect(p.states).toEqual([
      { userId: 'ada', state: 'unsubscribed' },
      { userId: 'bob', state: 'confirmed' },
    ]);
    expect(p.filterPolicies).toEqual({ current: 1, planned: 1 });
  });

  it('keeps an unsubscribed owner unsubscribed on every later run, departed or not', () => {
    const p = plan([
      owner('ada', 'unsubscribed'),
      owner('bob', 'unsubscribed', { status: 'departed' }),
      owner('cy', 'none'),
    ]);

    expect(creates(p)).toEqual(['cy']);
    expect(p.states).toEqual([
      { userId: 'ada', state: 'unsubscribed' },
      { userId: 'bob', state: 'unsubscribed' },
      { userId: 'cy', state: 'pending' },
    ]);
  });

  it('subscribes again an owner whose unconfirmed subscription expired: not an opt-out', () => {
    const p = plan([owner('ada', 'pending')]);

    expect(creates(p)).toEqual(['ada']);
    expect(p.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('subscribes an owner who never had a state, or none, as before', () => {
    expect(creates(plan([owner('ada'), owner('bob', 'none')]))).toEqual(['ada', 'bob']);
  });

  it('applies the normal matching when a subscription of the owner appears at the address again', () => {
    const confirmed = plan([owner('ada', 'unsubscribed')], [confirmedSub('ada', 'ADA@x')]);
    const pending = plan([owner('ada', 'unsubscribed')], [{ ...confirmedSub('ada'), pending: true }]);
    const arnless = plan([owner('ada', 'unsubscribed')], [arnlessPending('ada@x')]);

    expect(confirmed.operations).toEqual([]);
    expect(confirmed.states).toEqual([{ userId: 'ada', state: 'confirmed' }]);
    expect(pending.operations).toEqual([]);
    expect(pending.states).toEqual([{ userId: 'ada', state: 'pending' }]);
    expect(arnless.operations).toEqual([]);
    expect(arnless.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('takes an arn-less pending subscription at the address of a confirmed owner for pending, not an opt-out', () => {
    const p = plan([owner('ada', 'confirmed')], [arnlessPending('ada@x')]);

    expect(p.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('moves a confirmed owner whose subscription is at an address the directory no longer holds', () => {
    const old = confirmedSub('ada', 'old@x');

    const p = plan([owner('ada', 'confirmed', { email: 'new@x' })], [old]);

    expect(p.operations.map((o) => [o.kind, o.userId, o.kind === 'remove' ? o.reason : ''])).toEqual([
      ['remove', 'ada', 'address-changed'],
      ['create', 'ada', ''],
    ]);
    expect(p.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('reports a non-owner subscription of the address as a conflict, keeping an opt-out recorded', () => {
    const admin: TopicSubscription = {
      arn: 'arn:admin',
      protocol: 'email',
      endpoint: 'ada@x',
      filterPolicy: '{"audience":["admin"]}',
      pending: false,
    };

    const p = plan([owner('ada', 'unsubscribed'), owner('ada2', 'confirmed', { email: 'ada@x' })], [admin]);

    expect(p.operations).toEqual([]);
    expect(p.conflicts.map((c) => [c.userId, c.reason])).toEqual([
      ['ada', 'non-owner-subscription'],
      ['ada2', 'shared-address'],
    ]);
    expect(p.states).toEqual([
      { userId: 'ada', state: 'unsubscribed' },
      { userId: 'ada2', state: 'none' },
    ]);
  });

  it('keeps a shared address with the owner who unsubscribed it, so no other sharer resubscribes the mailbox', () => {
    // bob kept team@x (his confirmed subscription) and unsubscribed; ada sorts first but must not take it over.
    const justNow = plan([
      owner('ada', 'none', { email: 'team@x' }),
      owner('bob', 'confirmed', { email: 'team@x' }),
    ]);
    const later = plan([
      owner('ada', 'none', { email: 'team@x' }),
      owner('bob', 'unsubscribed', { email: 'team@x' }),
    ]);

    for (const p of [justNow, later]) {
      expect(p.operations).toEqual([]);
      expect(p.conflicts.map((c) => [c.userId, c.sharedWith])).toEqual([['ada', 'bob']]);
      expect(p.states).toEqual([
        { userId: 'ada', state: 'none' },
        { userId: 'bob', state: 'unsubscribed' },
      ]);
    }
  });

  it('on the relay route removes confirmed and pending owners’ subscriptions and records none, keeping an opt-out', () => {
    const ada = confirmedSub('ada');
    const bob = { ...confirmedSub('bob'), pending: true };

    const p = planSubscriptions({
      owners: [owner('ada', 'confirmed'), owner('bob', 'pending'), owner('cy', 'unsubscribed')],
      subscriptions: [ada, bob],
      route: 'relay',
    });

    expect(p.operations.map((o) => (o.kind === 'remove' ? [o.userId, o.reason] : o.kind))).toEqual([
      ['ada', 'route-relay'],
      ['bob', 'route-relay'],
    ]);
    expect(p.states).toEqual([
      { userId: 'ada', state: 'none' },
      { userId: 'bob', state: 'none' },
      { userId: 'cy', state: 'unsubscribed' },
    ]);
  });

  it('never reads the reconciler’s own removals as an opt-out on the next run', () => {
    // What each run leaves recorded, then the next run over the topic it left.
    const cases: { name: string; owners: OwnerRecord[]; subs: TopicSubscription[]; next: OwnerRecord[] }[] = [
      {
        name: 'route relay, then back to sns-email',
        owners: [owner('ada', 'confirmed')],
        subs: [confirmedSub('ada')],
        next: [owner('ada')],
      },
      {
        name: 'departed, then active again',
        owners: [owner('ada', 'confirmed', { status: 'departed' })],
        subs: [confirmedSub('ada')],
        next: [owner('ada')],
      },
      {
        name: 'shared address, then alone on it',
        owners: [owner('ada', 'confirmed', { email: 'team@x' }), owner('bob', 'none', { email: 'team@x' })],
        // bob's confirmed subscription keeps the address; ada's other spelling is removed (shared-address)
        subs: [confirmedSub('bob', 'team@x'), { ...confirmedSub('ada', 'TEAM@x'), pending: true }],
        next: [owner('ada', undefined, { email: 'team@x' })],
      },
    ];
    for (const { name, owners, subs, next } of cases) {
      const route = name.startsWith('route relay') ? 'relay' : 'sns-email';
      const first = planSubscriptions({ owners, subscriptions: subs, route });
      const removed = new Set(
        first.operations.flatMap((o) => (o.kind === 'remove' ? [o.subscriptionArn] : [])),
      );
      const left = subs.filter((s) => !removed.has(s.arn));
      const recorded = next.map((o) => ({
        ...o,
        subscription: first.states.find((s) => s.userId === o.userId)?.state,
      }));

      const second = plan(recorded, left);

      expect({ name, removed: removed.size > 0 }).toEqual({ name, removed: true });
      expect({ name, states: second.states.map((s) => s.state) }).toEqual({ name, states: ['pending'] });
      expect({ name, creates: creates(second) }).toEqual({ name, creates: ['ada'] });
    }
  });

  it('keeps the opt-out when the quota stops the creations', () => {
    const p = plan([owner('ada', 'unsubscribed'), owner('bob')]);

    expect(withoutCreations(p).states).toEqual([
      { userId: 'ada', state: 'unsubscribed' },
      { userId: 'bob', state: 'none' },
    ]);
  });
});

describe('reach of an owner who unsubscribed', () => {
  it('is unreachable with the reason unsubscribed on sns-email; the relay does not use the subscription', () => {
    const ada = owner('ada', 'unsubscribed');

    expect(reachabilityOf(ada, 'sns-email')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(ada, 'relay')).toEqual({ reachable: true });
    expect(reachabilityOf({ ...ada, status: 'departed' }, 'sns-email')).toEqual({
      reachable: false,
      reason: 'departed',
    });
  });

  it('is named in the admins’ owner-unreachable report with the reason and how to undo it', () => {
    const [part] = renderUnreachableReport({
      budget: snsLimits(),
      drainId: 'drain-1',
      now: requireInstant('2026-12-04T02:00:00.000Z', 'now'),
      route: 'sns-email',
      owners: [
        {
          userId: 'ada',
          reason: 'unsubscribed',
          events: [outboxEvent({ credentialId: 'c1', userId: 'ada', type: 'deleted-stale' })],
        },
      ],
      invalidEvents: [],
    });

    expect(part?.message.text).toContain(
      '  * ada: unsubscribed from the SNS emails (the unsubscribe link), so none reaches them [unsubscribed]\n' +
        '    What to do: tell the owner about these credentials another way; if they want the emails again, ' +
        'run pc-hygiene owners resubscribe <userId> (SNS then sends a new confirmation link).',
    );
    expect(part?.owners.map((o) => o.reason)).toEqual(['unsubscribed']);
  });
});
