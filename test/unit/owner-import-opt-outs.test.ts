/**
 * An export line's opt-out recorded over `pending` holds (docs/deploy.md,
 * "Moving a directory keeps the opt-outs"): the import's plan records
 * `unsubscribed` for an owner the table holds `pending` at the line's
 * address, and the reconciler's plan then keeps it — the arn-less pending
 * subscription SNS lists at the address is not taken for the owner's, and
 * once it expires unconfirmed nothing is created. Left `pending`, the owner
 * would be subscribed again: another confirmation email to someone who said
 * stop. Likewise over `none`, which a reconcile on route `relay` records for
 * every owner: left `none`, the relay would email someone who said stop.
 * Over either the owner is named apart (`optOutsOverNoneOrPending`, the
 * CLI's notice): `owners resubscribe` records `none` and the next reconcile
 * `pending`, so an older export imported after a resubscribe undoes it, and
 * the operator is told whichever of the two the table holds by then.
 */
import { describe, expect, it } from 'vitest';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { planOwnerImport } from '../../lambdas/hygiene/owner-import';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import {
  PENDING_CONFIRMATION_ARN,
  planSubscriptions,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';
const DAN = 'dan@example.com';

/** Dan as the target's first reconcile left him: subscribed, awaiting confirmation (no ARN). */
const danPending: OwnerRecord = { userId: 'dan', email: DAN, status: 'active', subscription: 'pending' };
/** Dan's line in the source's export: he said stop there. */
const danLine: ImportedOwner = {
  userId: 'dan',
  email: DAN,
  status: 'active',
  optOuts: { unsubscribed: true, optedOutAddresses: [] },
};
/** The confirmation SNS sent him: listed without its ARN, so its filter cannot be read. */
const arnlessPending: TopicSubscription = {
  arn: PENDING_CONFIRMATION_ARN,
  protocol: 'email',
  endpoint: DAN,
  pending: true,
};

/** Dan after the import's write of its plan (the state the store records: `unsubscribed`, no ARN). */
function importedDan(): OwnerRecord {
  const plan = planOwnerImport(new Map([['dan', danPending]]), [danLine], false);
  expect(plan).toMatchObject({
    updated: 1,
    optOutsKept: ['dan'],
    optOutsNotApplied: [],
    // pending may be a resubscribed owner's (below): named apart
    optOutsOverNoneOrPending: ['dan'],
  });
  const [upsert] = plan.upserts;
  expect(upsert).toMatchObject({ existed: true, resetRoute: false, read: { subscription: 'pending' } });
  const kept = upsert?.existed && !upsert.resetRoute ? upsert.keptOptOuts : undefined;
  expect(kept).toEqual({ state: 'unsubscribed', optedOutAddresses: [] });
  return { ...danPending, subscription: kept?.state };
}

const reconcile = (owner: OwnerRecord, subscriptions: readonly TopicSubscription[]) =>
  planSubscriptions({ owners: [owner], subscriptions, topicArn: TOPIC, route: 'sns-email' });

describe('an export line’s opt-out over a pending owner', () => {
  it('is recorded by the import, and the reconciler keeps it while the confirmation is pending, creating nothing', () => {
    const plan = reconcile(importedDan(), [arnlessPending]);

    expect(plan.operations).toEqual([]);
    expect(plan.states).toEqual([{ userId: 'dan', state: 'unsubscribed' }]);
  });

  it('holds once the unconfirmed subscription expired: nothing is created (left pending, it would be)', () => {
    const plan = reconcile(importedDan(), []);

    expect(plan.operations).toEqual([]);
    expect(plan.states).toEqual([{ userId: 'dan', state: 'unsubscribed' }]);
    // what the import used to leave: a new subscription, another confirmation email
    expect(reconcile(danPending, []).operations).toEqual([
      expect.objectContaining({ kind: 'create', userId: 'dan', email: DAN }),
    ]);
  });
});

describe('an export line’s opt-out over the none a relay reconcile recorded', () => {
  const danAsHrImported: OwnerRecord = { userId: 'dan', email: DAN, status: 'active' };
  const relayStateOf = (owner: OwnerRecord) =>
    planSubscriptions({ owners: [owner], subscriptions: [], topicArn: TOPIC, route: 'relay' }).states;

  it('is recorded by the import and named apart; the relay reconcile keeps it, and the relay does not email him', () => {
    // the target's first reconcile, on route relay: every owner recorded none
    expect(relayStateOf(danAsHrImported)).toEqual([{ userId: 'dan', state: 'none' }]);
    const danNone: OwnerRecord = { ...danAsHrImported, subscription: 'none' };
    expect(reachabilityOf(danNone, 'relay')).toEqual({ reachable: true });

    const plan = planOwnerImport(new Map([['dan', danNone]]), [danLine], false);

    expect(plan).toMatchObject({
      updated: 1,
      optOutsKept: ['dan'],
      optOutsNotApplied: [],
      optOutsOverNoneOrPending: ['dan'],
    });
    const [upsert] = plan.upserts;
    expect(upsert).toMatchObject({ read: { subscription: 'none' }, keptOptOuts: { state: 'unsubscribed' } });
    const imported: OwnerRecord = { ...danNone, subscription: 'unsubscribed' };
    expect(relayStateOf(imported)).toEqual([{ userId: 'dan', state: 'unsubscribed' }]);
    expect(reachabilityOf(imported, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });
});

describe('an export line’s opt-out over an owners resubscribe, before and after the next reconcile', () => {
  /** Dan as `owners resubscribe` left him: `none`, so the next reconcile subscribes him. */
  const danResubscribed: OwnerRecord = { userId: 'dan', email: DAN, status: 'active', subscription: 'none' };

  it('names him apart whether the table still holds none or the reconcile’s pending', () => {
    // the next reconcile on sns-email subscribes him: pending until he confirms
    const next = reconcile(danResubscribed, []);
    expect(next.operations).toEqual([expect.objectContaining({ kind: 'create', userId: 'dan', email: DAN })]);
    expect(next.states).toEqual([{ userId: 'dan', state: 'pending' }]);

    for (const subscription of ['none', 'pending'] as const) {
      const plan = planOwnerImport(
        new Map([['dan', { ...danResubscribed, subscription }]]),
        [danLine],
        false,
      );
      expect(plan.upserts).toEqual([
        expect.objectContaining({ keptOptOuts: expect.objectContaining({ state: 'unsubscribed' }) }),
      ]);
      expect(plan).toMatchObject({ optOutsKept: ['dan'], optOutsOverNoneOrPending: ['dan'] });
    }
  });
});
