/**
 * The subscription reconciler's pure plan: which owner subscriptions are
 * created, repaired and removed, which are never touched, each owner's state,
 * and the filter-policy quota check.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  deliversEveryDeliverableDigest,
  isOwnerFilterPolicy,
  ownerFilterPolicy,
  ownerFilterUserIds,
  PENDING_CONFIRMATION_ARN,
  planSubscriptions,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import { FilterPolicyQuotaError, filterPolicyQuotaProblem } from '../../lambdas/hygiene/subscription-quota';

const active = (userId: string, email?: string): OwnerRecord => ({
  userId,
  status: 'active',
  ...(email !== undefined && { email }),
});
const departed = (userId: string, email: string): OwnerRecord => ({ userId, email, status: 'departed' });

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';
let arnNo = 0;
function ownerSub(
  userId: string,
  endpoint: string,
  extra: Partial<TopicSubscription> = {},
): TopicSubscription {
  return {
    arn: `${TOPIC}:${++arnNo}`,
    protocol: 'email',
    endpoint,
    filterPolicy: ownerFilterPolicy(userId),
    pending: false,
    ...extra,
  };
}
const pendingArnless = (endpoint: string): TopicSubscription => ({
  arn: PENDING_CONFIRMATION_ARN,
  protocol: 'email',
  endpoint,
  pending: true,
});

describe('ownerFilterUserIds (recognising owner subscriptions)', () => {
  it('recognises an email subscription whose policy has exact userId values and audience owner', () => {
    expect(ownerFilterUserIds(ownerSub('ada', 'a@x'))).toEqual(['ada']);
    expect(
      ownerFilterUserIds(
        ownerSub('ada', 'a@x', { filterPolicy: '{"audience":["owner","admin"],"userId":["ada","bob"]}' }),
      ),
    ).toEqual(['ada', 'bob']);
  });

  it.each([
    ['an SQS subscription', { protocol: 'sqs' }],
    ['an email-json subscription', { protocol: 'email-json' }],
    ['an admin email', { filterPolicy: '{"audience":["admin"]}' }],
    ['no filter policy', { filterPolicy: undefined }],
    ['a policy without audience owner', { filterPolicy: '{"userId":["ada"]}' }],
    ['a prefix match on userId', { filterPolicy: '{"userId":[{"prefix":"a"}],"audience":["owner"]}' }],
    ['an empty userId list', { filterPolicy: '{"userId":[],"audience":["owner"]}' }],
    ['a message-body scope', { filterPolicyScope: 'MessageBody' }],
    ['an unparsable policy', { filterPolicy: '{"userId":' }],
    ['an arn-less pending subscription', { arn: PENDING_CONFIRMATION_ARN }],
  ])('does not recognise %s', (_name, extra) => {
    expect(ownerFilterUserIds(ownerSub('ada', 'a@x', extra as Partial<TopicSubscription>))).toBeUndefined();
  });

  it('recognises an owner subscription with or without the ownerReach key (the policy before it was added)', () => {
    expect(ownerFilterUserIds(ownerSub('ada', 'a@x', { filterPolicy: TWO_KEY('ada') }))).toEqual(['ada']);
    expect(
      ownerFilterUserIds(
        ownerSub('ada', 'a@x', {
          filterPolicy: '{"userId":["ada"],"audience":["owner"],"ownerReach":["unverified"]}',
        }),
      ),
    ).toEqual(['ada']);
  });
});

/** The owner filter policy of earlier versions: no `ownerReach` key. */
const TWO_KEY = (userId: string) => JSON.stringify({ userId: [userId], audience: ['owner'] });

describe('ownerFilterPolicy (what an owner subscription receives)', () => {
  it('names the owner, audience owner and the digests the drain judged deliverable, within SNS limits', () => {
    const policy = JSON.parse(ownerFilterPolicy('ada')) as Record<string, string[]>;
    expect(policy).toEqual({ userId: ['ada'], audience: ['owner'], ownerReach: ['reachable', 'unverified'] });
    // SNS: at most 5 keys and 150 value combinations per filter policy.
    expect(Object.keys(policy).length).toBeLessThanOrEqual(5);
    expect(Object.values(policy).reduce((n, values) => n * values.length, 1)).toBeLessThanOrEqual(150);
  });

  it('accepts only the exact owner policy as correct, whatever the key and value order', () => {
    expect(
      isOwnerFilterPolicy(
        '{"ownerReach":["unverified","reachable"],"audience":["owner"],"userId":["ada"]}',
        'ada',
      ),
    ).toBe(true);
    expect(isOwnerFilterPolicy(ownerFilterPolicy('ada'), 'ada')).toBe(true);
    expect(isOwnerFilterPolicy(ownerFilterPolicy('ada'), 'bob')).toBe(false);
    expect(isOwnerFilterPolicy(undefined, 'ada')).toBe(false);
  });

  it.each([
    ['the two-key policy of earlier versions', TWO_KEY('ada')],
    [
      'an extra key',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":["reachable","unverified"],"severity":["high"]}',
    ],
    ['ownerReach narrowed', '{"userId":["ada"],"audience":["owner"],"ownerReach":["reachable"]}'],
    [
      'ownerReach widened',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":["reachable","unverified","unreachable"]}',
    ],
    [
      'ownerReach repeating a value',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":["reachable","reachable"]}',
    ],
    [
      'a second owner',
      '{"userId":["ada","bob"],"audience":["owner"],"ownerReach":["reachable","unverified"]}',
    ],
    [
      'a second audience',
      '{"userId":["ada"],"audience":["owner","admin"],"ownerReach":["reachable","unverified"]}',
    ],
    [
      'an ownerReach prefix match',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":[{"prefix":"r"},"unverified"]}',
    ],
  ])('repairs %s (not the exact policy)', (_name, policy) => {
    expect(isOwnerFilterPolicy(policy, 'ada')).toBe(false);
  });

  it.each([
    ['the current policy', ownerFilterPolicy('ada')],
    ['the two-key policy of earlier versions (a superset: unreachable digests too)', TWO_KEY('ada')],
    [
      'a wider policy naming more owners and audiences',
      '{"audience":["owner","admin"],"userId":["bob","ada"]}',
    ],
    [
      'an ownerReach naming every verdict',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":["unreachable","unverified","reachable"]}',
    ],
  ])('knows %s delivers every digest the owner should get', (_name, policy) => {
    expect(deliversEveryDeliverableDigest(policy, 'ada')).toBe(true);
  });

  it.each([
    [
      'an ownerReach narrowed to unverified',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":["unverified"]}',
    ],
    [
      'an ownerReach narrowed to reachable',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":["reachable"]}',
    ],
    [
      'an ownerReach that is not a string list',
      '{"userId":["ada"],"audience":["owner"],"ownerReach":[{"prefix":"r"}]}',
    ],
    ['a severity key', '{"userId":["ada"],"audience":["owner"],"severity":["high"]}'],
    ['another owner', ownerFilterPolicy('bob')],
    ['audience admin', '{"userId":["ada"],"audience":["admin"]}'],
    ['no audience', '{"userId":["ada"]}'],
    ['a userId prefix match', '{"userId":[{"prefix":"a"}],"audience":["owner"]}'],
    ['an unparsable policy', '{"userId":'],
    ['no policy', undefined],
  ])('knows %s may hold back a digest the owner should get', (_name, policy) => {
    expect(deliversEveryDeliverableDigest(policy, 'ada')).toBe(false);
  });
});

describe('planSubscriptions', () => {
  it('creates a subscription for each active owner with an email, filtered on userId and audience owner', () => {
    const plan = planSubscriptions({
      owners: [active('ada', ' Ada@Example.com '), active('bob'), departed('cy', 'cy@x')],
      subscriptions: [],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      {
        kind: 'create',
        userId: 'ada',
        email: 'Ada@Example.com',
        filterPolicy: '{"userId":["ada"],"audience":["owner"],"ownerReach":["reachable","unverified"]}',
      },
    ]);
    expect(plan.states).toEqual([
      { userId: 'ada', state: 'pending' },
      { userId: 'bob', state: 'none' },
      { userId: 'cy', state: 'none' },
    ]);
    expect(plan.filterPolicies).toEqual({ current: 0, planned: 1 });
  });

  it('keeps a matching subscription and records confirmed (with its ARN) or pending', () => {
    const adas = ownerSub('ada', 'ADA@x');
    const plan = planSubscriptions({
      owners: [active('ada', 'ada@x'), active('bob', 'bob@x')],
      subscriptions: [adas, ownerSub('bob', 'bob@x', { pending: true })],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([]);
    expect(plan.states).toEqual([
      { userId: 'ada', state: 'confirmed', subscriptionArn: adas.arn },
      { userId: 'bob', state: 'pending' },
    ]);
  });

  it('repairs a wrong filter policy on the owner’s subscription', () => {
    const wrong = ownerSub('ada', 'ada@x', {
      filterPolicy: '{"userId":["ada"],"audience":["owner","admin"]}',
    });

    const plan = planSubscriptions({
      owners: [active('ada', 'ada@x')],
      subscriptions: [wrong],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      {
        kind: 'repair',
        userId: 'ada',
        subscriptionArn: wrong.arn,
        filterPolicy: ownerFilterPolicy('ada'),
        previous: wrong.filterPolicy,
      },
    ]);
    expect(plan.states).toEqual([{ userId: 'ada', state: 'confirmed', subscriptionArn: wrong.arn }]);
  });

  it('repairs the two-key policy of earlier versions in place: the subscription stays, confirmed', () => {
    const upgraded = ownerSub('ada', 'ada@x', { filterPolicy: TWO_KEY('ada') });

    const plan = planSubscriptions({
      owners: [active('ada', 'ada@x')],
      subscriptions: [upgraded],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      {
        kind: 'repair',
        userId: 'ada',
        subscriptionArn: upgraded.arn,
        filterPolicy: ownerFilterPolicy('ada'),
        previous: TWO_KEY('ada'),
      },
    ]);
    expect(plan.states).toEqual([{ userId: 'ada', state: 'confirmed', subscriptionArn: upgraded.arn }]);
    expect(plan.filterPolicies).toEqual({ current: 1, planned: 1 });
  });

  it('removes subscriptions of departed, removed and email-less owners, and moves a changed address', () => {
    const gone = ownerSub('gone', 'gone@x');
    const left = ownerSub('left', 'left@x');
    const mute = ownerSub('mute', 'mute@x');
    const moved = ownerSub('ada', 'old@x');

    const plan = planSubscriptions({
      owners: [active('ada', 'new@x'), departed('left', 'left@x'), active('mute')],
      subscriptions: [gone, left, mute, moved],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      {
        kind: 'remove',
        subscriptionArn: gone.arn,
        endpoint: 'gone@x',
        userId: 'gone',
        reason: 'not-in-directory',
      },
      { kind: 'remove', subscriptionArn: left.arn, endpoint: 'left@x', userId: 'left', reason: 'departed' },
      { kind: 'remove', subscriptionArn: mute.arn, endpoint: 'mute@x', userId: 'mute', reason: 'no-email' },
      {
        kind: 'remove',
        subscriptionArn: moved.arn,
        endpoint: 'old@x',
        userId: 'ada',
        reason: 'address-changed',
      },
      { kind: 'create', userId: 'ada', email: 'new@x', filterPolicy: ownerFilterPolicy('ada') },
    ]);
    expect(plan.filterPolicies).toEqual({ current: 4, planned: 1 });
  });

  it('keeps one of duplicate subscriptions: confirmed over pending, exact policy, exact spelling', () => {
    const pending = ownerSub('ada', 'ada@x', { pending: true });
    const wrongPolicy = ownerSub('ada', 'ada@x', {
      filterPolicy: '{"userId":["ada","bob"],"audience":["owner"]}',
    });
    const otherCase = ownerSub('ada', 'ADA@x');
    const exact = ownerSub('ada', 'ada@x');

    const plan = planSubscriptions({
      owners: [active('ada', 'ada@x')],
      subscriptions: [pending, wrongPolicy, otherCase, exact],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual(
      [otherCase, wrongPolicy, pending].map((s) => ({
        kind: 'remove',
        subscriptionArn: s.arn,
        endpoint: s.endpoint,
        userId: 'ada',
        reason: 'duplicate',
      })),
    );
    expect(plan.states).toEqual([{ userId: 'ada', state: 'confirmed', subscriptionArn: exact.arn }]);
  });

  it('never touches admin or machine subscribers, nor email without an owner filter', () => {
    const others: TopicSubscription[] = [
      {
        arn: 'arn:q',
        protocol: 'sqs',
        endpoint: 'arn:aws:sqs:q',
        filterPolicy: '{"audience":["owner"]}',
        pending: false,
      },
      { arn: 'arn:l', protocol: 'lambda', endpoint: 'arn:aws:lambda:f', pending: false },
      {
        arn: 'arn:h',
        protocol: 'https',
        endpoint: 'https://hook',
        filterPolicy: '{"userId":["gone"],"audience":["owner"]}',
        pending: false,
      },
      {
        arn: 'arn:a',
        protocol: 'email',
        endpoint: 'sec@x',
        filterPolicy: '{"audience":["admin"]}',
        pending: false,
      },
      { arn: 'arn:e', protocol: 'email', endpoint: 'all@x', pending: false },
    ];

    const plan = planSubscriptions({
      owners: [departed('gone', 'g@x')],
      subscriptions: others,
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([]);
    expect(plan.untouched).toBe(5);
  });

  it('counts an arn-less pending subscription to the owner’s address as pending and creates nothing', () => {
    const plan = planSubscriptions({
      owners: [active('ada', 'Ada@x')],
      subscriptions: [pendingArnless('ada@x'), pendingArnless('stranger@x')],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([]);
    expect(plan.states).toEqual([{ userId: 'ada', state: 'pending' }]);
    expect(plan.untouched).toBe(2);
    expect(plan.filterPolicies).toEqual({ current: 2, planned: 2 });
  });

  it('reports a conflict instead of subscribing an address that has a non-owner email subscription', () => {
    const plan = planSubscriptions({
      owners: [active('ada', 'sec@x')],
      subscriptions: [
        {
          arn: 'arn:a',
          protocol: 'email',
          endpoint: 'sec@x',
          filterPolicy: '{"audience":["admin"]}',
          pending: false,
        },
      ],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([]);
    expect(plan.conflicts).toEqual([
      { userId: 'ada', email: 'sec@x', reason: 'non-owner-subscription', subscriptionArn: 'arn:a' },
    ]);
    expect(plan.states).toEqual([{ userId: 'ada', state: 'none' }]);
  });

  it('does not subscribe an owner whose userId holds " or \\ (an SNS filter cannot be trusted to match it): a conflict, state none', () => {
    const quote = 'team"lead';
    const backslash = 'corp\\ada';
    const plan = planSubscriptions({
      owners: [
        active(quote, 'q@x'),
        active(backslash, 'shared@x'),
        active('bob', 'shared@x'),
        { ...active('gone"opt', 'g@x'), subscription: 'unsubscribed' },
      ],
      // a subscription made before (its filter names the id): removed, with the reason
      subscriptions: [ownerSub(quote, 'q@x')],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      expect.objectContaining({ kind: 'remove', userId: quote, endpoint: 'q@x', reason: 'unfilterable-id' }),
      { kind: 'create', userId: 'bob', email: 'shared@x', filterPolicy: ownerFilterPolicy('bob') },
    ]);
    // the other owner at a shared address keeps it: no shared-address conflict for an owner never subscribable
    expect(plan.conflicts).toEqual([
      { userId: backslash, email: 'shared@x', reason: 'unfilterable-id' },
      { userId: 'gone"opt', email: 'g@x', reason: 'unfilterable-id' },
      { userId: quote, email: 'q@x', reason: 'unfilterable-id' },
    ]);
    expect(plan.states).toEqual([
      { userId: quote, state: 'none' },
      { userId: backslash, state: 'none' },
      { userId: 'bob', state: 'pending' },
      { userId: 'gone"opt', state: 'unsubscribed' },
    ]);
  });

  it('subscribes one owner of an address several active owners share and reports the others as conflicts', () => {
    // SNS allows one subscription per topic, protocol and address: a second Subscribe would be refused every run.
    const plan = planSubscriptions({
      owners: [
        active('cy', 'team@x'),
        active('bob', ' Team@X '),
        active('ada', 'team@x'),
        active('dee', 'dee@x'),
      ],
      subscriptions: [],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      { kind: 'create', userId: 'ada', email: 'team@x', filterPolicy: ownerFilterPolicy('ada') },
      { kind: 'create', userId: 'dee', email: 'dee@x', filterPolicy: ownerFilterPolicy('dee') },
    ]);
    expect(plan.conflicts).toEqual([
      { userId: 'bob', email: 'Team@X', reason: 'shared-address', sharedWith: 'ada' },
      { userId: 'cy', email: 'team@x', reason: 'shared-address', sharedWith: 'ada' },
    ]);
    expect(plan.states).toEqual([
      { userId: 'cy', state: 'none' },
      { userId: 'bob', state: 'none' },
      { userId: 'ada', state: 'pending' },
      { userId: 'dee', state: 'pending' },
    ]);
  });

  it('leaves a shared address with the owner its confirmed subscription names, and never counts the others pending', () => {
    const bobs = ownerSub('bob', 'team@x');

    const confirmedBob = planSubscriptions({
      owners: [active('ada', 'team@x'), active('bob', 'team@x')],
      subscriptions: [bobs],
      topicArn: TOPIC,
      route: 'sns-email',
    });
    const pendingArnless = planSubscriptions({
      owners: [active('ada', 'team@x'), active('bob', 'team@x')],
      subscriptions: [
        { arn: PENDING_CONFIRMATION_ARN, protocol: 'email', endpoint: 'team@x', pending: true },
      ],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(confirmedBob.operations).toEqual([]);
    expect(confirmedBob.conflicts).toEqual([
      { userId: 'ada', email: 'team@x', reason: 'shared-address', sharedWith: 'bob' },
    ]);
    expect(confirmedBob.states).toEqual([
      { userId: 'ada', state: 'none' },
      { userId: 'bob', state: 'confirmed', subscriptionArn: bobs.arn },
    ]);
    expect(pendingArnless.operations).toEqual([]);
    expect(pendingArnless.conflicts.map((c) => c.userId)).toEqual(['bob']);
    expect(pendingArnless.states).toEqual([
      { userId: 'ada', state: 'pending' },
      { userId: 'bob', state: 'none' },
    ]);
  });

  it('repairs a subscription naming two owners of one address down to the one who keeps it, reporting the other', () => {
    const both = ownerSub('ada', 'team@x', { filterPolicy: '{"userId":["bob","ada"],"audience":["owner"]}' });

    const plan = planSubscriptions({
      owners: [active('bob', 'team@x'), active('ada', 'team@x')],
      subscriptions: [both],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      {
        kind: 'repair',
        userId: 'ada',
        subscriptionArn: both.arn,
        filterPolicy: ownerFilterPolicy('ada'),
        previous: both.filterPolicy,
      },
    ]);
    expect(plan.conflicts).toEqual([
      { userId: 'bob', email: 'team@x', reason: 'shared-address', sharedWith: 'ada' },
    ]);
    expect(plan.states).toEqual([
      { userId: 'bob', state: 'none' },
      { userId: 'ada', state: 'confirmed', subscriptionArn: both.arn },
    ]);
  });

  it('removes a second spelling’s subscription of an owner whose address another owner keeps (reason shared-address)', () => {
    const adas = ownerSub('ada', 'team@x');
    const bobs = ownerSub('bob', 'TEAM@x');

    const plan = planSubscriptions({
      owners: [active('ada', 'team@x'), active('bob', 'team@x')],
      subscriptions: [adas, bobs],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([
      {
        kind: 'remove',
        subscriptionArn: bobs.arn,
        endpoint: 'TEAM@x',
        userId: 'bob',
        reason: 'shared-address',
      },
    ]);
    expect(plan.conflicts.map((c) => [c.userId, c.sharedWith])).toEqual([['bob', 'ada']]);
  });

  it('on the relay route removes every owner subscription and wants none', () => {
    const ada = ownerSub('ada', 'ada@x');

    const plan = planSubscriptions({
      owners: [active('ada', 'ada@x')],
      subscriptions: [ada],
      topicArn: TOPIC,
      route: 'relay',
    });

    expect(plan.operations).toEqual([
      { kind: 'remove', subscriptionArn: ada.arn, endpoint: 'ada@x', userId: 'ada', reason: 'route-relay' },
    ]);
    expect(plan.states).toEqual([{ userId: 'ada', state: 'none' }]);
  });

  it('is idempotent: the plan over the state it produces is empty', () => {
    const owners = [active('ada', 'ada@x'), active('bob', 'bob@x'), departed('cy', 'cy@x')];
    const first = planSubscriptions({
      owners,
      subscriptions: [ownerSub('cy', 'cy@x')],
      topicArn: TOPIC,
      route: 'sns-email',
    });
    const after = first.operations
      .filter((o) => o.kind === 'create')
      .map((o) => pendingArnless(o.kind === 'create' ? o.email : ''));

    const second = planSubscriptions({ owners, subscriptions: after, topicArn: TOPIC, route: 'sns-email' });

    expect(first.operations).toHaveLength(3);
    expect(second.operations).toEqual([]);
    expect(second.states).toEqual(first.states);
  });
});

describe('filterPolicyQuotaProblem', () => {
  const owners = Array.from({ length: 5 }, (_, i) => active(`u${i}`, `u${i}@x`));
  const machine: TopicSubscription = {
    arn: 'arn:q',
    protocol: 'sqs',
    endpoint: 'q',
    filterPolicy: '{"audience":["owner"]}',
    pending: false,
  };

  it('names the quota, the number needed and how to raise it when the plan would pass it', () => {
    const plan = planSubscriptions({ owners, subscriptions: [machine], topicArn: TOPIC, route: 'sns-email' });

    const problem = filterPolicyQuotaProblem(plan, 5);

    expect(problem).toBeInstanceOf(FilterPolicyQuotaError);
    expect(problem).toMatchObject({ quota: 5, needed: 6, creations: 5 });
    expect(problem?.message).toContain('would need 6 subscription filter policies');
    expect(problem?.message).toContain('quota of 5 filter policies per topic');
    expect(problem?.message).toContain('"Filter policies per topic" in Service Quotas');
    expect(problem?.message).toContain('ownerDelivery to relay');
  });

  it('accepts a plan one below the quota (one filter policy kept free), and one that creates nothing whatever the count', () => {
    const sixAfter = planSubscriptions({
      owners,
      subscriptions: [machine],
      topicArn: TOPIC,
      route: 'sns-email',
    });
    const nothingToCreate = planSubscriptions({
      owners: [],
      subscriptions: [machine],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    // 6 filter policies after the plan: a quota of 7 leaves one free; at 6 none would be, so it stops
    expect(filterPolicyQuotaProblem(sixAfter, 7)).toBeUndefined();
    expect(filterPolicyQuotaProblem(sixAfter, 6)).toMatchObject({ quota: 6, needed: 6, leftOut: 1 });
    expect(filterPolicyQuotaProblem(nothingToCreate, 0)).toBeUndefined();
  });
});
