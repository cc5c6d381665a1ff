/**
 * The relay handler's time budget: Lambda's remaining time less
 * `RELAY_SAFETY_MARGIN_MS`, given to the relay (and through it to the
 * sender), so a record without time for one SES attempt fails alone,
 * unclaimed, counted in `EmailRelayOutOfTime` (docs/notifications.md, "The
 * relay's guarantees"). In-memory ledger and directory, a recording sender.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RELAY_METRIC } from '../../lambdas/handlers/metric-names';
import { RELAY_SAFETY_MARGIN_MS } from '../../lambdas/handlers/safety-margins';
import type { OutgoingEmail, SendBudget } from '../../lambdas/relay/ports';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from '../unit/support/relay-fakes';
import { fakeTools } from './handler-tools';
import { importRelayHandler } from './relay-handler-module';

type RelayModule = typeof import('../../lambdas/handlers/relay');
let relayModule: RelayModule;

beforeAll(async () => {
  relayModule = await importRelayHandler(5);
});

/** A sender that needs up to 10 s an attempt and notes the budget it was given. */
class BudgetNotingSender extends RecordingSender {
  readonly attemptMs = 10_000;
  readonly budgetsLeft: (number | undefined)[] = [];

  override send(email: OutgoingEmail, budget?: SendBudget) {
    this.budgetsLeft.push(budget?.remainingMs());
    return super.send(email);
  }
}

/** One invocation with one record, `remainingTimeMs` left of it. */
async function invoke(remainingTimeMs: number) {
  const { metrics, logs, tools } = fakeTools();
  const ledger = new MemoryRelayLedger();
  const sender = new BudgetNotingSender();
  const handler = relayModule.createRelayHandler({
    ...tools,
    relay: {
      directory: memoryDirectory([{ userId: 'ada', email: 'ada@example.com', status: 'active' }]),
      ledger,
      sender,
      clock: () => SAMPLE_NOW + 5_000,
      from: 'Hygiene <hygiene@corp.example>',
    },
    maxReceiveCount: 5,
    // No record here is refused for SES's daily quota: nothing to hold (relay-handler-quota-deferral.test.ts).
    visibility: { hideFor: async () => undefined },
  });
  const { messageId, body } = digestRecord('ada');
  const event = { Records: [{ messageId, body }] } as Parameters<typeof handler>[0];
  const response = await handler(event, { getRemainingTimeInMillis: () => remainingTimeMs });
  return { response, metrics, logs, ledger, sender };
}

describe('relay handler time budget', () => {
  it('is Lambda’s remaining time less the safety margin, handed to the sender', async () => {
    const { response, metrics, sender } = await invoke(30_000);

    expect(RELAY_SAFETY_MARGIN_MS).toBe(15_000);
    expect(response.batchItemFailures).toEqual([]);
    expect(sender.budgetsLeft).toEqual([15_000]);
    expect(metrics).toMatchObject({ [RELAY_METRIC.sent]: 1, [RELAY_METRIC.outOfTime]: 0 });
  });

  it('fails a record without time for one attempt after the margin: unclaimed, untried, EmailRelayOutOfTime', async () => {
    // 24.999 s left: 9.999 s of budget, less than the sender's 10 s attempt
    const { response, metrics, logs, ledger, sender } = await invoke(24_999);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-ada' }]);
    expect(sender.sent).toEqual([]);
    expect(ledger.entries.size).toBe(0);
    expect(metrics).toMatchObject({
      [RELAY_METRIC.sent]: 0,
      [RELAY_METRIC.failed]: 1,
      [RELAY_METRIC.outOfTime]: 1,
    });
    expect(logs).toContainEqual({ level: 'warn', message: 'relay batch' });
  });
});
