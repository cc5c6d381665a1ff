/**
 * The subscription reconciler's log names owners by `userId`, never by
 * address: the summary it logs leaves out the `email` of every failed
 * operation, conflict, withdrawn creation and owner whose confirmation emails
 * ran out, and a removal's `endpoint`, and masks an address in an error text
 * (SNS may name the endpoint it refused). The log group keeps its lines for
 * a year by default, outside the owner directory's access control
 * (docs/deploy.md, "Security choices"). A quota stop carries its summary for
 * the handler, but not as an enumerable property: the Lambda runtime's error
 * line would repeat it whole.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FilterPolicyQuotaError } from '../../lambdas/hygiene/subscription-quota';
import { type ReconcileSummary, SubscriptionQuotaStop } from '../../lambdas/hygiene/subscription-reconciler';
import { importReconcilerHandler, type ReconcilerHandlerModule } from './reconciler-handler-module';

let handlerModule: ReconcilerHandlerModule;

beforeAll(async () => {
  handlerModule = await importReconcilerHandler();
});

const ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene:0f1e';

/** A run that met every list that carries an address. */
const SUMMARY = {
  dryRun: false,
  route: 'sns-email',
  owners: 4,
  operations: [{ kind: 'create', userId: 'ada', email: 'ada@corp.example', filterPolicy: '{}' }],
  created: 1,
  repaired: 0,
  removed: 0,
  failed: [
    {
      operation: { kind: 'create', userId: 'cy', email: 'cy@corp.example', filterPolicy: '{}' },
      error: 'InvalidParameterException: Invalid parameter: Endpoint cy@corp.example',
    },
    {
      operation: {
        kind: 'remove',
        userId: 'dee',
        subscriptionArn: ARN,
        endpoint: 'dee@old.example',
        reason: 'moved',
      },
      error: 'ThrottledException: Rate exceeded',
    },
  ],
  states: { confirmed: 0, pending: 1, unsubscribed: 0, none: 3 },
  stateChanges: [],
  skippedStateChanges: [],
  withdrawnAfterCreate: [
    { kind: 'withdraw', userId: 'eve', email: 'eve@corp.example', subscriptionArn: ARN, pendingLeft: true },
  ],
  unsubscribeGuard: { tripped: false, overridden: false, newlyUnsubscribed: [], confirmedBefore: 0 },
  conflicts: [
    { userId: 'bob', email: 'team-alias@corp.example', reason: 'shared-address', sharedWith: 'ada' },
  ],
  confirmationsExhausted: [{ userId: 'fay', email: 'fay@corp.example', confirmationEmailsSent: 3 }],
  untouched: 0,
  filterPolicies: { current: 1, planned: 2, quota: 200 },
  adminSubscriptions: 1,
} as unknown as ReconcileSummary;

describe('the reconciler summary as logged', () => {
  it('keeps every owner and reason, without an address', () => {
    const logged = handlerModule.loggedSummary(SUMMARY);
    const text = JSON.stringify(logged);

    expect(text).not.toContain('@');
    expect(logged.failed).toEqual([
      {
        operation: { kind: 'create', userId: 'cy', filterPolicy: '{}' },
        error: 'InvalidParameterException: Invalid parameter: Endpoint <email address>',
      },
      {
        operation: { kind: 'remove', userId: 'dee', subscriptionArn: ARN, reason: 'moved' },
        error: 'ThrottledException: Rate exceeded',
      },
    ]);
    expect(logged.conflicts).toEqual([{ userId: 'bob', reason: 'shared-address', sharedWith: 'ada' }]);
    expect(logged.withdrawnAfterCreate).toEqual([
      { kind: 'withdraw', userId: 'eve', subscriptionArn: ARN, pendingLeft: true },
    ]);
    expect(logged.confirmationsExhausted).toEqual([{ userId: 'fay', confirmationEmailsSent: 3 }]);
    expect(logged).not.toHaveProperty('operations');
  });
});

describe('SubscriptionQuotaStop', () => {
  it('carries its summary, out of the runtime error line', () => {
    const stop = new SubscriptionQuotaStop(new FilterPolicyQuotaError(200, 201, 1), SUMMARY);

    expect(stop.summary).toBe(SUMMARY);
    expect(JSON.stringify({ errorMessage: stop.message, ...stop })).not.toContain('@');
  });
});
