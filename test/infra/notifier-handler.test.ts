/**
 * The notifier handler's own logic, with the in-memory outbox: the drain's
 * failures that no function error shows — store errors (the drain completes),
 * events sent twice, malformed entries, an admin report not started — become
 * metrics (the `NotifierStoreErrors` alarm's input, the dashboard's lines) and
 * a warning; notices the credentials outgrew are counted too, without one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC } from '../../lambdas/handlers/metric-names';
import { NOTIFIER_SAFETY_MARGIN_MS } from '../../lambdas/handlers/safety-margins';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from '../unit/outbox-fakes';
import { InMemoryOwnerDirectory } from '../unit/owner-directory-fake';
import { fakeTools, importNotifierHandler } from './handler-tools';

type HandlerModule = typeof import('../../lambdas/handlers/notifier');
let handlerModule: HandlerModule;

beforeAll(async () => {
  handlerModule = await importNotifierHandler();
});

/** One drain over `outbox` through the handler; its metrics and the summary log line's level. */
async function drain(outbox: InMemoryOutbox) {
  const { metrics, logs, tools } = fakeTools();
  const handler = handlerModule.createNotifierHandler({
    ...tools,
    outbox,
    publisher: new RecordingPublisher(),
    clock: () => Date.parse('2026-11-26T03:15:00Z'),
    ownerDelivery: 'sns-email',
  });
  const summary = await handler({}, { getRemainingTimeInMillis: () => 300_000 });
  const level = logs.find((l) => l.message === 'notifier drain summary')?.level;
  return { summary, level, emitted: (name: string) => metrics[name] };
}

describe('notifier drain metrics and log level', () => {
  it('a clean drain: the three figures are 0 and the summary is logged at info', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('ada-pc', [outboxEvent({ credentialId: 'ada-pc', userId: 'ada' })]);
    const { level, emitted } = await drain(outbox);
    expect(
      [NOTIFIER_METRIC.storeErrors, NOTIFIER_METRIC.duplicatesSent, NOTIFIER_METRIC.malformedEvents].map(
        emitted,
      ),
    ).toEqual([0, 0, 0]);
    expect(level).toBe('info');
  });

  it('a malformed outbox entry (never sent): MalformedOutboxEvents, and a warning', async () => {
    const outbox = new InMemoryOutbox();
    const malformed = { eventId: 'e2', type: 'bogus', credentialId: 'ada-pc', userId: 'ada' } as never;
    outbox.append('ada-pc', [
      outboxEvent({ credentialId: 'ada-pc', userId: 'ada', eventId: 'e1' }),
      malformed,
    ]);
    const { summary, level, emitted } = await drain(outbox);
    expect(summary).toMatchObject({ malformedEvents: 1, eventsFailed: 0, storeErrors: 0, invalidEvents: 0 });
    expect(emitted(NOTIFIER_METRIC.malformedEvents)).toBe(1);
    expect(level).toBe('warn');
  });

  it('a notice the credential outgrew (renewed before the drain): SupersededOutboxEvents, removed unsent', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('ada-pc', [outboxEvent({ credentialId: 'ada-pc', userId: 'ada' })]);
    outbox.update('ada-pc', { expiresTime: '2027-06-01T00:00:00.000Z' });
    const { summary, level, emitted } = await drain(outbox);
    expect(summary).toMatchObject({ supersededEvents: 1, eventsPublished: 0, storeErrors: 0 });
    expect(emitted(NOTIFIER_METRIC.supersededEvents)).toBe(1);
    expect(outbox.pendingEvents()).toEqual([]);
    expect(level).toBe('info');
  });

  it('a mark that fails after the publish: the drain completes with a store error — NotifierStoreErrors, a warning', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('ada-pc', [outboxEvent({ credentialId: 'ada-pc', userId: 'ada' })]);
    outbox.beforeMark = () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const { summary, level, emitted } = await drain(outbox);
    expect(summary).toMatchObject({ status: 'complete', eventsPublished: 1, storeErrors: 1 });
    expect(emitted(NOTIFIER_METRIC.storeErrors)).toBe(1);
    expect(level).toBe('warn');
  });

  it('events another drain had already removed (sent twice): DuplicateEventsSent, and a warning', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('ada-pc', [
      outboxEvent({ credentialId: 'ada-pc', userId: 'ada' }),
      outboxEvent({ credentialId: 'ada-pc', userId: 'ada', type: 'stale-warning' }),
    ]);
    outbox.beforeMark = () => outbox.items.delete('ada-pc');
    const { summary, level, emitted } = await drain(outbox);
    expect(summary).toMatchObject({ eventsPublished: 2, eventsAlreadyMarked: 2, storeErrors: 0 });
    expect(emitted(NOTIFIER_METRIC.duplicatesSent)).toBe(2);
    expect(level).toBe('warn');
  });

  it('an admin report its time budget left no room for: the waiting events count in EventsFailed, and a warning', async () => {
    const outbox = new InMemoryOutbox();
    // ghost is not in the directory: their digest is published, their event waits for the admin report.
    outbox.append('ghost-pc', [outboxEvent({ credentialId: 'ghost-pc', userId: 'ghost' })]);
    const { metrics, logs, tools } = fakeTools();
    let remainingMs = 300_000;
    const publisher = new RecordingPublisher();
    const publish = publisher.publishBatch.bind(publisher);
    publisher.publishBatch = async (messages) => {
      // The digest's publish takes the invocation to its safety margin: the report does not start.
      remainingMs = NOTIFIER_SAFETY_MARGIN_MS;
      return publish(messages);
    };
    const handler = handlerModule.createNotifierHandler({
      ...tools,
      outbox,
      publisher,
      clock: () => Date.parse('2026-11-26T03:15:00Z'),
      directory: new InMemoryOwnerDirectory([]),
      ownerDelivery: 'sns-email',
    });

    const summary = await handler({}, { getRemainingTimeInMillis: () => remainingMs });

    expect(summary).toMatchObject({ status: 'incomplete', reportParts: 0, eventsFailed: 1, storeErrors: 0 });
    expect(metrics[NOTIFIER_METRIC.eventsFailed]).toBe(1);
    expect(logs.find((l) => l.message === 'notifier drain summary')?.level).toBe('warn');
  });
});
