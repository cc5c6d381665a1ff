/**
 * The limit of confirmation emails (lambdas/hygiene/subscription-confirmations.ts;
 * docs/notifications.md, "Pending subscriptions"): the plan subscribes an owner
 * with no subscription again only while fewer than `MAX_CONFIRMATION_EMAILS`
 * went unanswered at their address, the reconciler counts one per `Subscribe`
 * in the write that records `pending` and removes the count once the owner
 * confirms, never losing it otherwise, and the reach rule names the owner it
 * stopped for `subscription-unconfirmed`, with advice naming the command that
 * sends one more. An `owners export` line carries the count, and `owners
 * import` takes nothing from it (the exporting topic's emails, not this one's).
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';
import { MAX_CONFIRMATION_EMAILS } from '../../lambdas/hygiene/subscription-confirmations';
import { planSubscriptions, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { renderUnreachableReport } from '../../lambdas/hygiene/unreachable-report';
import { outboxEvent } from './outbox-fakes';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';

/** A topic in memory whose email subscriptions start pending; `lapse()` is SNS deleting the unconfirmed ones (48 h). */
class LapsingTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  readonly created: string[] = [];
  private subscriptions: TopicSubscription[] = [];
  async list() {
    return this.subscriptions.map((s) => (s.pending ? { ...s, arn: 'PendingConfirmation' } : s));
  }
  async create(email: string, filterPolicy: string) {
    const arn = `${TOPIC}:${this.created.push(email)}`;
    this.subscriptions.push({ arn, protocol: 'email', endpoint: email, filterPolicy, pending: true });
    return arn;
  }
  async setFilterPolicy() {}
  async remove(arn: string) {
    this.subscriptions = this.subscriptions.filter((s) => s.arn !== arn);
  }
  lapse() {
    this.subscriptions = this.subscriptions.filter((s) => !s.pending);
  }
  confirm() {
    this.subscriptions = this.subscriptions.map((s) => ({ ...s, pending: false }));
  }
}

const ada = (extra: Partial<OwnerRecord> = {}): OwnerRecord => ({
  userId: 'ada',
  email: 'ada@x',
  status: 'active',
  ...extra,
});

describe('planSubscriptions at the limit of confirmation emails', () => {
  it('does not subscribe again an owner whose address got the limit unanswered: none, listed as exhausted', () => {
    const plan = planSubscriptions({
      owners: [ada({ subscription: 'pending', confirmationEmailsSent: MAX_CONFIRMATION_EMAILS })],
      subscriptions: [],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(plan.operations).toEqual([]);
    expect(plan.states).toEqual([{ userId: 'ada', state: 'none' }]);
    expect(plan.confirmationsExhausted).toEqual([
      { userId: 'ada', email: 'ada@x', confirmationEmailsSent: MAX_CONFIRMATION_EMAILS },
    ]);
  });

  it('subscribes again below the limit, and leaves a pending link at the limit pending', () => {
    const below = planSubscriptions({
      owners: [ada({ subscription: 'pending', confirmationEmailsSent: MAX_CONFIRMATION_EMAILS - 1 })],
      subscriptions: [],
      topicArn: TOPIC,
      route: 'sns-email',
    });
    const stillPending = planSubscriptions({
      owners: [ada({ subscription: 'pending', confirmationEmailsSent: MAX_CONFIRMATION_EMAILS })],
      subscriptions: [{ arn: 'PendingConfirmation', protocol: 'email', endpoint: 'ada@x', pending: true }],
      topicArn: TOPIC,
      route: 'sns-email',
    });

    expect(below.operations.map((o) => o.kind)).toEqual(['create']);
    expect(below.confirmationsExhausted).toEqual([]);
    expect(stillPending.states).toEqual([{ userId: 'ada', state: 'pending' }]);
    expect(stillPending.confirmationsExhausted).toEqual([]);
  });
});

describe('reconcileSubscriptions counting confirmation emails', () => {
  it('after three lapses sends no fourth confirmation email, and keeps the count in every later run', async () => {
    const topic = new LapsingTopic();
    const directory = new MemoryOwnerRegistry([ada()]);
    const counts: (number | undefined)[] = [];
    for (let run = 0; run < MAX_CONFIRMATION_EMAILS; run++) {
      await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
      counts.push(directory.owners[0]?.confirmationEmailsSent);
      topic.lapse();
    }

    const fourth = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
    const fifth = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(counts).toEqual([1, 2, 3]);
    expect(topic.created).toEqual(['ada@x', 'ada@x', 'ada@x']);
    expect(fourth).toMatchObject({ created: 0, stateChanges: [{ userId: 'ada', state: 'none' }] });
    expect(fourth.confirmationsExhausted).toEqual([
      { userId: 'ada', email: 'ada@x', confirmationEmailsSent: 3 },
    ]);
    expect(fifth).toMatchObject({ created: 0, stateChanges: [] });
    expect(directory.owners).toEqual([ada({ subscription: 'none', confirmationEmailsSent: 3 })]);
    expect(reachabilityOf(directory.owners[0], 'sns-email')).toEqual({
      reachable: false,
      reason: 'subscription-unconfirmed',
    });
  });

  it('removes the count once the owner confirms (here the second link)', async () => {
    const topic = new LapsingTopic();
    const directory = new MemoryOwnerRegistry([ada()]);
    await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
    topic.lapse();
    await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });
    const afterSecond = directory.owners[0]?.confirmationEmailsSent;
    topic.confirm();

    await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(afterSecond).toBe(2);
    expect(directory.owners).toEqual([ada({ subscription: 'confirmed', subscriptionArn: `${TOPIC}:2` })]);
  });

  it('keeps the count when a creation is refused: the owner is recorded none, nothing lost', async () => {
    const topic = new LapsingTopic();
    topic.create = async () => {
      throw new Error('refused');
    };
    const directory = new MemoryOwnerRegistry([ada({ subscription: 'pending', confirmationEmailsSent: 2 })]);

    await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(directory.owners).toEqual([ada({ subscription: 'none', confirmationEmailsSent: 2 })]);
  });
});

describe('reach of an owner at the limit', () => {
  it('is subscription-unconfirmed on sns-email once no link is pending; pending while one is; below it no-subscription', () => {
    const at = { confirmationEmailsSent: MAX_CONFIRMATION_EMAILS };
    expect(reachabilityOf(ada({ subscription: 'none', ...at }), 'sns-email')).toEqual({
      reachable: false,
      reason: 'subscription-unconfirmed',
    });
    expect(reachabilityOf(ada({ subscription: 'pending', ...at }), 'sns-email')).toEqual({
      reachable: false,
      reason: 'subscription-pending',
    });
    expect(reachabilityOf(ada({ subscription: 'none', confirmationEmailsSent: 2 }), 'sns-email')).toEqual({
      reachable: false,
      reason: 'no-subscription',
    });
    expect(reachabilityOf(ada({ subscription: 'none', ...at }), 'relay')).toEqual({ reachable: true });
  });

  it('tells the admins in the report how many went unanswered and the command that sends one more', () => {
    const [part] = renderUnreachableReport({
      drainId: 'd-1',
      now: Date.parse('2026-12-07T00:00:00Z'),
      route: 'sns-email',
      owners: [
        {
          userId: 'ada',
          email: 'ada@x',
          reason: 'subscription-unconfirmed',
          events: [outboxEvent({ credentialId: 'c1', userId: 'ada' })],
        },
      ],
      invalidEvents: [],
      budget: snsLimits(),
    });
    const text = part?.message.text ?? '';

    expect(text).toContain(
      '  * ada at ada@x: did not confirm any of the 3 SNS confirmation emails sent to this address, so ' +
        'pc-hygiene sends no more [subscription-unconfirmed]',
    );
    expect(text).toContain(
      "run pc-hygiene owners resubscribe ada (add the deployment's --stack NAME): the reconciler’s next run",
    );
    expect(part?.message.document).toMatchObject({ owners: [{ reason: 'subscription-unconfirmed' }] });
  });
});

describe('an owners export line with a confirmation count', () => {
  it('is accepted, and the count is not imported', () => {
    const checked = checkOwnerRow(
      {
        line: 1,
        fields: {
          userId: 'ada',
          email: 'ada@example.com',
          status: 'active',
          subscription: 'none',
          confirmationEmailsSent: 3,
          directoryAsOf: '2026-12-07T00:00:00.000Z',
        },
      },
      new Map(),
    );

    expect(checked).toEqual({ owner: { userId: 'ada', email: 'ada@example.com', status: 'active' } });
  });
});
