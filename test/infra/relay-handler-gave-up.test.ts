/**
 * The relay handler counts the records it gave up on (`EmailRelayGaveUp`), and names them in its `relay batch` log
 * line (`gaveUpRecords`: message id and owner): a record failed on the delivery whose
 * SQS `ApproximateReceiveCount` reaches the queue's `maxReceiveCount`, which it reads at cold start from
 * `RELAY_MAX_RECEIVE_COUNT` (set by the construct from the redrive policy's value; test/infra/owner-email-relay.test.ts)
 * and refuses when SQS would not accept it as one. The line names owners by `userId` only: an SES refusal naming the
 * address is logged with it masked. In-memory ledger and directory, a recording sender.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV, MissingEnvironmentError } from '../../lambdas/handlers/environment';
import { RELAY_METRIC } from '../../lambdas/handlers/metric-names';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from '../unit/support/relay-fakes';
import { fakeTools } from './handler-tools';
import { importRelayHandler } from './relay-handler-module';

type RelayModule = typeof import('../../lambdas/handlers/relay');
let relayModule: RelayModule;

beforeAll(async () => {
  relayModule = await importRelayHandler(3);
});

/** A logger that keeps each line's fields (`fakeTools` keeps only the message). */
function fieldLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  const logger = { appendKeys: () => undefined, info: log('info'), warn: log('warn'), error: log('error') };
  return { lines, logger: logger as unknown as Logger };
}

/** One invocation of a queue whose `maxReceiveCount` is 3 with `records`: ada emailed, SES rejecting bob. */
async function invoke(records: SQSEvent['Records'], rejection = 'MessageRejected: Illegal address') {
  const { metrics, tools } = fakeTools();
  const { lines, logger } = fieldLogger();
  const sender = new RecordingSender();
  sender.failFor.set('bob@example.com', new Error(rejection));
  const handler = relayModule.createRelayHandler({
    ...tools,
    logger,
    relay: {
      directory: memoryDirectory([
        { userId: 'ada', email: 'ada@example.com', status: 'active' },
        { userId: 'bob', email: 'bob@example.com', status: 'active' },
      ]),
      ledger: new MemoryRelayLedger(),
      sender,
      clock: () => SAMPLE_NOW + 5_000,
      from: 'Hygiene <hygiene@corp.example>',
    },
    maxReceiveCount: 3,
    // No record here is refused for SES's daily quota: nothing to hold (relay-handler-quota-deferral.test.ts).
    visibility: { hideFor: async () => undefined },
  });
  const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 30_000 });
  return { response, metrics, lines };
}

/** `userId`'s digest as SQS delivers it the `receive`th time. */
function onDelivery(userId: string, receive: number): SQSEvent['Records'][number] {
  const { messageId, body } = digestRecord(userId);
  return {
    messageId,
    body,
    attributes: { ApproximateReceiveCount: String(receive) },
  } as unknown as SQSEvent['Records'][number];
}

describe('the relay handler’s records given up on', () => {
  it('counts a record failed on the queue’s last delivery (ApproximateReceiveCount 3 of 3) in EmailRelayGaveUp', async () => {
    const { response, metrics } = await invoke([onDelivery('bob', 3), onDelivery('ada', 3)]);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-bob' }]);
    expect(metrics).toMatchObject({ [RELAY_METRIC.failed]: 1, [RELAY_METRIC.gaveUp]: 1 });
  });

  it('names each record given up on in the relay batch warning: its message id and owner, beside the count', async () => {
    const { lines } = await invoke([onDelivery('bob', 3), onDelivery('ada', 3)]);

    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'relay batch',
        fields: expect.objectContaining({
          gaveUp: 1,
          gaveUpRecords: [{ messageId: 'msg-bob', userId: 'bob' }],
        }),
      },
    ]);
  });

  it('names none for a record failed on an earlier delivery', async () => {
    const { lines } = await invoke([onDelivery('bob', 2)]);

    expect(lines[0]?.fields).toMatchObject({ failed: 1, gaveUp: 0, gaveUpRecords: [] });
  });

  it('emits 0 for a record failed on an earlier delivery (SQS delivers it again), and without a receive count', async () => {
    const earlier = await invoke([onDelivery('bob', 2)]);
    const { messageId, body } = digestRecord('bob');
    const unknown = await invoke([{ messageId, body } as unknown as SQSEvent['Records'][number]]);

    expect(earlier.metrics).toMatchObject({ [RELAY_METRIC.failed]: 1, [RELAY_METRIC.gaveUp]: 0 });
    expect(unknown.metrics).toMatchObject({ [RELAY_METRIC.failed]: 1, [RELAY_METRIC.gaveUp]: 0 });
  });
});

describe('the relay batch line and owner addresses', () => {
  it('masks an address SES’s refusal names (the sandbox’s MessageRejected lists it), keeping the owner’s userId', async () => {
    const rejection =
      'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: bob@example.com';
    const { lines } = await invoke([onDelivery('bob', 1)], rejection);

    expect(lines[0]?.fields.failures).toEqual([
      {
        userId: 'bob',
        error:
          'Error: MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: <email address>',
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('bob@example.com');
  });
});

describe('maxReceiveCountOf (RELAY_MAX_RECEIVE_COUNT, read at cold start)', () => {
  it('reads an integer from 1 to 1,000, SQS’s range', () => {
    expect(relayModule.maxReceiveCountOf({ [HANDLER_ENV.relayMaxReceiveCount]: '1' })).toBe(1);
    expect(relayModule.maxReceiveCountOf({ [HANDLER_ENV.relayMaxReceiveCount]: ' 5 ' })).toBe(5);
    expect(relayModule.maxReceiveCountOf({ [HANDLER_ENV.relayMaxReceiveCount]: '1000' })).toBe(1000);
  });

  it('refuses a missing variable, naming it, and a value SQS would not take, quoting it', () => {
    expect(() => relayModule.maxReceiveCountOf({})).toThrow(MissingEnvironmentError);
    expect(() => relayModule.maxReceiveCountOf({})).toThrow(HANDLER_ENV.relayMaxReceiveCount);
    for (const text of ['0', '1001', '3.5', '-2', 'five', '1e3']) {
      expect(() => relayModule.maxReceiveCountOf({ [HANDLER_ENV.relayMaxReceiveCount]: text })).toThrow(
        relayModule.InvalidMaxReceiveCountError,
      );
      expect(() => relayModule.maxReceiveCountOf({ [HANDLER_ENV.relayMaxReceiveCount]: text })).toThrow(
        JSON.stringify(text),
      );
    }
  });
});
