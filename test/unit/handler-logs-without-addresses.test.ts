/**
 * The notifier's and the sweep's log lines hold no email address (docs/deploy.md, "Security choices"): an SES or
 * SNS refusal may name the address it refused (SES's sandbox `MessageRejected` lists it), a stored value quoted in
 * an invalid record's problem may be one, and the log group keeps its lines for its retention, outside the owner
 * directory's access control. Each handler masks the texts of the summary it logs (`withTextsMasked`,
 * lambdas/hygiene/errors.ts); the summary it returns keeps them whole. Real handlers over in-memory ports, with a
 * logger that keeps every line's fields.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { withoutAddressesForLog } from '../../lambdas/handlers/summary-log';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import type { FailedEntry } from '../../lambdas/hygiene/outbox-ports';
import { runSweep, SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { fakeTools } from '../infra/handler-tools';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

type NotifierModule = typeof import('../../lambdas/handlers/notifier');
type SweepModule = typeof import('../../lambdas/handlers/sweep');
let notifier: NotifierModule;
let sweep: SweepModule;

beforeAll(async () => {
  // The modules build their deployed dependencies at import: give them a valid environment first.
  vi.stubEnv('TABLE_NAME', 'unused');
  vi.stubEnv('TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:unused');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  try {
    notifier = await import('../../lambdas/handlers/notifier');
    sweep = await import('../../lambdas/handlers/sweep');
  } finally {
    vi.unstubAllEnvs();
  }
});

/** SES's sandbox refusal, naming the address it refused. */
const SES_REFUSAL =
  'Email address is not verified. The following identities failed the check: ada@corp.example';
const MASKED_REFUSAL =
  'Email address is not verified. The following identities failed the check: <email address>';

/** Every log line with its level, message and fields, the tools to hand a handler, and the logged fields as text. */
function recordingTools() {
  const { lines, tools } = fakeTools();
  /** All the logged fields as one JSON text, as CloudWatch would keep them. */
  const logged = () => JSON.stringify(lines.map((l) => l.fields));
  return { lines, tools, logged };
}

/** A publisher that refuses every entry as SES's sandbox refuses an unverified address. */
class RefusingPublisher extends RecordingPublisher {
  override async publishBatch(messages: readonly OutgoingMessage[]): Promise<{ failed: FailedEntry[] }> {
    return {
      failed: messages.map((m) => ({
        id: m.id,
        code: 'MessageRejected',
        message: SES_REFUSAL,
        senderFault: true,
      })),
    };
  }
}

describe('the notifier drain summary as logged', () => {
  it('masks the address in a delivery failure; the returned summary keeps the text', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('ada-pc', [outboxEvent({ credentialId: 'ada-pc', userId: 'ada' })]);
    const { lines, tools, logged } = recordingTools();
    const handler = notifier.createNotifierHandler({
      ...tools,
      outbox,
      publisher: new RefusingPublisher(),
      clock: () => Date.parse('2026-11-26T03:15:00Z'),
      ownerDelivery: 'relay',
    });

    const summary = await handler({}, { getRemainingTimeInMillis: () => 300_000 });

    expect(summary.failures.records).toEqual([
      expect.objectContaining({ userId: 'ada', code: 'MessageRejected', message: SES_REFUSAL }),
    ]);
    const line = lines.find((l) => l.message === 'notifier drain summary');
    expect(line?.level).toBe('warn');
    const { summary: loggedSummary } = (line?.fields ?? {}) as { summary: typeof summary };
    expect(loggedSummary.failures).toEqual({
      count: 1,
      omitted: 0,
      records: [expect.objectContaining({ userId: 'ada', code: 'MessageRejected', message: MASKED_REFUSAL })],
    });
    expect(loggedSummary.eventsFailed).toBe(summary.eventsFailed);
    expect(logged()).not.toContain('ada@corp.example');
  });
});

describe('the sweep run summary as logged', () => {
  /**
   * An enforce sweep over eleven expired credentials whose writes fail with `refusal` (one more than
   * `maxWriteFailures`: the run aborts) and one record whose `clientId` is a list holding an address (invalid).
   */
  async function abortedSweep(refusal: string) {
    const items = [
      ...Array.from({ length: 11 }, (_, i) => credential(`old-${i}`, { expiresTime: days(-1) })),
      credential('odd-1', { clientId: ['ada@corp.example'] }),
    ];
    const table = new MemoryTable(items);
    const writer = new MemoryWriter(table, {
      beforeWrite: () => {
        throw Object.assign(new Error(refusal), { name: 'MessageRejected' });
      },
    });
    const { lines, tools, logged } = recordingTools();
    const handler = sweep.createSweepHandler({
      ...tools,
      config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
      scanner: new MemoryScanner(table),
      writer,
      publishAdminSummary: async () => ({
        published: false,
        failure: {
          id: 'admin',
          code: 'InvalidParameter',
          message: `Invalid parameter: ${refusal}`,
          senderFault: true,
        },
      }),
      alarmTopic: {
        topicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
        listUnread: async () => {
          throw Object.assign(new Error(refusal), { name: 'AuthorizationError' });
        },
      },
      clock: () => NOW,
    });
    const error = await handler({}, { getRemainingTimeInMillis: () => 600_000 }).catch((e: unknown) => e);
    return { error, lines, logged };
  }

  it('masks the address in failed writes, the abort, an invalid record, the admin failure and the alarm check', async () => {
    const { error, lines, logged } = await abortedSweep(SES_REFUSAL);

    expect(error).toBeInstanceOf(SweepAbortedError);
    const { summary } = error as SweepAbortedError;
    expect(summary.failed.records[0]?.error).toBe(`MessageRejected: ${SES_REFUSAL}`);
    expect(summary.abortReason).toContain('ada@corp.example');
    expect(summary.invalid.records[0]?.problems.join()).toContain('ada@corp.example');

    const line = lines.find((l) => l.message === 'sweep run summary');
    const fields = line?.fields as { summary: typeof summary; aborted: string };
    expect(fields.summary.failed.records[0]?.error).toBe(`MessageRejected: ${MASKED_REFUSAL}`);
    expect(fields.summary.failed.count).toBe(11);
    expect(fields.summary.abortReason).toContain(MASKED_REFUSAL);
    expect(fields.aborted).toContain(MASKED_REFUSAL);
    expect(fields.summary.invalid.records[0]).toMatchObject({
      id: 'odd-1',
      problems: [expect.stringContaining('<email address>')],
    });
    const admin = lines.find((l) => l.message === 'admin run summary not published')?.fields;
    expect(admin).toEqual({
      failure: expect.objectContaining({ message: `Invalid parameter: ${MASKED_REFUSAL}` }),
    });
    const alarm = lines.find((l) => l.message === 'alarm topic subscriptions not checked')?.fields;
    expect(alarm).toMatchObject({ error: `AuthorizationError: ${MASKED_REFUSAL}` });
    expect(logged()).not.toContain('ada@corp.example');
  });

  it('leaves a text without an address as it is', async () => {
    const { lines } = await abortedSweep('Throughput exceeds the current capacity of your table');

    const fields = lines.find((l) => l.message === 'sweep run summary')?.fields as {
      summary: { failed: { records: { error: string }[] } };
    };
    expect(fields.summary.failed.records[0]?.error).toBe(
      'MessageRejected: Throughput exceeds the current capacity of your table',
    );
  });
});

describe('withoutAddressesForLog', () => {
  it('masks the directory, reach, manifest and too-large texts too, and adds no field', async () => {
    const table = new MemoryTable([credential('ok-1')]);
    const clean = await runSweep(
      { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
      { config: parseConfig({}), now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    const text = `AccessDeniedException: ${SES_REFUSAL}`;
    const summary = {
      ...clean,
      directory: { ...clean.directory, status: 'unreadable' as const, error: text },
      reach: { ...clean.reach, error: `owner lookup: ${text}` },
      manifest: { pages: 0, entries: 0, failed: text },
      tooLarge: { count: 1, records: [{ id: 'big-1', error: text }], omitted: 0 },
    };

    const logged = withoutAddressesForLog(summary);

    const masked = `AccessDeniedException: ${MASKED_REFUSAL}`;
    expect(logged.directory.error).toBe(masked);
    expect(logged.reach.error).toBe(`owner lookup: ${masked}`);
    expect(logged.manifest?.failed).toBe(masked);
    expect(logged.tooLarge?.records).toEqual([{ id: 'big-1', error: masked }]);
    expect(JSON.stringify(logged)).not.toContain('ada@corp.example');
    expect(Object.keys(logged).sort()).toEqual(Object.keys(summary).sort());
    expect(withoutAddressesForLog(clean)).toStrictEqual(clean);
  });
});
