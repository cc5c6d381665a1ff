/**
 * Property (docs/notifications.md, "Subscription reconciler"): whatever
 * happens between reconciler runs — owners confirm, ignore (SNS expires the
 * subscription), click an email's unsubscribe link, move, leave and come back,
 * share addresses, the route goes to `relay` and back, an operator runs
 * `owners resubscribe` — the reconciler records an owner `unsubscribed` only
 * after an unsubscribe link deleted a subscription of theirs (since their
 * address last changed or an operator resubscribed them), and never
 * subscribes an owner it had recorded `unsubscribed`. Its own removals are
 * never taken for an opt-out. The real reconciler over a model topic that
 * lists like SNS (an unconfirmed subscription without its ARN or filter).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { PENDING_CONFIRMATION_ARN, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const USERS = ['ada', 'bob', 'cy'] as const;
const ADDRESSES = ['a@x', 'b@x', 'team@x'] as const;

interface ModelSubscription {
  readonly arn: string;
  readonly endpoint: string;
  filterPolicy: string;
  pending: boolean;
}

/** The topic's owner email subscriptions as SNS keeps and lists them. */
class ModelTopic implements TopicSubscriptions {
  readonly topicArn = 'arn:aws:sns:us-east-1:1:t';
  readonly subscriptions: ModelSubscription[] = [];
  private next = 0;

  async list(): Promise<readonly TopicSubscription[]> {
    return this.subscriptions.map((s) =>
      s.pending
        ? { arn: PENDING_CONFIRMATION_ARN, protocol: 'email', endpoint: s.endpoint, pending: true }
        : {
            arn: s.arn,
            protocol: 'email',
            endpoint: s.endpoint,
            filterPolicy: s.filterPolicy,
            pending: false,
          },
    );
  }
  async create(email: string, filterPolicy: string): Promise<string> {
    if (this.subscriptions.some((s) => s.endpoint === email)) throw new Error(`${email} is subscribed`);
    const arn = `${this.topicArn}:${++this.next}`;
    this.subscriptions.push({ arn, endpoint: email, filterPolicy, pending: true });
    return arn;
  }
  async setFilterPolicy(arn: string, filterPolicy: string): Promise<void> {
    const found = this.subscriptions.find((s) => s.arn === arn);
    if (found) found.filterPolicy = filterPolicy;
  }
  async remove(arn: string): Promise<void> {
    const at = this.subscriptions.findIndex((s) => s.arn === arn);
    if (at >= 0) this.subscriptions.splice(at, 1);
  }
  /** The recipient at `address` clicks an email's unsubscribe link; returns the owners the deleted subscriptions named. */
  clickUnsubscribe(address: string): string[] {
    const clicked = this.subscriptions.filter((s) => !s.pending && s.endpoint === address);
    for (const s of clicked) this.subscriptions.splice(this.subscriptions.indexOf(s), 1);
    return clicked.flatMap((s) => (JSON.parse(s.filterPolicy) as { userId: string[] }).userId);
  }
}

const user = fc.constantFrom(...USERS);
const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('reconcile' as const),
      route: fc.constantFrom('sns-email' as const, 'relay' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'confirm' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('click' as const), address: fc.constantFrom(...ADDRESSES) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      who: user,
      email: fc.option(fc.constantFrom(...ADDRESSES), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      who: user,
      status: fc.constantFrom('active' as const, 'departed' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resubscribe' as const), who: user }) },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** The world between runs: the directory, the topic, and who really unsubscribed. */
interface World {
  readonly directory: MemoryOwnerRegistry;
  readonly topic: ModelTopic;
  /** Owners a clicked unsubscribe link removed a subscription of (until a new address or an operator clears it). */
  readonly optedOut: Set<string>;
}

function update(world: World, userId: string, change: (o: OwnerRecord) => OwnerRecord): void {
  world.directory.owners = world.directory.owners.map((o) => (o.userId === userId ? change(o) : o));
}

/** Applies one step that is not a reconcile (what owners, SNS, the import and operators do). */
function happen(world: World, s: Exclude<Step, { kind: 'reconcile' }>): void {
  switch (s.kind) {
    case 'confirm':
      for (const sub of world.topic.subscriptions) sub.pending = false;
      return;
    case 'expire':
      world.topic.subscriptions.splice(0, Infinity, ...world.topic.subscriptions.filter((x) => !x.pending));
      return;
    case 'click':
      for (const id of world.topic.clickUnsubscribe(s.address)) world.optedOut.add(id);
      return;
    case 'move': {
      const before = world.directory.owners.find((o) => o.userId === s.who);
      if (before?.email === s.email) return;
      // The import writes the new address and clears the route state (docs/data-model.md, "Owner directory").
      update(world, s.who, ({ userId, status, name }) => ({
        userId,
        status,
        ...(name !== undefined && { name }),
        ...(s.email !== undefined && { email: s.email }),
      }));
      world.optedOut.delete(s.who);
      return;
    }
    case 'status':
      update(world, s.who, (o) => ({ ...o, status: s.status }));
      return;
    case 'resubscribe': {
      // `owners resubscribe`: only an owner recorded unsubscribed is changed (and only then is the opt-out undone:
      // a click the reconciler has not recorded yet still stands, and the command says it changed nothing).
      let changed = false;
      update(world, s.who, (o) => {
        if (o.subscription !== 'unsubscribed') return o;
        changed = true;
        const { subscriptionArn: _, ...rest } = o;
        return { ...rest, subscription: 'none' };
      });
      if (changed) world.optedOut.delete(s.who);
      return;
    }
  }
}

describe('the subscription reconciler and opt-outs (property)', () => {
  it('records unsubscribed only after an unsubscribe link, and never subscribes an owner it recorded unsubscribed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...USERS.map(() => fc.constantFrom(...ADDRESSES))),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        async (addresses, steps) => {
          const world: World = {
            directory: new MemoryOwnerRegistry(
              USERS.map((userId, i) => ({ userId, email: addresses[i], status: 'active' })),
            ),
            topic: new ModelTopic(),
            optedOut: new Set(),
          };
          for (const s of steps) {
            if (s.kind !== 'reconcile') {
              happen(world, s);
              continue;
            }
            const before = new Map(world.directory.owners.map((o) => [o.userId, o.subscription]));
            const summary = await reconcileSubscriptions(world, { route: s.route });

            const created = summary.operations.flatMap((o) => (o.kind === 'create' ? [o.userId] : []));
            expect(created.filter((id) => before.get(id) === 'unsubscribed')).toEqual([]);
            const unsubscribed = world.directory.owners.filter((o) => o.subscription === 'unsubscribed');
            expect(unsubscribed.map((o) => o.userId).filter((id) => !world.optedOut.has(id))).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
