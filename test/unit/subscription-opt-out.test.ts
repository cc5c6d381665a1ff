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
import { MASS_UNSUBSCRIBE_LIMIT } from '../../lambdas/hygiene/subscription-opt-out';
import {
  ownerFilterPolicy,
  PENDING_CONFIRMATION_ARN,
  planSubscriptions,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import { withinQuota } from '../../lambdas/hygiene/subscription-quota';
import { requireInstant } from '../../lambdas/hygiene/time';
import {
  OPT_OUT_SUPPRESSION_ADVICE,
  renderUnreachableReport,
} from '../../lambdas/hygiene/unreachable-report';
import { outboxEvent } from './outbox-fakes';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';
const OTHER_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene-old';
/** The ARN SNS gives `userId`'s subscription at `endpoint` on `topic`. */
const subArn = (userId: string, endpoint = `${userId}@x`, topic = TOPIC) => `${topic}:${userId}-${endpoint}`;

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
/** Recorded `confirmed` with the ARN of the subscription a run saw confirmed on `topic`. */
const confirmedOn = (userId: string, topic = TOPIC, extra: Partial<OwnerRecord> = {}): OwnerRecord =>
  owner(userId, 'confirmed', { subscriptionArn: subArn(userId, `${userId}@x`, topic), ...extra });
const confirmedSub = (userId: string, endpoint = `${userId}@x`): TopicSubscription => ({
  arn: subArn(userId, endpoint),
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
  planSubscriptions({ owners, subscriptions, topicArn: TOPIC, route: 'sns-email' });
const creates = (p: ReturnType<typeof plan>) =>
  p.operations.filter((o) => o.kind === 'create').map((o) => o.userId);

describe('planSubscriptions and an owner who unsubscribed', () => {
  it('records unsubscribed, and creates nothing, for a confirmed owner whose subscription of this topic vanished', () => {
    const p = plan([confirmedOn('ada'), confirmedOn('bob')], [confirmedSub('bob')]);

    expect(p.operations).toEqual([]);
    expect(p.states).toEqual([
      { userId: 'ada', state: 'unsubscribed', subscriptionArn: subArn('ada') },
      { userId: 'bob', state: 'confirmed', subscriptionArn: subArn('bob') },
    ]);
    expect(p.filterPolicies).toEqual({ current: 1, planned: 1 });
    expect(p.unsubscribeGuard).toEqual({
      tripped: false,
      overridden: false,
      newlyUnsubscribed: ['ada'],
      confirmedBefore: 2,
    });
  });

  it('subscribes again, as pending, every confirmed owner of a fresh or another topic: no evidence of an opt-out there', () => {
    const owners = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'].map((id) => confirmedOn(id, OTHER_TOPIC));

    const p = plan(owners);

    expect(creates(p)).toEqual(['ada', 'bob', 'cy', 'dee', 'eve', 'fay']);
    expect(new Set(p.states.map((s) => s.state))).toEqual(new Set(['pending']));
    expect(p.unsubscribeGuard.newlyUnsubscribed).toEqual([]);
  });

  it('subscribes again a confirmed owner recorded without an ARN (before ARNs were recorded), as before', () => {
    const p = plan([owner('ada', 'confirmed')]);

    expect(creates(p)).toEqual(['ada']);
    expect(p.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('records the ARN of the confirmed subscription it finds, replacing one of another topic', () => {
    const p = plan([confirmedOn('ada', OTHER_TOPIC)], [confirmedSub('ada')]);

    expect(p.operations).toEqual([]);
    expect(p.states).toEqual([{ userId: 'ada', state: 'confirmed', subscriptionArn: subArn('ada') }]);
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

    expect(confirmed.operations).toEqual([]);
    expect(confirmed.states).toEqual([
      { userId: 'ada', state: 'confirmed', subscriptionArn: subArn('ada', 'ADA@x') },
    ]);
    expect(pending.operations).toEqual([]);
    expect(pending.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('keeps an opt-out when an arn-less pending subscription (filter unknown, maybe no one’s) is at the address', () => {
    const arnless = plan(
      [owner('ada', 'unsubscribed', { subscriptionArn: subArn('ada') })],
      [arnlessPending('ada@x')],
    );

    expect(arnless.operations).toEqual([]);
    expect(arnless.states).toEqual([
      { userId: 'ada', state: 'unsubscribed', subscriptionArn: subArn('ada') },
    ]);
  });

  it('takes an arn-less pending subscription at the address of a confirmed owner for pending, not an opt-out', () => {
    const p = plan([confirmedOn('ada')], [arnlessPending('ada@x')]);

    expect(p.states).toEqual([{ userId: 'ada', state: 'pending' }]);
  });

  it('moves a confirmed owner whose subscription is at an address the directory no longer holds', () => {
    const old = confirmedSub('ada', 'old@x');

    const p = plan([confirmedOn('ada', TOPIC, { email: 'new@x', subscriptionArn: old.arn })], [old]);

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

    const p = plan([owner('ada', 'unsubscribed'), confirmedOn('ada2', TOPIC, { email: 'ada@x' })], [admin]);

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

  it('keeps a shared address with the owner who unsubscribed it while they share it, then subscribes the one left', () => {
    // bob kept team@x (his confirmed subscription) and unsubscribed; ada sorts first but must not take it over.
    const bobsArn = subArn('bob', 'team@x');
    const justNow = plan([
      owner('ada', 'none', { email: 'team@x' }),
      owner('bob', 'confirmed', { email: 'team@x', subscriptionArn: bobsArn }),
    ]);
    const later = plan([
      owner('ada', 'none', { email: 'team@x' }),
      owner('bob', 'unsubscribed', { email: 'team@x', subscriptionArn: bobsArn }),
    ]);
    // The opt-out is bob's: once he no longer shares the address, ada is subscribed to it.
    const bobLeft = plan([
      owner('ada', 'none', { email: 'team@x' }),
      owner('bob', 'unsubscribed', { email: 'team@x', subscriptionArn: bobsArn, status: 'departed' }),
    ]);

    for (const p of [justNow, later]) {
      expect(p.operations).toEqual([]);
      expect(p.conflicts.map((c) => [c.userId, c.sharedWith])).toEqual([['ada', 'bob']]);
      expect(p.states).toEqual([
        { userId: 'ada', state: 'none' },
        { userId: 'bob', state: 'unsubscribed', subscriptionArn: bobsArn },
      ]);
    }
    expect(creates(bobLeft)).toEqual(['ada']);
  });

  it('on the relay route removes confirmed and pending owners’ subscriptions and records none, keeping an opt-out', () => {
    const ada = confirmedSub('ada');
    const bob = { ...confirmedSub('bob'), pending: true };

    const p = planSubscriptions({
      owners: [confirmedOn('ada'), owner('bob', 'pending'), owner('cy', 'unsubscribed')],
      subscriptions: [ada, bob],
      topicArn: TOPIC,
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
        owners: [confirmedOn('ada')],
        subs: [confirmedSub('ada')],
        next: [owner('ada')],
      },
      {
        name: 'departed, then active again',
        owners: [confirmedOn('ada', TOPIC, { status: 'departed' })],
        subs: [confirmedSub('ada')],
        next: [owner('ada')],
      },
      {
        name: 'shared address, then alone on it',
        owners: [
          confirmedOn('ada', TOPIC, { email: 'team@x', subscriptionArn: subArn('ada', 'TEAM@x') }),
          owner('bob', 'none', { email: 'team@x' }),
        ],
        // bob's confirmed subscription keeps the address; ada's other spelling is removed (shared-address)
        subs: [confirmedSub('bob', 'team@x'), { ...confirmedSub('ada', 'TEAM@x'), pending: true }],
        next: [owner('ada', undefined, { email: 'team@x' })],
      },
    ];
    for (const { name, owners, subs, next } of cases) {
      const route = name.startsWith('route relay') ? 'relay' : 'sns-email';
      const first = planSubscriptions({ owners, subscriptions: subs, topicArn: TOPIC, route });
      const removed = new Set(
        first.operations.flatMap((o) => (o.kind === 'remove' ? [o.subscriptionArn] : [])),
      );
      const left = subs.filter((s) => !removed.has(s.arn));
      const recorded = next.map((o): OwnerRecord => {
        const { state, subscriptionArn } = first.states.find((s) => s.userId === o.userId)!;
        return { ...o, subscription: state, ...(subscriptionArn !== undefined && { subscriptionArn }) };
      });

      const second = plan(recorded, left);

      expect({ name, removed: removed.size > 0 }).toEqual({ name, removed: true });
      expect({ name, states: second.states.map((s) => s.state) }).toEqual({ name, states: ['pending'] });
      expect({ name, creates: creates(second) }).toEqual({ name, creates: ['ada'] });
    }
  });

  it('keeps the opt-out when the quota stops the creations', () => {
    const p = plan([owner('ada', 'unsubscribed'), owner('bob')]);

    // the topic holds no filter policy, and a quota of 0 leaves bob no room
    expect(withinQuota(p, 0).states).toEqual([
      { userId: 'ada', state: 'unsubscribed' },
      { userId: 'bob', state: 'none' },
    ]);
  });
});

describe('the mass-unsubscribe guard', () => {
  /** `total` owners recorded confirmed on TOPIC; the first `vanished` have no subscription listed any more. */
  const fleet = (total: number, vanished: number) => {
    const ids = Array.from({ length: total }, (_, i) => `u${String(i).padStart(3, '0')}`);
    return {
      owners: ids.map((id) => confirmedOn(id)),
      listed: ids.slice(vanished).map((id) => confirmedSub(id)),
    };
  };

  it(`holds back the run's new opt-outs past ${MASS_UNSUBSCRIBE_LIMIT.percent}% and ${MASS_UNSUBSCRIBE_LIMIT.minOwners} owners: recorded none (unreachable), nothing created`, () => {
    // A topic deleted and re-created under the same name keeps its ARN and loses every subscription.
    const { owners, listed } = fleet(20, 5);

    const p = plan(owners, listed);

    expect(p.operations).toEqual([]);
    expect(p.states.filter((s) => s.state === 'unsubscribed')).toEqual([]);
    // Never left `confirmed` with no subscription: the notifier would trust digests SNS drops.
    expect(p.states.slice(0, 5)).toEqual(
      owners.slice(0, 5).map((o) => ({ userId: o.userId, state: 'none' })),
    );
    expect(p.states.slice(5).every((s) => s.state === 'confirmed')).toBe(true);
    expect(p.unsubscribeGuard).toEqual({
      tripped: true,
      overridden: false,
      newlyUnsubscribed: ['u000', 'u001', 'u002', 'u003', 'u004'],
      confirmedBefore: 20,
    });
  });

  it('lets through fewer than its minimum of owners, or no more than its share', () => {
    const few = fleet(4, 3);
    const share = fleet(50, 5);
    const overShare = fleet(50, 6);

    expect(plan(few.owners, few.listed).states.map((s) => s.state)).toEqual([
      'unsubscribed',
      'unsubscribed',
      'unsubscribed',
      'confirmed',
    ]);
    expect(plan(share.owners, share.listed).unsubscribeGuard.tripped).toBe(false);
    expect(plan(share.owners, share.listed).states.filter((s) => s.state === 'unsubscribed')).toHaveLength(5);
    expect(plan(overShare.owners, overShare.listed).unsubscribeGuard.tripped).toBe(true);
    expect(plan(overShare.owners, overShare.listed).states.filter((s) => s.state === 'unsubscribed')).toEqual(
      [],
    );
  });

  it('holds back every confirmed owner of a small directory losing theirs at once (a re-created topic), not a single one', () => {
    const all = fleet(2, 2);
    const one = fleet(1, 1);

    expect(plan(all.owners, all.listed).unsubscribeGuard).toMatchObject({
      tripped: true,
      newlyUnsubscribed: ['u000', 'u001'],
    });
    expect(plan(all.owners, all.listed).states.map((s) => s.state)).toEqual(['none', 'none']);
    expect(plan(one.owners, one.listed).unsubscribeGuard.tripped).toBe(false);
    expect(plan(one.owners, one.listed).states.map((s) => s.state)).toEqual(['unsubscribed']);
  });

  it('counts only new opt-outs: owners already recorded unsubscribed stay so and do not trip it', () => {
    const owners = Array.from({ length: 6 }, (_, i) => owner(`u${i}`, 'unsubscribed'));

    const p = plan(owners);

    expect(p.unsubscribeGuard).toMatchObject({ tripped: false, newlyUnsubscribed: [] });
    expect(p.states.map((s) => s.state)).toEqual(Array(6).fill('unsubscribed'));
  });

  it('records them when the operator allows it for the run, and says it was overridden', () => {
    const { owners, listed } = fleet(20, 5);

    const p = planSubscriptions({
      owners,
      subscriptions: listed,
      topicArn: TOPIC,
      route: 'sns-email',
      allowMassUnsubscribe: true,
    });

    expect(p.states.filter((s) => s.state === 'unsubscribed').map((s) => s.userId)).toEqual([
      'u000',
      'u001',
      'u002',
      'u003',
      'u004',
    ]);
    expect(p.unsubscribeGuard).toMatchObject({ tripped: true, overridden: true });
  });
});

describe('reach of an owner who unsubscribed', () => {
  it('is unreachable with the reason unsubscribed on both routes: the relay does not email them either', () => {
    const ada = owner('ada', 'unsubscribed');

    expect(reachabilityOf(ada, 'sns-email')).toEqual({ reachable: false, reason: 'unsubscribed' });
    expect(reachabilityOf(ada, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
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
      targetFlags: '--stack HygieneProd --region eu-west-1',
    });

    expect(part?.message.text).toContain(
      '  * ada: opted out (the unsubscribe link of an SNS email, a complaint about a relay email, or recorded by an operator with pc-hygiene owners unsubscribe), so no email is sent to them (neither by SNS nor by the relay) [unsubscribed]\n' +
        '    What to do: tell the owner about these credentials another way; if they want the emails again, ' +
        'run pc-hygiene owners resubscribe ada --stack HygieneProd --region eu-west-1 (route sns-email: SNS then ' +
        'sends a new confirmation link; ' +
        'route relay: the next digest is emailed; SES’s suppression list: see “What to do, by reason” below). ' +
        'A move by the import to an address they did not opt out at also ends it.\n',
    );
    // The suppression list's advice follows the owners, once for the part.
    expect(part?.message.text).toContain(
      // The CLI's wording, its clear-bouncing command aimed at the deployment (the owner named by the placeholder).
      `\nWhat to do, by reason:\n  [unsubscribed] On route relay, ${OPT_OUT_SUPPRESSION_ADVICE} --stack HygieneProd --region eu-west-1.\n`,
    );
    expect(part?.owners.map((o) => o.reason)).toEqual(['unsubscribed']);
  });
});
