/**
 * Bounce reports paced across SES events invocations (docs/notifications.md,
 * "Size limits, splitting, batching and pacing"): the function runs one
 * invocation at a time (reserved concurrency 1, `lib/owner-email-relay.ts`),
 * and an invocation that published a report to the admins holds until they
 * may be sent to again (200 ms after its last publish call) before it returns
 * or fails, so a burst of bounces, one invocation each, reaches the admins'
 * email subscription no faster than one report's parts do. An invocation
 * that published nothing does not wait; the hold never eats into the time kept
 * after it (`SES_EVENTS_SAFETY_MARGIN_MS`). On virtual time: no real sleeps.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { SNSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import { RECIPIENT_SPACING_MS } from '../../lambdas/hygiene/notifier/pacing';
import type { FailedEntry } from '../../lambdas/hygiene/outbox-ports';
import { BounceReportPublishError } from '../../lambdas/relay/bounced-digest';
import { OWNER_TAG, ownerTags } from '../../lambdas/relay/email-tags';
import type { BounceDirectory } from '../../lambdas/relay/ses-events';
import { RecordingPublisher } from './outbox-fakes';
import { MemoryRelayLedger } from './support/relay-fakes';
import { VirtualTime } from './support/virtual-time';

type SesEventsModule = typeof import('../../lambdas/handlers/ses-events');
let sesEvents: SesEventsModule;

beforeAll(async () => {
  // The module builds its deployed dependencies at import: give it a valid environment first.
  vi.stubEnv('DIRECTORY_TABLE_NAME', 'unused');
  vi.stubEnv('RELAY_LEDGER_TABLE_NAME', 'unused');
  vi.stubEnv('TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:unused');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  try {
    sesEvents = await import('../../lambdas/handlers/ses-events');
  } finally {
    vi.unstubAllEnvs();
  }
});

const T0 = Date.parse('2026-11-26T04:00:00.000Z');

/** A permanent bounce of the relay's email (SES message `messageId`) to ada: each is reported once. */
function bounce(messageId: string): string {
  return JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp: '2026-11-26T03:59:00.000Z',
    },
    mail: { messageId, tags: { [OWNER_TAG]: [ownerTags('ada')[OWNER_TAG]] } },
  });
}

/** A complaint about the relay's email to ada: recorded, nothing published. */
function complaint(): string {
  return JSON.stringify({
    eventType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: 'ada@example.com' }] },
    mail: { destination: ['ada@example.com'], tags: { [OWNER_TAG]: [ownerTags('ada')[OWNER_TAG]] } },
  });
}

/** A directory where ada holds `ada@example.com`, accepting every write. */
const directory: BounceDirectory = {
  getMany: async (ids) =>
    new Map(ids.map((userId) => [userId, { userId, email: 'ada@example.com', status: 'active' as const }])),
  markBouncing: async () => true,
  recordComplaint: async () => true,
  rememberOptedOutAddresses: async () => true,
};

/** A publisher that notes the virtual time each call starts at. */
class TimedPublisher extends RecordingPublisher {
  readonly startedAt: number[] = [];
  constructor(private readonly time: VirtualTime) {
    super();
  }

  override async publishBatch(messages: readonly OutgoingMessage[]): Promise<{ failed: FailedEntry[] }> {
    this.startedAt.push(this.time.now);
    return super.publishBatch(messages);
  }
}

/** The handler on virtual time; `invoke` runs one invocation with one SNS record per message. */
function handlerOn(time: VirtualTime) {
  const publisher = new TimedPublisher(time);
  const quiet = { info: () => undefined, warn: () => undefined };
  const handler = sesEvents.createSesEventsHandler({
    logger: quiet as unknown as Logger,
    metrics: { addMetric: () => undefined } as unknown as Metrics,
    tracer: {} as Tracer,
    directory,
    bouncedDigests: { ledger: new MemoryRelayLedger(), publisher, sleep: time.sleep },
    clock: time.clock,
  });
  const invoke = (messages: readonly string[], remainingMs = 30_000) =>
    time.run(
      handler({ Records: messages.map((Message) => ({ Sns: { Message } })) } as unknown as SNSEvent, {
        getRemainingTimeInMillis: () => remainingMs,
      }),
    );
  return { publisher, invoke };
}

describe('the SES events handler after a bounce report', () => {
  it('holds until the admins’ next turn, so consecutive invocations’ reports are 200 ms apart', async () => {
    const time = new VirtualTime(T0);
    const { publisher, invoke } = handlerOn(time);

    for (const id of ['m-1', 'm-2', 'm-3']) await invoke([bounce(id)]);

    expect(publisher.startedAt).toEqual([T0, T0 + RECIPIENT_SPACING_MS, T0 + 2 * RECIPIENT_SPACING_MS]);
    expect(time.waits).toEqual([RECIPIENT_SPACING_MS, RECIPIENT_SPACING_MS, RECIPIENT_SPACING_MS]);
  });

  it('paces two reports of one invocation as one report’s parts, then holds once', async () => {
    const time = new VirtualTime(T0);
    const { publisher, invoke } = handlerOn(time);

    const summary = await invoke([bounce('m-1'), bounce('m-2')]);

    expect(summary).toMatchObject({ digestsReported: 2 });
    expect(publisher.startedAt).toEqual([T0, T0 + RECIPIENT_SPACING_MS]);
    expect(time.now).toBe(T0 + 2 * RECIPIENT_SPACING_MS);
  });

  it('holds only the rest of the spacing when the publish itself took time', async () => {
    const time = new VirtualTime(T0);
    const { publisher, invoke } = handlerOn(time);
    const publish = publisher.publishBatch.bind(publisher);
    publisher.publishBatch = async (messages) => {
      const result = await publish(messages);
      time.now += 150;
      return result;
    };

    await invoke([bounce('m-1')]);

    expect(time.waits).toEqual([RECIPIENT_SPACING_MS - 150]);
  });

  it('holds when the report was refused too (the invocation fails and the next starts at once)', async () => {
    const time = new VirtualTime(T0);
    const { publisher, invoke } = handlerOn(time);
    publisher.failEntry = () => 'Throttled';

    await expect(invoke([bounce('m-1')])).rejects.toBeInstanceOf(BounceReportPublishError);

    expect(time.waits).toEqual([RECIPIENT_SPACING_MS]);
  });

  it('does not wait when it published nothing', async () => {
    const time = new VirtualTime(T0);
    const { publisher, invoke } = handlerOn(time);

    await invoke([complaint()]);

    expect(publisher.startedAt).toEqual([]);
    expect(time.waits).toEqual([]);
  });

  it('never holds into the time kept after it', async () => {
    const margin = sesEvents.SES_EVENTS_SAFETY_MARGIN_MS;
    const time = new VirtualTime(T0);
    const { invoke } = handlerOn(time);

    await invoke([bounce('m-1')], margin + 50);
    await invoke([bounce('m-2')], margin);

    expect(time.waits).toEqual([50]);
  });
});
